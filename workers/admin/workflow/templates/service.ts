// Rollout templates as a service: list (the five system templates plus the team's own), create, edit
// and delete team templates, preview a template on a feature (the plan, nothing written) and apply it.
// Applying writes the previewed plan through the existing services, environment by environment in
// the order given: setStageRules (one commit per environment), setStageVariants for an off variant,
// createScheduledChange per later ramp step, requestDeploy where the caller deploys directly, and
// requestRulesChange where approval is needed (last). Every guard of those services applies as for
// a hand-made change; a freeze is checked for every environment before anything is written. The
// first failure stops the application: later environments are reported SKIPPED, earlier ones stay.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { ROLLOUT_TEMPLATE_TYPES, rolloutTemplates, type RolloutTemplateType } from "../../../../db/schema";
import { ANY_TEAM_ROLE, authorizeEntity, requireTeamRole, TEAM_ADMIN, type Principal } from "../../identity/authz";
import { checkFreeze } from "../change-guard";
import { commit } from "../../core/commit";
import { uniqueOrConflict } from "../../core/constraints";
import type { ControlDeps } from "../../core/deps";
import { badInput, isControlError, notFound, type ControlErrorCode } from "../../core/errors";
import { CONFIGURE_FEATURES } from "../../identity/feature-roles";
import { effectiveVariants, loadFeatureState, type FeatureState } from "../../configuration/feature-state";
import { governanceOf, type Governance } from "../../governance/governance";
import { setStageRules, setStageVariants } from "../../configuration/rules";
import { requestRulesChange } from "../../configuration/rules-change";
import { createScheduledChange } from "../schedules";
import { requestStageChange } from "../stage-workflow";
import { teamSegmentKeys } from "../../configuration/team-scope";
import { parseInput } from "../../core/validation";
import { defaultsSchema, SYSTEM_TEMPLATE_PREFIX, SYSTEM_TEMPLATES, variablesSchema, type TemplateDefaults } from "./catalog";
import { planRollout, type EnvironmentPlan } from "./plan";

export interface RolloutTemplate {
  id: string;
  /** Null for a system template. */
  teamId: string | null;
  name: string;
  description: string;
  type: RolloutTemplateType;
  system: boolean;
  defaults: TemplateDefaults;
  createdAt: Date | null;
}

type TemplateRow = typeof rolloutTemplates.$inferSelect;

const teamTemplate = (row: TemplateRow): RolloutTemplate => ({
  id: row.id, teamId: row.teamId, name: row.name, description: row.description, type: row.type, system: false,
  defaults: row.defaults as TemplateDefaults, createdAt: row.createdAt,
});

const SYSTEM_VIEWS: RolloutTemplate[] = SYSTEM_TEMPLATES.map((t) => ({ ...t, teamId: null, system: true, createdAt: null }));

/** The system templates, then the team's own by name. Team members. */
export async function listRolloutTemplates(deps: ControlDeps, principal: Principal, teamId: string): Promise<RolloutTemplate[]> {
  await authorizeEntity(deps, principal, "team", teamId, ANY_TEAM_ROLE);
  const rows = await deps.db.select().from(rolloutTemplates).where(eq(rolloutTemplates.teamId, teamId)).orderBy(asc(rolloutTemplates.name));
  return [...SYSTEM_VIEWS, ...rows.map(teamTemplate)];
}

const createInput = z.object({
  teamId: z.string().min(1),
  name: z.string().trim().min(1, "is required").max(100),
  description: z.string().trim().max(500).default(""),
  type: z.enum(ROLLOUT_TEMPLATE_TYPES),
  defaults: defaultsSchema.default({}),
}).strict();

/** Team admins. A name is unique in the team (CONFLICT). */
export async function createRolloutTemplate(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RolloutTemplate> {
  const input = parseInput(createInput, withoutNulls(raw));
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const row: TemplateRow = {
    id: crypto.randomUUID(), teamId: input.teamId, name: input.name, description: input.description, type: input.type,
    defaults: input.defaults as TemplateRow["defaults"], createdBy: principal.userId, createdAt: deps.now(),
  };
  await uniqueOrConflict("rollout_templates", `A rollout template named "${input.name}" already exists in the team`, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(rolloutTemplates).values(row)],
    audit: [{ teamId: row.teamId, action: "rollout_template.create", entityType: "rollout_template", entityId: row.id, before: null,
      after: { name: row.name, type: row.type, defaults: row.defaults } }],
  }));
  return teamTemplate(row);
}

const updateInput = z.object({
  id: z.string().min(1),
  name: createInput.shape.name.optional(),
  description: z.string().trim().max(500).optional(),
  type: createInput.shape.type.optional(),
  /** Replaces the defaults as a whole. */
  defaults: defaultsSchema.optional(),
}).strict();

