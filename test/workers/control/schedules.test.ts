// Scheduled changes through /graphql, run by the environment object's alarm: set a rule's rollout,
// disable / enable the feature, list, cancel; refused in protected environments.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, demoRuleId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, runSchedule, scheduleOf, tokenOf } from "./support/actors";
import { addFreeze, addPolicy } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const FEATURE = DEMO_FEATURE_IDS.dark_mode;
const DEV = DEMO_ENVIRONMENT_IDS.development;
const PROD = DEMO_ENVIRONMENT_IDS.production;
const CREATE = /* GraphQL */ `mutation($input: CreateScheduledChangeInput!) {
  createScheduledChange(input: $input) { id action environmentId payload status runAt }
}`;
const CANCEL = /* GraphQL */ `mutation($id: ID!) { cancelScheduledChange(id: $id) { id status } }`;
const LIST = /* GraphQL */ `query($teamId: ID!) { scheduledChanges(teamId: $teamId) { action status result } }`;
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const rollout = (ruleId: string) => env.DB.prepare("SELECT serve FROM rules WHERE id = ?").bind(ruleId).first<{ serve: string }>()
  .then((r) => JSON.parse(r!.serve) as { kind: string; percentage?: number });
const killed = () => env.DB.prepare("SELECT kill_switch_active AS k FROM features WHERE id = ?").bind(FEATURE).first<{ k: number }>().then((r) => r!.k);
const runAlarm = (environmentId: string) => runSchedule(environmentId);
const setRollout = (environment: "development" | "production", percentage: number) => ({
  featureId: FEATURE, action: "set_rollout", runAt: inAnHour(), ruleId: demoRuleId("dark_mode", environment), percentage,
});

beforeEach(freshStart);

describe("scheduled changes", () => {
  it("set_rollout changes the rule's percentage when the environment's alarm runs it, as the system", async () => {
    const created = ok(await gql(CREATE, { input: setRollout("development", 75) }, await tokenOf("requester"))).createScheduledChange;
    expect(created).toMatchObject({ action: "set_rollout", environmentId: DEV, status: "pending", payload: { ruleId: demoRuleId("dark_mode", "development"), percentage: 75 } });
    expect(await scheduleOf(DEV)).toEqual([{ id: created.id, runAt: Date.parse(created.runAt), attempts: 0 }]);
    expect(await runAlarm(DEV)).toBe(true);
    expect(await rollout(demoRuleId("dark_mode", "development"))).toMatchObject({ kind: "rollout", percentage: 75 });
    expect(ok(await gql(LIST, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).scheduledChanges)
      .toEqual([{ action: "set_rollout", status: "done", result: "rollout set to 75%" }]);
    const version = await env.DB.prepare("SELECT source, actor_id AS actorId FROM feature_versions WHERE feature_id = ? ORDER BY version DESC LIMIT 1")
      .bind(FEATURE).first();
    expect(version).toEqual({ source: "schedule", actorId: null });
    // Delivered again: nothing more happens.
    expect(await runAlarm(DEV)).toBe(false);
  });

  it("disable engages the kill switch and enable releases it", async () => {
    const token = await tokenOf("teamadmin");
    ok(await gql(CREATE, { input: { featureId: FEATURE, action: "disable", runAt: inAnHour() } }, token));
    await runAlarm(DEV);
    expect(await killed()).toBe(1);
    ok(await gql(CREATE, { input: { featureId: FEATURE, action: "enable", runAt: inAnHour() } }, token));
    await runAlarm(DEV);
    expect(await killed()).toBe(0);
  });

  it("a cancelled change never runs", async () => {
    const created = ok(await gql(CREATE, { input: setRollout("development", 90) }, await tokenOf("teamadmin"))).createScheduledChange;
    expect(ok(await gql(CANCEL, { id: created.id }, await tokenOf("teamadmin"))).cancelScheduledChange.status).toBe("cancelled");
    expect(await scheduleOf(DEV)).toEqual([]);
    expect(await rollout(demoRuleId("dark_mode", "development"))).toMatchObject({ percentage: 25 });
    expect(codes(await gql(CANCEL, { id: created.id }, await tokenOf("teamadmin")))).toEqual(["CONFLICT"]);
  });

  it("is refused in a protected environment with APPROVAL_REQUIRED", async () => {
    await addPolicy({ appliesTo: "production_only" });
    const answer = await gql(CREATE, { input: setRollout("production", 50) }, await tokenOf("teamadmin"));
    expect(codes(answer)).toEqual(["FORBIDDEN"]);
    expect(answer.errors![0]!.extensions!.reason).toBe("APPROVAL_REQUIRED");
    expect(await scheduleOf(PROD)).toEqual([]);
  });

  it("fails (recorded, not applied) when a freeze window is active at run time", async () => {
    ok(await gql(CREATE, { input: setRollout("development", 60) }, await tokenOf("teamadmin")));
    await addFreeze({ environmentId: DEV });
    await runAlarm(DEV);
    expect(await rollout(demoRuleId("dark_mode", "development"))).toMatchObject({ percentage: 25 });
    const [row] = ok(await gql(LIST, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).scheduledChanges;
    expect(row.status).toBe("failed");
    expect(row.result).toContain("is frozen by");
  });

  it("validates its input with field paths", async () => {
    const token = await tokenOf("teamadmin");
    const field = async (input: Record<string, unknown>) => (await gql(CREATE, { input }, token)).errors?.[0]?.extensions?.field;
    expect(await field({ ...setRollout("development", 50), runAt: new Date(Date.now() - 1000).toISOString() })).toBe("input.runAt");
    expect(await field({ ...setRollout("development", 101) })).toBe("input.percentage");
    expect(await field({ ...setRollout("development", 50), ruleId: demoRuleId("BetaUsers", "development") })).toBe("input.ruleId");
    expect(await field({ featureId: DEMO_FEATURE_IDS.checkout_button_text, action: "set_rollout", runAt: inAnHour(),
      ruleId: demoRuleId("checkout_button_text", "development"), percentage: 5 })).toBe("input.ruleId");
  });

  const expected: Record<string, [string | null, string | null]> = {
    admin: [null, null], teamadmin: [null, null], approver: ["FORBIDDEN", "FORBIDDEN"], requester: [null, "FORBIDDEN"],
    viewer: ["FORBIDDEN", "FORBIDDEN"], outsider: ["NOT_FOUND", "NOT_FOUND"],
  };
  for (const role of ALL_ROLES) {
    it(`createScheduledChange as ${role}: set_rollout ${expected[role]![0] ?? "allowed"}, disable ${expected[role]![1] ?? "allowed"}`, async () => {
      const token = await tokenOf(role);
      const [rolloutCode, disableCode] = expected[role]!;
      expect(codes(await gql(CREATE, { input: setRollout("development", 40) }, token))).toEqual(rolloutCode ? [rolloutCode] : []);
      expect(codes(await gql(CREATE, { input: { featureId: FEATURE, action: "disable", runAt: inAnHour() } }, token)))
        .toEqual(disableCode ? [disableCode] : []);
    });
  }
});
