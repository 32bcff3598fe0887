// Rollout templates through /graphql: the system and team templates, previewRolloutTemplate (the
// exact plan per environment, nothing written), applyRolloutTemplate (rules, scheduled ramp steps
// run by the environment object's alarm and visible in OFREP, off variant, direct deploy, one
// approval request where a policy or the template requires it, freezes), bad inputs with their
// field paths.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID, demoStageId } from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { freshStart, runSchedule, scheduleOf, tokenOf } from "./support/actors";
import { addFreeze, addPolicy, APPROVE } from "./support/governance";
import { codes, gql, ok, type GraphQLAnswer } from "./support/graphql";
import type { Role } from "./support/sessions";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const STAGING = DEMO_ENVIRONMENT_IDS.staging;
const PROD = DEMO_ENVIRONMENT_IDS.production;
const DARK = DEMO_FEATURE_IDS.dark_mode;
const PLAN_FIELDS = `environmentId environmentKey environmentType stageId stageStatus mode approvalReason frozen
  rules { name enabled match serve } replacedRuleCount rampRuleIndex offVariant
  scheduledSteps { runAt percentage } manualSteps { runAt percentage } deploy notes`;
const PREVIEW = `query($f: ID!, $id: ID, $type: RolloutTemplateType, $v: RolloutTemplateVariablesInput!) {
  previewRolloutTemplate(featureId: $f, templateId: $id, type: $type, variables: $v) { featureId featureKey template { id name type } environments { ${PLAN_FIELDS} } }
}`;
const APPLY_TEMPLATE = `mutation($f: ID!, $id: ID, $type: RolloutTemplateType, $v: RolloutTemplateVariablesInput!, $reason: String) {
  applyRolloutTemplate(featureId: $f, templateId: $id, type: $type, variables: $v, freezeOverrideReason: $reason) {
    featureKey template { id }
    environments { plan { environmentKey mode deploy offVariant } status ruleIds scheduledChangeIds deployed approvalRequestId error { code message } }
  }
}`;
const LIST = `query($t: ID!) { rolloutTemplates(teamId: $t) { id teamId name type system defaults } }`;
const CREATE = `mutation($input: CreateRolloutTemplateInput!) { createRolloutTemplate(input: $input) { id teamId name type system defaults } }`;
const DELETE = `mutation($id: ID!) { deleteRolloutTemplate(id: $id) { id name } }`;
const UPDATE = `mutation($input: UpdateRolloutTemplateInput!) { updateRolloutTemplate(input: $input) { id name description type system defaults } }`;

const as = async (role: Role, query: string, variables: Record<string, unknown> = {}) => gql(query, variables, await tokenOf(role));
function failure(answer: GraphQLAnswer) {
  expect(answer.errors?.length, JSON.stringify(answer.errors ?? answer.data)).toBe(1);
  const { code, field, reason } = answer.errors![0]!.extensions ?? {};
  return { code, field, reason };
}
const stageRow = (stageId: string) => env.DB.prepare("SELECT status, off_variant AS offVariant FROM feature_stages WHERE id = ?").bind(stageId).first();
const rulesOf = (stageId: string) => env.DB.prepare("SELECT name, serve FROM rules WHERE stage_id = ? ORDER BY priority, position").bind(stageId).all()
  .then((r) => r.results.map((row) => ({ name: row.name, serve: JSON.parse(row.serve as string) })));
const versionOf = (featureId: string) => env.DB.prepare("SELECT version FROM features WHERE id = ?").bind(featureId).first<number>("version");

/** Runs only the earliest stored item of the environment's object; whether it ran (runSchedule). */
async function runNextStep(environmentId: string): Promise<boolean> {
  const [earliest] = await scheduleOf(environmentId);
  return runSchedule(environmentId, [earliest!.id]);
}

