// Kill switch through /graphql: the seed README's examples verbatim, the effect on OFREP, the
// automatic rollback run by the environment object's alarm (at least once, idempotent, surviving a
// restart) and who may use it.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { ofrep } from "../api-support";
import { ALL_ROLES, eventually, freshStart, makeScheduleDue, runSchedule, scheduleOf, tokenOf } from "./support/actors";
import { codes, gql, ok } from "./support/graphql";

const FEATURE = DEMO_FEATURE_IDS.dark_mode;
const ROLLBACK_OBJECT = DEMO_ENVIRONMENT_IDS.development; // the first stage of every demo feature

// Verbatim from fluxgate-seed-README.txt ("Kill Switch Operations"), with a real feature id.
const seedDisable = (id: string) => `mutation {
  emergencyDisableFeature(
    id: "${id}"
    rollbackInMinutes: 30
  ) {
    id
    key
    killSwitchEnabled
    killSwitchActivatedAt
    rollbackScheduledAt
  }
}`;
const seedEnable = (id: string) => `mutation {
  emergencyEnableFeature(id: "${id}") {
    id
    key
    killSwitchEnabled
    killSwitchActivatedAt
    rollbackScheduledAt
  }
}`;

const DISABLE = /* GraphQL */ `mutation($id: ID!, $minutes: Int, $reason: String) {
  emergencyDisableFeature(id: $id, rollbackInMinutes: $minutes, reason: $reason) { id killSwitchEnabled killSwitchReason rollbackScheduledAt }
}`;
const ENABLE = /* GraphQL */ `mutation($id: ID!) { emergencyEnableFeature(id: $id) { id killSwitchEnabled } }`;
const ACTIVE = /* GraphQL */ `query($teamId: ID!) { activeKillSwitches(teamId: $teamId) { key killSwitchEnabled rollbackScheduledAt } }`;

const featureRow = () => env.DB.prepare(
  "SELECT kill_switch_active AS active, kill_switch_rollback_at AS rollbackAt, version FROM features WHERE id = ?",
).bind(FEATURE).first<{ active: number; rollbackAt: number | null; version: number }>();
const scheduledRows = () => env.DB.prepare(
  "SELECT id, action, status, environment_id AS environmentId, run_at AS runAt FROM scheduled_changes WHERE feature_id = ? ORDER BY created_at",
).bind(FEATURE).all().then((r) => r.results as { id: string; action: string; status: string; environmentId: string; runAt: number }[]);
const versions = () => env.DB.prepare("SELECT version, source, actor_id AS actorId FROM feature_versions WHERE feature_id = ? ORDER BY version")
  .bind(FEATURE).all().then((r) => r.results);
const audits = () => env.DB.prepare("SELECT action, actor_name AS actorName, reason FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid")
  .bind(FEATURE).all().then((r) => r.results);
const darkModeInProduction = () =>
  ofrep("dark_mode", { targetingKey: "user-1" }, { secret: DEMO_SECRETS.production }).then((a) => a.json as { reason: string; value: unknown });

beforeEach(freshStart);

describe("the seed README's kill-switch examples, verbatim", () => {
  it("emergencyDisableFeature with rollbackInMinutes: 30 disables now and schedules the re-enable 30 minutes later", async () => {
    const before = Date.now();
    const answer = ok(await gql(seedDisable(FEATURE), {}, await tokenOf("teamadmin"))).emergencyDisableFeature;
    expect(answer).toMatchObject({ id: FEATURE, key: "dark_mode", killSwitchEnabled: true });
    const activatedAt = Date.parse(answer.killSwitchActivatedAt);
    expect(activatedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(activatedAt).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(answer.rollbackScheduledAt) - activatedAt).toBe(30 * 60_000);

    expect(await featureRow()).toEqual({ active: 1, rollbackAt: activatedAt + 30 * 60_000, version: 2 });
    const [scheduled] = await scheduledRows();
    expect(scheduled).toMatchObject({ action: "kill_switch_rollback", status: "pending", environmentId: ROLLBACK_OBJECT, runAt: activatedAt + 30 * 60_000 });
    expect(await scheduleOf(ROLLBACK_OBJECT)).toEqual([{ id: scheduled!.id, runAt: activatedAt + 30 * 60_000, attempts: 0 }]);
    expect(await versions()).toEqual([{ version: 2, source: "kill_switch", actorId: expect.any(String) }]);
    expect(await audits()).toEqual([{ action: "feature.kill_switch_on", actorName: "teamadmin", reason: null }]);
  });

  it("emergencyEnableFeature releases it, clears the times and cancels the scheduled rollback", async () => {
    const token = await tokenOf("teamadmin");
    ok(await gql(seedDisable(FEATURE), {}, token));
    const answer = ok(await gql(seedEnable(FEATURE), {}, token)).emergencyEnableFeature;
    expect(answer).toEqual({ id: FEATURE, key: "dark_mode", killSwitchEnabled: false, killSwitchActivatedAt: null, rollbackScheduledAt: null });
    expect(await featureRow()).toEqual({ active: 0, rollbackAt: null, version: 3 });
    expect((await scheduledRows()).map((r) => r.status)).toEqual(["cancelled"]);
  });
});

describe("kill switch effect on evaluation", () => {
  it("OFREP answers DISABLED / false while engaged and the rollout again after release", async () => {
    const token = await tokenOf("teamadmin");
    const initial = await darkModeInProduction();
    expect(initial.reason).not.toBe("DISABLED");
    ok(await gql(DISABLE, { id: FEATURE, reason: "incident 7" }, token));
    const killed = await eventually(darkModeInProduction, (a) => a.reason === "DISABLED");
    expect(killed).toMatchObject({ reason: "DISABLED", value: false });
    ok(await gql(ENABLE, { id: FEATURE }, token));
    const restored = await eventually(darkModeInProduction, (a) => a.reason !== "DISABLED");
    expect({ ...restored, metadata: undefined }).toEqual({ ...initial, metadata: undefined });
  });
});