/** Team admins; omitted fields stay. System templates cannot be edited (NOT_FOUND: they are not rows). */
export async function updateRolloutTemplate(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RolloutTemplate> {
  const { id, ...patch } = parseInput(updateInput, withoutNulls(raw));
  const [before] = await deps.db.select().from(rolloutTemplates).where(eq(rolloutTemplates.id, id)).limit(1);
  if (!before) throw notFound("Rollout template");
  requireTeamRole(principal, before.teamId, TEAM_ADMIN, "Rollout template");
  const after: TemplateRow = {
    ...before, name: patch.name ?? before.name, description: patch.description ?? before.description, type: patch.type ?? before.type,
    defaults: (patch.defaults ?? before.defaults) as TemplateRow["defaults"],
  };
  await uniqueOrConflict("rollout_templates", `A rollout template named "${after.name}" already exists in the team`, () => commit(deps, {
    actor: principal,
    statements: [deps.db.update(rolloutTemplates).set(after).where(eq(rolloutTemplates.id, id))],
    audit: [{ teamId: after.teamId, action: "rollout_template.update", entityType: "rollout_template", entityId: id,
      before: { name: before.name, type: before.type, defaults: before.defaults }, after: { name: after.name, type: after.type, defaults: after.defaults } }],
  }));
  return teamTemplate(after);
}

/** Team admins; system templates cannot be deleted (NOT_FOUND: they are not rows). */
export async function deleteRolloutTemplate(deps: ControlDeps, principal: Principal, id: string): Promise<RolloutTemplate> {
  const [row] = await deps.db.select().from(rolloutTemplates).where(eq(rolloutTemplates.id, id)).limit(1);
  if (!row) throw notFound("Rollout template");
  requireTeamRole(principal, row.teamId, TEAM_ADMIN, "Rollout template");
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(rolloutTemplates).where(eq(rolloutTemplates.id, id))],
    audit: [{ teamId: row.teamId, action: "rollout_template.delete", entityType: "rollout_template", entityId: id,
      before: { name: row.name, type: row.type, defaults: row.defaults }, after: null }],
  });
  return teamTemplate(row);
}

// ---------------------------------------------------------------- preview and apply

const planInput = z.object({
  featureId: z.string().min(1),
  templateId: z.string().min(1).optional(),
  type: z.enum(ROLLOUT_TEMPLATE_TYPES).optional(),
  variables: z.record(z.string(), z.unknown()),
  freezeOverrideReason: z.string().optional(),
}).strict();

export interface RolloutPreview {
  featureId: string;
  featureKey: string;
  template: RolloutTemplate;
  environments: EnvironmentPlan[];
}

interface Planned extends RolloutPreview {
  teamId: string;
  state: FeatureState;
  governance: Map<string, Governance>;
  freezeOverrideReason: string | undefined;
}

/** GraphQL passes absent optional arguments as null; the schemas treat absent and null alike. */
function withoutNulls(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value) || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

async function resolveTemplate(deps: ControlDeps, teamId: string, templateId?: string, type?: RolloutTemplateType): Promise<RolloutTemplate> {
  if ((templateId === undefined) === (type === undefined)) throw badInput("templateId", "templateId: give either templateId or type");
  if (type) return SYSTEM_VIEWS.find((t) => t.type === type)!;
  if (templateId!.startsWith(SYSTEM_TEMPLATE_PREFIX)) {
    const system = SYSTEM_VIEWS.find((t) => t.id === templateId);
    if (!system) throw notFound("Rollout template");
    return system;
  }
  const [row] = await deps.db.select().from(rolloutTemplates)
    .where(and(eq(rolloutTemplates.id, templateId!), eq(rolloutTemplates.teamId, teamId))).limit(1);
  if (!row) throw notFound("Rollout template");
  return teamTemplate(row);
}

async function plan(deps: ControlDeps, principal: Principal, raw: unknown, allowed: typeof ANY_TEAM_ROLE): Promise<Planned> {
  const input = parseInput(planInput, withoutNulls(raw), "");
  const teamId = await authorizeEntity(deps, principal, "feature", input.featureId, allowed);
  const template = await resolveTemplate(deps, teamId, input.templateId, input.type);
  const variables = parseInput(variablesSchema, { ...template.defaults, ...input.variables }, "variables");
  const state = await loadFeatureState(deps, input.featureId);
  const governance = new Map<string, Governance>();
  for (const environmentId of variables.environmentIds) {
    if (state.stages.some((s) => s.environmentId === environmentId)) governance.set(environmentId, await governanceOf(deps, teamId, environmentId));
  }
  const environments = planRollout({
    type: template.type, variables, featureType: state.feature.type,
    variantKeys: Object.keys(effectiveVariants(state)), segmentKeys: await teamSegmentKeys(deps, teamId),
    stages: state.stages.filter((s) => governance.has(s.environmentId)).map((s) => {
      const g = governance.get(s.environmentId)!;
      return {
        id: s.id, environmentId: s.environmentId, environmentKey: s.environmentKey, environmentType: g.environment.type, status: s.status,
        defaultVariant: s.defaultVariant, ruleCount: s.rules.length, policyName: g.policy?.name ?? null, frozen: g.activeFreezes.length > 0,
      };
    }),
    mayDeployDirectly: principal.isSystemAdmin || principal.memberships.get(teamId) === "team_admin",
    now: deps.now(),
  });
  return {
    featureId: state.feature.id, featureKey: state.feature.key, template, environments, teamId, state, governance,
    freezeOverrideReason: input.freezeOverrideReason,
  };
}