const KEYS = Array.from({ length: 200 }, (_, i) => `user-${i}`);
/** How many of 200 users OFREP serves dark_mode = true in development. */
async function darkModeOnCount(): Promise<number> {
  const answers = await Promise.all(KEYS.map((targetingKey) =>
    call("/ofrep/v1/evaluate/flags/dark_mode", { secret: DEMO_SECRETS.development, body: { context: { targetingKey } } })));
  return answers.filter((a) => a.json.value === true).length;
}
async function pollCount(accept: (n: number) => boolean): Promise<number> {
  let value = await darkModeOnCount();
  for (let i = 0; i < 50 && !accept(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await darkModeOnCount();
  }
  return value;
}

beforeEach(freshStart);

describe("rolloutTemplates", () => {
  it("lists the five system templates, then the team's own; a team template presets variables", async () => {
    const created = ok(await as("teamadmin", CREATE, { input: {
      teamId: DEMO_TEAM_ID, name: "Slow canary", type: "canary", defaults: { percentages: [1, 10, 100], intervalMinutes: 1440 },
    } })).createRolloutTemplate;
    expect(created).toEqual({
      id: expect.any(String), teamId: DEMO_TEAM_ID, name: "Slow canary", type: "canary", system: false,
      defaults: { percentages: [1, 10, 100], intervalMinutes: 1440 },
    });
    const list = ok(await as("viewer", LIST, { t: DEMO_TEAM_ID })).rolloutTemplates;
    expect(list.map((t: { id: string; name: string; system: boolean }) => [t.id, t.name, t.system])).toEqual([
      ["system:simple_on_off", "Simple on/off", true],
      ["system:canary", "Canary 10-50-100", true],
      ["system:approval_gated_production", "Approval-gated production", true],
      ["system:experiment", "Experiment rollout", true],
      ["system:kill_switch_guarded", "Kill-switch guarded rollout", true],
      [created.id, "Slow canary", false],
    ]);
    expect(list[1].defaults).toEqual({ percentages: [10, 50, 100], intervalMinutes: 60 });
    // The team template's defaults drive the plan; the caller's variables override them.
    const preview = ok(await as("viewer", PREVIEW, { f: DARK, id: created.id, v: { environmentIds: [DEV] } })).previewRolloutTemplate;
    expect(preview.environments[0].rules[0].serve).toEqual({ kind: "rollout", variant: "on", percentage: 1 });
    expect(preview.environments[0].scheduledSteps.map((s: { percentage: number }) => s.percentage)).toEqual([10, 100]);
    const overridden = ok(await as("viewer", PREVIEW, { f: DARK, id: created.id, v: { environmentIds: [DEV], percentages: [50, 100] } })).previewRolloutTemplate;
    expect(overridden.environments[0].rules[0].serve).toEqual({ kind: "rollout", variant: "on", percentage: 50 });

    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "Slow canary", type: "experiment" } })))
      .toEqual({ code: "CONFLICT", field: undefined, reason: undefined });
    expect(ok(await as("teamadmin", DELETE, { id: created.id })).deleteRolloutTemplate).toEqual({ id: created.id, name: "Slow canary" });
    expect(ok(await as("viewer", LIST, { t: DEMO_TEAM_ID })).rolloutTemplates).toHaveLength(5);
    expect(failure(await as("teamadmin", DELETE, { id: "system:canary" })).code).toBe("NOT_FOUND");
    expect(await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid").bind(created.id).all()
      .then((r) => r.results.map((row) => row.action))).toEqual(["rollout_template.create", "rollout_template.delete"]);
  });

  it("are edited by team admins: omitted fields stay, defaults are replaced, names stay unique, system templates are not rows", async () => {
    const created = ok(await as("teamadmin", CREATE, { input: {
      teamId: DEMO_TEAM_ID, name: "Slow canary", description: "days", type: "canary", defaults: { percentages: [1, 10, 100] },
    } })).createRolloutTemplate;
    ok(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "Taken", type: "canary" } }));
    expect(ok(await as("teamadmin", UPDATE, { input: { id: created.id, name: "Weekly canary", defaults: { percentages: [5, 100], intervalMinutes: 10080 } } })).updateRolloutTemplate)
      .toEqual({ id: created.id, name: "Weekly canary", description: "days", type: "canary", system: false, defaults: { percentages: [5, 100], intervalMinutes: 10080 } });
    const preview = ok(await as("viewer", PREVIEW, { f: DARK, id: created.id, v: { environmentIds: [DEV] } })).previewRolloutTemplate;
    expect(preview.environments[0].rules[0].serve).toEqual({ kind: "rollout", variant: "on", percentage: 5 });
    expect(failure(await as("teamadmin", UPDATE, { input: { id: created.id, name: "Taken" } }))).toEqual({ code: "CONFLICT", field: undefined, reason: undefined });
    expect(failure(await as("teamadmin", UPDATE, { input: { id: created.id, defaults: { percentages: [50, 10] } } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "input.defaults.percentages.1", reason: undefined });
    expect(failure(await as("requester", UPDATE, { input: { id: created.id, name: "Mine" } })).code).toBe("FORBIDDEN");
    expect(failure(await as("teamadmin", UPDATE, { input: { id: "system:canary", name: "Mine" } })).code).toBe("NOT_FOUND");
    expect(await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid").bind(created.id).all()
      .then((r) => r.results.map((row) => row.action))).toEqual(["rollout_template.create", "rollout_template.update"]);
  });

  it("another team's template is NOT_FOUND for Acme's features and its members", async () => {
    const other = ok(await as("outsider", CREATE, { input: { teamId: "00000000-0000-4000-8000-00000000f0b1", name: "Mine", type: "canary" } }))
      .createRolloutTemplate;
    expect(failure(await as("teamadmin", PREVIEW, { f: DARK, id: other.id, v: { environmentIds: [DEV] } })).code).toBe("NOT_FOUND");
    expect(failure(await as("teamadmin", DELETE, { id: other.id })).code).toBe("NOT_FOUND");
    expect(failure(await as("outsider", LIST, { t: DEMO_TEAM_ID })).code).toBe("NOT_FOUND");
  });

  it("refuses bad template definitions with the field path", async () => {
    const bad = async (input: Record<string, unknown>) => failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "x", type: "canary", ...input } }));
    expect(await bad({ name: " " })).toEqual({ code: "BAD_USER_INPUT", field: "input.name", reason: undefined });
    expect(await bad({ defaults: { percentages: [50, 10] } })).toEqual({ code: "BAD_USER_INPUT", field: "input.defaults.percentages.1", reason: undefined });
    expect(await bad({ defaults: { intervalMinutes: 0 } })).toEqual({ code: "BAD_USER_INPUT", field: "input.defaults.intervalMinutes", reason: undefined });
  });
});

