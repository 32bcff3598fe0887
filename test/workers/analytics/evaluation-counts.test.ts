// POST /v1/evaluation-counts over the real Worker and D1: SDK-reported counts are stored by the
// location relay before the 202, then land in the per-minute rollups (adding up across posts, with
// the credential's client and every evaluation a cache hit) and in the evaluation sink; every
// client mistake has its status.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRETS } from "../../../db/seed/demo-data";
import { useEvaluationSink, type RecordingSink } from "../../../workers/evaluation/analytics/sink";
import { call } from "../api-support";
import { reseedDemo } from "../support/seed-demo";
import { clientTotals, countsSettled, currentMinute, recordingSink, rollupRows as storedRows } from "./support";

const PATH = "/v1/evaluation-counts";
const DEV = DEMO_ENVIRONMENT_IDS.development;
const PROD = DEMO_ENVIRONMENT_IDS.production;

function report(counts: unknown[], overrides: Record<string, unknown> = {}) {
  const end = new Date();
  return {
    sdk: "fluxgate-sdk/0.1.0", windowStart: new Date(end.getTime() - 30_000).toISOString(), windowEnd: end.toISOString(),
    counts, ...overrides,
  };
}

let sink: RecordingSink;
beforeAll(async () => {
  await reseedDemo(env);
});
/** The rollups once every count accepted so far has reached D1. */
async function rollupRows() {
  await countsSettled([DEV, PROD]);
  return storedRows();
}

beforeEach(async () => {
  await countsSettled([DEV, PROD]);
  await env.DB.prepare("DELETE FROM evaluation_rollups").run();
  sink = recordingSink();
});
afterAll(() => useEvaluationSink(null));

describe("accepted reports", () => {
  it("answers 202 with the number of entries and adds them to the rollups of the client's environment", async () => {
    const before = currentMinute();
    const res = await call(PATH, { body: report([
      { flag: "dark_mode", variant: "on", reason: "SPLIT", count: 12 },
      { flag: "dark_mode", variant: "off", reason: "DEFAULT", count: 30 },
      { flag: "legacy_search", variant: null, reason: "DISABLED", count: 2 },
    ]) });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ accepted: 3 });
    const rows = await rollupRows();
    const minute = rows[0]!.minute;
    expect([before, currentMinute()]).toContain(minute); // the request's minute (robust to a minute boundary)
    expect(rows).toEqual([
      { environment_id: DEV, minute, flag_key: "dark_mode", variant: "off", reason: "DEFAULT", count: 30 },
      { environment_id: DEV, minute, flag_key: "dark_mode", variant: "on", reason: "SPLIT", count: 12 },
      { environment_id: DEV, minute, flag_key: "legacy_search", variant: "", reason: "DISABLED", count: 2 },
    ]);
  });

  it("adds repeated reports (and repeated entries) to the same minute's row", async () => {
    const entry = { flag: "BetaUsers", variant: "on", reason: "TARGETING_MATCH", count: 5 };
    expect((await call(PATH, { body: report([entry, { ...entry, count: 2 }]) })).status).toBe(202);
    expect((await call(PATH, { secret: DEMO_SECRETS.development, scheme: "x-api-key", body: report([entry]) })).status).toBe(202);
    expect((await rollupRows()).map((r) => [r.flag_key, r.count])).toEqual([["BetaUsers", 12]]);
    // The SDK evaluated from its local snapshot: every count is a cache hit, of the credential's client.
    expect(await clientTotals(DEMO_CLIENT_IDS.development)).toEqual({ count: 12, cacheHits: 12 });
  });

  it("counts a report resent with the same reportId once (its first answer was lost), a new id again", async () => {
    const entry = { flag: "BetaUsers", variant: "on", reason: "TARGETING_MATCH", count: 4 };
    const body = report([entry], { reportId: "6f1c2b7e-0d1a-4c55-9d7e-2b1f0c9a8e01" });
    expect((await call(PATH, { body })).json).toEqual({ accepted: 1 });
    expect((await call(PATH, { body })).json).toEqual({ accepted: 1 }); // the same report again
    expect((await rollupRows()).map((r) => [r.flag_key, r.count])).toEqual([["BetaUsers", 4]]); // settles the path first
    expect(await clientTotals(DEMO_CLIENT_IDS.development)).toEqual({ count: 4, cacheHits: 4 });
    expect((await call(PATH, { body: report([entry], { reportId: "6f1c2b7e-0d1a-4c55-9d7e-2b1f0c9a8e02" }) })).status).toBe(202);
    expect((await rollupRows()).map((r) => [r.flag_key, r.count])).toEqual([["BetaUsers", 8]]);
    expect(await clientTotals(DEMO_CLIENT_IDS.development)).toEqual({ count: 8, cacheHits: 8 });
  });

  it("attributes counts to the minute their window ended, and to the credential's environment", async () => {
    const end = new Date(Date.now() - 5 * 60_000);
    const res = await call(PATH, {
      secret: DEMO_SECRETS.production,
      body: report([{ flag: "dark_mode", variant: "on", reason: "SPLIT", count: 1 }],
        { windowStart: new Date(end.getTime() - 60_000).toISOString(), windowEnd: end.toISOString() }),
    });
    expect(res.status).toBe(202);
    expect(await rollupRows()).toEqual([
      { environment_id: PROD, minute: Math.floor(end.getTime() / 60_000), flag_key: "dark_mode", variant: "on", reason: "SPLIT", count: 1 },
    ]);
  });

  it("writes one sink point per entry in the documented layout", async () => {
    await call(PATH, { body: report([{ flag: "dark_mode", variant: "on", reason: "SPLIT", count: 12 }, { flag: "x", variant: null, reason: "ERROR", count: 1 }]) });
    expect(sink.points).toEqual([
      { environmentId: DEV, flagKey: "dark_mode", variant: "on", reason: "SPLIT", source: "sdk", origin: "fluxgate-sdk/0.1.0", count: 12 },
      { environmentId: DEV, flagKey: "x", variant: "", reason: "ERROR", source: "sdk", origin: "fluxgate-sdk/0.1.0", count: 1 },
    ]);
  });

  it("folds a report with more entries than Analytics Engine takes per request into per-flag points, totals exact", async () => {
    const counts = Array.from({ length: 30 }, (_, i) => ({ flag: `flag_${i % 3}`, variant: `v${i}`, reason: "SPLIT", count: i + 1 }));
    expect((await call(PATH, { body: report(counts) })).json).toEqual({ accepted: 30 });
    expect(sink.points.map((p) => [p.flagKey, p.variant, p.reason, p.count])).toEqual([
      ["flag_0", "*", "*", 145], ["flag_1", "*", "*", 155], ["flag_2", "*", "*", 165],
    ]);
    expect((await rollupRows()).length).toBe(30);
  });

  it("accepts an empty report (an idle window) and writes nothing", async () => {
    const res = await call(PATH, { body: report([]) });
    expect([res.status, res.json]).toEqual([202, { accepted: 0 }]);
    expect(await rollupRows()).toEqual([]);
    expect(sink.points).toEqual([]);
  });

  it("accepts a web client from one of its origins and answers with CORS headers", async () => {
    const res = await call(PATH, {
      secret: DEMO_SECRETS.web, headers: { Origin: "http://localhost:5173" },
      body: report([{ flag: "dark_mode", variant: "on", reason: "SPLIT", count: 1 }]),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
  });
});

