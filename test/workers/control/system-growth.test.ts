// systemMetrics and featureGrowth through /graphql over features, clients, approval requests and
// evaluation rollups written with fixed timestamps: lifecycle counts, enabled clients, UTC-day
// evaluation windows and their boundaries, governance counts; growth buckets per UTC day, week
// (from Monday) and calendar month, cut by the range, zero-filled, with cumulative counts; the
// bucket limit; who may read; one D1 round trip per request after authentication.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS as ENV, DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { as, failure, ok, pristine } from "./support/config";
import { gql } from "./support/graphql";
import { d1CountingClient } from "./support/counted-graphql";
import { OUTSIDER_TEAM_ID } from "./support/sessions";

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = Date.parse("2026-06-15T12:00:00.000Z");
const TODAY = Date.parse("2026-06-15T00:00:00.000Z");
const OUTSIDER_ENV = "00000000-0000-4000-8000-00000000f0e1";
const at = (text: string) => Date.parse(text);

const SYSTEM = `query($t: ID!, $now: DateTime) { systemMetrics(teamId: $t, now: $now) {
  teamId now totalFeatures featuresByLifecycle { draft active deprecated archived } activeClients totalClients environments
  evaluationsToday evaluationsYesterday totalEvaluations7d successfulEvaluations7d successRate pendingApprovals activeKillSwitches
} }`;
const GROWTH = `query($t: ID!, $from: DateTime!, $to: DateTime!, $i: GrowthInterval!) {
  featureGrowth(teamId: $t, from: $from, to: $to, interval: $i) { bucketStart bucketEnd teamId teamName featureCount cumulativeCount }
}`;

const feature = (id: string, createdAt: number, teamId = DEMO_TEAM_ID) => env.DB.prepare(
  "INSERT INTO features (id, team_id, key, name, type, salt, created_at, updated_at) VALUES (?, ?, ?, ?, 'boolean', ?, ?, ?)",
).bind(id, teamId, id, id, id, createdAt, createdAt);
const rollup = (environmentId: string, minute: number, flagKey: string, reason: string, count: number) => env.DB.prepare(
  "INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, count) VALUES (?, ?, ?, '', ?, ?)",
).bind(environmentId, minute, flagKey, reason, count);
const request = (id: string, status: string) => env.DB.prepare(
  `INSERT INTO approval_requests (id, team_id, feature_id, environment_id, action, payload, base_feature_version, required_approvals, status, requested_by, created_at)
   VALUES (?, ?, ?, ?, 'deploy', '{}', 1, 1, ?, ?, ?)`,
).bind(id, DEMO_TEAM_ID, DEMO_FEATURE_IDS.BetaUsers, ENV.production, status, DEMO_USER_IDS.requester, NOW - DAY);

beforeAll(async () => {
  await pristine();
  const m = (ms: number) => Math.floor(ms / MINUTE);
  await env.DB.batch([
    env.DB.prepare("UPDATE features SET lifecycle = 'draft', kill_switch_active = 1 WHERE id = ?").bind(DEMO_FEATURE_IDS.dark_mode),
    env.DB.prepare("UPDATE features SET lifecycle = 'deprecated' WHERE id = ?").bind(DEMO_FEATURE_IDS.max_upload_mb),
    env.DB.prepare("UPDATE features SET lifecycle = 'archived' WHERE id = ?").bind(DEMO_FEATURE_IDS.homepage_layout),
    env.DB.prepare("UPDATE clients SET enabled = 0 WHERE id = ?").bind(DEMO_CLIENT_IDS.web),
    env.DB.prepare("INSERT INTO environments (id, team_id, key, name, type, created_at, updated_at) VALUES (?, ?, 'prod', 'Prod', 'production', 0, 0)")
      .bind(OUTSIDER_ENV, OUTSIDER_TEAM_ID),
    request("r1", "pending"), request("r2", "pending"), request("r3", "approved"),
    rollup(ENV.development, m(NOW), "BetaUsers", "TARGETING_MATCH", 5), // today, at now
    rollup(ENV.production, m(TODAY), "dark_mode", "ERROR", 2), // today's first minute
    rollup(ENV.staging, m(TODAY) - 1, "BetaUsers", "DEFAULT", 7), // yesterday's last minute
    rollup(ENV.development, m(TODAY - DAY), "BetaUsers", "DEFAULT", 11), // yesterday's first minute
    rollup(ENV.production, m(TODAY - 6 * DAY), "dark_mode", "DEFAULT", 13), // the 7 days' first minute
    rollup(ENV.production, m(TODAY - 6 * DAY) - 1, "dark_mode", "DEFAULT", 17), // before the 7 days
    rollup(ENV.development, m(NOW) + 1, "BetaUsers", "DEFAULT", 19), // after now
    rollup(OUTSIDER_ENV, m(NOW), "BetaUsers", "DEFAULT", 23), // another team
    feature("g6", at("2026-05-31T23:00:00.000Z")), // a Sunday in May
    feature("g1", at("2026-06-01T00:00:00.000Z")), // a Monday
    feature("g2", at("2026-06-07T23:59:59.999Z")), // the Sunday after
    feature("g3", at("2026-06-08T00:00:00.000Z")),
    feature("g4", at("2026-06-15T10:00:00.000Z")),
    feature("g5", at("2026-07-01T00:00:00.000Z")),
    feature("other", at("2026-06-02T00:00:00.000Z"), OUTSIDER_TEAM_ID),
  ]);
});

