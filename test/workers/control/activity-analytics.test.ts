// auditAnalytics and recentActivity through /graphql over audit rows written with fixed timestamps:
// totals, per action / actor / environment / UTC day (zero-filled), most changed features, the
// window's boundaries, the filters, pagination, the enrichment (environment, feature, entity label,
// actor's name), who may read, bad inputs with their field paths, and one D1 round trip per request
// after authentication.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS as ENV, DEMO_FEATURE_IDS, DEMO_SEGMENT_ID, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId, demoVariantId,
} from "../../../db/seed/demo-data";
import { as, failure, ok, pristine } from "./support/config";
import { gql } from "./support/graphql";
import { d1CountingClient } from "./support/counted-graphql";
import { OUTSIDER_TEAM_ID } from "./support/sessions";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-06-15T12:00:00.000Z");
const TODAY = Date.parse("2026-06-15T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const { BetaUsers, dark_mode, max_upload_mb } = DEMO_FEATURE_IDS;
const U = DEMO_USER_IDS;

const ANALYTICS = `query($t: ID!, $days: Int!, $actor: ID, $action: String, $env: ID, $now: DateTime) {
  auditAnalytics(teamId: $t, windowDays: $days, actorId: $actor, action: $action, environmentId: $env, now: $now) {
    teamId from to windowDays totalChanges uniqueActors uniqueEntities teamWideChanges
    byAction { action count } byActor { actorId actorName count }
    byEnvironment { environmentId environmentKey environmentName count }
    byDay { day count } mostChangedFeatures { featureId featureKey featureName count lastChangedAt }
  } }`;
const RECENT = `query($t: ID!, $f: ActivityFilter, $first: Int, $after: String) {
  recentActivity(teamId: $t, filter: $f, first: $first, after: $after) {
    nodes { id action entityType entityId entityLabel actorId actorName reason createdAt diff environment { id key name } feature { id key name } }
    pageInfo { hasNextPage endCursor }
  } }`;

function audit(id: string, action: string, entityType: string, entityId: string, actorId: string | null, at: number, diff: unknown = {}, teamId = DEMO_TEAM_ID) {
  return env.DB.prepare(
    "INSERT INTO audit_log (id, team_id, actor_id, actor_name, action, entity_type, entity_id, diff, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).bind(id, teamId, actorId, actorId ? "recorded-name" : "system", action, entityType, entityId, JSON.stringify(diff), id === "a12" ? "cleanup" : null, at);
}

beforeAll(async () => {
  await pristine();
  await env.DB.batch([
    audit("a01", "stage.deploy", "feature_stage", demoStageId("BetaUsers", "production"), U.teamadmin, NOW - HOUR),
    audit("a02", "stage.deploy", "feature_stage", demoStageId("BetaUsers", "staging"), U.teamadmin, NOW - DAY),
    audit("a03", "stage.set_rules", "feature_stage", demoStageId("dark_mode", "development"), U.requester, NOW - 2 * DAY),
    audit("a04", "feature.update", "feature", BetaUsers, U.requester, NOW - 2 * DAY - HOUR),
    audit("a05", "client.create", "client", DEMO_CLIENT_IDS.production, U.teamadmin, TODAY - 6 * DAY), // first instant of a 7-day window
    audit("a06", "segment.update", "segment", DEMO_SEGMENT_ID, null, NOW - 3 * DAY),
    audit("a07", "feature.update", "feature", BetaUsers, U.teamadmin, TODAY - 6 * DAY - 1), // just before a 7-day window
    audit("a08", "stage.deploy", "feature_stage", demoStageId("BetaUsers", "development"), U.teamadmin, NOW + 60_000), // after now
    audit("a09", "team.update", "team", OUTSIDER_TEAM_ID, null, NOW - HOUR, {}, OUTSIDER_TEAM_ID), // another team
    audit("a10", "variant.update", "variant", demoVariantId("max_upload_mb", 0), U.approver, NOW - 4 * DAY),
    audit("a11", "environment.update", "environment", ENV.development, U.teamadmin, NOW - 4 * DAY - HOUR),
    // A stage deleted since: its environment and feature come from the diff.
    audit("a12", "stage.set_rules", "feature_stage", "gone-stage", U.approver, NOW - 3 * DAY - HOUR,
      { before: { environmentId: ENV.staging, featureId: "gone-feature", key: "old_flag" }, after: null }),
  ]);
});

describe("auditAnalytics", () => {
  it("aggregates the last 7 UTC days up to now: totals, actions, actors, environments, days, features", async () => {
    const result = ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 7, now: iso(NOW) })).auditAnalytics;
    expect(result).toEqual({
      teamId: DEMO_TEAM_ID, from: "2026-06-09T00:00:00.000Z", to: "2026-06-15T12:00:00.000Z", windowDays: 7,
      totalChanges: 9, uniqueActors: 4, uniqueEntities: 9, teamWideChanges: 3,
      byAction: [
        { action: "stage.deploy", count: 2 }, { action: "stage.set_rules", count: 2 }, { action: "client.create", count: 1 },
        { action: "environment.update", count: 1 }, { action: "feature.update", count: 1 }, { action: "segment.update", count: 1 },
        { action: "variant.update", count: 1 },
      ],
      byActor: [
        { actorId: U.teamadmin, actorName: "Tess Teamadmin", count: 4 },
        { actorId: U.approver, actorName: "Abel Approver", count: 2 },
        { actorId: U.requester, actorName: "Rita Requester", count: 2 },
        { actorId: null, actorName: "system", count: 1 },
      ],
      byEnvironment: [
        { environmentId: ENV.development, environmentKey: "development", environmentName: "Development", count: 2 },
        { environmentId: ENV.production, environmentKey: "production", environmentName: "Production", count: 2 },
        { environmentId: ENV.staging, environmentKey: "staging", environmentName: "Staging", count: 2 },
      ],
      byDay: [
        { day: "2026-06-09T00:00:00.000Z", count: 1 }, { day: "2026-06-10T00:00:00.000Z", count: 0 },
        { day: "2026-06-11T00:00:00.000Z", count: 2 }, { day: "2026-06-12T00:00:00.000Z", count: 2 },
        { day: "2026-06-13T00:00:00.000Z", count: 2 }, { day: "2026-06-14T00:00:00.000Z", count: 1 },
        { day: "2026-06-15T00:00:00.000Z", count: 1 },
      ],
      mostChangedFeatures: [
        { featureId: BetaUsers, featureKey: "BetaUsers", featureName: expect.any(String), count: 3, lastChangedAt: iso(NOW - HOUR) },
        { featureId: dark_mode, featureKey: "dark_mode", featureName: expect.any(String), count: 1, lastChangedAt: iso(NOW - 2 * DAY) },
        { featureId: "gone-feature", featureKey: null, featureName: null, count: 1, lastChangedAt: iso(NOW - 3 * DAY - HOUR) },
        { featureId: max_upload_mb, featureKey: "max_upload_mb", featureName: expect.any(String), count: 1, lastChangedAt: iso(NOW - 4 * DAY) },
      ],
    });
  });

  it("windows of 1 and 30 days: today only, then the row before the 7-day window too", async () => {
    const one = ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 1, now: iso(NOW) })).auditAnalytics;
    expect([one.from, one.totalChanges, one.byDay]).toEqual(["2026-06-15T00:00:00.000Z", 1, [{ day: "2026-06-15T00:00:00.000Z", count: 1 }]]);
    const month = ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 30, now: iso(NOW) })).auditAnalytics;
    expect([month.totalChanges, month.byDay.length, month.byDay[22]]).toEqual([10, 30, { day: "2026-06-08T00:00:00.000Z", count: 1 }]);
    // A minute later the deploy stamped after the earlier now counts.
    expect(ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 1, now: iso(NOW + 60_000) })).auditAnalytics.totalChanges).toBe(2);
  });

  it("filters by actor, by action and by environment", async () => {
    const admin = ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 7, now: iso(NOW), actor: U.teamadmin })).auditAnalytics;
    expect([admin.totalChanges, admin.uniqueActors, admin.byAction]).toEqual([4, 1, [
      { action: "stage.deploy", count: 2 }, { action: "client.create", count: 1 }, { action: "environment.update", count: 1 },
    ]]);
    const deploys = ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 7, now: iso(NOW), action: "stage.deploy" })).auditAnalytics;
    expect([deploys.totalChanges, deploys.byEnvironment.map((e: { environmentKey: string; count: number }) => [e.environmentKey, e.count])])
      .toEqual([2, [["production", 1], ["staging", 1]]]);
    const staging = ok(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 7, now: iso(NOW), env: ENV.staging })).auditAnalytics;
    expect(staging).toMatchObject({
      totalChanges: 2, teamWideChanges: 0, uniqueActors: 2,
      byEnvironment: [{ environmentId: ENV.staging, environmentKey: "staging", environmentName: "Staging", count: 2 }],
      mostChangedFeatures: [
        { featureId: BetaUsers, featureKey: "BetaUsers", count: 1, lastChangedAt: iso(NOW - DAY) },
        { featureId: "gone-feature", featureKey: null, count: 1, lastChangedAt: iso(NOW - 3 * DAY - HOUR) },
      ],
    });
  });

  it("refuses a window outside 1..365 days and an environment of another team, naming the field", async () => {
    expect(failure(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 0 }))).toEqual({ code: "BAD_USER_INPUT", field: "windowDays" });
    expect(failure(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 366 }))).toEqual({ code: "BAD_USER_INPUT", field: "windowDays" });
    expect(failure(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 7, action: "" }))).toEqual({ code: "BAD_USER_INPUT", field: "action" });
    expect(failure(await as("viewer", ANALYTICS, { t: DEMO_TEAM_ID, days: 7, env: "00000000-0000-4000-8000-00000000dead" }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("recentActivity", () => {
  it("lists the team's rows newest first, enriched with environment, feature, entity label and the actor's name", async () => {
    const page = ok(await as("viewer", RECENT, { t: DEMO_TEAM_ID, first: 4 })).recentActivity;
    expect(page.nodes.map((n: { id: string }) => n.id)).toEqual(["a08", "a01", "a02", "a03"]);
    expect(page.nodes[1]).toEqual({
      id: "a01", action: "stage.deploy", entityType: "feature_stage", entityId: demoStageId("BetaUsers", "production"),
      entityLabel: "BetaUsers/production", actorId: U.teamadmin, actorName: "Tess Teamadmin", reason: null, createdAt: iso(NOW - HOUR), diff: {},
      environment: { id: ENV.production, key: "production", name: "Production" }, feature: { id: BetaUsers, key: "BetaUsers", name: expect.any(String) },
    });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await as("viewer", RECENT, { t: DEMO_TEAM_ID, first: 100, after: page.pageInfo.endCursor })).recentActivity;
    expect(rest.nodes.map((n: { id: string }) => n.id)).toEqual(["a04", "a06", "a12", "a10", "a11", "a05", "a07"]);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    const byId = Object.fromEntries(rest.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.a12).toMatchObject({ entityLabel: "old_flag", reason: "cleanup", environment: { id: ENV.staging, key: "staging" }, feature: { id: "gone-feature", key: null, name: null } });
    expect(byId.a06).toMatchObject({ entityLabel: "beta_testers", actorId: null, actorName: "system", environment: null, feature: null });
    expect(byId.a10).toMatchObject({ entityLabel: "standard", environment: null, feature: { id: max_upload_mb, key: "max_upload_mb" } });
    expect(byId.a11).toMatchObject({ entityLabel: "development", environment: { id: ENV.development, key: "development" }, feature: null });
    expect(byId.a05).toMatchObject({ entityLabel: "production server", environment: { id: ENV.production, key: "production" } });
  });

  it("filters by actions, entity, actor and a half-open time range", async () => {
    const ids = async (f: Record<string, unknown>) =>
      ok(await as("viewer", RECENT, { t: DEMO_TEAM_ID, f, first: 100 })).recentActivity.nodes.map((n: { id: string }) => n.id);
    expect(await ids({ actions: ["stage.deploy", "client.create"] })).toEqual(["a08", "a01", "a02", "a05"]);
    expect(await ids({ entityType: "feature", entityId: BetaUsers })).toEqual(["a04", "a07"]);
    expect(await ids({ actorId: U.approver })).toEqual(["a12", "a10"]);
    expect(await ids({ from: iso(TODAY - 6 * DAY), to: iso(NOW - DAY) })).toEqual(["a03", "a04", "a06", "a12", "a10", "a11", "a05"]);
    expect(await ids({ from: iso(NOW - DAY), to: iso(NOW), actions: ["stage.deploy"] })).toEqual(["a01", "a02"]);
  });

  it("refuses bad filters and page sizes, naming the field", async () => {
    expect(failure(await as("viewer", RECENT, { t: DEMO_TEAM_ID, f: { from: iso(NOW), to: iso(NOW) } }))).toEqual({ code: "BAD_USER_INPUT", field: "filter.to" });
    expect(failure(await as("viewer", RECENT, { t: DEMO_TEAM_ID, f: { actions: ["ok", ""] } }))).toEqual({ code: "BAD_USER_INPUT", field: "filter.actions.1" });
    expect(failure(await as("viewer", RECENT, { t: DEMO_TEAM_ID, f: { actions: Array.from({ length: 51 }, (_, i) => `a${i}`) } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "filter.actions" });
    expect(failure(await as("viewer", RECENT, { t: DEMO_TEAM_ID, first: 101 }))).toEqual({ code: "BAD_USER_INPUT", field: "first" });
    expect(failure(await as("viewer", RECENT, { t: DEMO_TEAM_ID, after: "nope" }))).toEqual({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("who may read activity", () => {
  it("every member of the team and a system admin; a member of another team gets NOT_FOUND; anonymous UNAUTHENTICATED", async () => {
    for (const role of ["admin", "teamadmin", "approver", "requester", "viewer"] as const) {
      expect(ok(await as(role, ANALYTICS, { t: DEMO_TEAM_ID, days: 7, now: iso(NOW) })).auditAnalytics.totalChanges).toBe(9);
      expect(ok(await as(role, RECENT, { t: DEMO_TEAM_ID, first: 1 })).recentActivity.nodes[0].id).toBe("a08");
    }
    expect(failure(await as("outsider", ANALYTICS, { t: DEMO_TEAM_ID, days: 7 }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("outsider", RECENT, { t: DEMO_TEAM_ID }))).toEqual({ code: "NOT_FOUND" });
    expect(ok(await as("outsider", RECENT, { t: OUTSIDER_TEAM_ID })).recentActivity.nodes.map((n: { id: string }) => n.id)).toEqual(["a09"]);
    expect(failure(await gql(ANALYTICS, { t: DEMO_TEAM_ID, days: 7 }))).toEqual({ code: "UNAUTHENTICATED" });
    expect(failure(await gql(RECENT, { t: DEMO_TEAM_ID }))).toEqual({ code: "UNAUTHENTICATED" });
  });
});

describe("D1 round trips", () => {
  const counted = d1CountingClient("viewer");

  it("is the principal's batch plus ONE: auditAnalytics (one batch of 7), recentActivity (one statement for any page)", async () => {
    await counted(RECENT, { t: DEMO_TEAM_ID, first: 1 }); // warms the isolate's signing-key cache for this binding
    expect(await counted(ANALYTICS, { t: DEMO_TEAM_ID, days: 365, now: iso(NOW) })).toEqual({ roundTrips: 2, statements: 3 + 7 });
    expect(await counted(ANALYTICS, { t: DEMO_TEAM_ID, days: 7, env: ENV.staging, now: iso(NOW) })).toEqual({ roundTrips: 2, statements: 3 + 7 });
    expect(await counted(RECENT, { t: DEMO_TEAM_ID, first: 1 })).toEqual({ roundTrips: 2, statements: 4 });
    expect(await counted(RECENT, { t: DEMO_TEAM_ID, first: 100 })).toEqual({ roundTrips: 2, statements: 4 });
  });
});
