// Scheduled stage_change and archive_feature, rescheduling and time zones, through /graphql, each
// run by its environment object's alarm (runSchedule: runDurableObjectAlarm once armed) with its effect read from OFREP or
// D1: applied, blocked (dependents, the stage's state, protection), failed (the creator lost the
// role), a protected environment going through an approval request created when the change runs.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId,
} from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { ALL_ROLES, eventually, freshStart, runSchedule, scheduleOf, tokenOf } from "./support/actors";
import { addPolicy, stageStatus } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const PROD = DEMO_ENVIRONMENT_IDS.production;
const CREATE = /* GraphQL */ `mutation($input: CreateScheduledChangeInput!) {
  createScheduledChange(input: $input) { id action environmentId payload status runAt timezone }
}`;
const RESCHEDULE = /* GraphQL */ `mutation($id: ID!, $at: DateTime!, $tz: String) {
  rescheduleScheduledChange(id: $id, scheduledAt: $at, timezone: $tz) { id runAt timezone status }
}`;
const ROW = (id: string) => env.DB.prepare("SELECT status, result, run_at AS runAt, timezone FROM scheduled_changes WHERE id = ?").bind(id)
  .first<{ status: string; result: string | null; runAt: number; timezone: string | null }>();
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const runAlarm = (environmentId: string) => runSchedule(environmentId);
const stageChange = (feature: keyof typeof DEMO_FEATURE_IDS, environment: "development" | "production", change: "deploy" | "rollback") => ({
  featureId: DEMO_FEATURE_IDS[feature], action: "stage_change", runAt: inAnHour(), stageId: demoStageId(feature, environment), stageChange: change,
});
const archive = (feature: keyof typeof DEMO_FEATURE_IDS) => ({ featureId: DEMO_FEATURE_IDS[feature], action: "archive_feature", runAt: inAnHour() });
const schedule = async (role: Parameters<typeof tokenOf>[0], input: Record<string, unknown>) =>
  ok(await gql(CREATE, { input }, await tokenOf(role))).createScheduledChange as { id: string; environmentId: string; runAt: string; timezone: string | null };
const betaUsers = (secret: string) => call("/ofrep/v1/evaluate/flags/BetaUsers", { secret, body: { context: { targetingKey: "u1", role: "admin" } } });
const lifecycle = (feature: keyof typeof DEMO_FEATURE_IDS) => env.DB.prepare("SELECT lifecycle FROM features WHERE id = ?")
  .bind(DEMO_FEATURE_IDS[feature]).first<{ lifecycle: string }>().then((r) => r!.lifecycle);
const requestsOf = (stageId: string) => env.DB.prepare(
  "SELECT status, action, requested_by AS requestedBy FROM approval_requests WHERE json_extract(payload, '$.stageId') = ? ORDER BY created_at",
).bind(stageId).all().then((r) => r.results);

beforeEach(freshStart);