describe("previewRolloutTemplate", () => {
  it("returns exactly what a canary would write per environment, and writes nothing", async () => {
    const before = await versionOf(DARK);
    const preview = ok(await as("viewer", PREVIEW, { f: DARK, type: "canary", v: { environmentIds: [DEV, STAGING], intervalMinutes: 30 } })).previewRolloutTemplate;
    expect(preview.featureKey).toBe("dark_mode");
    expect(preview.template).toEqual({ id: "system:canary", name: "Canary 10-50-100", type: "canary" });
    const [dev, staging] = preview.environments;
    expect(dev).toMatchObject({
      environmentId: DEV, environmentKey: "development", environmentType: "development", stageId: demoStageId("dark_mode", "development"),
      stageStatus: "DEPLOYED", mode: "DIRECT", approvalReason: null, frozen: false,
      rules: [{ name: "template: ramp", enabled: true, match: [], serve: { kind: "rollout", variant: "on", percentage: 10 } }],
      replacedRuleCount: 1, rampRuleIndex: 0, offVariant: null, manualSteps: [], deploy: "ALREADY_LIVE", notes: [],
    });
    const steps = dev.scheduledSteps.map((s: { runAt: string; percentage: number }) => [s.percentage, Date.parse(s.runAt)]);
    expect(steps.map(([p]: number[]) => p)).toEqual([50, 100]);
    expect(steps[1][1] - steps[0][1]).toBe(30 * 60_000);
    expect(Math.abs(steps[0][1] - Date.now() - 30 * 60_000)).toBeLessThan(10_000);
    expect(staging).toMatchObject({ environmentKey: "staging", mode: "DIRECT", deploy: "ALREADY_LIVE" });
    expect(await versionOf(DARK)).toBe(before);
    expect(await rulesOf(demoStageId("dark_mode", "development"))).toEqual([{ name: "25% rollout", serve: { kind: "rollout", variant: "on", percentage: 25 } }]);
  });

  it("plans an approval request where a policy covers the environment, with the later steps left manual", async () => {
    await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
    const preview = ok(await as("requester", PREVIEW, { f: DARK, type: "kill_switch_guarded", v: { environmentIds: [DEV, PROD], segmentKey: "beta_testers" } }))
      .previewRolloutTemplate;
    const [dev, prod] = preview.environments;
    expect(dev).toMatchObject({ mode: "DIRECT", offVariant: "off", rampRuleIndex: 1 });
    expect(dev.rules).toEqual([
      { name: "template: beta_testers first", enabled: true, match: [{ operator: "and", conditions: [{ attribute: "targetingKey", operator: "in_segment", value: "beta_testers" }] }], serve: { kind: "variant", variant: "on" } },
      { name: "template: ramp", enabled: true, match: [], serve: { kind: "rollout", variant: "on", percentage: 5 } },
    ]);
    expect(dev.scheduledSteps.map((s: { percentage: number }) => s.percentage)).toEqual([25, 50, 100]);
    expect(prod).toMatchObject({
      mode: "APPROVAL", approvalReason: 'protected by the approval policy "Production gate"', offVariant: null, scheduledSteps: [], deploy: "ALREADY_LIVE",
    });
    expect(prod.notes).toEqual([
      "set the off variant to off once the rules change is applied (it needs its own approval)",
      "each later ramp step needs its own approved rules change",
      `decide the approval request before ${dev.scheduledSteps[0].runAt}: the first scheduled ramp step changes the feature and invalidates a request still pending`,
    ]);
    expect(prod.manualSteps.map((s: { percentage: number }) => s.percentage)).toEqual([25, 50, 100]);
  });

  it("refuses bad variables with exact codes and field paths", async () => {
    const bad = async (v: Record<string, unknown>, extra: Record<string, unknown> = { type: "canary" }) =>
      failure(await as("teamadmin", PREVIEW, { f: DARK, v, ...extra }));
    const input = (field: string) => ({ code: "BAD_USER_INPUT", field, reason: undefined });
    expect(await bad({ environmentIds: [DEV] }, { type: "canary", id: "system:canary" })).toEqual(input("templateId"));
    expect(await bad({ environmentIds: [DEV] }, {})).toEqual(input("templateId"));
    expect(await bad({})).toEqual(input("variables.environmentIds"));
    expect(await bad({ environmentIds: [DEV, DEV] })).toEqual(input("variables.environmentIds.1"));
    expect(await bad({ environmentIds: ["nope"] })).toEqual(input("variables.environmentIds.0"));
    expect(await bad({ environmentIds: [DEV], percentages: [10, 10] })).toEqual(input("variables.percentages.1"));
    expect(await bad({ environmentIds: [DEV], percentages: [0, 10] })).toEqual(input("variables.percentages.0"));
    expect(await bad({ environmentIds: [DEV], percentages: [10, 101] })).toEqual(input("variables.percentages.1"));
    expect(await bad({ environmentIds: [DEV], intervalMinutes: 0 })).toEqual(input("variables.intervalMinutes"));
    expect(await bad({ environmentIds: [DEV], variant: "blue" })).toEqual(input("variables.variant"));
    expect(await bad({ environmentIds: [DEV], segmentKey: "nobody" })).toEqual(input("variables.segmentKey"));
    expect(await bad({ environmentIds: [DEV], startAt: new Date(Date.now() - 3600_000).toISOString() })).toEqual(input("variables.startAt"));
    expect(await bad({ environmentIds: [DEV], startAt: new Date(Date.now() + 3600_000).toISOString() }, { type: "simple_on_off" })).toEqual(input("variables.startAt"));
    expect(await bad({ environmentIds: [DEV], safeVariant: "on" }, { type: "kill_switch_guarded" })).toEqual(input("variables.safeVariant"));
    expect(await bad({ environmentIds: [DEV], weights: [{ variant: "on", weight: 60000 }] }, { type: "experiment" })).toEqual(input("variables.weights"));
    expect(await bad({ environmentIds: [DEV], weights: [{ variant: "x", weight: 100000 }] }, { type: "experiment" })).toEqual(input("variables.weights.0.variant"));
    // A string feature has no default variant to roll out.
    expect(failure(await as("teamadmin", PREVIEW, { f: DEMO_FEATURE_IDS.checkout_button_text, type: "canary", v: { environmentIds: [DEV] } })))
      .toEqual(input("variables.variant"));
    // Two environments needing approval: one at a time.
    await addPolicy({ appliesTo: "all", requiredApprovals: 1, eligibleRoles: ["approver"] });
    expect(await bad({ environmentIds: [STAGING, PROD] }, { type: "simple_on_off" })).toEqual(input("variables.environmentIds"));
    expect(failure(await as("teamadmin", PREVIEW, { f: "no-such-feature", type: "canary", v: { environmentIds: [DEV] } })).code).toBe("NOT_FOUND");
  });
});

