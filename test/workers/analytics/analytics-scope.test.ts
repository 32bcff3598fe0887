// Whose counts the analytics operations read: `environmentId` takes an id or a key, a key is
// looked up within the caller's teams only, an ambiguous key is a clear error naming the teams,
// and other teams' environments stay invisible (NOT_FOUND). Also the breakdowns (by feature,
// environment, client, variant, reason), their filters, and windows beyond a day (queries).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { freshStart, tokenOf } from "../control/support/actors";
import { codes, gql, ok } from "../control/support/graphql";
import { OUTSIDER_TEAM_ID } from "../control/support/sessions";
import { addRollups, currentMinute } from "./support/live";

const { production: PROD, staging: STAGING } = DEMO_ENVIRONMENT_IDS;
const GLOBEX_PROD = "00000000-0000-4000-8000-00000000f0e2";
const CLIENT = DEMO_CLIENT_IDS.production;

const SUMMARY = `query($env: ID, $team: ID) { evaluationSummary(environmentId: $env, teamId: $team, period: PERIOD_24H) { totalEvaluations } }`;
const BREAKDOWN = `query($input: EvaluationBreakdownInput!) {
  evaluationBreakdown(input: $input) { dimension key label evaluationCount successCount successRate cacheHitRate share }
}`;
const DASHBOARD = `query($input: EvaluationDashboardInput!) {
  evaluationDashboard(input: $input) { environmentKey summary { totalEvaluations } rates { evaluationCount } }
}`;

beforeAll(async () => {
  await freshStart();
  const m = currentMinute();
  await env.DB.prepare("INSERT INTO environments (id, team_id, key, name, type, created_at, updated_at) VALUES (?, ?, 'production', 'Production', 'production', 0, 0)")
    .bind(GLOBEX_PROD, OUTSIDER_TEAM_ID).run();
  await addRollups([
    { environmentId: PROD, minute: m, flagKey: "new_checkout_flow", reason: "TARGETING_MATCH", clientId: CLIENT, count: 6, cacheHits: 3 },
    { environmentId: PROD, minute: m - 1, flagKey: "new_checkout_flow", reason: "ERROR", count: 2, cacheHits: 0 },
    { environmentId: PROD, minute: m - 30 * 60, flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId: CLIENT, count: 40, cacheHits: 40 },
    { environmentId: STAGING, minute: m, flagKey: "dark_mode", variant: "off", reason: "DEFAULT", count: 5, cacheHits: 5 },
    { environmentId: GLOBEX_PROD, minute: m, flagKey: "globex_flag", reason: "STATIC", count: 1000, cacheHits: 0 },
  ]);
});

describe("environmentId: an id or a key", () => {
  it("resolves a key within the caller's team and answers the same as the id", async () => {
    const viewer = await tokenOf("viewer");
    expect(ok(await gql(SUMMARY, { env: "production" }, viewer)).evaluationSummary.totalEvaluations).toBe(8);
    expect(ok(await gql(SUMMARY, { env: PROD }, viewer)).evaluationSummary.totalEvaluations).toBe(8);
  });

  it("resolves another team's admin's key to their own environment, never to ours", async () => {
    expect(ok(await gql(SUMMARY, { env: "production" }, await tokenOf("outsider"))).evaluationSummary.totalEvaluations).toBe(1000);
  });

  it("answers NOT_FOUND for another team's environment id and for a key only another team has", async () => {
    const outsider = await tokenOf("outsider");
    expect(codes(await gql(SUMMARY, { env: PROD }, outsider))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(SUMMARY, { env: "staging" }, outsider))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(SUMMARY, { env: "no_such_env" }, await tokenOf("viewer")))).toEqual(["NOT_FOUND"]);
  });

  it("refuses a key that names environments in several of the caller's teams, naming the teams", async () => {
    await env.DB.prepare("INSERT INTO team_memberships (team_id, user_id, role, created_at) VALUES (?, ?, 'viewer', 0)")
      .bind(OUTSIDER_TEAM_ID, DEMO_USER_IDS.viewer).run();
    try {
      const answer = await gql(SUMMARY, { env: "production" }, await tokenOf("viewer"));
      expect(answer.errors!.map((e) => [e.extensions?.code, e.extensions?.reason, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "AMBIGUOUS_ENVIRONMENT_KEY", "environmentId"]]);
      expect(answer.errors![0]!.message).toBe(
        `environmentId: the key "production" names an environment in several of your teams: Acme (${DEMO_TEAM_ID}), Globex (${OUTSIDER_TEAM_ID}); pass the environment's id`);
      expect(ok(await gql(SUMMARY, { env: PROD }, await tokenOf("viewer"))).evaluationSummary.totalEvaluations).toBe(8);
    } finally {
      await env.DB.prepare("DELETE FROM team_memberships WHERE team_id = ? AND user_id = ?").bind(OUTSIDER_TEAM_ID, DEMO_USER_IDS.viewer).run();
    }
  });
});

