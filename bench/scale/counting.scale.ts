// What counting costs evaluation: OFREP single-flag requests through the evaluation Worker's own
// handler inside workerd (router, credential, snapshot from memory, engine, JSON answer), with
// server-side counting on and off in one run: 16 interleaved pairs of 1 s rounds, 10 requests in
// flight, alternating which goes first. The cost is the median over the pairs of 1 - on/off (a load
// spike from other processes lands on one round of one pair, not on the median), and also from the
// totals. Target: counting costs <= 5% of throughput. The relay, the environment object and D1 run
// in this same workerd process, so their share of the hand-over work is included here, unlike
// in production where they run elsewhere.
// Prints one line: BENCH_COUNTING {...}.
//   npx vitest run -c bench/scale/vitest.config.ts bench/scale/counting.scale.ts
import { env, exports } from "cloudflare:workers";
import { afterAll, expect, it } from "vitest";
import { DEMO_SECRETS } from "../../db/seed/demo-data";
import { setServerCounting } from "../../workers/evaluation/analytics/server-counts";
import { reseedDemo } from "../../test/workers/support/seed-demo";

const ROUNDS = 16;
const ROUND_MS = 1_000;
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
  const pairCosts: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const pair = { on: 0, off: 0 };
    for (const mode of r % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      setServerCounting(mode === "on");
      pair[mode] = await round(ROUND_MS);
      totals[mode] += pair[mode];
    }
    pairCosts.push(1 - pair.on / pair.off);
  }
  pairCosts.sort((a, b) => a - b);
  const medianCostPct = Math.round(((pairCosts[7]! + pairCosts[8]!) / 2) * 1000) / 10;
  setServerCounting(true);
  const seconds = (ROUNDS * ROUND_MS) / 1000;
  const on = Math.round(totals.on / seconds);
  const off = Math.round(totals.off / seconds);
  const costPct = Math.round((1 - on / off) * 1000) / 10;
  console.log(`BENCH_COUNTING ${JSON.stringify({ part: "counting", requestsPerSecondCountingOn: on, requestsPerSecondCountingOff: off, costPct, medianCostPct })}`);
  expect(on).toBeGreaterThan(0);
});