describe("applyRolloutTemplate", { timeout: 60_000 }, () => {
  it("a canary changes OFREP results over time: 10% now, 50% and 100% when the alarm runs the scheduled steps", async () => {
    expect(await pollCount((n) => n > 30 && n < 70)).toBeGreaterThan(30); // the demo's 25% of 200
    const applied = ok(await as("requester", APPLY_TEMPLATE, { f: DARK, type: "canary", v: { environmentIds: [DEV] } })).applyRolloutTemplate;
    const [dev] = applied.environments;
    expect(dev).toMatchObject({ status: "APPLIED", deployed: false, approvalRequestId: null, error: null, plan: { environmentKey: "development", mode: "DIRECT", deploy: "ALREADY_LIVE" } });
    expect(dev.scheduledChangeIds).toHaveLength(2);
    expect((await scheduleOf(DEV)).map((item) => item.id).sort()).toEqual([...dev.scheduledChangeIds].sort());
    const tenPercent = await pollCount((n) => n < 30);
    expect(tenPercent).toBeGreaterThan(8);
    expect(tenPercent).toBeLessThan(30);
    expect(await runNextStep(DEV)).toBe(true);
    const half = await pollCount((n) => n > 70);
    expect(half).toBeGreaterThan(80);
    expect(half).toBeLessThan(120);
    expect(await runNextStep(DEV)).toBe(true);
    expect(await pollCount((n) => n === 200)).toBe(200);
    expect(await rulesOf(demoStageId("dark_mode", "development"))).toEqual([{ name: "template: ramp", serve: { kind: "rollout", variant: "on", percentage: 100 } }]);
    const done = await env.DB.prepare("SELECT status, result FROM scheduled_changes WHERE feature_id = ? ORDER BY run_at").bind(DARK).all();
    expect(done.results).toEqual([{ status: "done", result: "rollout set to 50%" }, { status: "done", result: "rollout set to 100%" }]);
  });

  it("deploys stages that are not live when a team admin applies, and sets the off variant (kill_switch_guarded)", async () => {
    const stageId = demoStageId("dark_mode", "staging");
    await env.DB.prepare("UPDATE feature_stages SET status = 'NOT_DEPLOYED', off_variant = NULL WHERE id = ?").bind(stageId).run();
    const applied = ok(await as("teamadmin", APPLY_TEMPLATE, { f: DARK, type: "kill_switch_guarded", v: { environmentIds: [STAGING], percentages: [20, 100] } }))
      .applyRolloutTemplate;
    expect(applied.environments[0]).toMatchObject({ status: "APPLIED", deployed: true, plan: { deploy: "DIRECT", offVariant: "off" } });
    expect(await stageRow(stageId)).toEqual({ status: "DEPLOYED", offVariant: "off" });
    expect(await rulesOf(stageId)).toEqual([{ name: "template: ramp", serve: { kind: "rollout", variant: "on", percentage: 20 } }]);
    expect(applied.environments[0].scheduledChangeIds).toHaveLength(1);
    // A requester's application leaves the deploy to a request.
    await env.DB.prepare("UPDATE feature_stages SET status = 'NOT_DEPLOYED' WHERE id = ?").bind(stageId).run();
    const byRequester = ok(await as("requester", APPLY_TEMPLATE, { f: DARK, type: "simple_on_off", v: { environmentIds: [STAGING] } })).applyRolloutTemplate;
    expect(byRequester.environments[0]).toMatchObject({ status: "APPLIED", deployed: false, plan: { deploy: "MANUAL" } });
    expect((await stageRow(stageId))!.status).toBe("NOT_DEPLOYED");
  });

  it("an experiment splits everyone equally across the variants", async () => {
    const stageId = demoStageId("checkout_button_text", "development");
    ok(await as("teamadmin", APPLY_TEMPLATE, { f: DEMO_FEATURE_IDS.checkout_button_text, type: "experiment", v: { environmentIds: [DEV] } }));
    expect(await rulesOf(stageId)).toEqual([{
      name: "template: experiment", serve: { kind: "split", allocations: [{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }] },
    }]);
  });

  it("approval-gated production: development is written at once, production becomes an approval request applied on approval", async () => {
    const applied = ok(await as("requester", APPLY_TEMPLATE, { f: DARK, type: "approval_gated_production", v: { environmentIds: [DEV, PROD] } }))
      .applyRolloutTemplate;
    const [dev, prod] = applied.environments;
    expect(dev).toMatchObject({ status: "APPLIED", plan: { mode: "DIRECT" } });
    expect(prod).toMatchObject({ status: "REQUESTED", plan: { mode: "APPROVAL" }, ruleIds: [], scheduledChangeIds: [] });
    const prodStage = demoStageId("dark_mode", "production");
    expect(await rulesOf(prodStage)).toEqual([{ name: "25% rollout", serve: { kind: "rollout", variant: "on", percentage: 25 } }]);
    // No policy: the team's admins decide (the approver is not eligible).
    expect(failure(await as("approver", APPROVE, { id: prod.approvalRequestId })).code).toBe("FORBIDDEN");
    expect(ok(await as("teamadmin", APPROVE, { id: prod.approvalRequestId })).approveRequest.status).toBe("applied");
    expect(await rulesOf(prodStage)).toEqual([{ name: "template: everyone", serve: { kind: "variant", variant: "on" } }]);
  });

  it("a protected environment goes through its policy's approvers, never around them", async () => {
    await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
    const applied = ok(await as("requester", APPLY_TEMPLATE, { f: DARK, type: "canary", v: { environmentIds: [PROD] } })).applyRolloutTemplate;
    expect(applied.environments[0]).toMatchObject({ status: "REQUESTED", scheduledChangeIds: [] });
    expect(await scheduleOf(PROD)).toEqual([]);
    expect(ok(await as("approver", APPROVE, { id: applied.environments[0].approvalRequestId })).approveRequest.status).toBe("applied");
    expect(await rulesOf(demoStageId("dark_mode", "production"))).toEqual([{ name: "template: ramp", serve: { kind: "rollout", variant: "on", percentage: 10 } }]);
  });

  it("a freeze blocks the whole application before anything is written; a team admin overrides it with a reason", async () => {
    await addFreeze({ environmentType: "staging" });
    const before = await versionOf(DARK);
    const blocked = failure(await as("teamadmin", APPLY_TEMPLATE, { f: DARK, type: "simple_on_off", v: { environmentIds: [DEV, STAGING] } }));
    expect(blocked).toEqual({ code: "CONFLICT", field: undefined, reason: "FROZEN" });
    expect(await versionOf(DARK)).toBe(before);
    expect(failure(await as("requester", APPLY_TEMPLATE, { f: DARK, type: "simple_on_off", v: { environmentIds: [DEV, STAGING] }, reason: "hotfix" })))
      .toEqual({ code: "FORBIDDEN", field: undefined, reason: "FROZEN" });
    const applied = ok(await as("teamadmin", APPLY_TEMPLATE, { f: DARK, type: "simple_on_off", v: { environmentIds: [DEV, STAGING] }, reason: "hotfix" }))
      .applyRolloutTemplate;
    expect(applied.environments.map((e: { status: string }) => e.status)).toEqual(["APPLIED", "APPLIED"]);
    const audit = await env.DB.prepare("SELECT reason FROM audit_log WHERE entity_id = ? AND action = 'stage.set_rules'").bind(demoStageId("dark_mode", "staging")).first("reason");
    expect(audit).toBe("hotfix");
  });

  it("stops at the first failing environment and reports the rest SKIPPED", async () => {
    // new_checkout_flow requires BetaUsers; with BetaUsers not live in staging the staging deploy fails.
    const stageId = demoStageId("new_checkout_flow", "staging");
    await env.DB.batch([
      env.DB.prepare("UPDATE feature_stages SET status = 'NOT_DEPLOYED' WHERE id = ?").bind(stageId),
      env.DB.prepare("UPDATE feature_stages SET status = 'NOT_DEPLOYED' WHERE id = ?").bind(demoStageId("BetaUsers", "staging")),
    ]);
    const applied = ok(await as("teamadmin", APPLY_TEMPLATE, { f: DEMO_FEATURE_IDS.new_checkout_flow, type: "simple_on_off", v: { environmentIds: [STAGING, PROD] } }))
      .applyRolloutTemplate;
    expect(applied.environments.map((e: { status: string; error: { code: string } | null }) => [e.status, e.error?.code ?? null]))
      .toEqual([["FAILED", "CONFLICT"], ["SKIPPED", null]]);
    expect(applied.environments[0].error.message).toBe("Deploy blocked: the prerequisite BetaUsers is not deployed in staging");
  });
});

