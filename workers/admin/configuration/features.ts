// Features: created from a pipeline (one stage per pipeline stage, not deployed), with a key unique
// per team and a bucketing salt fixed to the key at creation (renaming keeps every user's bucket),
// a type, optional variants, lifecycle, owner and tags. Team admins and requesters change them;
// every member reads them. Every change writes a feature version and publishes the feature's
// environments.
import { and, asc, eq, max } from "drizzle-orm";
import { z } from "zod";
import { environments, FLAG_TYPES, features, featureStages, LIFECYCLES, pipelineStages, pipelines, prerequisites, variants } from "../../../db/schema";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import { featureCreated } from "../notifications/catalog";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, conflict } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import {
  commitFeatureChange, environmentIdsOf, featureSnapshot, guardFeatureWide, loadFeatureState, type FeatureRow, type FeatureState,
  type StageState, type VariantRow,
} from "./feature-state";
import { parseInput } from "../core/validation";
import { parseVariantValue, VARIANT_KEY, VARIANT_KEY_MESSAGE } from "./variant-values";

export const FEATURE_KEY = /^[A-Za-z][A-Za-z0-9_.-]{1,99}$/;
const keySchema = z.string().regex(FEATURE_KEY, "must be 2-100 characters: letters, digits, '_', '.' or '-', starting with a letter");
const tagsSchema = z.array(z.string().trim().min(1).max(50)).max(20).transform((tags) => [...new Set(tags)]);
const ownerSchema = z.string().trim().max(200).nullable();
const descriptionSchema = z.string().trim().max(1000);
const nameSchema = z.string().trim().min(1).max(200);
const httpUrl = z.string().trim().max(2000).refine((text) => {
  try { return ["http:", "https:"].includes(new URL(text).protocol); } catch { return false; }
}, "must be an http(s) URL");
/** Bookkeeping fields (the original's purpose, reference_url, expires_at, cleanup_reason); null clears. */
const metadataFields = {
  purpose: z.string().trim().max(1000).nullable(),
  referenceUrl: httpUrl.nullable(),
  expiresAt: z.date().nullable(),
  cleanupReason: z.string().trim().max(1000).nullable(),
};

const createInput = z.object({
  teamId: z.string().min(1),
  pipelineId: z.string().min(1),
  key: keySchema,
  name: nameSchema.optional(),
  type: z.enum(FLAG_TYPES),
  description: descriptionSchema.default(""),
  lifecycle: z.enum(LIFECYCLES).default("draft"),
  owner: ownerSchema.default(null),
  tags: tagsSchema.default([]),
  purpose: metadataFields.purpose.default(null),
  referenceUrl: metadataFields.referenceUrl.default(null),
  expiresAt: metadataFields.expiresAt.default(null),
  cleanupReason: metadataFields.cleanupReason.default(null),
  variants: z.array(z.object({
    key: z.string().regex(VARIANT_KEY, VARIANT_KEY_MESSAGE),
    value: z.string().max(100_000),
    description: z.string().trim().max(500).default(""),
  }).strict()).max(50).default([]),
  /** Served when no rule matches / when off; default: `off` for booleans, else the first variant. */
  defaultVariant: z.string().optional(),
  offVariant: z.string().optional(),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  key: keySchema.optional(),
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  lifecycle: z.enum(LIFECYCLES).optional(),
  owner: ownerSchema.optional(),
  tags: tagsSchema.optional(),
  purpose: metadataFields.purpose.optional(),
  referenceUrl: metadataFields.referenceUrl.optional(),
  expiresAt: metadataFields.expiresAt.optional(),
  cleanupReason: metadataFields.cleanupReason.optional(),
  /** The version the caller edited; CONFLICT when the feature has moved on. */
  expectedVersion: z.number().int().positive().optional(),
  freezeOverrideReason: z.string().nullable().optional(),
}).strict();

const duplicateKey = "A feature with this key already exists in the team";

/** The list and its filters live in feature-list.ts. */
export { listFeatures } from "./feature-list";

export async function getFeature(deps: ControlDeps, principal: Principal, id: string): Promise<FeatureRow> {
  await authorizeEntity(deps, principal, "feature", id, ANY_TEAM_ROLE);
  const [row] = await deps.db.select().from(features).where(eq(features.id, id)).limit(1);
  return row!;
}

