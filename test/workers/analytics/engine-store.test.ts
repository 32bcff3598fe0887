// The Analytics Engine adapter: the same analytics answers from Analytics Engine's SQL API as from
// the D1 rollups. Its fetch is injected and answers with recorded responses of the SQL API's
// documented JSON shape ({meta, data, rows, rows_before_limit_at_least}; 64-bit integers quoted);
// nothing leaves the machine. The answers are compared with the D1 store's over the same counts.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { controlDeps } from "../../../workers/admin/core/deps";
import type { Principal } from "../../../workers/admin/identity/authz";
import { D1EvaluationStore } from "../../../workers/admin/insights/analytics/d1-store";
import { EngineEvaluationStore, EngineQueryError } from "../../../workers/admin/insights/analytics/engine-store";
import { literal } from "../../../workers/admin/insights/analytics/engine-sql";
import { AnalyticsConfigError, evaluationStoreFor } from "../../../workers/admin/insights/analytics/store-choice";
import { evaluationDashboard } from "../../../workers/admin/insights/live-analytics";
import { AnalyticsEngineSink, foldCounts } from "../../../workers/evaluation/analytics/sink";
import { freshStart } from "../control/support/actors";
import { addRollups } from "./support/live";

const PROD = DEMO_ENVIRONMENT_IDS.production;
const CLIENT = DEMO_CLIENT_IDS.production;
const NOW = new Date("2026-11-25T12:34:30Z");
const M = Math.floor(NOW.getTime() / 60_000);
const viewer: Principal = {
  userId: "u", username: "viewer", isSystemAdmin: false, mustChangePassword: false, sessionId: "s",
  memberships: new Map([[DEMO_TEAM_ID, "viewer"]]),
};

/** A recorded SQL API answer: the documented JSON, integers quoted as ClickHouse sends UInt64. */
function answer(columns: [string, string][], rows: Record<string, string | number>[]) {
  return { meta: columns.map(([name, type]) => ({ name, type })), data: rows, rows: rows.length, rows_before_limit_at_least: rows.length };
}
const GROUP_COLUMNS: [string, string][] = [["key", "String"], ["evaluations", "Float64"], ["errors", "Float64"], ["cache_hits", "Float64"], ["last_minute", "UInt64"]];
const group = (key: string, evaluations: number, errors: number, cacheHits: number, lastMinute: number) =>
  ({ key, evaluations, errors, cache_hits: cacheHits, last_minute: String(lastMinute) });

/** What the dataset holds (the same counts as the D1 rows below), answered per grouping column. */
const RECORDED: Record<string, ReturnType<typeof answer>> = {
  blob2: answer(GROUP_COLUMNS, [group("dark_mode", 100, 0, 100, M), group("new_checkout_flow", 10, 2, 6, M)]),
  blob1: answer(GROUP_COLUMNS, [group(PROD, 110, 2, 106, M)]),
  blob7: answer(GROUP_COLUMNS, [group(CLIENT, 108, 0, 106, M), group("", 2, 2, 0, M)]),
  blob3: answer(GROUP_COLUMNS, [group("on", 100, 0, 100, M), group("", 10, 2, 6, M)]),
  blob4: answer(GROUP_COLUMNS, [group("SPLIT", 100, 0, 100, M), group("TARGETING_MATCH", 8, 0, 6, M), group("ERROR", 2, 2, 0, M)]),
  bucket: answer([["bucket", "UInt64"], ["evaluations", "Float64"], ["errors", "Float64"], ["cache_hits", "Float64"]],
    [{ bucket: String(Math.floor(M / 60) * 60), evaluations: 110, errors: 2, cache_hits: 106 }]),
};

interface Sent { url: string; method: string; authorization: string | null; sql: string }

function recordedEngine(sent: Sent[], respond: (sql: string) => Response = (sql) => {
  const column = /AS bucket/.test(sql) ? "bucket" : /^SELECT (blob\d+) AS key/.exec(sql)![1]!;
  return Response.json(RECORDED[column]);
}) {
  return new EngineEvaluationStore({
    accountId: "0123456789abcdef0123456789abcdef", apiToken: "test-token", dataset: "fluxgate_evaluations",
    teamEnvironments: async () => [PROD],
    fetch: async (input, init) => {
      const sql = String(init?.body);
      sent.push({ url: String(input), method: init?.method ?? "GET", authorization: new Headers(init?.headers).get("authorization"), sql });
      return respond(sql);
    },
  });
}

beforeAll(async () => {
  await freshStart();
  await addRollups([
    { environmentId: PROD, minute: M, flagKey: "new_checkout_flow", reason: "TARGETING_MATCH", clientId: CLIENT, count: 8, cacheHits: 6 },
    { environmentId: PROD, minute: M, flagKey: "new_checkout_flow", reason: "ERROR", count: 2, cacheHits: 0 },
    { environmentId: PROD, minute: M, flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId: CLIENT, count: 100, cacheHits: 100 },
  ]);
});

const input = { environmentId: "production", intervalMinutes: 60, durationHours: 24 };

