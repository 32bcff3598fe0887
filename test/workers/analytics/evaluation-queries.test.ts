// The evaluation analytics queries over the D1 rollups. Exact figures and bucket boundaries are
// checked on the services with a fixed clock; roles, the GraphQL shapes and Feature.evaluations
// through the real /graphql endpoint.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import {
  evaluationRates, evaluationsByFeature, evaluationSummary, featureEvaluationsBatch,
} from "../../../workers/admin/insights/analytics/evaluations";
import type { Principal } from "../../../workers/admin/identity/authz";
import { controlDeps } from "../../../workers/admin/core/deps";
import { freshStart, tokenOf } from "../control/support/actors";
import { codes, gql, ok } from "../control/support/graphql";
import { countingD1 } from "../control/support/query-counter";
import { OUTSIDER_TEAM_ID } from "../control/support/sessions";

const { development: DEV, staging: STAGING, production: PROD } = DEMO_ENVIRONMENT_IDS;
const NOW = new Date("2026-11-25T12:34:30Z");
const M = Math.floor(NOW.getTime() / 60_000); // 12:34
const at = (hhmm: string) => new Date(`2026-11-25T${hhmm}:00.000Z`);
const GLOBEX_ENV = "00000000-0000-4000-8000-00000000f0e1";

const viewer: Principal = {
  userId: "u", username: "viewer", isSystemAdmin: false, mustChangePassword: false, sessionId: "s",
  memberships: new Map([[DEMO_TEAM_ID, "viewer"]]),
};
const deps = () => controlDeps(env, { now: () => NOW });

async function insertRollups(rows: [string, number, string, string, string, number][]) {
  const insert = env.DB.prepare("INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, count) VALUES (?, ?, ?, ?, ?, ?)");
  await env.DB.batch(rows.map((row) => insert.bind(...row)));
}

beforeAll(async () => {
  await freshStart();
  await env.DB.prepare("INSERT INTO environments (id, team_id, key, name, type, created_at, updated_at) VALUES (?, ?, 'prod', 'Prod', 'production', 0, 0)")
    .bind(GLOBEX_ENV, OUTSIDER_TEAM_ID).run();
  await insertRollups([
    [DEV, M, "dark_mode", "on", "SPLIT", 5], // 12:34
    [DEV, M - 1, "dark_mode", "off", "DEFAULT", 3], // 12:33
    [DEV, M - 14, "BetaUsers", "on", "TARGETING_MATCH", 2], // 12:20
    [DEV, M - 59, "BetaUsers", "", "ERROR", 1], // 11:35, the first minute of PERIOD_1H
    [DEV, M - 60, "BetaUsers", "", "ERROR", 4], // 11:34, just outside it
    [STAGING, M, "dark_mode", "on", "SPLIT", 7],
    [PROD, M - 20, "dark_mode", "on", "SPLIT", 1], // 12:14
    [PROD, M - 19, "dark_mode", "on", "SPLIT", 2], // 12:15
    [PROD, M - 5, "dark_mode", "on", "SPLIT", 4], // 12:29
    [PROD, M - 4, "dark_mode", "on", "SPLIT", 8], // 12:30
  ]);
});

describe("evaluationSummary", () => {
  it("totals one environment over the last hour, the hour's first minute included and the minute before it not", async () => {
    expect(await evaluationSummary(deps(), viewer, { environmentId: DEV, period: "PERIOD_1H" })).toEqual({
      from: at("11:35"), to: at("12:35"), generatedAt: NOW,
      totalEvaluations: 11, successfulEvaluations: 10, successRate: 10 / 11, cachedEvaluations: 0, cacheHitRate: 0,
      byReason: [
        { reason: "DEFAULT", count: 3 }, { reason: "TARGETING_MATCH", count: 2 }, { reason: "SPLIT", count: 5 }, { reason: "ERROR", count: 1 },
      ],
      featuresEvaluated: 2, topFeatureKey: "dark_mode",
    });
    const day = await evaluationSummary(deps(), viewer, { environmentId: DEV, period: "PERIOD_24H" });
    expect([day.totalEvaluations, day.successfulEvaluations]).toEqual([15, 10]);
  });

  it("totals every environment of a team", async () => {
    const summary = await evaluationSummary(deps(), viewer, { teamId: DEMO_TEAM_ID, period: "PERIOD_1H" });
    expect([summary.totalEvaluations, summary.featuresEvaluated, summary.topFeatureKey]).toEqual([11 + 7 + 15, 2, "dark_mode"]);
  });

  it("answers an empty window with zeros and null rates", async () => {
    const empty = await controlDeps(env, { now: () => new Date("2026-01-01T00:00:00Z") });
    expect(await evaluationSummary(empty, viewer, { environmentId: DEV, period: "PERIOD_1H" })).toMatchObject({
      totalEvaluations: 0, successRate: null, byReason: [], topFeatureKey: null,
    });
  });

  it("costs two D1 round trips for an environment (owner lookup, aggregate) and one for a team", async () => {
    const counting = countingD1(env.DB);
    const counted = controlDeps({ ...env, DB: counting.db }, { now: () => NOW });
    await evaluationSummary(counted, viewer, { environmentId: DEV, period: "PERIOD_7D" });
    expect(counting.counts.roundTrips).toBe(2);
    counting.reset();
    await evaluationSummary(counted, viewer, { teamId: DEMO_TEAM_ID, period: "PERIOD_7D" });
    expect(counting.counts.roundTrips).toBe(1);
  });
});