export async function createFeature(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, CONFIGURE_FEATURES);
  const stages = await deps.db.select({ environmentId: pipelineStages.environmentId, environmentKey: environments.key })
    .from(pipelineStages).innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
    .innerJoin(environments, eq(environments.id, pipelineStages.environmentId))
    .where(and(eq(pipelineStages.pipelineId, input.pipelineId), eq(pipelines.teamId, input.teamId)))
    .orderBy(asc(pipelineStages.position));
  if (stages.length === 0) throw badInput("input.pipelineId", "input.pipelineId: not a pipeline of this team (or it has no stages)");
  const now = deps.now();
  const feature: FeatureRow = {
    id: crypto.randomUUID(), teamId: input.teamId, key: input.key, name: input.name ?? input.key, type: input.type,
    salt: input.key, description: input.description, lifecycle: input.lifecycle, owner: input.owner, tags: input.tags,
    purpose: input.purpose, referenceUrl: input.referenceUrl, expiresAt: input.expiresAt, cleanupReason: input.cleanupReason,
    pipelineId: input.pipelineId, killSwitchActive: false, killSwitchReason: null, killSwitchActivatedAt: null,
    killSwitchActivatedBy: null, killSwitchRollbackAt: null, version: 1, createdAt: now, updatedAt: now,
  };
  const variantRows: VariantRow[] = input.variants.map((v, position) => {
    if (input.variants.findIndex((other) => other.key === v.key) !== position) {
      throw badInput(`input.variants.${position}.key`, `input.variants.${position}.key: variant ${v.key} appears twice`);
    }
    return {
      id: crypto.randomUUID(), featureId: feature.id, key: v.key, description: v.description, position,
      value: parseVariantValue(v.value, feature.type, `input.variants.${position}.value`),
    };
  });
  const keys = new Set(variantRows.length || feature.type !== "boolean" ? variantRows.map((v) => v.key) : ["on", "off"]);
  const fallback = feature.type === "boolean" && keys.has("off") ? "off" : variantRows[0]?.key ?? null;
  for (const field of ["defaultVariant", "offVariant"] as const) {
    const chosen = input[field];
    if (chosen !== undefined && !keys.has(chosen)) throw badInput(`input.${field}`, `input.${field}: unknown variant ${chosen}`);
  }
  const state: FeatureState = {
    feature,
    variants: variantRows,
    stages: stages.map((stage, position): StageState => ({
      id: crypto.randomUUID(), featureId: feature.id, environmentId: stage.environmentId, position, status: "NOT_DEPLOYED",
      defaultVariant: input.defaultVariant ?? fallback, offVariant: input.offVariant ?? fallback, requestedBy: null,
      requestedAt: null, decidedBy: null, decidedAt: null, updatedAt: now, environmentKey: stage.environmentKey, rules: [],
    })),
    prerequisites: [],
  };
  await uniqueOrConflict("features", duplicateKey, () => commit(deps, {
    actor: principal,
    statements: [
      deps.db.insert(features).values({ ...feature, version: 0 }),
      ...variantRows.map((v) => deps.db.insert(variants).values(v)),
      ...state.stages.map(({ environmentKey: _k, rules: _r, ...stage }) => deps.db.insert(featureStages).values(stage)),
    ],
    audit: [{ teamId: feature.teamId, action: "feature.create", entityType: "feature", entityId: feature.id, before: null, after: featureSnapshot(state) }],
    featureVersion: { featureId: feature.id, expectedVersion: 0, snapshot: featureSnapshot(state), summary: "created", source: "create" },
    publish: environmentIdsOf(state),
    notifications: [featureCreated(feature, principal.username, now)],
  }));
  return feature;
}

