// Bulk edits of feature bookkeeping (owner, tags, lifecycle) across up to 100 features of a team.
// Everything is checked before anything is written: the input, the caller's role (the feature
// writers of feature-roles.ts) and that every id is a feature of the team (else NOT_FOUND and no
// write). Each feature is then changed through updateFeature, exactly as a single update (its own
// audit row, feature version, concurrency check and change guard), and reported on its own: one
// feature failing (a concurrent edit, a freeze blocking an unarchive) does not undo the others.
// Archiving is its own bulk action (bulkArchiveFeatures): each feature through archiveFeature (its
// change guard, audit row and version), after a dependency check over the whole selection that
// refuses (CONFLICT, reason DEPENDENTS) while features outside the selection require one of them,
// unless the caller confirms. Export (exportFeatures) reads the selection as one JSON document.
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { environments, features, featureStages, LIFECYCLES, prerequisites, rules, teams, variants } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { badInput, ControlError, isControlError, notFound, type ControlErrorCode } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { archiveFeature, updateFeature } from "./features";
import { walkDependents } from "../insights/insights";
import { inIds } from "../core/sql-in";
import { parseInput } from "../core/validation";

export const BULK_FEATURE_ACTIONS = ["update_owner", "add_tags", "remove_tags", "set_lifecycle"] as const;
export type BulkFeatureAction = (typeof BULK_FEATURE_ACTIONS)[number];
export const MAX_BULK_FEATURES = 100;

const bulkInput = z.object({
  teamId: z.string().min(1),
  featureIds: z.array(z.string().min(1)).min(1).max(MAX_BULK_FEATURES, `at most ${MAX_BULK_FEATURES} features per call`)
    .transform((ids) => [...new Set(ids)]),
  action: z.enum(BULK_FEATURE_ACTIONS),
  owner: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  lifecycle: z.enum(LIFECYCLES).exclude(["archived"], { error: "archiving goes through archiveFeature, one feature at a time" }).nullish(),
}).strict();

export interface BulkFeatureOutcome {
  featureId: string;
  ok: boolean;
  /** The error code when not ok (CONFLICT, BAD_USER_INPUT, ...). */
  error: ControlErrorCode | null;
  message: string | null;
  /** The feature's version after the change (null when it failed). */
  version: number | null;
}

export interface BulkFeatureResult {
  succeeded: number;
  failed: number;
  results: BulkFeatureOutcome[];
}

type Current = { id: string; version: number; tags: string[] };

/** The updateFeature input for one feature (owner/tags/lifecycle are validated there, as for a single update). */
function changeFor(input: z.output<typeof bulkInput>, current: Current): Record<string, unknown> {
  const base = { id: current.id, expectedVersion: current.version };
  switch (input.action) {
    case "update_owner": return { ...base, owner: input.owner ?? null };
    case "add_tags": return { ...base, tags: [...current.tags, ...input.tags!] };
    case "remove_tags": return { ...base, tags: current.tags.filter((tag) => !input.tags!.includes(tag)) };
    case "set_lifecycle": return { ...base, lifecycle: input.lifecycle };
  }
}

export async function bulkUpdateFeatures(deps: ControlDeps, principal: Principal, raw: unknown): Promise<BulkFeatureResult> {
  const input = parseInput(bulkInput, raw, "");
  if ((input.action === "add_tags" || input.action === "remove_tags") && !input.tags?.length) {
    throw badInput("tags", `tags: ${input.action} needs at least one tag`);
  }
  if (input.action === "set_lifecycle" && !input.lifecycle) throw badInput("lifecycle", "lifecycle: set_lifecycle needs a lifecycle");
  await authorizeEntity(deps, principal, "team", input.teamId, CONFIGURE_FEATURES);
  const rows = await deps.db.select({ id: features.id, version: features.version, tags: features.tags }).from(features)
    .where(and(eq(features.teamId, input.teamId), inIds(features.id, input.featureIds)));
  if (rows.length !== input.featureIds.length) throw notFound("Feature");
  const byId = new Map(rows.map((row) => [row.id, row]));
  return eachFeature(input.featureIds, (featureId) => updateFeature(deps, principal, changeFor(input, byId.get(featureId)!)));
}

