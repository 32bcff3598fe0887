// What a stage serves, through /graphql: setStageRules (whole ordered list, atomically),
// reorderStageRules, updateStageCriteria, setStageVariants; their validation (code and field
// path), feature versions and audit rows, the change guard (protected environments, freezes), and
// the effect on OFREP evaluation.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID, demoRuleId, demoStageId,
} from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { as, failure, ok, poll, pristine } from "./support/config";

const STAGE_FIELDS = "id defaultVariant offVariant rules { id priority position name enabled serve rolloutPercentage match { operator conditions { attribute operator value } } serveSpec { kind variant percentage allocations { variant weight } } }";
const SET_RULES = `mutation($stageId: ID!, $rules: [RuleInput!]!, $expectedVersion: Int, $reason: String) {
  setStageRules(stageId: $stageId, rules: $rules, expectedVersion: $expectedVersion, freezeOverrideReason: $reason) { ${STAGE_FIELDS} }
}`;
const BETA_DEV = demoStageId("BetaUsers", "development");
const CHECKOUT_DEV = demoStageId("checkout_button_text", "development");

const evaluateDev = (flag: string, context: Record<string, unknown>) =>
  call(`/ofrep/v1/evaluate/flags/${flag}`, { secret: DEMO_SECRETS.development, body: { context } });

async function versionOf(featureId: string): Promise<number> {
  return (await env.DB.prepare("SELECT version FROM features WHERE id = ?").bind(featureId).first<{ version: number }>())!.version;
}

beforeEach(pristine);