describe("evaluationRates", () => {
  const rates = (environmentId: string, intervalMinutes: number) =>
    evaluationRates(deps(), viewer, { environmentId, period: "PERIOD_1H", intervalMinutes });
  const shape = (buckets: Awaited<ReturnType<typeof rates>>) =>
    buckets.map((b) => `${b.bucketStart.toISOString().slice(11, 16)}-${b.bucketEnd.toISOString().slice(11, 16)} ${b.evaluations}/${b.errors}`);

  it("uses 15-minute buckets aligned to :00/:15/:30/:45, the first and last cut by the period, empty ones zero", async () => {
    expect(shape(await rates(DEV, 15))).toEqual([
      "11:35-11:45 1/1", "11:45-12:00 0/0", "12:00-12:15 0/0", "12:15-12:30 2/0", "12:30-12:35 8/0",
    ]);
  });

  it("puts a bucket's first minute in it and its last minute's successor in the next", async () => {
    expect(shape(await rates(PROD, 15))).toEqual([
      "11:35-11:45 0/0", "11:45-12:00 0/0", "12:00-12:15 1/0", "12:15-12:30 6/0", "12:30-12:35 8/0",
    ]);
  });

  it("aligns intervals that do not divide an hour to the epoch too (7 minutes)", async () => {
    const buckets = await rates(PROD, 7);
    for (const bucket of buckets.slice(1)) expect((bucket.bucketStart.getTime() / 60_000) % 7).toBe(0);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.bucketStart).toEqual(buckets[i - 1]!.bucketEnd);
    expect(buckets.reduce((sum, b) => sum + b.evaluations, 0)).toBe(15);
    // 12:14 and 12:15 share the bucket starting at epoch minute floor(M-20 / 7) * 7 exactly when they should.
    const bucketOf = (minute: number) => buckets.find((b) => b.bucketStart.getTime() <= minute * 60_000 && minute * 60_000 < b.bucketEnd.getTime())!;
    expect(bucketOf(M - 20) === bucketOf(M - 19)).toBe(Math.floor((M - 20) / 7) === Math.floor((M - 19) / 7));
  });

  it("gives 1-minute buckets for every minute of the hour", async () => {
    const buckets = await rates(DEV, 1);
    expect(buckets.length).toBe(60);
    expect(buckets.filter((b) => b.evaluations > 0).map((b) => [b.bucketStart.toISOString().slice(11, 16), b.evaluations]))
      .toEqual([["11:35", 1], ["12:20", 2], ["12:33", 3], ["12:34", 5]]);
  });

  it("refuses intervals outside 1..60 and periods with too many buckets", async () => {
    await expect(rates(DEV, 0)).rejects.toMatchObject({ code: "BAD_USER_INPUT", details: { field: "intervalMinutes" } });
    await expect(rates(DEV, 61)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    await expect(evaluationRates(deps(), viewer, { environmentId: DEV, period: "PERIOD_30D", intervalMinutes: 1 }))
      .rejects.toMatchObject({ code: "BAD_USER_INPUT", message: "intervalMinutes: the window would have 43200 buckets (at most 1440); choose a larger interval" });
  });
});

describe("evaluationsByFeature", () => {
  it("totals each flag in [from, to) with its last evaluated minute and current feature id", async () => {
    expect(await evaluationsByFeature(deps(), viewer, { environmentId: DEV, from: at("11:35"), to: NOW })).toEqual({
      from: at("11:35"), to: NOW,
      features: [
        { featureKey: "dark_mode", featureId: DEMO_FEATURE_IDS.dark_mode, evaluations: 8, errors: 0, lastEvaluatedAt: at("12:34") },
        { featureKey: "BetaUsers", featureId: DEMO_FEATURE_IDS.BetaUsers, evaluations: 3, errors: 1, lastEvaluatedAt: at("12:20") },
      ],
    });
    const earlier = await evaluationsByFeature(deps(), viewer, { environmentId: DEV, from: at("11:34"), to: at("12:21") });
    expect(earlier.features.map((f) => [f.featureKey, f.evaluations])).toEqual([["BetaUsers", 7]]);
  });

  it("refuses an empty or reversed range", async () => {
    await expect(evaluationsByFeature(deps(), viewer, { environmentId: DEV, from: NOW, to: NOW }))
      .rejects.toMatchObject({ code: "BAD_USER_INPUT", details: { field: "to" } });
  });
});

