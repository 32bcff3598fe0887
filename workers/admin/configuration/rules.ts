// What a stage serves: its ordered rules (the seed's "criteria"), its default variant (no rule
// matched) and its off variant (flag off). Rules are set as a whole ordered list atomically,
// reordered, or edited one at a time (updateStageCriteria). Every such change passes the change
// guard first: a protected environment (an approval policy covers it) only changes through an
// approved request, and a freeze window blocks it unless a team admin overrides with a reason.
//
// A rule in the seed's vocabulary: `priority` (lower first), `serve` (the variant key),
// `rolloutPercentage` (serve it to that share of the matching users; the others fall through to
// the next rule), `enabled` (a disabled rule is kept but not evaluated).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { featureStages, rules } from "../../../db/schema";
import type { ServeDocument } from "../../../engine/types";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal } from "../identity/authz";
import { assertDirectChangeAllowed } from "../workflow/change-guard";
import type { Statement } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { badInput } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { assertExpectedVersion } from "./features";
import {
  commitFeatureChange, effectiveVariants, loadFeatureState, stageSnapshot, type FeatureState, type RuleRow, type StageRow, type StageState,
} from "./feature-state";
import {
  assertSegmentsExist, assertVariantsExist, MAX_RULES, matchSchema, ruleInputSchema, serveSchema,
} from "./rule-schema";
import { teamSegmentKeys } from "./team-scope";
import { parseInput } from "../core/validation";

const guardFields = {
  /** Overrides an active freeze window (team admins only); recorded in the audit row. */
  freezeOverrideReason: z.string().nullable().optional(),
};

const setRulesInput = z.object({
  stageId: z.string().min(1),
  rules: z.array(ruleInputSchema.extend({ id: z.string().min(1).optional() })).max(MAX_RULES),
  expectedVersion: z.number().int().positive().optional(),
  ...guardFields,
}).strict();

const reorderInput = z.object({
  stageId: z.string().min(1),
  ruleIds: z.array(z.string().min(1)).max(MAX_RULES),
  ...guardFields,
}).strict();

const criteriaInput = z.object({
  id: z.string().min(1),
  priority: z.number().int("must be an integer").min(0).max(1_000_000).optional(),
  /** The variant key to serve. */
  serve: z.string().min(1).max(100).optional(),
  enabled: z.boolean().optional(),
  /** 0..100: serve to that share of matching users; null: to all of them; omitted: unchanged. */
  rolloutPercentage: z.number().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100").nullable().optional(),
  name: z.string().trim().max(200).optional(),
  match: matchSchema.optional(),
  ...guardFields,
}).strict();

const stageVariantsInput = z.object({
  stageId: z.string().min(1),
  /** Omitted: unchanged; null: none (the caller's default applies). */
  defaultVariant: z.string().min(1).nullable().optional(),
  offVariant: z.string().min(1).nullable().optional(),
  ...guardFields,
}).strict();

interface StageContext {
  teamId: string;
  before: FeatureState;
  stage: StageState;
  /** Set when a freeze window was overridden. */
  reason: string | null;
}

/** Authorises, loads the feature and passes the change guard for the stage. */
async function openStage(
  deps: ControlDeps, principal: Principal, stageId: string, freezeOverrideReason: string | null | undefined,
): Promise<StageContext> {
  const teamId = await authorizeEntity(deps, principal, "featureStage", stageId, CONFIGURE_FEATURES);
  const [row] = await deps.db.select({ featureId: featureStages.featureId }).from(featureStages).where(eq(featureStages.id, stageId)).limit(1);
  const before = await loadFeatureState(deps, row!.featureId);
  const stage = before.stages.find((s) => s.id === stageId)!;
  const clearance = await assertDirectChangeAllowed(deps, principal, {
    teamId, environmentId: stage.environmentId, featureId: before.feature.id, freezeOverrideReason,
  });
  return { teamId, before, stage, reason: clearance.freezeOverride?.reason ?? null };
}