describe("systemMetrics", () => {
  it("counts features by lifecycle, clients, environments, evaluations per UTC day, pending approvals and kill switches", async () => {
    expect(ok(await as("viewer", SYSTEM, { t: DEMO_TEAM_ID, now: new Date(NOW).toISOString() })).systemMetrics).toEqual({
      teamId: DEMO_TEAM_ID, now: "2026-06-15T12:00:00.000Z",
      totalFeatures: 13, featuresByLifecycle: { draft: 1, active: 10, deprecated: 1, archived: 1 },
      activeClients: 3, totalClients: 4, environments: 3,
      evaluationsToday: 7, evaluationsYesterday: 18, totalEvaluations7d: 38, successfulEvaluations7d: 36, successRate: 36 / 38,
      pendingApprovals: 2, activeKillSwitches: 2,
    });
  });

  it("moves with now: a day later today's become yesterday's; the team's other figures stay", async () => {
    const later = ok(await as("viewer", SYSTEM, { t: DEMO_TEAM_ID, now: new Date(NOW + DAY).toISOString() })).systemMetrics;
    // Today (06-16) holds nothing; yesterday (06-15) all of that day, the minute after the old now included; the 7 days start 06-10.
    expect([later.evaluationsToday, later.evaluationsYesterday, later.totalEvaluations7d, later.successRate]).toEqual([0, 26, 44, 42 / 44]);
    const otherTeam = ok(await as("outsider", SYSTEM, { t: OUTSIDER_TEAM_ID, now: new Date(NOW).toISOString() })).systemMetrics;
    expect([otherTeam.totalFeatures, otherTeam.environments, otherTeam.evaluationsToday, otherTeam.successRate]).toEqual([1, 1, 23, 1]);
  });

  it("reports a null success rate without evaluations, and NOT_FOUND for a team that does not exist (system admin)", async () => {
    const empty = ok(await as("viewer", SYSTEM, { t: DEMO_TEAM_ID, now: "2025-01-01T00:00:00.000Z" })).systemMetrics;
    expect([empty.totalEvaluations7d, empty.successRate]).toEqual([0, null]);
    expect(failure(await as("admin", SYSTEM, { t: "00000000-0000-4000-8000-00000000dead" }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("featureGrowth", () => {
  const growth = async (from: string, to: string, i: string) =>
    ok(await as("viewer", GROWTH, { t: DEMO_TEAM_ID, from, to, i })).featureGrowth.map(
      (b: { bucketStart: string; bucketEnd: string; featureCount: number; cumulativeCount: number }) => [b.bucketStart, b.bucketEnd, b.featureCount, b.cumulativeCount]);

  it("DAY: UTC days, the first cut at from; cumulative counts include the features created before", async () => {
    expect(await growth("2026-06-07T12:00:00.000Z", "2026-06-09T00:00:00.000Z", "DAY")).toEqual([
      ["2026-06-07T12:00:00.000Z", "2026-06-08T00:00:00.000Z", 1, 10],
      ["2026-06-08T00:00:00.000Z", "2026-06-09T00:00:00.000Z", 1, 11],
    ]);
  });

  it("WEEK: weeks start on Monday 00:00 UTC; a Sunday's last millisecond belongs to its week; empty weeks are zero", async () => {
    expect(await growth("2026-05-25T00:00:00.000Z", "2026-06-29T00:00:00.000Z", "WEEK")).toEqual([
      ["2026-05-25T00:00:00.000Z", "2026-06-01T00:00:00.000Z", 1, 8],
      ["2026-06-01T00:00:00.000Z", "2026-06-08T00:00:00.000Z", 2, 10],
      ["2026-06-08T00:00:00.000Z", "2026-06-15T00:00:00.000Z", 1, 11],
      ["2026-06-15T00:00:00.000Z", "2026-06-22T00:00:00.000Z", 1, 12],
      ["2026-06-22T00:00:00.000Z", "2026-06-29T00:00:00.000Z", 0, 12],
    ]);
    // From a Wednesday: the first week is cut (and counts only from then on), so is the last.
    expect(await growth("2026-06-03T00:00:00.000Z", "2026-06-10T00:00:00.000Z", "WEEK")).toEqual([
      ["2026-06-03T00:00:00.000Z", "2026-06-08T00:00:00.000Z", 1, 10],
      ["2026-06-08T00:00:00.000Z", "2026-06-10T00:00:00.000Z", 1, 11],
    ]);
  });

  it("MONTH: calendar months, zero-filled, with the team's name", async () => {
    expect(await growth("2026-01-01T00:00:00.000Z", "2026-08-01T00:00:00.000Z", "MONTH")).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", 7, 7],
      ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", 0, 7],
      ["2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z", 0, 7],
      ["2026-04-01T00:00:00.000Z", "2026-05-01T00:00:00.000Z", 0, 7],
      ["2026-05-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z", 1, 8],
      ["2026-06-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z", 4, 12],
      ["2026-07-01T00:00:00.000Z", "2026-08-01T00:00:00.000Z", 1, 13],
    ]);
    const [first] = ok(await as("viewer", GROWTH, { t: DEMO_TEAM_ID, from: "2026-06-01T00:00:00.000Z", to: "2026-06-02T00:00:00.000Z", i: "DAY" })).featureGrowth;
    expect(first).toEqual({ bucketStart: "2026-06-01T00:00:00.000Z", bucketEnd: "2026-06-02T00:00:00.000Z", teamId: DEMO_TEAM_ID, teamName: "Acme", featureCount: 1, cumulativeCount: 9 });
  });

  it("allows 366 buckets and refuses 367 naming interval; refuses to <= from naming to", async () => {
    expect(await growth("2026-01-01T00:00:00.000Z", "2027-01-02T00:00:00.000Z", "DAY")).toHaveLength(366);
    expect(failure(await as("viewer", GROWTH, { t: DEMO_TEAM_ID, from: "2026-01-01T00:00:00.000Z", to: "2027-01-02T00:00:00.001Z", i: "DAY" })))
      .toEqual({ code: "BAD_USER_INPUT", field: "interval" });
    expect(failure(await as("viewer", GROWTH, { t: DEMO_TEAM_ID, from: "2026-01-01T00:00:00.000Z", to: "2026-01-01T00:00:00.000Z", i: "WEEK" })))
      .toEqual({ code: "BAD_USER_INPUT", field: "to" });
  });
});

describe("who may read them", () => {
  it("every member of the team and a system admin; a member of another team gets NOT_FOUND; anonymous UNAUTHENTICATED", async () => {
    const range = { from: "2026-06-01T00:00:00.000Z", to: "2026-06-02T00:00:00.000Z", i: "DAY" };
    for (const role of ["admin", "teamadmin", "approver", "requester", "viewer"] as const) {
      expect(ok(await as(role, SYSTEM, { t: DEMO_TEAM_ID })).systemMetrics.totalFeatures).toBe(13);
      expect(ok(await as(role, GROWTH, { t: DEMO_TEAM_ID, ...range })).featureGrowth[0].featureCount).toBe(1);
    }
    expect(failure(await as("outsider", SYSTEM, { t: DEMO_TEAM_ID }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("outsider", GROWTH, { t: DEMO_TEAM_ID, ...range }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await gql(SYSTEM, { t: DEMO_TEAM_ID }))).toEqual({ code: "UNAUTHENTICATED" });
    expect(failure(await gql(GROWTH, { t: DEMO_TEAM_ID, ...range }))).toEqual({ code: "UNAUTHENTICATED" });
  });
});

describe("D1 round trips", () => {
  const counted = d1CountingClient("viewer");

  it("is the principal's batch plus ONE: systemMetrics (a batch of 5), featureGrowth (a batch of 3, even for 366 buckets)", async () => {
    await counted(SYSTEM, { t: DEMO_TEAM_ID }); // warms the isolate's signing-key cache for this binding
    expect(await counted(SYSTEM, { t: DEMO_TEAM_ID, now: new Date(NOW).toISOString() })).toEqual({ roundTrips: 2, statements: 3 + 5 });
    expect(await counted(GROWTH, { t: DEMO_TEAM_ID, from: "2026-06-01T00:00:00.000Z", to: "2026-06-02T00:00:00.000Z", i: "DAY" })).toEqual({ roundTrips: 2, statements: 3 + 3 });
    expect(await counted(GROWTH, { t: DEMO_TEAM_ID, from: "2026-01-01T00:00:00.000Z", to: "2027-01-02T00:00:00.000Z", i: "DAY" })).toEqual({ roundTrips: 2, statements: 3 + 3 });
  });
});