/** Runs `change` feature by feature; a ControlError is that feature's outcome, anything else aborts. */
async function eachFeature(featureIds: readonly string[], change: (featureId: string) => Promise<{ version: number }>): Promise<BulkFeatureResult> {
  const results: BulkFeatureOutcome[] = [];
  for (const featureId of featureIds) {
    try {
      const changed = await change(featureId);
      results.push({ featureId, ok: true, error: null, message: null, version: changed.version });
    } catch (error) {
      if (!isControlError(error)) throw error;
      results.push({ featureId, ok: false, error: error.code, message: error.message, version: null });
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { succeeded, failed: results.length - succeeded, results };
}

// ---------------------------------------------------------------- archive

export const DEPENDENTS = "DEPENDENTS";

const featureIdList = z.array(z.string().min(1)).min(1).max(MAX_BULK_FEATURES, `at most ${MAX_BULK_FEATURES} features per call`)
  .transform((ids) => [...new Set(ids)]);

const archiveInput = z.object({
  teamId: z.string().min(1),
  featureIds: featureIdList,
  /** Archive even though features outside the selection require some of the selected ones. */
  confirmDependents: z.boolean().default(false),
  freezeOverrideReason: z.string().nullish(),
}).strict();

/** A selected feature that features outside the selection (not archived) require. */
export interface ArchiveDependency {
  featureId: string;
  key: string;
  /** Keys of the live-configuration features requiring it, directly or transitively, sorted. */
  dependents: string[];
}

/** Pure: for each selected feature, the unarchived features outside the selection that reach it. */
export function dependentsOutside(
  selected: readonly { id: string; key: string }[],
  edges: readonly { featureId: string; requiredFeatureId: string }[],
  others: ReadonlyMap<string, { key: string; lifecycle: string }>,
): ArchiveDependency[] {
  const chosen = new Set(selected.map((f) => f.id));
  const out: ArchiveDependency[] = [];
  for (const feature of selected) {
    const keys = [...walkDependents(edges, feature.id).keys()]
      .filter((id) => !chosen.has(id) && others.has(id) && others.get(id)!.lifecycle !== "archived")
      .map((id) => others.get(id)!.key).sort();
    if (keys.length) out.push({ featureId: feature.id, key: feature.key, dependents: keys });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Archives up to 100 features of the team, each through archiveFeature (change guard, audit row,
 * version), reported one by one. Refused as a whole (CONFLICT, reason DEPENDENTS, message listing
 * them) while unarchived features outside the selection require a selected one, unless
 * confirmDependents is true: archived features leave the snapshots, so those dependents' prerequisite
 * checks fail and they serve their off value.
 */
export async function bulkArchiveFeatures(deps: ControlDeps, principal: Principal, raw: unknown): Promise<BulkFeatureResult> {
  const input = parseInput(archiveInput, raw, "");
  await authorizeEntity(deps, principal, "team", input.teamId, CONFIGURE_FEATURES);
  const { db } = deps;
  const [teamFeatures, edges] = await db.batch([
    db.select({ id: features.id, key: features.key, lifecycle: features.lifecycle }).from(features).where(eq(features.teamId, input.teamId)),
    db.select({ featureId: prerequisites.featureId, requiredFeatureId: prerequisites.requiredFeatureId }).from(prerequisites)
      .innerJoin(features, eq(features.id, prerequisites.featureId)).where(eq(features.teamId, input.teamId)),
  ]);
  const byId = new Map(teamFeatures.map((f) => [f.id, f]));
  if (input.featureIds.some((id) => !byId.has(id))) throw notFound("Feature");
  const blocking = dependentsOutside(input.featureIds.map((id) => byId.get(id)!), edges, byId);
  if (blocking.length && !input.confirmDependents) {
    const list = blocking.map((b) => `${b.key} (required by ${b.dependents.join(", ")})`).join("; ");
    throw new ControlError("CONFLICT",
      `Archiving would break features that require the selection: ${list}. Archive those too, or confirm with confirmDependents: true`,
      { reason: DEPENDENTS });
  }
  return eachFeature(input.featureIds, (featureId) => archiveFeature(deps, principal, featureId, input.freezeOverrideReason));
}

// ---------------------------------------------------------------- export

export const EXPORT_FORMAT = "fluxgate.features/v1";
export const MAX_EXPORT_FEATURES = 1000;

const exportInput = z.object({
  teamId: z.string().min(1),
  /** Omitted: every feature of the team (at most 1000). */
  featureIds: featureIdList.nullish(),
}).strict();

export interface FeatureExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  team: { id: string; name: string };
  features: JsonValue[];
}

/**
 * The selected features as one JSON document (a backup, or a diffable record): metadata, variants
 * with values, prerequisites by key, and per environment (by key) the stage's status, default/off
 * variants and ordered rules. Team members. One D1 round trip after the team check.
 */
export async function exportFeatures(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureExport> {
  const input = parseInput(exportInput, raw, "");
  await authorizeEntity(deps, principal, "team", input.teamId, ANY_TEAM_ROLE);
  const { db } = deps;
  const selection = input.featureIds
    ? and(eq(features.teamId, input.teamId), inIds(features.id, input.featureIds))
    : eq(features.teamId, input.teamId);
  const chosen = db.select({ id: features.id }).from(features).where(selection);
  const [team, featureRows, variantRows, stageRows, ruleRows, prerequisiteRows, keys] = await db.batch([
    db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.id, input.teamId)),
    db.select().from(features).where(selection).orderBy(asc(features.key)).limit(MAX_EXPORT_FEATURES + 1),
    db.select().from(variants).where(inArray(variants.featureId, chosen)).orderBy(asc(variants.position), asc(variants.key)),
    db.select({ stage: featureStages, environmentKey: environments.key }).from(featureStages)
      .innerJoin(environments, eq(environments.id, featureStages.environmentId))
      .where(inArray(featureStages.featureId, chosen)).orderBy(asc(featureStages.position)),
    db.select({ rule: rules }).from(rules).innerJoin(featureStages, eq(featureStages.id, rules.stageId))
      .where(inArray(featureStages.featureId, chosen)).orderBy(asc(rules.priority), asc(rules.position), asc(rules.id)),
    db.select().from(prerequisites).where(inArray(prerequisites.featureId, chosen)),
    db.select({ id: features.id, key: features.key }).from(features).where(eq(features.teamId, input.teamId)),
  ]);
  if (input.featureIds && featureRows.length !== input.featureIds.length) throw notFound("Feature");
  if (featureRows.length > MAX_EXPORT_FEATURES) {
    throw badInput("featureIds", `featureIds: the team has more than ${MAX_EXPORT_FEATURES} features; export them in selections`);
  }
  const keyOf = new Map(keys.map((k) => [k.id, k.key]));
  return {
    format: EXPORT_FORMAT,
    exportedAt: deps.now().toISOString(),
    team: team[0]!,
    features: featureRows.map((f) => ({
      key: f.key, name: f.name, type: f.type, description: f.description, lifecycle: f.lifecycle, owner: f.owner, tags: f.tags,
      purpose: f.purpose, referenceUrl: f.referenceUrl, expiresAt: f.expiresAt?.toISOString() ?? null, cleanupReason: f.cleanupReason,
      salt: f.salt, killSwitchActive: f.killSwitchActive, version: f.version,
      variants: variantRows.filter((v) => v.featureId === f.id).map((v) => ({ key: v.key, value: v.value, description: v.description })),
      prerequisites: prerequisiteRows.filter((p) => p.featureId === f.id)
        .map((p) => ({ featureKey: keyOf.get(p.requiredFeatureId)!, variant: p.variant }))
        .sort((a, b) => a.featureKey.localeCompare(b.featureKey)),
      stages: stageRows.filter((s) => s.stage.featureId === f.id).map(({ stage, environmentKey }) => ({
        environmentKey, status: stage.status, defaultVariant: stage.defaultVariant, offVariant: stage.offVariant,
        rules: ruleRows.filter(({ rule }) => rule.stageId === stage.id).map(({ rule }) => ({
          name: rule.name, priority: rule.priority, enabled: rule.enabled,
          match: rule.match as unknown as JsonValue, serve: rule.serve as unknown as JsonValue,
        })),
      })),
    })) as JsonValue[],
  };
}