describe("the Analytics Engine store", () => {
  it("answers the evaluation dashboard exactly as the D1 rollups do for the same counts", async () => {
    const sent: Sent[] = [];
    const fromEngine = await evaluationDashboard(controlDeps(env, { now: () => NOW, evaluationStore: () => recordedEngine(sent) }), viewer, input);
    const fromD1 = await evaluationDashboard(controlDeps(env, { now: () => NOW, evaluationStore: () => new D1EvaluationStore(env.DB) }), viewer, input);
    expect(fromEngine).toEqual(fromD1);
    expect(fromEngine.summary).toMatchObject({ totalEvaluations: 110, successfulEvaluations: 108, cachedEvaluations: 106, cacheHitRate: 106 / 110, topFeatureKey: "dark_mode" });
    expect(sent).toHaveLength(6); // five groupings and the buckets, in parallel
  });

  it("POSTs the SQL text with the API token to the account's analytics_engine/sql endpoint", async () => {
    const sent: Sent[] = [];
    await recordedEngine(sent).read(
      { scope: { environmentIds: [PROD] }, window: { fromMinute: M - 59, toMinute: M }, featureKey: "it's", clientId: CLIENT },
      { groups: ["reason"], intervalMinutes: 15 });
    expect(sent.map((s) => [s.url, s.method, s.authorization])).toEqual(Array(2).fill([
      "https://api.cloudflare.com/client/v4/accounts/0123456789abcdef0123456789abcdef/analytics_engine/sql", "POST", "Bearer test-token",
    ]));
    const reasonSql = sent.find((s) => s.sql.startsWith("SELECT blob4 AS key"))!.sql;
    expect(reasonSql).toContain(`FROM fluxgate_evaluations WHERE index1 IN ('${PROD}') AND timestamp >= toDateTime('2026-11-25 11:35:00') AND timestamp < toDateTime('2026-11-25 12:35:00') AND blob2 = 'it\\'s' AND blob7 = '${CLIENT}'`);
    expect(reasonSql).toContain("SUM(_sample_interval * double1) AS evaluations");
    expect(reasonSql).toContain("SUM(_sample_interval * double2) AS cache_hits");
    expect(sent.find((s) => s.sql.includes("AS bucket"))!.sql).toContain("intDiv(intDiv(toUInt32(timestamp), 60), 15) * 15 AS bucket");
  });

  it("reads a team's environments from D1 and answers an error of the SQL API with its status and text", async () => {
    const sent: Sent[] = [];
    const failing = recordedEngine(sent, () => new Response("Unknown column blob9", { status: 422 }));
    await expect(failing.read({ scope: { teamId: DEMO_TEAM_ID }, window: { fromMinute: M, toMinute: M } }, { groups: ["feature"] }))
      .rejects.toThrow(new EngineQueryError("Analytics Engine SQL API answered 422: Unknown column blob9"));
    expect(sent[0]!.sql).toContain(`index1 IN ('${PROD}')`);
  });

  it("escapes quotes and backslashes in string literals", () => {
    expect(literal("a'b\\c")).toBe("'a\\'b\\\\c'");
  });
});

describe("the ANALYTICS_SOURCE switch", () => {
  it("reads D1 by default, Analytics Engine with ANALYTICS_SOURCE=engine and both secrets, and refuses engine without them", () => {
    expect(evaluationStoreFor({ DB: env.DB })).toBeInstanceOf(D1EvaluationStore);
    expect(evaluationStoreFor({ DB: env.DB, ANALYTICS_SOURCE: "engine", ANALYTICS_ACCOUNT_ID: "a", ANALYTICS_API_TOKEN: "t" }))
      .toBeInstanceOf(EngineEvaluationStore);
    expect(() => evaluationStoreFor({ DB: env.DB, ANALYTICS_SOURCE: "engine", ANALYTICS_ACCOUNT_ID: "a" }))
      .toThrow(new AnalyticsConfigError("ANALYTICS_SOURCE=engine needs the secrets ANALYTICS_ACCOUNT_ID and ANALYTICS_API_TOKEN (wrangler secret put)"));
    expect(() => evaluationStoreFor({ DB: env.DB, ANALYTICS_SOURCE: "clickhouse" })).toThrow(AnalyticsConfigError);
  });
});

describe("the data points the adapter reads", () => {
  it("carry the client id in blob7 and the cache hits in double2; folding sums cache hits and marks mixed clients *", () => {
    const written: AnalyticsEngineDataPoint[] = [];
    const sink = new AnalyticsEngineSink({ writeDataPoint: (point) => void written.push(point!) });
    const counts = [
      { environmentId: PROD, flagKey: "a", variant: "on", reason: "SPLIT" as const, count: 5, clientId: CLIENT, cacheHits: 4 },
      { environmentId: PROD, flagKey: "a", variant: "off", reason: "SPLIT" as const, count: 3, clientId: "other", cacheHits: 1 },
    ];
    sink.write(foldCounts(counts, "sdk", "fluxgate-sdk/0.1.0"));
    expect(written[0]).toEqual({ indexes: [PROD], blobs: [PROD, "a", "on", "SPLIT", "sdk", "fluxgate-sdk/0.1.0", CLIENT], doubles: [5, 4] });
    expect(foldCounts(counts, "sdk", "x", 1)).toEqual([
      { environmentId: PROD, flagKey: "a", variant: "*", reason: "*", source: "sdk", origin: "x", count: 8, clientId: "*", cacheHits: 5 },
    ]);
  });
});
