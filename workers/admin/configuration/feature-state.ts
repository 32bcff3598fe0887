// A feature with everything that hangs off it (variants, stages with their rules, prerequisites),
// read in one D1 batch. Feature mutations compute the state after the change from this, and commit
// it as the feature_versions snapshot; the state's version is the one they expect to replace.
import { asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { environments, features, featureStages, prerequisites, rules, variants, type FLAG_TYPES } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import type { Principal } from "../identity/authz";
import { assertFeatureChangeAllowed } from "../workflow/change-guard";
import type { Actor, AuditEntry, Statement } from "../core/commit";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { notFound } from "../core/errors";

export type FeatureRow = typeof features.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
export type StageRow = typeof featureStages.$inferSelect;
export type RuleRow = typeof rules.$inferSelect;
export type FlagTypeName = (typeof FLAG_TYPES)[number];

export interface StageState extends StageRow {
  environmentKey: string;
  rules: RuleRow[];
}

export interface PrerequisiteState {
  requiredFeatureId: string;
  requiredKey: string;
  variant: string | null;
}

export interface FeatureState {
  feature: FeatureRow;
  variants: VariantRow[];
  stages: StageState[];
  prerequisites: PrerequisiteState[];
}

/** The boolean variants a boolean feature without variant rows serves (as the snapshot builder does). */
export const IMPLICIT_BOOLEAN_VARIANTS: Record<string, JsonValue> = { on: true, off: false };

export async function loadFeatureState(deps: ControlDeps, featureId: string): Promise<FeatureState> {
  const { db } = deps;
  const required = alias(features, "required");
  const [featureRows, variantRows, stageRows, ruleRows, prerequisiteRows] = await db.batch([
    db.select().from(features).where(eq(features.id, featureId)).limit(1),
    db.select().from(variants).where(eq(variants.featureId, featureId)).orderBy(asc(variants.position), asc(variants.key)),
    db.select({ stage: featureStages, environmentKey: environments.key }).from(featureStages)
      .innerJoin(environments, eq(environments.id, featureStages.environmentId))
      .where(eq(featureStages.featureId, featureId)).orderBy(asc(featureStages.position)),
    db.select({ rule: rules }).from(rules).innerJoin(featureStages, eq(featureStages.id, rules.stageId))
      .where(eq(featureStages.featureId, featureId)).orderBy(asc(rules.priority), asc(rules.position), asc(rules.id)),
    db.select({ requiredFeatureId: prerequisites.requiredFeatureId, requiredKey: required.key, variant: prerequisites.variant })
      .from(prerequisites).innerJoin(required, eq(required.id, prerequisites.requiredFeatureId))
      .where(eq(prerequisites.featureId, featureId)).orderBy(asc(required.key)),
  ]);
  const feature = featureRows[0];
  if (!feature) throw notFound("Feature");
  return {
    feature,
    variants: variantRows,
    stages: stageRows.map(({ stage, environmentKey }) => ({
      ...stage, environmentKey, rules: ruleRows.filter(({ rule }) => rule.stageId === stage.id).map(({ rule }) => rule),
    })),
    prerequisites: prerequisiteRows,
  };
}

/** Variant key -> value as evaluation sees them (implicit on/off for a boolean feature without rows). */
export function effectiveVariants(state: Pick<FeatureState, "feature" | "variants">): Record<string, JsonValue> {
  if (state.variants.length === 0 && state.feature.type === "boolean") return { ...IMPLICIT_BOOLEAN_VARIANTS };
  return Object.fromEntries(state.variants.map((v) => [v.key, v.value]));
}

export const environmentIdsOf = (state: FeatureState) => state.stages.map((stage) => stage.environmentId);

/** The feature_versions snapshot: metadata, variants, stages with rules, prerequisites. */
export function featureSnapshot(state: FeatureState): JsonValue {
  const f = state.feature;
  return {
    id: f.id, teamId: f.teamId, key: f.key, name: f.name, type: f.type, salt: f.salt, description: f.description,
    lifecycle: f.lifecycle, owner: f.owner, tags: f.tags, pipelineId: f.pipelineId, killSwitchActive: f.killSwitchActive,
    variants: state.variants.map((v) => ({ id: v.id, key: v.key, value: v.value, description: v.description, position: v.position })),
    stages: state.stages.map(stageSnapshot),
    prerequisites: state.prerequisites.map((p) => ({ requiredFeatureId: p.requiredFeatureId, key: p.requiredKey, variant: p.variant })),
  };
}

export function stageSnapshot(stage: StageState): JsonValue {
  return {
    id: stage.id, environmentId: stage.environmentId, environmentKey: stage.environmentKey, position: stage.position,
    status: stage.status, defaultVariant: stage.defaultVariant, offVariant: stage.offVariant,
    rules: stage.rules.map((r) => ({
      id: r.id, priority: r.priority, position: r.position, name: r.name, enabled: r.enabled,
      match: r.match as unknown as JsonValue, serve: r.serve as unknown as JsonValue,
    })),
  };
}

export interface FeatureChange {
  actor: Actor;
  before: FeatureState;
  after: FeatureState;
  statements: Statement[];
  audit: Omit<AuditEntry, "teamId">;
  summary: string;
  /** Environments to publish; by default every stage's environment. */
  publish?: string[];
}

/** Commits a feature change with its audit row and the next version (CONFLICT on a concurrent edit). */
export async function commitFeatureChange(deps: ControlDeps, change: FeatureChange): Promise<number> {
  const result = await commit(deps, {
    actor: change.actor,
    statements: change.statements,
    audit: [{ teamId: change.before.feature.teamId, ...change.audit }],
    featureVersion: {
      featureId: change.before.feature.id, expectedVersion: change.before.feature.version,
      snapshot: featureSnapshot(change.after), summary: change.summary, source: "update",
    },
    publish: change.publish ?? environmentIdsOf(change.after),
  });
  return result.featureVersion!;
}

/**
 * The change guard for feature-wide changes (what every stage serves: variant values,
 * prerequisites, the key, archiving): every environment of the feature must allow a direct change.
 * Returns the freeze override reason to audit, if one was used.
 */
export async function guardFeatureWide(
  deps: ControlDeps, principal: Principal, state: FeatureState, freezeOverrideReason: string | null | undefined,
): Promise<string | null> {
  const { freezeOverride } = await assertFeatureChangeAllowed(deps, principal, {
    teamId: state.feature.teamId, featureId: state.feature.id, environmentIds: environmentIdsOf(state), freezeOverrideReason,
  });
  return freezeOverride?.reason ?? null;
}