/** The plan per environment; writes nothing. Team members. */
export async function previewRolloutTemplate(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RolloutPreview> {
  const { featureId, featureKey, template, environments } = await plan(deps, principal, raw, ANY_TEAM_ROLE);
  return { featureId, featureKey, template, environments };
}

export type ApplyStatus = "APPLIED" | "REQUESTED" | "FAILED" | "SKIPPED";

export interface EnvironmentApplication {
  plan: EnvironmentPlan;
  status: ApplyStatus;
  ruleIds: string[];
  scheduledChangeIds: string[];
  deployed: boolean;
  approvalRequestId: string | null;
  error: { code: ControlErrorCode; message: string } | null;
}

export interface RolloutApplication {
  featureId: string;
  featureKey: string;
  template: RolloutTemplate;
  environments: EnvironmentApplication[];
}

/** Writes the plan (see the header). Team admins and requesters. */
export async function applyRolloutTemplate(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RolloutApplication> {
  const planned = await plan(deps, principal, raw, CONFIGURE_FEATURES);
  const override = planned.freezeOverrideReason;
  // Freezes first, for every environment changed directly: nothing is written if one blocks.
  for (const env of planned.environments) {
    if (env.mode === "DIRECT") checkFreeze(planned.governance.get(env.environmentId)!, principal, planned.teamId, override);
  }
  const ordered = [...planned.environments.filter((e) => e.mode === "DIRECT"), ...planned.environments.filter((e) => e.mode === "APPROVAL")];
  const outcomes = new Map<string, EnvironmentApplication>();
  let failed = false;
  for (const env of ordered) {
    const outcome: EnvironmentApplication = { plan: env, status: "SKIPPED", ruleIds: [], scheduledChangeIds: [], deployed: false, approvalRequestId: null, error: null };
    outcomes.set(env.environmentId, outcome);
    if (failed) continue;
    try {
      await applyEnvironment(deps, principal, planned, env, outcome);
    } catch (error) {
      if (!isControlError(error)) throw error;
      failed = true;
      outcome.status = "FAILED";
      outcome.error = { code: error.code, message: error.message };
    }
  }
  return {
    featureId: planned.featureId, featureKey: planned.featureKey, template: planned.template,
    environments: planned.environments.map((env) => outcomes.get(env.environmentId)!),
  };
}

async function applyEnvironment(
  deps: ControlDeps, principal: Principal, planned: Planned, env: EnvironmentPlan, outcome: EnvironmentApplication,
): Promise<void> {
  const comment = `rollout template "${planned.template.name}"`;
  if (env.mode === "APPROVAL") {
    const request = await requestRulesChange(deps, principal, { stageId: env.stageId, rules: env.rules, comment });
    outcome.approvalRequestId = request.id;
    outcome.status = "REQUESTED";
    return;
  }
  const freezeOverrideReason = env.frozen ? planned.freezeOverrideReason : undefined;
  const stage = await setStageRules(deps, principal, { stageId: env.stageId, rules: env.rules, freezeOverrideReason });
  const byPosition = [...stage.rules].sort((a, b) => a.position - b.position);
  outcome.ruleIds = byPosition.map((rule) => rule.id);
  if (env.offVariant !== null) await setStageVariants(deps, principal, { stageId: env.stageId, offVariant: env.offVariant, freezeOverrideReason });
  if (env.rampRuleIndex !== null) {
    const ruleId = byPosition[env.rampRuleIndex]!.id;
    for (const step of env.scheduledSteps) {
      const row = await createScheduledChange(deps, principal, {
        action: "set_rollout", featureId: planned.featureId, runAt: step.runAt, ruleId, percentage: step.percentage,
      });
      outcome.scheduledChangeIds.push(row.id);
    }
  }
  if (env.deploy === "DIRECT") {
    const result = await requestStageChange(deps, principal, "deploy", { stageId: env.stageId, comment, freezeOverrideReason });
    outcome.deployed = result.request === null;
  }
  outcome.status = "APPLIED";
}