describe("automatic rollback by the environment object's alarm", () => {
  it("re-enables the feature when the alarm runs after the rollback time, as the system actor", async () => {
    ok(await gql(DISABLE, { id: FEATURE, minutes: 5 }, await tokenOf("teamadmin")));
    expect(await runSchedule(ROLLBACK_OBJECT)).toBe(true);

    expect(await featureRow()).toEqual({ active: 0, rollbackAt: null, version: 3 });
    expect((await scheduledRows()).map((r) => r.status)).toEqual(["done"]);
    expect(await scheduleOf(ROLLBACK_OBJECT)).toEqual([]);
    expect(await versions()).toEqual([
      { version: 2, source: "kill_switch", actorId: expect.any(String) },
      { version: 3, source: "kill_switch", actorId: null },
    ]);
    expect((await audits()).at(-1)).toEqual({ action: "feature.kill_switch_off", actorName: "system", reason: "automatic rollback of the kill switch" });
    const restored = await eventually(darkModeInProduction, (a) => a.reason !== "DISABLED");
    expect(restored.reason).not.toBe("DISABLED");
  });

  it("does nothing more when the alarm runs twice (at-least-once delivery)", async () => {
    ok(await gql(DISABLE, { id: FEATURE, minutes: 5 }, await tokenOf("teamadmin")));
    const [item] = await scheduleOf(ROLLBACK_OBJECT);
    await makeScheduleDue(ROLLBACK_OBJECT);
    await runInDurableObject(env.ENVIRONMENTS.getByName(ROLLBACK_OBJECT), async (instance) => {
      await instance.alarm();
      await instance.schedule({ id: item!.id, runAt: Date.now() - 1 }); // delivered again
      await instance.alarm();
    });
    expect(await featureRow()).toEqual({ active: 0, rollbackAt: null, version: 3 });
    expect((await versions()).length).toBe(2);
  });

  it("survives a restart of the object: the stored item still runs", async () => {
    ok(await gql(DISABLE, { id: FEATURE, minutes: 60 }, await tokenOf("teamadmin")));
    await abortAllDurableObjects();
    expect(await scheduleOf(ROLLBACK_OBJECT)).toHaveLength(1);
    expect(await runSchedule(ROLLBACK_OBJECT)).toBe(true);
    expect((await featureRow())?.active).toBe(0);
  });

  it("a later re-kill supersedes the earlier rollback: the old item runs but changes nothing", async () => {
    const token = await tokenOf("teamadmin");
    ok(await gql(DISABLE, { id: FEATURE, minutes: 5 }, token));
    const [first] = await scheduleOf(ROLLBACK_OBJECT);
    ok(await gql(DISABLE, { id: FEATURE, minutes: 120 }, token));
    // Only the first item comes due.
    expect(await runSchedule(ROLLBACK_OBJECT, [first!.id])).toBe(true);
    expect(await featureRow()).toMatchObject({ active: 1, version: 3 });
    expect((await scheduledRows()).map((r) => r.status)).toEqual(["cancelled", "pending"]);
    expect(await scheduleOf(ROLLBACK_OBJECT)).toHaveLength(1);
  });
});

describe("kill switch inputs and queries", () => {
  it("accepts 1..10080 minutes and refuses anything else with BAD_USER_INPUT naming the field", async () => {
    const token = await tokenOf("teamadmin");
    for (const minutes of [0, -5, 10081]) {
      const answer = await gql(DISABLE, { id: FEATURE, minutes }, token);
      expect(codes(answer)).toEqual(["BAD_USER_INPUT"]);
      expect(answer.errors![0]!.extensions!.field).toBe("rollbackInMinutes");
    }
    expect(ok(await gql(DISABLE, { id: FEATURE, minutes: 10080 }, token)).emergencyDisableFeature.killSwitchEnabled).toBe(true);
  });

  it("lists the team's active kill switches with their rollback times for any member", async () => {
    ok(await gql(DISABLE, { id: FEATURE, minutes: 15 }, await tokenOf("teamadmin")));
    const list = ok(await gql(ACTIVE, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).activeKillSwitches;
    expect(list.map((f: { key: string }) => f.key)).toEqual(["dark_mode", "legacy_search"]);
    expect(list[0].rollbackScheduledAt).not.toBeNull();
    expect(list[1]).toEqual({ key: "legacy_search", killSwitchEnabled: true, rollbackScheduledAt: null });
    expect(codes(await gql(ACTIVE, { teamId: DEMO_TEAM_ID }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(ACTIVE, { teamId: DEMO_TEAM_ID }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("answers NOT_FOUND for an unknown feature", async () => {
    expect(codes(await gql(ENABLE, { id: "nope" }, await tokenOf("admin")))).toEqual(["NOT_FOUND"]);
  });
});

describe("kill switch role matrix", () => {
  const expected: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`${role}: ${expected[role] ?? "allowed"} for emergencyDisableFeature and emergencyEnableFeature`, async () => {
      const token = await tokenOf(role);
      const disable = await gql(DISABLE, { id: FEATURE }, token);
      const enable = await gql(ENABLE, { id: FEATURE }, token);
      const want = expected[role] ? [expected[role]] : [];
      expect(codes(disable)).toEqual(want);
      expect(codes(enable)).toEqual(want);
      if (!expected[role]) expect(enable.data.emergencyEnableFeature.killSwitchEnabled).toBe(false);
      else expect((await featureRow())?.active).toBe(0);
    });
  }
});