describe("refused requests", () => {
  const one = [{ flag: "dark_mode", variant: "on", reason: "SPLIT", count: 1 }];

  it.each([
    ["no credential", 401, "UNAUTHORIZED", null],
    ["an unknown credential", 401, "UNAUTHORIZED", "fg_not_a_client"],
  ])("answers %s with %i %s", async (_label, status, code, secret) => {
    const res = await call(PATH, { secret, body: report(one) });
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
  });

  it("refuses a server credential used from a browser (403 SERVER_CLIENT_IN_BROWSER)", async () => {
    const res = await call(PATH, { headers: { Origin: "http://localhost:5173" }, body: report(one) });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("SERVER_CLIENT_IN_BROWSER");
  });

  it.each([
    ["a non-object body", [1, 2], "body", "body: must be a JSON object"],
    ["missing counts", { windowStart: new Date().toISOString(), windowEnd: new Date().toISOString() }, "counts", "counts: must be an array"],
    ["a zero count", report([{ ...one[0], count: 0 }]), "counts.0.count", "counts.0.count: must be a positive integer (at most 1000000000)"],
    ["a fractional count", report([{ ...one[0], count: 1.5 }]), "counts.0.count", "counts.0.count: must be a positive integer (at most 1000000000)"],
    ["an unknown reason", report([one[0], { ...one[0], reason: "CACHED" }]), "counts.1.reason",
      "counts.1.reason: must be one of STATIC, DEFAULT, TARGETING_MATCH, SPLIT, DISABLED, ERROR"],
    ["a missing flag", report([{ variant: "on", reason: "SPLIT", count: 1 }]), "counts.0.flag", "counts.0.flag: must be a non-empty string"],
    ["a numeric variant", report([{ ...one[0], variant: 3 }]), "counts.0.variant", "counts.0.variant: must be a non-empty string"],
    ["a bad timestamp", report(one, { windowStart: "yesterday" }), "windowStart",
      "windowStart: must be an ISO-8601 timestamp such as 2026-11-25T17:00:00Z"],
    ["a window ending before it starts", report(one, { windowStart: new Date().toISOString(), windowEnd: new Date(Date.now() - 60_000).toISOString() }),
      "windowEnd", "windowEnd: must not be before windowStart"],
    ["a window in the future", report(one, { windowEnd: new Date(Date.now() + 3_600_000).toISOString() }), "windowEnd",
      "windowEnd: is in the future; check the client's clock"],
    ["a malformed reportId", report(one, { reportId: "no spaces" }), "reportId",
      "reportId: must be 8-100 characters: letters, digits, '.', '_', ':' or '-'"],
    ["more than 1000 entries", report(Array.from({ length: 1001 }, () => one[0])), "counts",
      "counts: must contain at most 1000 entries; split the batch"],
  ])("answers %s with 400 INVALID_REQUEST naming the field", async (_label, body, path, message) => {
    const res = await call(PATH, { body });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "INVALID_REQUEST", message, path } });
    expect(await rollupRows()).toEqual([]);
  });

  it("answers malformed JSON with 400 PARSE_ERROR", async () => {
    const res = await call(PATH, { raw: "{\"counts\": [" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("PARSE_ERROR");
  });

  it("answers a body over 256 KiB with 413 PAYLOAD_TOO_LARGE", async () => {
    const res = await call(PATH, { body: report(one, { sdk: "x".repeat(300 * 1024) }) });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ error: { code: "PAYLOAD_TOO_LARGE", message: "request body exceeds 262144 bytes" } });
  });

  it("answers another method with 405 and Allow", async () => {
    const res = await call(PATH, { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
  });
});
