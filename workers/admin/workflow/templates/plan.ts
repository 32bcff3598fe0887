// Pure: what a rollout template would do to a feature, environment by environment, from the feature,
// the governance of its environments and the caller. The preview returns this plan as is; apply
// writes exactly this plan through the existing services (templates/service.ts).
//
// Per environment the plan is: the stage's new ordered rules (they replace the current ones), the
// off variant to set (kill_switch_guarded), the later ramp steps (scheduled set_rollout changes on
// the ramp rule), and whether the stage gets deployed. Where the environment is protected (an
// approval policy covers it) or the template gates production, the rules go as ONE approval request
// (rules_change) and nothing else is written there: later ramp steps and the off variant would each
// be a change made around the approval, so the plan lists them as manual steps instead. A request is
// made against the feature's current version and every other change bumps that version, so at most
// one environment per application may need approval; it is applied last.
import type { EnvironmentType, ServeDocument } from "../../../../engine/types";
import type { RolloutTemplateType, StageStatus } from "../../../../db/schema";
import { badInput } from "../../core/errors";
import { SPLIT_TOTAL, type RuleInput } from "../../configuration/rule-schema";
import type { TemplateVariables } from "./catalog";

const MINUTE_MS = 60_000;
const DEPLOYABLE: readonly StageStatus[] = ["NOT_DEPLOYED", "DEPLOYMENT_REJECTED", "ROLLED_BACK"];
const LIVE: readonly StageStatus[] = ["DEPLOYED", "ROLLBACK_REQUESTED", "ROLLBACK_REJECTED"];

export interface PlanStage {
  id: string;
  environmentId: string;
  environmentKey: string;
  environmentType: EnvironmentType;
  status: StageStatus;
  defaultVariant: string | null;
  ruleCount: number;
  /** Name of the approval policy covering the environment, if any. */
  policyName: string | null;
  /** An active freeze window covers it. */
  frozen: boolean;
}

export interface PlanInput {
  type: RolloutTemplateType;
  variables: TemplateVariables;
  featureType: string;
  /** Variant keys as evaluation sees them, in order. */
  variantKeys: readonly string[];
  segmentKeys: ReadonlySet<string>;
  stages: readonly PlanStage[];
  /** The caller may deploy directly (team admin or system admin). */
  mayDeployDirectly: boolean;
  now: Date;
}

export type DeployPlan = "ALREADY_LIVE" | "DIRECT" | "MANUAL" | "SKIPPED";

export interface RampStep {
  runAt: Date;
  percentage: number;
}

export interface EnvironmentPlan {
  environmentId: string;
  environmentKey: string;
  environmentType: EnvironmentType;
  stageId: string;
  stageStatus: StageStatus;
  /** DIRECT: written now; APPROVAL: the rules go as an approval request. */
  mode: "DIRECT" | "APPROVAL";
  /** Why approval is needed (the policy, or the template), null for DIRECT. */
  approvalReason: string | null;
  frozen: boolean;
  /** The rules that replace the stage's current ones, in order. */
  rules: RuleInput[];
  replacedRuleCount: number;
  /** Index in `rules` of the rule later steps change (ramps only). */
  rampRuleIndex: number | null;
  /** The off variant set on the stage; null: unchanged. */
  offVariant: string | null;
  /** Ramp steps written as scheduled changes (DIRECT only). */
  scheduledSteps: RampStep[];
  /** Ramp steps (and the off variant) left to the user: each needs its own approval. */
  manualSteps: RampStep[];
  deploy: DeployPlan;
  notes: string[];
}

/** Equal shares in thousandths of a percent; the remainder goes to the first variants. */
export function equalWeights(variantKeys: readonly string[]): { variant: string; weight: number }[] {
  const base = Math.floor(SPLIT_TOTAL / variantKeys.length);
  const rest = SPLIT_TOTAL - base * variantKeys.length;
  return variantKeys.map((variant, index) => ({ variant, weight: base + (index < rest ? 1 : 0) }));
}

function resolveVariant(input: PlanInput, field: "variant" | "safeVariant", fallback: string | null): string {
  const value = input.variables[field] ?? fallback;
  if (value === null) throw badInput(`variables.${field}`, `variables.${field}: required for a ${input.featureType} feature`);
  if (!input.variantKeys.includes(value)) throw badInput(`variables.${field}`, `variables.${field}: unknown variant ${value}`);
  return value;
}

const segmentMatch = (segmentKey: string) =>
  [{ operator: "and", conditions: [{ attribute: "targetingKey", operator: "in_segment", value: segmentKey }] }] as unknown as RuleInput["match"];