describe("who may use rollout templates", () => {
  const expectations: Record<Role, { list: string | null; preview: string | null; apply: string | null; manage: string | null }> = {
    admin: { list: null, preview: null, apply: null, manage: null },
    teamadmin: { list: null, preview: null, apply: null, manage: null },
    approver: { list: null, preview: null, apply: "FORBIDDEN", manage: "FORBIDDEN" },
    requester: { list: null, preview: null, apply: null, manage: "FORBIDDEN" },
    viewer: { list: null, preview: null, apply: "FORBIDDEN", manage: "FORBIDDEN" },
    outsider: { list: "NOT_FOUND", preview: "NOT_FOUND", apply: "NOT_FOUND", manage: "NOT_FOUND" },
  };
  const v = { environmentIds: [DEV] };
  for (const [role, expected] of Object.entries(expectations) as [Role, (typeof expectations)[Role]][]) {
    it(`as ${role}`, async () => {
      expect(codes(await as(role, LIST, { t: DEMO_TEAM_ID }))).toEqual(expected.list ? [expected.list] : []);
      expect(codes(await as(role, PREVIEW, { f: DARK, type: "canary", v }))).toEqual(expected.preview ? [expected.preview] : []);
      expect(codes(await as(role, APPLY_TEMPLATE, { f: DARK, type: "simple_on_off", v }))).toEqual(expected.apply ? [expected.apply] : []);
      expect(codes(await as(role, CREATE, { input: { teamId: DEMO_TEAM_ID, name: `t-${role}`, type: "canary" } }))).toEqual(expected.manage ? [expected.manage] : []);
      const existing = ok(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: `d-${role}`, type: "canary" } })).createRolloutTemplate.id;
      expect(codes(await as(role, UPDATE, { input: { id: existing, name: `u-${role}` } }))).toEqual(expected.manage ? [expected.manage] : []);
      expect(codes(await as(role, DELETE, { id: existing }))).toEqual(expected.manage ? [expected.manage] : []);
    });
  }
  it("anonymously: UNAUTHENTICATED", async () => {
    expect(codes(await gql(LIST, { t: DEMO_TEAM_ID }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(PREVIEW, { f: DARK, type: "canary", v }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(APPLY_TEMPLATE, { f: DARK, type: "canary", v }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, name: "anon", type: "canary" } }))).toEqual(["UNAUTHENTICATED"]);
  });
});
