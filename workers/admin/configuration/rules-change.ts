// Rule changes for protected environments: `requestRulesChange` proposes a stage's whole ordered
// rules list as an approval request (action rules_change); once approved it is written exactly as
// setStageRules writes it (same zod schema, same reference checks, re-run at application time),
// against the feature version the request was made on.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { featureStages, rules } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { authorizeEntity, type Principal } from "../identity/authz";
import { commit, type Statement } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { conflict } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { effectiveVariants, featureSnapshot, loadFeatureState, stageSnapshot, type FeatureState, type RuleRow } from "./feature-state";
import { governanceOf } from "../governance/governance";
import { assertSegmentsExist, assertVariantsExist, MAX_RULES, ruleInputSchema, type RuleInput } from "./rule-schema";
import { applyPayload, createApprovalRequest, type RequestRow } from "../workflow/stage-workflow";
import { teamSegmentKeys } from "./team-scope";
import { parseInput } from "../core/validation";

const requestInput = z.object({
  stageId: z.string().min(1),
  rules: z.array(ruleInputSchema).max(MAX_RULES),
  comment: z.string().trim().max(1000).default(""),
}).strict();

/** Checks the rules' variant and segment references against the feature as it is now. */
async function checkReferences(deps: ControlDeps, state: FeatureState, list: RuleInput[]): Promise<void> {
  const variantKeys = new Set(Object.keys(effectiveVariants(state)));
  const segmentKeys = await teamSegmentKeys(deps, state.feature.teamId);
  list.forEach((rule, index) => {
    assertVariantsExist(rule.serve, variantKeys, `rules.${index}.serve`);
    assertSegmentsExist(rule.match, segmentKeys, `rules.${index}.match`);
  });
}

export async function requestRulesChange(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RequestRow> {
  const input = parseInput(requestInput, raw, "");
  const teamId = await authorizeEntity(deps, principal, "featureStage", input.stageId, CONFIGURE_FEATURES);
  const [row] = await deps.db.select({ featureId: featureStages.featureId }).from(featureStages).where(eq(featureStages.id, input.stageId));
  const state = await loadFeatureState(deps, row!.featureId);
  const stage = state.stages.find((s) => s.id === input.stageId)!;
  await checkReferences(deps, state, input.rules);
  const governance = await governanceOf(deps, teamId, stage.environmentId);
  return createApprovalRequest(deps, principal, {
    teamId, policy: governance.policy, state, environmentId: stage.environmentId, action: "rules_change",
    payload: { stageId: stage.id, rules: input.rules as unknown as JsonValue }, comment: input.comment,
    audit: { entityType: "feature_stage", entityId: stage.id, action: "stage.request_rules_change", before: stageSnapshot(stage), after: { proposedRules: input.rules.length } },
  });
}

applyPayload.rules_change = async (deps, principal, state, request, extra, override) => {
  const { stageId, rules: proposed } = request.payload as unknown as { stageId: string; rules: RuleInput[] };
  const stage = state.stages.find((s) => s.id === stageId);
  if (!stage) throw conflict("The stage of this request no longer exists");
  const list = parseInput(z.array(ruleInputSchema), proposed, "payload.rules");
  await checkReferences(deps, state, list);
  const now = deps.now();
  const next: RuleRow[] = list.map((rule, index) => ({
    id: crypto.randomUUID(), stageId, priority: rule.priority ?? index, position: index, name: rule.name,
    match: rule.match, serve: rule.serve, enabled: rule.enabled, createdAt: now,
  }));
  const nextStage = { ...stage, rules: next };
  const after: FeatureState = { ...state, stages: state.stages.map((s) => (s.id === stageId ? nextStage : s)) };
  const statements: Statement[] = [deps.db.delete(rules).where(eq(rules.stageId, stageId)), ...next.map((rule) => deps.db.insert(rules).values(rule)), ...extra];
  await commit(deps, {
    actor: principal, statements,
    audit: [{
      teamId: state.feature.teamId, action: "stage.set_rules", entityType: "feature_stage", entityId: stageId,
      before: stageSnapshot(stage), after: stageSnapshot(nextStage),
      reason: override ? `approved request ${request.id}; freeze override: ${override.reason}` : `approved request ${request.id}`,
    }],
    featureVersion: {
      featureId: state.feature.id, expectedVersion: request.baseFeatureVersion, snapshot: featureSnapshot(after),
      summary: `${stage.environmentKey}: ${next.length} rule(s) set by approved request`, source: "update",
    },
    publish: [stage.environmentId],
  });
};
