// Restores features from an exportFeatures document (format fluxgate.features/v1) into a team, as
// NEW features created through the ordinary services: createFeature (on the given pipeline), then
// prerequisites by key (setPrerequisite, cycle checks included), then per environment (matched by
// key) the stage's default/off variants and rules (setStageVariants, setStageRules). Every guard
// applies as for a hand-made change; in particular a protected environment's rules are not written
// (they need an approved request: the outcome says so) and deploy states are never restored (a
// restored feature starts NOT_DEPLOYED everywhere and is deployed through the stage workflow).
// A key that already exists in the team is skipped, never overwritten. Bucketing salts are the new
// keys (createFeature), so a feature exported under a renamed key buckets users afresh (a note says so).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { features, FLAG_TYPES, LIFECYCLES } from "../../../db/schema";
import type { JsonValue, ServeDocument } from "../../../engine/types";
import { authorizeEntity, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { isControlError, type ControlErrorCode } from "../core/errors";
import { EXPORT_FORMAT, MAX_BULK_FEATURES } from "./bulk-actions";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { createFeature } from "./features";
import { loadFeatureState } from "./feature-state";
import { setPrerequisite } from "./prerequisites";
import { setStageRules, setStageVariants } from "./rules";
import { parseInput } from "../core/validation";

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

const featureSchema = z.object({
  key: z.string().min(1),
  name: z.string().optional(),
  type: z.enum(FLAG_TYPES),
  description: z.string().default(""),
  lifecycle: z.enum(LIFECYCLES).default("draft"),
  owner: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
  // Bookkeeping fields; validated again by createFeature (documents from before they existed omit them).
  purpose: z.string().nullable().default(null),
  referenceUrl: z.string().nullable().default(null),
  expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
  cleanupReason: z.string().nullable().default(null),
  salt: z.string().optional(),
  variants: z.array(z.object({ key: z.string(), value: jsonValue, description: z.string().default("") })).default([]),
  prerequisites: z.array(z.object({ featureKey: z.string().min(1), variant: z.string().nullable().default(null) })).default([]),
  stages: z.array(z.object({
    environmentKey: z.string().min(1),
    defaultVariant: z.string().nullable().default(null),
    offVariant: z.string().nullable().default(null),
    rules: z.array(z.object({
      name: z.string().default(""), priority: z.number().optional(), enabled: z.boolean().default(true),
      match: z.array(jsonValue).default([]), serve: z.record(z.string(), jsonValue),
    })).default([]),
  })).default([]),
}).loose();

const importInput = z.object({
  teamId: z.string().min(1),
  pipelineId: z.string().min(1),
  document: z.object({
    format: z.literal(EXPORT_FORMAT, { error: `must be "${EXPORT_FORMAT}" (a document from exportFeatures)` }),
    features: z.array(featureSchema).min(1, "has no features").max(MAX_BULK_FEATURES, `at most ${MAX_BULK_FEATURES} features per import`),
  }).loose(),
}).strict();

export type ImportStatus = "CREATED" | "SKIPPED" | "FAILED";

export interface ImportOutcome {
  key: string;
  status: ImportStatus;
  featureId: string | null;
  error: { code: ControlErrorCode; message: string } | null;
  /** What was not restored, and why. */
  notes: string[];
}

export interface ImportResult {
  created: number;
  skipped: number;
  failed: number;
  results: ImportOutcome[];
}

type ImportedFeature = z.output<typeof featureSchema>;

/** Team admins and requesters (the writers of features). */
export async function importFeatures(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ImportResult> {
  const input = parseInput(importInput, raw, "");
  await authorizeEntity(deps, principal, "team", input.teamId, CONFIGURE_FEATURES);
  const existing = await deps.db.select({ id: features.id, key: features.key }).from(features).where(eq(features.teamId, input.teamId));
  const idOfKey = new Map(existing.map((f) => [f.key, f.id]));
  const outcomes: ImportOutcome[] = [];
  const created: { feature: ImportedFeature; outcome: ImportOutcome }[] = [];
  for (const feature of input.document.features) {
    const outcome: ImportOutcome = { key: feature.key, status: "SKIPPED", featureId: null, error: null, notes: [] };
    outcomes.push(outcome);
    if (idOfKey.has(feature.key)) {
      outcome.notes.push("a feature with this key exists in the team: left unchanged");
      continue;
    }
    const failure = await step(async () => {
      const row = await createFeature(deps, principal, {
        teamId: input.teamId, pipelineId: input.pipelineId, key: feature.key, name: feature.name, type: feature.type,
        description: feature.description, lifecycle: feature.lifecycle, owner: feature.owner, tags: feature.tags,
        purpose: feature.purpose, referenceUrl: feature.referenceUrl,
        expiresAt: feature.expiresAt === null ? null : new Date(feature.expiresAt), cleanupReason: feature.cleanupReason,
        variants: feature.variants.map((v) => ({ key: v.key, value: JSON.stringify(v.value), description: v.description })),
      });
      idOfKey.set(feature.key, row.id);
      outcome.featureId = row.id;
      outcome.status = "CREATED";
      if (feature.salt !== undefined && feature.salt !== feature.key) outcome.notes.push(`bucketing salt is now ${feature.key} (was ${feature.salt}): users are bucketed afresh`);
      created.push({ feature, outcome });
    });
    if (failure) {
      outcome.status = "FAILED";
      outcome.error = failure;
    }
  }
  // Prerequisites once every feature exists (they may refer to each other), then the stages.
  for (const { feature, outcome } of created) {
    for (const prerequisite of feature.prerequisites) {
      const requiredFeatureId = idOfKey.get(prerequisite.featureKey);
      if (!requiredFeatureId) {
        outcome.notes.push(`prerequisite ${prerequisite.featureKey} not restored: no such feature in the team`);
        continue;
      }
      const failure = await step(() => setPrerequisite(deps, principal, { featureId: outcome.featureId!, requiredFeatureId, variant: prerequisite.variant }));
      if (failure) outcome.notes.push(`prerequisite ${prerequisite.featureKey} not restored: ${failure.message}`);
    }
    await restoreStages(deps, principal, feature, outcome);
  }
  const count = (status: ImportStatus) => outcomes.filter((o) => o.status === status).length;
  return { created: count("CREATED"), skipped: count("SKIPPED"), failed: count("FAILED"), results: outcomes };
}

async function restoreStages(deps: ControlDeps, principal: Principal, feature: ImportedFeature, outcome: ImportOutcome): Promise<void> {
  const state = await loadFeatureState(deps, outcome.featureId!);
  for (const exported of feature.stages) {
    const stage = state.stages.find((s) => s.environmentKey === exported.environmentKey);
    if (!stage) {
      outcome.notes.push(`${exported.environmentKey}: not in the pipeline, not restored`);
      continue;
    }
    const failure = await step(async () => {
      if (exported.defaultVariant !== stage.defaultVariant || exported.offVariant !== stage.offVariant) {
        await setStageVariants(deps, principal, { stageId: stage.id, defaultVariant: exported.defaultVariant, offVariant: exported.offVariant });
      }
      if (exported.rules.length) {
        await setStageRules(deps, principal, {
          stageId: stage.id,
          rules: exported.rules.map((r) => ({ name: r.name, priority: r.priority, enabled: r.enabled, match: r.match, serve: r.serve as unknown as ServeDocument })),
        });
      }
    });
    if (failure) outcome.notes.push(`${exported.environmentKey}: rules not restored: ${failure.message}`);
  }
}

/** Runs one service call; its ControlError is returned (the caller records it), anything else aborts the import. */
async function step(action: () => Promise<unknown>): Promise<{ code: ControlErrorCode; message: string } | null> {
  try {
    await action();
    return null;
  } catch (error) {
    if (!isControlError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}