export function planRollout(input: PlanInput): EnvironmentPlan[] {
  const { variables: v, type, now } = input;
  const isBoolean = input.featureType === "boolean";
  const stages = v.environmentIds.map((environmentId, index) => {
    const stage = input.stages.find((s) => s.environmentId === environmentId);
    if (!stage) throw badInput(`variables.environmentIds.${index}`, `variables.environmentIds.${index}: not an environment of this feature`);
    return stage;
  });
  if (v.segmentKey !== undefined && !input.segmentKeys.has(v.segmentKey)) {
    throw badInput("variables.segmentKey", `variables.segmentKey: unknown segment ${v.segmentKey}`);
  }
  const start = v.startAt ?? now;
  if (start.getTime() < now.getTime() - MINUTE_MS) throw badInput("variables.startAt", "variables.startAt: must not be in the past");
  const delayed = start.getTime() > now.getTime();
  const isRamp = type === "canary" || type === "kill_switch_guarded";
  if (isRamp && !v.percentages) throw badInput("variables.percentages", "variables.percentages: required for a ramp");
  if (isRamp && !v.intervalMinutes) throw badInput("variables.intervalMinutes", "variables.intervalMinutes: required for a ramp");
  if (!isRamp && delayed) throw badInput("variables.startAt", "variables.startAt: only ramps (canary, kill_switch_guarded) can start later");

  const variant = type === "experiment" ? null : resolveVariant(input, "variant", isBoolean ? "on" : null);
  let split: ServeDocument | null = null;
  if (type === "experiment") {
    const weights = v.weights ?? equalWeights(input.variantKeys);
    weights.forEach((w, index) => {
      if (!input.variantKeys.includes(w.variant)) throw badInput(`variables.weights.${index}.variant`, `variables.weights.${index}.variant: unknown variant ${w.variant}`);
      if (weights.findIndex((o) => o.variant === w.variant) !== index) throw badInput(`variables.weights.${index}.variant`, `variables.weights.${index}.variant: listed twice`);
    });
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    if (total !== SPLIT_TOTAL) throw badInput("variables.weights", `variables.weights: must sum to ${SPLIT_TOTAL} (everyone), not ${total}`);
    split = { kind: "split", allocations: weights };
  }

  // Ramp steps: with a later start every step is scheduled (0% until then); otherwise the first is now.
  const steps: RampStep[] = isRamp
    ? v.percentages!.map((percentage, index) => ({ percentage, runAt: new Date(start.getTime() + index * v.intervalMinutes! * MINUTE_MS) }))
    : [];
  const last = steps[steps.length - 1];
  if (last && last.runAt.getTime() > now.getTime() + 365 * 24 * 60 * MINUTE_MS) {
    throw badInput("variables.startAt", "variables.startAt: the last ramp step would be more than a year ahead");
  }
  const immediate = isRamp && !delayed ? steps.shift()!.percentage : 0;

  const plans = stages.map((stage): EnvironmentPlan => {
    const gatedByTemplate = type === "approval_gated_production" && stage.environmentType === "production";
    const mode = stage.policyName !== null || gatedByTemplate ? "APPROVAL" : "DIRECT";
    const notes: string[] = [];
    const rules: RuleInput[] = [];
    if (v.segmentKey !== undefined && variant !== null) {
      rules.push({ name: `template: ${v.segmentKey} first`, enabled: true, match: segmentMatch(v.segmentKey), serve: { kind: "variant", variant } });
    } else if (v.segmentKey !== undefined && split) {
      notes.push("segmentKey is ignored by an experiment: everyone is split");
    }
    let rampRuleIndex: number | null = null;
    if (split) rules.push({ name: "template: experiment", enabled: true, match: [], serve: split });
    else if (isRamp) {
      rampRuleIndex = rules.length;
      rules.push({ name: "template: ramp", enabled: true, match: [], serve: { kind: "rollout", variant: variant!, percentage: immediate } });
    } else rules.push({ name: "template: everyone", enabled: true, match: [], serve: { kind: "variant", variant: variant! } });

    let offVariant: string | null = null;
    if (type === "kill_switch_guarded") offVariant = resolveVariant(input, "safeVariant", isBoolean ? "off" : stage.defaultVariant);
    if (offVariant !== null && offVariant === variant) throw badInput("variables.safeVariant", "variables.safeVariant: must differ from the variant rolled out");

    let deploy: DeployPlan;
    if (LIVE.includes(stage.status)) deploy = "ALREADY_LIVE";
    else if (!v.deploy) deploy = "SKIPPED";
    else if (mode === "DIRECT" && input.mayDeployDirectly && DEPLOYABLE.includes(stage.status)) deploy = "DIRECT";
    else {
      deploy = "MANUAL";
      notes.push(mode === "APPROVAL"
        ? "request the deploy once the rules change is applied"
        : DEPLOYABLE.includes(stage.status) ? "request the deploy (requestDeploy): only a team admin deploys directly" : `the stage is ${stage.status}: deploy it when that is decided`);
    }
    const approvalReason = stage.policyName !== null ? `protected by the approval policy "${stage.policyName}"`
      : gatedByTemplate ? "the template requires approval in production" : null;
    if (mode === "APPROVAL" && offVariant !== null) notes.push(`set the off variant to ${offVariant} once the rules change is applied (it needs its own approval)`);
    if (mode === "APPROVAL" && steps.length) notes.push("each later ramp step needs its own approved rules change");
    if (stage.frozen) notes.push("a freeze window is active: a direct change needs freezeOverrideReason (team admins)");
    return {
      environmentId: stage.environmentId, environmentKey: stage.environmentKey, environmentType: stage.environmentType,
      stageId: stage.id, stageStatus: stage.status, mode, approvalReason, frozen: stage.frozen,
      rules, replacedRuleCount: stage.ruleCount, rampRuleIndex,
      offVariant: mode === "DIRECT" ? offVariant : null,
      scheduledSteps: mode === "DIRECT" ? steps : [],
      manualSteps: mode === "APPROVAL" ? steps : [],
      deploy, notes,
    };
  });
  const gated = plans.filter((plan) => plan.mode === "APPROVAL");
  if (gated.length > 1) {
    throw badInput("variables.environmentIds",
      `variables.environmentIds: ${gated.map((p) => p.environmentKey).join(", ")} all need approval; apply the template to one of them at a time (each request is made against the feature's current version)`);
  }
  // A scheduled step elsewhere bumps the feature's version, which invalidates a request still pending.
  const firstStep = plans.flatMap((plan) => plan.scheduledSteps).sort((a, b) => a.runAt.getTime() - b.runAt.getTime())[0];
  if (gated[0] && firstStep) {
    gated[0].notes.push(`decide the approval request before ${firstStep.runAt.toISOString()}: the first scheduled ramp step changes the feature and invalidates a request still pending`);
  }
  return plans;
}
