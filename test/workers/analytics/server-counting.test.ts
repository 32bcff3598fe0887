// The Worker counts its own evaluations: OFREP single and bulk and POST /evaluate each write one sink
// point per request and add to the isolate's aggregate, which reaches the D1 rollups through
// waitUntil (the first request of an idle isolate flushes at once, later ones at most every 10 s).
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS } from "../../../db/seed/demo-data";
import { flushServerCounts, resetServerCounts } from "../../../workers/evaluation/analytics/server-counts";
import { useEvaluationSink, type RecordingSink } from "../../../workers/evaluation/analytics/sink";
import { call, ofrep, SINGLE } from "../api-support";
import { reseedDemo } from "../support/seed-demo";
import { eventually } from "../control/support/actors";
import { currentMinute, recordingSink, rollupRows } from "./support";

const DEV = DEMO_ENVIRONMENT_IDS.development;
let sink: RecordingSink;

beforeAll(async () => {
  await reseedDemo(env);
});
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM evaluation_rollups").run();
  resetServerCounts();
  sink = recordingSink();
});
afterAll(() => useEvaluationSink(null));

describe("server-side evaluation counting", () => {
  it("flushes the first request's count to the rollups in the background", async () => {
    const before = currentMinute();
    expect((await ofrep("BetaUsers", { targetingKey: "u-1", role: "admin" })).status).toBe(200);
    const rows = await eventually(() => rollupRows(), (r) => r.length > 0);
    expect([before, currentMinute()]).toContain(rows[0]?.minute);
    expect(rows).toEqual([
      { environment_id: DEV, minute: rows[0]!.minute, flag_key: "BetaUsers", variant: "on", reason: "TARGETING_MATCH", count: 1 },
    ]);
  });

  it("aggregates single, bulk and /evaluate requests per flag, variant and reason until the next flush", async () => {
    await ofrep("BetaUsers", { targetingKey: "u-1", role: "admin" }); // flushes at once (idle isolate)
    await eventually(() => rollupRows(), (r) => r.length > 0);
    await ofrep("BetaUsers", { targetingKey: "u-2", role: "admin" });
    await ofrep("BetaUsers", { targetingKey: "u-3" });
    await call(SINGLE, { body: { context: { targetingKey: "u-4" } } }); // bulk: all 7 flags
    await call("/evaluate", { body: { flagKey: "legacy_search", context: { targetingKey: "u-5" } } });
    await ofrep("no_such_flag", { targetingKey: "u-6" }); // not counted
    // Within 10 s of the first flush nothing else was written yet.
    expect((await rollupRows()).map((r) => [r.flag_key, r.count])).toEqual([["BetaUsers", 1]]);
    // 8 distinct (flag, variant, reason) keys, or more when the requests straddled a minute boundary.
    expect(await flushServerCounts(env.DB)).toBeGreaterThanOrEqual(8);
    const totals = new Map<string, number>();
    for (const r of await rollupRows()) totals.set(`${r.flag_key}/${r.variant}/${r.reason}`, (totals.get(`${r.flag_key}/${r.variant}/${r.reason}`) ?? 0) + r.count);
    const rows = [...totals].map(([label, count]) => `${label}=${count}`);
    expect(rows.sort()).toEqual([
      "BetaUsers/off/DEFAULT=2",
      "BetaUsers/on/TARGETING_MATCH=2",
      "checkout_button_text/variant-a/SPLIT=1", // u-4 buckets into variant-a
      "dark_mode/off/DEFAULT=1",
      "homepage_layout/classic/DEFAULT=1",
      "legacy_search/off/DISABLED=2",
      "max_upload_mb/standard/DEFAULT=1",
      "new_checkout_flow/off/DISABLED=1",
    ].sort());
  });

  it("writes one sink point per request: the flag's for single evaluations, a folded one for bulk", async () => {
    await ofrep("dark_mode", { targetingKey: "u-1" });
    await call(SINGLE, { body: { context: { targetingKey: "u-1" } } });
    await ofrep("no_such_flag", { targetingKey: "u-1" });
    expect(sink.points).toEqual([
      { environmentId: DEV, flagKey: "dark_mode", variant: expect.any(String), reason: expect.any(String), source: "server", origin: "ofrep", count: 1 },
      { environmentId: DEV, flagKey: "*", variant: "*", reason: "*", source: "server", origin: "ofrep-bulk", count: 7 },
    ]);
  });
});