describe("evaluationBreakdown", () => {
  it("groups by client with the client's name, the unknown client as null, over 48 hours", async () => {
    const rows = ok(await gql(BREAKDOWN, { input: { environmentId: "production", by: "CLIENT", durationHours: 48 } }, await tokenOf("viewer"))).evaluationBreakdown;
    expect(rows).toEqual([
      { dimension: "CLIENT", key: CLIENT, label: "production server", evaluationCount: 46, successCount: 46, successRate: 1, cacheHitRate: 43 / 46, share: 46 / 48 },
      { dimension: "CLIENT", key: null, label: null, evaluationCount: 2, successCount: 0, successRate: 0, cacheHitRate: 0, share: 2 / 48 },
    ]);
  });

  it("filters by client id and feature key, and groups a team's environments by environment", async () => {
    const viewer = await tokenOf("viewer");
    const byReason = ok(await gql(BREAKDOWN, { input: { environmentId: PROD, clientId: CLIENT, featureKey: "new_checkout_flow", by: "REASON" } }, viewer)).evaluationBreakdown;
    expect(byReason.map((r: { key: string; evaluationCount: number }) => [r.key, r.evaluationCount])).toEqual([["TARGETING_MATCH", 6]]);
    const unknownClient = ok(await gql(BREAKDOWN, { input: { environmentId: PROD, clientId: "", by: "FEATURE" } }, viewer)).evaluationBreakdown;
    expect(unknownClient.map((r: { key: string; evaluationCount: number }) => [r.key, r.evaluationCount])).toEqual([["new_checkout_flow", 2]]);
    const byEnvironment = ok(await gql(BREAKDOWN, { input: { teamId: DEMO_TEAM_ID, by: "ENVIRONMENT" } }, viewer)).evaluationBreakdown;
    expect(byEnvironment.map((r: { key: string; label: string; evaluationCount: number }) => [r.key, r.label, r.evaluationCount]))
      .toEqual([[PROD, "production", 8], [STAGING, "staging", 5]]);
    const byVariant = ok(await gql(BREAKDOWN, { input: { teamId: DEMO_TEAM_ID, by: "VARIANT", durationHours: 48 } }, viewer)).evaluationBreakdown;
    expect(byVariant.map((r: { key: string | null; evaluationCount: number }) => [r.key, r.evaluationCount])).toEqual([["on", 40], [null, 8], ["off", 5]]);
  });
});

describe("windows", () => {
  it("lets queries look back beyond a day, up to 2160 hours, with at most 1440 buckets", async () => {
    const viewer = await tokenOf("viewer");
    const twoDays = ok(await gql(DASHBOARD, { input: { environmentId: "production", durationHours: 48, intervalMinutes: 60 } }, viewer)).evaluationDashboard;
    expect([twoDays.environmentKey, twoDays.summary.totalEvaluations, twoDays.rates.length >= 48]).toEqual(["production", 48, true]);
    const tooLong = await gql(DASHBOARD, { input: { environmentId: "production", durationHours: 2161, intervalMinutes: 60 } }, viewer);
    expect(tooLong.errors!.map((e) => [e.extensions?.code, e.extensions?.reason, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "DURATION_OUT_OF_RANGE", "input.durationHours"]]);
    const tooFine = await gql(DASHBOARD, { input: { environmentId: "production", durationHours: 2160, intervalMinutes: 60 } }, viewer);
    expect(tooFine.errors!.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([["BAD_USER_INPUT", "TOO_MANY_BUCKETS"]]);
    const zero = await gql(DASHBOARD, { input: { environmentId: "production", intervalMinutes: 0 } }, viewer);
    expect(zero.errors!.map((e) => [e.extensions?.reason, e.message])).toEqual([["INTERVAL_OUT_OF_RANGE", "input.intervalMinutes: must be 1 to 60 minutes or a whole number of hours up to 1440 minutes (a day), not 0"]]);
  });

  it("cuts 90 days into daily buckets (whole hours up to a day), epoch-aligned UTC days", async () => {
    const viewer = await tokenOf("viewer");
    const DAYS = `query($input: EvaluationDashboardInput!) {
      evaluationDashboard(input: $input) { intervalMinutes summary { totalEvaluations } rates { timeBucket evaluationCount } }
    }`;
    const days = ok(await gql(DAYS, { input: { environmentId: "production", durationHours: 2160, intervalMinutes: 1440 } }, viewer)).evaluationDashboard;
    const rates = days.rates as { timeBucket: string; evaluationCount: number }[];
    // The window (ending with the current minute) touches 91 UTC days, 90 when that minute is 23:59;
    // every bucket but the first (cut by the window) starts at midnight.
    const days91 = currentMinute() % 1440 === 1439 ? 90 : 91;
    expect([days.intervalMinutes, days.summary.totalEvaluations, rates.length]).toEqual([1440, 48, days91]);
    expect(rates.slice(1).every((r) => new Date(r.timeBucket).getTime() % 86_400_000 === 0)).toBe(true);
    expect(rates.reduce((sum, r) => sum + r.evaluationCount, 0)).toBe(48);
    const sixHours = ok(await gql(DAYS, { input: { environmentId: "production", durationHours: 2160, intervalMinutes: 360 } }, viewer)).evaluationDashboard;
    expect(sixHours.rates.length).toBe(currentMinute() % 360 === 359 ? 360 : 361);
    for (const bad of [61, 90, 1500]) {
      const refused = await gql(DAYS, { input: { environmentId: "production", durationHours: 2160, intervalMinutes: bad } }, viewer);
      expect(refused.errors!.map((e) => [e.extensions?.code, e.extensions?.reason, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "INTERVAL_OUT_OF_RANGE", "input.intervalMinutes"]]);
    }
  });
});