describe("scheduled stage_change", () => {
  it("a team admin's rollback, then deploy, apply directly where no policy protects the environment (OFREP follows)", async () => {
    const stage = demoStageId("BetaUsers", "development");
    const rollback = await schedule("teamadmin", stageChange("BetaUsers", "development", "rollback"));
    expect(rollback.environmentId).toBe(DEV);
    expect(await stageStatus(stage)).toBe("DEPLOYED");
    expect(await runAlarm(DEV)).toBe(true);
    expect(await stageStatus(stage)).toBe("ROLLED_BACK");
    expect(await ROW(rollback.id)).toMatchObject({ status: "done", result: "rollback applied: the stage is ROLLED_BACK" });
    const off = await eventually(() => betaUsers(DEMO_SECRETS.development), (a) => a.json?.reason === "DISABLED");
    expect(off.json).toMatchObject({ key: "BetaUsers", value: false, reason: "DISABLED" });

    const deploy = await schedule("teamadmin", stageChange("BetaUsers", "development", "deploy"));
    await runAlarm(DEV);
    expect(await ROW(deploy.id)).toMatchObject({ status: "done", result: "deploy applied: the stage is DEPLOYED" });
    const on = await eventually(() => betaUsers(DEMO_SECRETS.development), (a) => a.json?.value === true);
    expect(on.json).toMatchObject({ key: "BetaUsers", value: true, variant: "on", reason: "TARGETING_MATCH" });
    expect(await requestsOf(stage)).toEqual([]);
    // Delivered again: nothing more happens.
    expect(await runAlarm(DEV)).toBe(false);
  });

  it("in a protected environment it creates the approval request when it runs, never applying the change", async () => {
    await addPolicy({ appliesTo: "production_only" });
    const stage = demoStageId("BetaUsers", "production");
    const created = await schedule("teamadmin", stageChange("BetaUsers", "production", "rollback"));
    expect(created.environmentId).toBe(PROD);
    expect(await requestsOf(stage)).toEqual([]);
    await runAlarm(PROD);
    const requests = await requestsOf(stage);
    expect(requests).toEqual([{ status: "pending", action: "rollback", requestedBy: DEMO_USER_IDS.teamadmin }]);
    expect(await stageStatus(stage)).toBe("ROLLBACK_REQUESTED");
    const row = await ROW(created.id);
    expect(row!.status).toBe("done");
    expect(row!.result).toMatch(/^rollback requested: approval request [0-9a-f-]{36} is pending$/);
    // Still live in production until the request is approved.
    const answer = await betaUsers(DEMO_SECRETS.production);
    expect(answer.json).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
  });

  it("a requester's scheduled rollback becomes a request for the team admins, as requestRollback does", async () => {
    const stage = demoStageId("dark_mode", "development");
    const created = await schedule("requester", stageChange("dark_mode", "development", "rollback"));
    await runAlarm(DEV);
    expect(await stageStatus(stage)).toBe("ROLLBACK_REQUESTED");
    expect(await requestsOf(stage)).toEqual([{ status: "pending", action: "rollback", requestedBy: DEMO_USER_IDS.requester }]);
    expect((await ROW(created.id))!.status).toBe("done");
  });

  it("is blocked, with the reason, when the stage cannot take the change at that time", async () => {
    const created = await schedule("teamadmin", stageChange("dark_mode", "development", "deploy"));
    await runAlarm(DEV);
    expect(await ROW(created.id)).toMatchObject({ status: "blocked", result: "A deploy cannot be requested while the stage is DEPLOYED" });
  });

  it("fails, changing nothing, when its creator no longer holds a role that may make the change", async () => {
    const stage = demoStageId("dark_mode", "development");
    const created = await schedule("requester", stageChange("dark_mode", "development", "rollback"));
    await env.DB.prepare("UPDATE team_memberships SET role = 'viewer' WHERE user_id = ? AND team_id = ?").bind(DEMO_USER_IDS.requester, DEMO_TEAM_ID).run();
    await runAlarm(DEV);
    expect(await ROW(created.id)).toMatchObject({ status: "failed", result: "Requires one of the roles team_admin, requester in this team" });
    expect(await stageStatus(stage)).toBe("DEPLOYED");
    expect(await requestsOf(stage)).toEqual([]);
  });

  it("fails when its creator was disabled", async () => {
    const created = await schedule("teamadmin", stageChange("dark_mode", "development", "rollback"));
    await env.DB.prepare("UPDATE users SET enabled = 0 WHERE id = ?").bind(DEMO_USER_IDS.teamadmin).run();
    await runAlarm(DEV);
    expect(await ROW(created.id)).toMatchObject({ status: "failed", result: "its creator is no longer an enabled user" });
    expect(await stageStatus(demoStageId("dark_mode", "development"))).toBe("DEPLOYED");
  });
});