export async function updateFeature(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureRow> {
  const input = parseInput(updateInput, raw);
  await authorizeEntity(deps, principal, "feature", input.id, CONFIGURE_FEATURES);
  const before = await loadFeatureState(deps, input.id);
  assertExpectedVersion(before, input.expectedVersion);
  const { id: _id, expectedVersion: _v, freezeOverrideReason, ...changes } = input;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<FeatureRow>;
  // The key and archiving change what evaluation serves; other fields are bookkeeping.
  const served = (defined.key !== undefined && defined.key !== before.feature.key)
    || (defined.lifecycle !== undefined && (defined.lifecycle === "archived") !== (before.feature.lifecycle === "archived"));
  const reason = served ? await guardFeatureWide(deps, principal, before, freezeOverrideReason) : null;
  return applyFeatureFields(deps, principal, before, defined, "feature.update", reason);
}

/** Archiving takes the feature out of every snapshot; it stays readable and can be restored by updateFeature. */
export async function archiveFeature(
  deps: ControlDeps, principal: Principal, id: string, freezeOverrideReason?: string | null,
): Promise<FeatureRow> {
  await authorizeEntity(deps, principal, "feature", id, CONFIGURE_FEATURES);
  const before = await loadFeatureState(deps, id);
  const reason = await guardFeatureWide(deps, principal, before, freezeOverrideReason);
  return applyFeatureFields(deps, principal, before, { lifecycle: "archived" }, "feature.archive", reason);
}

/** Deletes the feature with its stages, rules and variants; CONFLICT while other features require it. */
export async function deleteFeature(
  deps: ControlDeps, principal: Principal, id: string, freezeOverrideReason?: string | null,
): Promise<FeatureRow> {
  const teamId = await authorizeEntity(deps, principal, "feature", id, CONFIGURE_FEATURES);
  const before = await loadFeatureState(deps, id);
  const reason = await guardFeatureWide(deps, principal, before, freezeOverrideReason);
  const dependents = await deps.db.select({ key: features.key }).from(prerequisites)
    .innerJoin(features, eq(features.id, prerequisites.featureId))
    .where(eq(prerequisites.requiredFeatureId, id)).orderBy(asc(features.key));
  if (dependents.length) {
    throw conflict(`Feature ${before.feature.key} is a prerequisite of ${dependents.map((d) => d.key).join(", ")}; remove those prerequisites first`);
  }
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(features).where(eq(features.id, id))],
    audit: [{ teamId, action: "feature.delete", entityType: "feature", entityId: id, before: featureSnapshot(before), after: null, reason }],
    publish: environmentIdsOf(before),
  });
  return before.feature;
}

async function applyFeatureFields(
  deps: ControlDeps, principal: Principal, before: FeatureState, fields: Partial<FeatureRow>, action: string, reason: string | null,
): Promise<FeatureRow> {
  const feature: FeatureRow = { ...before.feature, ...fields };
  const after: FeatureState = { ...before, feature };
  const set = {
    key: feature.key, name: feature.name, description: feature.description, lifecycle: feature.lifecycle,
    owner: feature.owner, tags: feature.tags, purpose: feature.purpose, referenceUrl: feature.referenceUrl,
    expiresAt: feature.expiresAt, cleanupReason: feature.cleanupReason,
  };
  const version = await uniqueOrConflict("features", duplicateKey, () => commitFeatureChange(deps, {
    actor: principal, before, after,
    statements: [deps.db.update(features).set(set).where(eq(features.id, feature.id))],
    audit: { action, entityType: "feature", entityId: feature.id, before: auditable(before.feature, set), after: auditable(feature, set), reason },
    summary: `${action.split(".")[1]}: ${Object.keys(fields).join(", ")}`,
  }));
  return { ...feature, version, updatedAt: deps.now() };
}

export function assertExpectedVersion(state: FeatureState, expected: number | undefined): void {
  if (expected !== undefined && expected !== state.feature.version) {
    throw conflict(`The feature is at version ${state.feature.version}, not ${expected}; reload it and try again`);
  }
}

/** The audited fields of `row`, dates as ISO strings. */
const auditable = (row: FeatureRow, shape: object) => ({ ...pick(row, shape), expiresAt: row.expiresAt?.toISOString() ?? null });

function pick<T extends object>(row: T, shape: object) {
  return Object.fromEntries(Object.keys(shape).map((key) => [key, (row as Record<string, unknown>)[key]])) as Record<string, never>;
}

/** Next position for a new variant of the feature. */
export async function nextVariantPosition(deps: ControlDeps, featureId: string): Promise<number> {
  const [row] = await deps.db.select({ last: max(variants.position) }).from(variants).where(eq(variants.featureId, featureId));
  return (row?.last ?? -1) + 1;
}