describe("setStageRules", { timeout: 20_000 }, () => {
  it("replaces the stage's rules by the ordered list, versions the feature and audits the change", async () => {
    const rules = [
      { name: "Pros", match: [{ operator: "and", conditions: [{ attribute: "plan", operator: "equals", value: "pro" }] }], serve: { kind: "variant", variant: "variant-a" } },
      { name: "Half", serve: { kind: "split", allocations: [{ variant: "control", weight: 30000 }, { variant: "variant-a", weight: 20000 }] } },
    ];
    const stage = ok(await as("requester", SET_RULES, { stageId: CHECKOUT_DEV, rules, expectedVersion: 1 })).setStageRules;
    expect(stage.rules).toEqual([
      {
        id: expect.any(String), priority: 0, position: 0, name: "Pros", enabled: true, serve: "variant-a", rolloutPercentage: null,
        match: [{ operator: "and", conditions: [{ attribute: "plan", operator: "equals", value: "pro" }] }],
        serveSpec: { kind: "variant", variant: "variant-a", percentage: null, allocations: null },
      },
      {
        id: expect.any(String), priority: 1, position: 1, name: "Half", enabled: true, serve: null, rolloutPercentage: null, match: [],
        serveSpec: { kind: "split", variant: null, percentage: null, allocations: [{ variant: "control", weight: 30000 }, { variant: "variant-a", weight: 20000 }] },
      },
    ]);
    expect(await versionOf(DEMO_FEATURE_IDS.checkout_button_text)).toBe(2);
    const version = await env.DB.prepare("SELECT version, snapshot, source FROM feature_versions WHERE feature_id = ?")
      .bind(DEMO_FEATURE_IDS.checkout_button_text).first<{ version: number; snapshot: string; source: string }>();
    const snapshot = JSON.parse(version!.snapshot);
    expect(version!.version).toBe(2);
    expect(snapshot.stages.find((s: { id: string }) => s.id === CHECKOUT_DEV).rules.map((r: { name: string }) => r.name)).toEqual(["Pros", "Half"]);
    const audit = await env.DB.prepare("SELECT action, entity_type, entity_id, actor_name FROM audit_log WHERE entity_id = ?").bind(CHECKOUT_DEV).first();
    expect(audit).toEqual({ action: "stage.set_rules", entity_type: "feature_stage", entity_id: CHECKOUT_DEV, actor_name: "requester" });
  });

  it("keeps the ids of rules listed with their id, and an empty list removes every rule", async () => {
    const ruleId = demoRuleId("BetaUsers", "development");
    const kept = ok(await as("teamadmin", SET_RULES, { stageId: BETA_DEV, rules: [{ id: ruleId, serve: { kind: "variant", variant: "off" } }] })).setStageRules;
    expect(kept.rules.map((r: { id: string }) => r.id)).toEqual([ruleId]);
    const emptied = ok(await as("teamadmin", SET_RULES, { stageId: BETA_DEV, rules: [] })).setStageRules;
    expect(emptied.rules).toEqual([]);
  });

  it("refuses a stale expectedVersion with CONFLICT and changes nothing", async () => {
    const answer = await as("teamadmin", SET_RULES, { stageId: BETA_DEV, rules: [], expectedVersion: 7 });
    expect(failure(answer)).toEqual({ code: "CONFLICT" });
    expect(await versionOf(DEMO_FEATURE_IDS.BetaUsers)).toBe(1);
  });

  const condition = (operator: string, value?: unknown) => [{ operator: "and", conditions: [{ attribute: "a", operator, ...(value === undefined ? {} : { value }) }] }];
  it.each([
    ["an unknown variant", { serve: { kind: "variant", variant: "nope" } }, "rules.0.serve.variant"],
    ["a variant-less variant serve", { serve: { kind: "variant" } }, "rules.0.serve.variant"],
    ["a rollout above 100%", { serve: { kind: "rollout", variant: "control", percentage: 100.5 } }, "rules.0.serve.percentage"],
    ["a rollout with four decimals", { serve: { kind: "rollout", variant: "control", percentage: 12.3456 } }, "rules.0.serve.percentage"],
    ["split weights above 100000", { serve: { kind: "split", allocations: [{ variant: "control", weight: 60000 }, { variant: "variant-a", weight: 40001 }] } }, "rules.0.serve.allocations"],
    ["a negative split weight", { serve: { kind: "split", allocations: [{ variant: "control", weight: -1 }] } }, "rules.0.serve.allocations.0.weight"],
    ["a split naming a variant twice", { serve: { kind: "split", allocations: [{ variant: "control", weight: 1 }, { variant: "control", weight: 1 }] } }, "rules.0.serve.allocations.1.variant"],
    ["a split naming an unknown variant", { serve: { kind: "split", allocations: [{ variant: "control", weight: 1 }, { variant: "b", weight: 1 }] } }, "rules.0.serve.allocations.1.variant"],
    ["an empty split", { serve: { kind: "split", allocations: [] } }, "rules.0.serve.allocations"],
    ["an unknown segment", { match: condition("in_segment", "vips"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["an invalid regular expression", { match: condition("matches", "(a"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["a lookahead (not RE2)", { match: condition("matches", "(?=a)"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["an empty in list", { match: condition("in", []), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["a non-numeric gt", { match: condition("gt", "ten"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["a bad date", { match: condition("before", "yesterday"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["a bad semver", { match: condition("semver_gt", "one.two"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["a value on exists", { match: condition("exists", "x"), serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.value"],
    ["an empty group", { match: [{ operator: "and", conditions: [] }], serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions"],
    ["an empty attribute", { match: [{ operator: "and", conditions: [{ attribute: " ", operator: "exists" }] }], serve: { kind: "variant", variant: "control" } }, "rules.0.match.0.conditions.0.attribute"],
    ["a negative priority", { priority: -1, serve: { kind: "variant", variant: "control" } }, "rules.0.priority"],
    ["a rule id of another stage", { id: demoRuleId("checkout_button_text", "staging"), serve: { kind: "variant", variant: "control" } }, "rules.0.id"],
  ])("refuses %s (BAD_USER_INPUT at %s)", async (_what, rule, field) => {
    const answer = await as("teamadmin", SET_RULES, { stageId: CHECKOUT_DEV, rules: [rule] });
    expect(failure(answer)).toEqual({ code: "BAD_USER_INPUT", field });
    expect(await versionOf(DEMO_FEATURE_IDS.checkout_button_text)).toBe(1);
  });

  it("reports the offending rule's index", async () => {
    const answer = await as("teamadmin", SET_RULES, {
      stageId: CHECKOUT_DEV, rules: [{ serve: { kind: "variant", variant: "control" } }, { serve: { kind: "variant", variant: "gone" } }],
    });
    expect(failure(answer)).toEqual({ code: "BAD_USER_INPUT", field: "rules.1.serve.variant" });
  });

  it("changes what OFREP serves in development after the revalidation interval", async () => {
    const context = { targetingKey: "user-1", role: "member" };
    expect((await poll(() => evaluateDev("BetaUsers", context), (a) => a.json?.value === false)).json)
      .toMatchObject({ value: false, reason: "DEFAULT" });
    ok(await as("teamadmin", SET_RULES, {
      stageId: BETA_DEV, rules: [{ name: "Members", match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "member" }] }], serve: { kind: "variant", variant: "on" } }],
    }));
    const answer = await poll(() => evaluateDev("BetaUsers", context), (a) => a.json?.value === true);
    expect(answer.json).toMatchObject({ key: "BetaUsers", value: true, variant: "on", reason: "TARGETING_MATCH" });
    // Other environments are untouched.
    const staging = await poll(() => call("/ofrep/v1/evaluate/flags/BetaUsers", { secret: DEMO_SECRETS.staging, body: { context } }),
      (a) => a.json?.value === false);
    expect(staging.json).toMatchObject({ value: false, reason: "DEFAULT" });
  });
});

describe("reorderStageRules", { timeout: 20_000 }, () => {
  it("makes the list's order the evaluation order", async () => {
    const stage = ok(await as("teamadmin", SET_RULES, {
      stageId: CHECKOUT_DEV, rules: [{ name: "A", serve: { kind: "variant", variant: "control" } }, { name: "B", serve: { kind: "variant", variant: "variant-a" } }],
    })).setStageRules;
    const [a, b] = stage.rules.map((r: { id: string }) => r.id);
    const reordered = ok(await as("requester", `mutation($s: ID!, $r: [ID!]!) { reorderStageRules(stageId: $s, ruleIds: $r) { rules { id name priority } } }`,
      { s: CHECKOUT_DEV, r: [b, a] })).reorderStageRules;
    expect(reordered.rules).toEqual([{ id: b, name: "B", priority: 0 }, { id: a, name: "A", priority: 1 }]);
    const answer = await poll(() => evaluateDev("checkout_button_text", { targetingKey: "u" }), (x) => x.json?.variant === "variant-a");
    expect(answer.json).toMatchObject({ value: "Complete purchase", variant: "variant-a", reason: "TARGETING_MATCH" });
  });

  it.each([
    [[], "a missing rule"],
    [["x"], "a foreign id"],
    [["R", "R"], "a repeated id"],
  ])("refuses %j (%s) with BAD_USER_INPUT at ruleIds", async (ids) => {
    const ruleIds = ids.map((id) => (id === "R" ? demoRuleId("checkout_button_text", "development") : id));
    const answer = await as("teamadmin", `mutation($s: ID!, $r: [ID!]!) { reorderStageRules(stageId: $s, ruleIds: $r) { id } }`, { s: CHECKOUT_DEV, r: ruleIds });
    expect(failure(answer)).toEqual({ code: "BAD_USER_INPUT", field: "ruleIds" });
  });
});

describe("updateStageCriteria", { timeout: 20_000 }, () => {
  const UPDATE = `mutation($input: UpdateStageCriteriaInput!) { updateStageCriteria(input: $input) { id priority serve enabled rolloutPercentage serveSpec { kind variant percentage } } }`;
  const DARK_DEV_RULE = demoRuleId("dark_mode", "development");

  it("rolloutPercentage: null serves the variant to everyone matching; omitted keeps the share", async () => {
    const everyone = ok(await as("teamadmin", UPDATE, { input: { id: DARK_DEV_RULE, rolloutPercentage: null } })).updateStageCriteria;
    expect(everyone).toEqual({ id: DARK_DEV_RULE, priority: 10, serve: "on", enabled: true, rolloutPercentage: null, serveSpec: { kind: "variant", variant: "on", percentage: null } });
    const share = ok(await as("teamadmin", UPDATE, { input: { id: DARK_DEV_RULE, rolloutPercentage: 12.5 } })).updateStageCriteria;
    expect(share.serveSpec).toEqual({ kind: "rollout", variant: "on", percentage: 12.5 });
    const renamed = ok(await as("teamadmin", UPDATE, { input: { id: DARK_DEV_RULE, serve: "off" } })).updateStageCriteria;
    expect(renamed.serveSpec).toEqual({ kind: "rollout", variant: "off", percentage: 12.5 });
  });

  it("a disabled rule is kept but no longer evaluated", async () => {
    const context = { targetingKey: "u", plan: "pro" };
    expect((await poll(() => evaluateDev("max_upload_mb", context), (a) => a.json?.value === 100)).json)
      .toMatchObject({ value: 100, reason: "TARGETING_MATCH" });
    const rule = ok(await as("requester", UPDATE, { input: { id: demoRuleId("max_upload_mb", "development"), enabled: false } })).updateStageCriteria;
    expect(rule.enabled).toBe(false);
    const answer = await poll(() => evaluateDev("max_upload_mb", context), (a) => a.json?.value === 10);
    // With no rule left to evaluate the engine answers STATIC (EVALUATION.md).
    expect(answer.json).toMatchObject({ value: 10, variant: "standard", reason: "STATIC" });
  });

  it.each([
    [{ serve: "nope" }, "input.serve.variant"],
    [{ rolloutPercentage: 101 }, "input.rolloutPercentage"],
    [{ priority: -3 }, "input.priority"],
  ])("refuses %j (BAD_USER_INPUT at %s)", async (change, field) => {
    expect(failure(await as("teamadmin", UPDATE, { input: { id: DARK_DEV_RULE, ...change } }))).toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("a split rule only changes to a single variant when serve names it", async () => {
    const splitRule = demoRuleId("checkout_button_text", "development");
    expect(failure(await as("teamadmin", UPDATE, { input: { id: splitRule, rolloutPercentage: 10 } }))).toEqual({ code: "BAD_USER_INPUT", field: "input.serve" });
  });

  it("an unknown rule is NOT_FOUND", async () => {
    expect(failure(await as("teamadmin", UPDATE, { input: { id: "no-such-rule", enabled: true } }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("setStageVariants", { timeout: 20_000 }, () => {
  const SET = `mutation($input: SetStageVariantsInput!) { setStageVariants(input: $input) { defaultVariant offVariant } }`;

  it("sets the default and off variants of one stage", async () => {
    const stage = ok(await as("teamadmin", SET, { input: { stageId: demoStageId("max_upload_mb", "development"), defaultVariant: "pro" } })).setStageVariants;
    expect(stage).toEqual({ defaultVariant: "pro", offVariant: null });
    const answer = await poll(() => evaluateDev("max_upload_mb", { targetingKey: "u" }), (a) => a.json?.value === 100);
    expect(answer.json).toMatchObject({ value: 100, variant: "pro", reason: "DEFAULT" });
  });

  it("refuses an unknown variant at its field", async () => {
    expect(failure(await as("teamadmin", SET, { input: { stageId: BETA_DEV, offVariant: "maybe" } }))).toEqual({ code: "BAD_USER_INPUT", field: "input.offVariant" });
  });
});

describe("the change guard", { timeout: 20_000 }, () => {
  const PRODUCTION_STAGE = demoStageId("BetaUsers", "production");

  async function protectProduction() {
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO approval_policies (id, team_id, name, applies_to, environment_ids, required_approvals, eligible_roles,
      eligible_user_ids, enabled, created_at, updated_at) VALUES ('p1', ?, 'Prod approvals', 'production_only', '[]', 1, '["approver"]', '[]', 1, ?, ?)`)
      .bind(DEMO_TEAM_ID, now, now).run();
  }

  async function freezeDevelopment() {
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO freeze_windows (id, team_id, name, environment_id, starts_at, ends_at, reason, created_at)
      VALUES ('fw1', ?, 'Release freeze', ?, ?, ?, 'release', ?)`).bind(DEMO_TEAM_ID, DEMO_ENVIRONMENT_IDS.development, now - 60_000, now + 3_600_000, now).run();
  }

  it("refuses every stage mutation in a protected environment, for every role, with APPROVAL_REQUIRED", async () => {
    await protectProduction();
    const mutations: [string, Record<string, unknown>][] = [
      [SET_RULES, { stageId: PRODUCTION_STAGE, rules: [] }],
      [`mutation($s: ID!, $r: [ID!]!) { reorderStageRules(stageId: $s, ruleIds: $r) { id } }`, { s: PRODUCTION_STAGE, r: [demoRuleId("BetaUsers", "production")] }],
      [`mutation($id: ID!) { updateStageCriteria(input: { id: $id, enabled: false }) { id } }`, { id: demoRuleId("BetaUsers", "production") }],
      [`mutation($s: ID!) { setStageVariants(input: { stageId: $s, defaultVariant: "on" }) { id } }`, { s: PRODUCTION_STAGE }],
    ];
    for (const role of ["admin", "teamadmin", "requester"] as const) {
      for (const [query, variables] of mutations) {
        const answer = await as(role, query, variables);
        expect(answer.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([["FORBIDDEN", "APPROVAL_REQUIRED"]]);
      }
    }
    expect(await versionOf(DEMO_FEATURE_IDS.BetaUsers)).toBe(1);
    // Development is not covered by the policy.
    ok(await as("teamadmin", SET_RULES, { stageId: BETA_DEV, rules: [] }));
  });

  it("a freeze window blocks changes unless a team admin overrides with a reason, which is audited", async () => {
    await freezeDevelopment();
    const blocked = await as("teamadmin", SET_RULES, { stageId: BETA_DEV, rules: [] });
    expect(blocked.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([["CONFLICT", "FROZEN"]]);
    const requester = await as("requester", SET_RULES, { stageId: BETA_DEV, rules: [], reason: "hotfix" });
    expect(requester.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([["FORBIDDEN", "FROZEN"]]);
    ok(await as("teamadmin", SET_RULES, { stageId: BETA_DEV, rules: [], reason: "hotfix for incident 42" }));
    const audit = await env.DB.prepare("SELECT action, reason FROM audit_log WHERE entity_id = ?").bind(BETA_DEV).first();
    expect(audit).toEqual({ action: "stage.set_rules", reason: "hotfix for incident 42" });
  });
});