describe("scheduled archive_feature", () => {
  it("archives the feature when it runs: OFREP no longer finds it", async () => {
    const created = await schedule("requester", archive("dark_mode"));
    expect(created.environmentId).toBe(DEV);
    await runAlarm(DEV);
    expect(await lifecycle("dark_mode")).toBe("archived");
    expect(await ROW(created.id)).toMatchObject({ status: "done", result: "feature archived" });
    const answer = await eventually(() => call("/ofrep/v1/evaluate/flags/dark_mode", { secret: DEMO_SECRETS.development, body: { context: { targetingKey: "u" } } }),
      (a) => a.status === 404);
    expect(answer.json).toMatchObject({ key: "dark_mode", errorCode: "FLAG_NOT_FOUND" });
    const audit = await env.DB.prepare("SELECT action, actor_name AS actor FROM audit_log WHERE entity_id = ? ORDER BY rowid DESC LIMIT 1")
      .bind(DEMO_FEATURE_IDS.dark_mode).first();
    expect(audit).toEqual({ action: "feature.archive", actor: "requester" });
  });

  it("is blocked while an unarchived feature requires it", async () => {
    const created = await schedule("teamadmin", archive("BetaUsers"));
    await runAlarm(DEV);
    expect(await lifecycle("BetaUsers")).toBe("active");
    expect(await ROW(created.id)).toMatchObject({
      status: "blocked", result: "BetaUsers is required by new_checkout_flow; archive or change those first",
    });
  });

  it("is refused when an environment of the feature is protected, and blocked if one became protected since", async () => {
    const later = await schedule("teamadmin", archive("dark_mode"));
    await addPolicy({ appliesTo: "production_only" });
    const refused = await gql(CREATE, { input: archive("max_upload_mb") }, await tokenOf("teamadmin"));
    expect(codes(refused)).toEqual(["FORBIDDEN"]);
    expect(refused.errors![0]!.extensions!.reason).toBe("APPROVAL_REQUIRED");
    await runAlarm(DEV);
    expect(await lifecycle("dark_mode")).toBe("active");
    expect(await ROW(later.id)).toMatchObject({
      status: "blocked",
      result: 'Environment "Production" is protected by the approval policy "Production gate": request the change for approval instead',
    });
  });
});

