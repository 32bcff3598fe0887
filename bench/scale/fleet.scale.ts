// A simulated fleet inside workerd: L locations x I isolates, each isolate with its own
// SnapshotCache and ServerCounter (the Worker's module state), each location with its own
// LocationRelay, one real environment object and D1. For 30 s every isolate evaluates a flag every
// 50 ms while a change is published every 3 s. Measured: the sync calls that reach the environment
// object per second (target <= 1.2 x L) and, per isolate and change, the time from the publish
// returning to the isolate first serving the new version (p50/p99). Also checks that the rollups
// hold exactly the evaluations made. Prints one line: BENCH_SCALE_PART {...}.
//   npx vitest run -c bench/scale/vitest.config.ts bench/scale/fleet.scale.ts
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, demoRuleId } from "../../db/seed/demo-data";
import type { EnvironmentObject } from "../../durable-objects/environment-do";
import { publishEnvironment } from "../../durable-objects/publish";
import { evaluateFlag } from "../../engine";
import { ServerCounter } from "../../workers/evaluation/analytics/server-counts";
import { SnapshotCache } from "../../workers/evaluation/data/snapshot-cache";
import { platformSnapshotSource, relayFallbacks } from "../../workers/evaluation/data/snapshot-source";
import { countsSettled } from "../../test/workers/analytics/support";
import { reseedDemo } from "../../test/workers/support/seed-demo";

const LOCATIONS = 8;
const ISOLATES_PER_LOCATION = 16;
const DURATION_MS = 30_000;
const EVALUATE_EVERY_MS = 50;
const PUBLISH_EVERY_MS = 3_000;
const ENVIRONMENT = DEMO_ENVIRONMENT_IDS.development;
const CLIENT = "bench-fleet";
const settings = { revalidateMs: 1_000, staleAfterMs: 60_000 };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

it("fleet: object calls per second and change-to-evaluation time", { timeout: 120_000 }, async () => {
  await reseedDemo(env);
  await env.DB.prepare("DELETE FROM evaluation_rollups WHERE client_id = ?1").bind(CLIENT).run();
  const locations = Array.from({ length: LOCATIONS }, (_, l) => `bench-${l}`);
  const fleet = locations.flatMap((location) => {
    const source = platformSnapshotSource(env, () => location);
    return Array.from({ length: ISOLATES_PER_LOCATION }, () => {
      const counter = new ServerCounter();
      return { source, counter, cache: new SnapshotCache(Date.now, counter), background: [] as Promise<unknown>[], evaluations: 0, seen: 0 };
    });
  });
  const objectCalls = () => runInDurableObject(env.ENVIRONMENTS.getByName(ENVIRONMENT), (o: EnvironmentObject) => o.syncCalls);

  // Warm every isolate (cold loads are not what is measured).
  for (const isolate of fleet) {
    const ctx = { waitUntil: (p: Promise<unknown>) => void isolate.background.push(p) };
    isolate.seen = (await isolate.cache.get(ENVIRONMENT, isolate.source, settings, ctx)).compiled.version;
  }

  const published: { version: number; at: number }[] = [];
  const delays: number[] = [];
  let stop = false;
  const evaluateLoop = async (isolate: (typeof fleet)[number]) => {
    const ctx = { waitUntil: (p: Promise<unknown>) => void isolate.background.push(p) };
    while (!stop) {
      const served = await isolate.cache.get(ENVIRONMENT, isolate.source, settings, ctx);
      isolate.counter.add(ENVIRONMENT, CLIENT, served.cacheHit, evaluateFlag(served.compiled, "BetaUsers", { targetingKey: "u", role: "admin" }));
      isolate.evaluations++;
      const version = served.compiled.version;
      if (version > isolate.seen) {
        for (const change of published) if (change.version > isolate.seen && change.version <= version) delays.push(Date.now() - change.at);
        isolate.seen = version;
      }
      await new Promise((resolve) => setTimeout(resolve, EVALUATE_EVERY_MS));
    }
  };

  const fallbacksBefore = relayFallbacks.count;
  const callsBefore = await objectCalls();
  const started = Date.now();
  const loops = fleet.map(evaluateLoop);
  let role = 0;
  while (Date.now() - started < DURATION_MS - PUBLISH_EVERY_MS) {
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_EVERY_MS));
    await env.DB.prepare("UPDATE rules SET match = ? WHERE id = ?").bind(
      JSON.stringify([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: role++ % 2 === 0 ? "owner" : "admin" }] }]),
      demoRuleId("BetaUsers", "development"),
    ).run();
    const result = await publishEnvironment(env, ENVIRONMENT);
    published.push({ version: result.version, at: Date.now() });
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, DURATION_MS - (Date.now() - started))));
  // Every isolate keeps evaluating until it has served the last change (bounded).
  const last = published[published.length - 1]?.version ?? 0;
  while (fleet.some((i) => i.seen < last) && Date.now() - started < DURATION_MS + 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsedS = (Date.now() - started) / 1000;
  const calls = (await objectCalls()) - callsBefore;
  stop = true;
  await Promise.all(loops);
  for (const isolate of fleet) while (isolate.background.length > 0) await isolate.background.shift();

  delays.sort((a, b) => a - b);
  const evaluations = fleet.reduce((sum, i) => sum + i.evaluations, 0);
  await countsSettled([ENVIRONMENT], locations, 20_000);
  const counted = await env.DB.prepare("SELECT COALESCE(SUM(count), 0) AS n FROM evaluation_rollups WHERE client_id = ?1").bind(CLIENT).first<{ n: number }>();

  const part = {
    part: "fleet",
    locations: LOCATIONS,
    isolatesPerLocation: ISOLATES_PER_LOCATION,
    objectCallsPerSecond: Math.round((calls / elapsedS) * 100) / 100,
    changeToEvalP50Ms: percentile(delays, 50),
    changeToEvalP99Ms: percentile(delays, 99),
  };
  console.log(`BENCH_SCALE_PART ${JSON.stringify(part)}`);
  console.error(`fleet details: ${published.length} changes, ${delays.length} change observations (of ${published.length * fleet.length}), `
    + `${evaluations} evaluations (${(evaluations / elapsedS / fleet.length).toFixed(1)}/s per isolate), ${counted?.n} counted, `
    + `${relayFallbacks.count - fallbacksBefore} relay fallbacks, ${calls} object calls in ${elapsedS.toFixed(1)} s`);
  expect(delays.length).toBe(published.length * fleet.length);
  expect(counted?.n).toBe(evaluations);
});
