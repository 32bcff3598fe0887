// What counting costs evaluation: OFREP single-flag requests through the evaluation Worker's own
// handler inside workerd (router, credential, snapshot from memory, engine, JSON answer), with
// server-side counting on and off in one run: 8 interleaved rounds of 1.5 s each way, 10 requests
// in flight, alternating which goes first. Target: counting costs <= 5% of throughput.
// Prints one line: BENCH_COUNTING {...}.
//   npx vitest run -c bench/scale/vitest.config.ts bench/scale/counting.scale.ts
import { env, exports } from "cloudflare:workers";
import { afterAll, expect, it } from "vitest";
import { DEMO_SECRETS } from "../../db/seed/demo-data";
import { setServerCounting } from "../../workers/evaluation/analytics/server-counts";
import { reseedDemo } from "../../test/workers/support/seed-demo";

const ROUNDS = 8;
const ROUND_MS = 1_500;
const IN_FLIGHT = 10;
const URL_ = "http://fluxgate.test/ofrep/v1/evaluate/flags/checkout_button_text";
const INIT = {
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${DEMO_SECRETS.development}` },
  body: JSON.stringify({ context: { targetingKey: "user-1", plan: "pro" } }),
};

async function round(ms: number): Promise<number> {
  const until = Date.now() + ms;
  let done = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (Date.now() < until) {
      const response = await exports.default.fetch(URL_, INIT);
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      await response.arrayBuffer();
      done++;
    }
  }));
  return done;
}

afterAll(() => setServerCounting(true));

it("counting: OFREP throughput with counting on and off", { timeout: 120_000 }, async () => {
  await reseedDemo(env);
  setServerCounting(true);
  await round(1_000); // warm-up: snapshot in memory, JIT
  setServerCounting(false);
  await round(1_000);
  const totals = { on: 0, off: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      setServerCounting(mode === "on");
      totals[mode] += await round(ROUND_MS);
    }
  }
  setServerCounting(true);
  const seconds = (ROUNDS * ROUND_MS) / 1000;
  const on = Math.round(totals.on / seconds);
  const off = Math.round(totals.off / seconds);
  const costPct = Math.round((1 - on / off) * 1000) / 10;
  console.log(`BENCH_COUNTING ${JSON.stringify({ part: "counting", requestsPerSecondCountingOn: on, requestsPerSecondCountingOff: off, costPct })}`);
  expect(on).toBeGreaterThan(0);
});