export async function setStageRules(deps: ControlDeps, principal: Principal, raw: unknown): Promise<StageState> {
  const input = parseInput(setRulesInput, raw, "");
  const { before, stage, teamId, reason } = await openStage(deps, principal, input.stageId, input.freezeOverrideReason);
  assertExpectedVersion(before, input.expectedVersion);
  const variantKeys = new Set(Object.keys(effectiveVariants(before)));
  const segmentKeys = await teamSegmentKeys(deps, teamId);
  const ownIds = new Set(stage.rules.map((r) => r.id));
  const seen = new Set<string>();
  const now = deps.now();
  const next: RuleRow[] = input.rules.map((rule, index) => {
    if (rule.id !== undefined && (!ownIds.has(rule.id) || seen.has(rule.id))) {
      throw badInput(`rules.${index}.id`, `rules.${index}.id: not a rule of this stage (or listed twice)`);
    }
    if (rule.id) seen.add(rule.id);
    assertVariantsExist(rule.serve, variantKeys, `rules.${index}.serve`);
    assertSegmentsExist(rule.match, segmentKeys, `rules.${index}.match`);
    const previous = stage.rules.find((r) => r.id === rule.id);
    return {
      id: rule.id ?? crypto.randomUUID(), stageId: stage.id, priority: rule.priority ?? index, position: index,
      name: rule.name, match: rule.match, serve: rule.serve, enabled: rule.enabled, createdAt: previous?.createdAt ?? now,
    };
  });
  const statements: Statement[] = [
    deps.db.delete(rules).where(eq(rules.stageId, stage.id)),
    ...next.map((rule) => deps.db.insert(rules).values(rule)),
  ];
  return commitStage(deps, principal, { before, stage, reason }, { ...stage, rules: sortRules(next) }, statements, "stage.set_rules",
    `${stage.environmentKey}: ${next.length} rule${next.length === 1 ? "" : "s"} set`);
}

/** `ruleIds` must list every rule of the stage exactly once; the list's order becomes the priority. */
export async function reorderStageRules(deps: ControlDeps, principal: Principal, raw: unknown): Promise<StageState> {
  const input = parseInput(reorderInput, raw, "");
  const { before, stage, reason } = await openStage(deps, principal, input.stageId, input.freezeOverrideReason);
  const current = new Set(stage.rules.map((r) => r.id));
  const listed = new Set(input.ruleIds);
  if (listed.size !== input.ruleIds.length || listed.size !== current.size || [...listed].some((id) => !current.has(id))) {
    throw badInput("ruleIds", "ruleIds: must list every rule of the stage exactly once");
  }
  const next = input.ruleIds.map((id, index) => ({ ...stage.rules.find((r) => r.id === id)!, priority: index, position: index }));
  const statements = next.map((rule) => deps.db.update(rules).set({ priority: rule.priority, position: rule.position }).where(eq(rules.id, rule.id)));
  return commitStage(deps, principal, { before, stage, reason }, { ...stage, rules: next }, statements, "stage.reorder_rules",
    `${stage.environmentKey}: rules reordered`);
}