it("answers Feature.evaluations for many features and environments in one D1 round trip", async () => {
  const counting = countingD1(env.DB);
  const counted = controlDeps({ ...env, DB: counting.db }, { now: () => NOW });
  const feature = (key: "dark_mode" | "BetaUsers") => ({ id: DEMO_FEATURE_IDS[key], key, teamId: DEMO_TEAM_ID });
  const results = await featureEvaluationsBatch(counted, [
    { feature: feature("dark_mode"), environmentId: DEV, period: "PERIOD_1H" },
    { feature: feature("BetaUsers"), environmentId: DEV, period: "PERIOD_1H" },
    { feature: feature("dark_mode"), environmentId: PROD, period: "PERIOD_24H" },
  ]);
  expect(counting.counts.roundTrips).toBe(1);
  expect(results.map((r) => (r instanceof Error ? r.message : r.total))).toEqual([8, 3, 15]);
});

describe("through /graphql", () => {
  const SUMMARY = `query($e: ID, $t: ID) { evaluationSummary(environmentId: $e, teamId: $t, period: PERIOD_30D) { totalEvaluations topFeatureKey } }`;

  it("lets a viewer read and hides the environment and team from another team's admin (NOT_FOUND)", async () => {
    const mine = ok(await gql(SUMMARY, { e: PROD }, await tokenOf("viewer")));
    expect(mine.evaluationSummary.topFeatureKey).toBe("dark_mode");
    expect(codes(await gql(SUMMARY, { e: PROD }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(SUMMARY, { t: DEMO_TEAM_ID }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(SUMMARY, { e: PROD }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(SUMMARY, {}, await tokenOf("viewer")))).toEqual(["BAD_USER_INPUT"]);
  });

  it("serves rates and per-feature totals", async () => {
    const token = await tokenOf("viewer");
    const answer = ok(await gql(`query($e: ID!, $from: DateTime!) {
      evaluationRates(environmentId: $e, period: PERIOD_24H, intervalMinutes: 60) { bucketStart evaluations errors }
      evaluationsByFeature(environmentId: $e, from: $from) { features { featureKey evaluations lastEvaluatedAt } }
    }`, { e: DEV, from: new Date(Date.now() - 7_200_000).toISOString() }, token));
    expect(answer.evaluationRates.length).toBe(25);
    expect(codes(await gql(`{ evaluationsByFeature(environmentId: "${DEV}", from: "2020-01-01T00:00:00Z") { from } }`, {}, token)))
      .toEqual(["BAD_USER_INPUT"]);
    expect(answer.evaluationsByFeature).toBeDefined();
  });

  it("counts a feature's evaluations per variant and reason in an environment of its team only", async () => {
    const minute = Math.floor(Date.now() / 60_000);
    await insertRollups([
      [STAGING, minute - 1, "checkout_button_text", "control", "SPLIT", 6],
      [STAGING, minute - 2, "checkout_button_text", "variant-a", "SPLIT", 4],
      [STAGING, minute - 2, "checkout_button_text", "control", "SPLIT", 1],
      [STAGING, minute - 2, "max_upload_mb", "pro", "TARGETING_MATCH", 9],
    ]);
    const query = `query($id: ID!, $e: ID!) { feature(id: $id) { key evaluations(environmentId: $e, period: PERIOD_1H) {
      environmentId total byVariant { variant reason count } lastEvaluatedAt } } }`;
    const answer = ok(await gql(query, { id: DEMO_FEATURE_IDS.checkout_button_text, e: STAGING }, await tokenOf("viewer")));
    expect(answer.feature.evaluations).toEqual({
      environmentId: STAGING, total: 11,
      byVariant: [{ variant: "control", reason: "SPLIT", count: 7 }, { variant: "variant-a", reason: "SPLIT", count: 4 }],
      lastEvaluatedAt: new Date((minute - 1) * 60_000).toISOString(),
    });
    const foreign = await gql(query, { id: DEMO_FEATURE_IDS.checkout_button_text, e: GLOBEX_ENV }, await tokenOf("viewer"));
    expect(codes(foreign)).toEqual(["NOT_FOUND"]);
  });

  it("batches Feature.evaluations across a feature list", async () => {
    const answer = ok(await gql(`query($t: ID!, $e: ID!) { features(teamId: $t, first: 10) { nodes { key evaluations(environmentId: $e, period: PERIOD_1H) { total } } } }`,
      { t: DEMO_TEAM_ID, e: STAGING }, await tokenOf("viewer")));
    const totals = Object.fromEntries(answer.features.nodes.map((n: { key: string; evaluations: { total: number } }) => [n.key, n.evaluations.total]));
    expect(totals).toMatchObject({ checkout_button_text: 11, max_upload_mb: 9, BetaUsers: 0 });
  });
});
