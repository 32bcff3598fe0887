// The Worker counts its own evaluations: OFREP single and bulk and POST /evaluate each write one sink
// point per request and add to the isolate's aggregate, which the isolate hands over on its next
// sync (at most one interval later, through its request's waitUntil) to its location relay, from
// where it reaches the environment object's ledger and the D1 rollups, with the client and the
// number of answers served from the in-memory snapshot.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS } from "../../../db/seed/demo-data";
import { useEvaluationSink, type RecordingSink } from "../../../workers/evaluation/analytics/sink";
import { call, ofrep, SINGLE } from "../api-support";
import { reseedDemo } from "../support/seed-demo";
import { clientTotals, countsSettled, currentMinute, recordingSink, rollupRows } from "./support";

const DEV = DEMO_ENVIRONMENT_IDS.development;
let sink: RecordingSink;

beforeAll(async () => {
  await reseedDemo(env);
});
beforeEach(async () => {
  await countsSettled([DEV]);
  await env.DB.prepare("DELETE FROM evaluation_rollups").run();
  sink = recordingSink();
});
afterAll(() => useEvaluationSink(null));

describe("server-side evaluation counting", () => {
  it("hands the first request's count over in the background: it reaches the rollups with its client", async () => {
    const before = currentMinute();
    expect((await ofrep("BetaUsers", { targetingKey: "u-1", role: "admin" })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the scheduled hand-over
    await countsSettled([DEV]);
    const rows = await rollupRows();
    expect([before, currentMinute()]).toContain(rows[0]?.minute);
    expect(rows).toEqual([
      { environment_id: DEV, minute: rows[0]!.minute, flag_key: "BetaUsers", variant: "on", reason: "TARGETING_MATCH", count: 1 },
    ]);
    expect((await clientTotals(DEMO_CLIENT_IDS.development)).count).toBe(1);
  });

  it("aggregates single, bulk and /evaluate requests per flag, variant and reason", async () => {
    await ofrep("BetaUsers", { targetingKey: "u-1", role: "admin" });
    await ofrep("BetaUsers", { targetingKey: "u-2", role: "admin" });
    await ofrep("BetaUsers", { targetingKey: "u-3" });
    await call(SINGLE, { body: { context: { targetingKey: "u-4" } } }); // bulk: all 7 flags
    await call("/evaluate", { body: { flagKey: "legacy_search", context: { targetingKey: "u-5" } } });
    await ofrep("no_such_flag", { targetingKey: "u-6" }); // not counted
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await countsSettled([DEV]);
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
    // Warm isolate: every one of these answers came from the in-memory snapshot.
    expect(await clientTotals(DEMO_CLIENT_IDS.development)).toEqual({ count: 11, cacheHits: 11 });
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