describe("rescheduleScheduledChange and timezone", () => {
  it("moves a pending change and its alarm, records the zone for display, audits it; the change runs at the new time", async () => {
    const created = await schedule("requester", { ...archive("dark_mode"), timezone: "Europe/Paris" });
    expect(created.timezone).toBe("Europe/Paris");
    const at = new Date(Date.now() + 2 * 3600_000);
    at.setUTCMilliseconds(0);
    const moved = ok(await gql(RESCHEDULE, { id: created.id, at: at.toISOString(), tz: "America/New_York" }, await tokenOf("requester")))
      .rescheduleScheduledChange;
    expect(moved).toEqual({ id: created.id, runAt: at.toISOString(), timezone: "America/New_York", status: "pending" });
    expect(await scheduleOf(DEV)).toEqual([{ id: created.id, runAt: at.getTime(), attempts: 0 }]);
    expect(await ROW(created.id)).toEqual({ status: "pending", result: null, runAt: at.getTime(), timezone: "America/New_York" });
    const audit = await env.DB.prepare("SELECT action, actor_name AS actor FROM audit_log WHERE entity_id = ? ORDER BY rowid DESC LIMIT 1")
      .bind(created.id).first();
    expect(audit).toEqual({ action: "scheduled_change.reschedule", actor: "requester" });
    // Earlier than the armed alarm: the alarm moves to it. Without a timezone the recorded one is kept.
    const sooner = new Date(Date.now() + 30 * 60_000);
    sooner.setUTCMilliseconds(0);
    const again = ok(await gql(RESCHEDULE, { id: created.id, at: sooner.toISOString() }, await tokenOf("teamadmin"))).rescheduleScheduledChange;
    expect(again).toEqual({ id: created.id, runAt: sooner.toISOString(), timezone: "America/New_York", status: "pending" });
    expect(await runInDurableObject(env.ENVIRONMENTS.getByName(DEV), (_instance, state) => state.storage.getAlarm())).toBe(sooner.getTime());
    await runAlarm(DEV);
    expect(await lifecycle("dark_mode")).toBe("archived");
    // Done: no longer pending, so no longer movable.
    expect(codes(await gql(RESCHEDULE, { id: created.id, at: inAnHour() }, await tokenOf("teamadmin")))).toEqual(["CONFLICT"]);
  });

  it("validates its input with field paths", async () => {
    const token = await tokenOf("teamadmin");
    const field = async (query: string, variables: Record<string, unknown>) => {
      const answer = await gql(query, variables, token);
      return [answer.errors?.[0]?.extensions?.code, answer.errors?.[0]?.extensions?.field];
    };
    expect(await field(CREATE, { input: { ...archive("dark_mode"), timezone: "Mars/Olympus" } })).toEqual(["BAD_USER_INPUT", "input.timezone"]);
    expect(await field(CREATE, { input: { ...stageChange("dark_mode", "development", "deploy"), stageId: demoStageId("BetaUsers", "development") } }))
      .toEqual(["BAD_USER_INPUT", "input.stageId"]);
    expect(await field(CREATE, { input: { ...stageChange("dark_mode", "development", "deploy"), stageChange: null } }))
      .toEqual(["BAD_USER_INPUT", "input.stageChange"]);
    expect(await field(CREATE, { input: { ...archive("dark_mode"), stageId: demoStageId("dark_mode", "development") } }))
      .toEqual(["BAD_USER_INPUT", "input"]);
    const { id } = await schedule("teamadmin", archive("dark_mode"));
    expect(await field(RESCHEDULE, { id, at: new Date(Date.now() - 1000).toISOString() })).toEqual(["BAD_USER_INPUT", "scheduledAt"]);
    expect(await field(RESCHEDULE, { id, at: new Date(Date.now() + 400 * 24 * 3600_000).toISOString() })).toEqual(["BAD_USER_INPUT", "scheduledAt"]);
    expect(await field(RESCHEDULE, { id, at: inAnHour(), tz: "Not/AZone" })).toEqual(["BAD_USER_INPUT", "timezone"]);
    // An automatic kill-switch re-enable moves with its kill, not on its own.
    ok(await gql(`mutation($id: ID!) { emergencyDisableFeature(id: $id, reason: "incident 42", rollbackInMinutes: 30) { key } }`,
      { id: DEMO_FEATURE_IDS.max_upload_mb }, token));
    const rollback = await env.DB.prepare("SELECT id FROM scheduled_changes WHERE action = 'kill_switch_rollback'").first<{ id: string }>();
    expect(await field(RESCHEDULE, { id: rollback!.id, at: inAnHour() })).toEqual(["BAD_USER_INPUT", "id"]);
  });
});

describe("roles", () => {
  const create: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: null, viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  const reschedule: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`${role}: schedule stage_change / archive_feature ${create[role] ?? "allowed"}; reschedule a team admin's change ${reschedule[role] ?? "allowed"}`, async () => {
      const token = await tokenOf(role);
      const expected = create[role] ? [create[role]] : [];
      expect(codes(await gql(CREATE, { input: stageChange("dark_mode", "development", "rollback") }, token))).toEqual(expected);
      expect(codes(await gql(CREATE, { input: archive("dark_mode") }, token))).toEqual(expected);
      const { id } = await schedule("teamadmin", archive("max_upload_mb"));
      const answer = await gql(RESCHEDULE, { id, at: inAnHour() }, token);
      expect(codes(answer)).toEqual(reschedule[role] ? [reschedule[role]] : []);
    });
  }

  it("anonymously: UNAUTHENTICATED for scheduling and rescheduling", async () => {
    expect(codes(await gql(CREATE, { input: archive("dark_mode") }))).toEqual(["UNAUTHENTICATED"]);
    const { id } = await schedule("teamadmin", archive("dark_mode"));
    expect(codes(await gql(RESCHEDULE, { id, at: inAnHour() }))).toEqual(["UNAUTHENTICATED"]);
  });
});