/** The seed's updateStageCriteria: edits one rule (priority, served variant, rollout share, enabled). */
export async function updateStageCriteria(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RuleRow> {
  const input = parseInput(criteriaInput, raw);
  await authorizeEntity(deps, principal, "rule", input.id, CONFIGURE_FEATURES);
  const [ruleRow] = await deps.db.select({ stageId: rules.stageId }).from(rules).where(eq(rules.id, input.id)).limit(1);
  const { before, stage, teamId, reason } = await openStage(deps, principal, ruleRow!.stageId, input.freezeOverrideReason);
  const old = stage.rules.find((r) => r.id === input.id)!;
  const serve = nextServe(old.serve, input.serve, input.rolloutPercentage);
  const checked = parseInput(serveSchema, serve, "input.serve");
  assertVariantsExist(checked, new Set(Object.keys(effectiveVariants(before))), "input.serve");
  if (input.match) assertSegmentsExist(input.match, await teamSegmentKeys(deps, teamId), "input.match");
  const rule: RuleRow = {
    ...old, priority: input.priority ?? old.priority, enabled: input.enabled ?? old.enabled, serve: checked,
    name: input.name ?? old.name, match: input.match ?? old.match,
  };
  await commitStage(deps, principal, { before, stage, reason },
    { ...stage, rules: sortRules(stage.rules.map((r) => (r.id === rule.id ? rule : r))) },
    [deps.db.update(rules).set({ priority: rule.priority, enabled: rule.enabled, serve: rule.serve, name: rule.name, match: rule.match })
      .where(eq(rules.id, rule.id))],
    "stage.update_criteria", `${stage.environmentKey}: rule ${rule.name || rule.id} changed`);
  return rule;
}

/**
 * The serve after an updateStageCriteria: `serve` replaces the variant, `rolloutPercentage` the
 * share (null: everyone matching). A split only becomes a single variant when `serve` names one.
 */
export function nextServe(current: ServeDocument, serve: string | undefined, rolloutPercentage: number | null | undefined): ServeDocument {
  if (serve === undefined && rolloutPercentage === undefined) return current;
  const variant = serve ?? (current.kind === "split" ? undefined : current.variant);
  if (variant === undefined) throw badInput("input.serve", "input.serve: the rule serves a split; name the variant to serve instead");
  const percentage = rolloutPercentage === undefined ? (current.kind === "rollout" ? current.percentage : null) : rolloutPercentage;
  if (percentage === null) return { kind: "variant", variant };
  const bucketBy = current.kind !== "variant" ? current.bucketBy : undefined;
  return bucketBy ? { kind: "rollout", variant, percentage, bucketBy } : { kind: "rollout", variant, percentage };
}

export async function setStageVariants(deps: ControlDeps, principal: Principal, raw: unknown): Promise<StageState> {
  const input = parseInput(stageVariantsInput, raw);
  const { before, stage, reason } = await openStage(deps, principal, input.stageId, input.freezeOverrideReason);
  const known = new Set(Object.keys(effectiveVariants(before)));
  for (const field of ["defaultVariant", "offVariant"] as const) {
    const value = input[field];
    if (typeof value === "string" && !known.has(value)) throw badInput(`input.${field}`, `input.${field}: unknown variant ${value}`);
  }
  const next: StageState = {
    ...stage,
    defaultVariant: input.defaultVariant === undefined ? stage.defaultVariant : input.defaultVariant,
    offVariant: input.offVariant === undefined ? stage.offVariant : input.offVariant,
  };
  return commitStage(deps, principal, { before, stage, reason }, next,
    [deps.db.update(featureStages).set({ defaultVariant: next.defaultVariant, offVariant: next.offVariant, updatedAt: deps.now() })
      .where(eq(featureStages.id, stage.id))],
    "stage.set_variants", `${stage.environmentKey}: default ${next.defaultVariant}, off ${next.offVariant}`);
}

async function commitStage(
  deps: ControlDeps, principal: Principal, opened: Omit<StageContext, "teamId">, next: StageState, statements: Statement[],
  action: string, summary: string,
): Promise<StageState> {
  const { before, stage, reason } = opened;
  const after: FeatureState = { ...before, stages: before.stages.map((s) => (s.id === stage.id ? next : s)) };
  await commitFeatureChange(deps, {
    actor: principal, before, after, statements, summary,
    audit: { action, entityType: "feature_stage", entityId: stage.id, before: stageSnapshot(stage), after: stageSnapshot(next), reason },
    publish: [stage.environmentId],
  });
  return next;
}

function sortRules(list: RuleRow[]): RuleRow[] {
  return [...list].sort((a, b) => a.priority - b.priority || a.position - b.position || a.id.localeCompare(b.id));
}

export async function getStage(deps: ControlDeps, principal: Principal, id: string): Promise<StageRow> {
  await authorizeEntity(deps, principal, "featureStage", id, ANY_TEAM_ROLE);
  const [row] = await deps.db.select().from(featureStages).where(eq(featureStages.id, id)).limit(1);
  return row!;
}
