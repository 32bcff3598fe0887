// Part 3 of `npm run bench:scale`: a 5,000-flag environment (three rules each) inside workerd.
//   coldFirstAnswerMs: from the snapshot text as KV returns it to the first single-flag answer in a
//     fresh SnapshotCache (what a cold isolate pays before its first answer), median of fresh caches;
//   bulkMs: evaluateAll over all 5,000 flags on a warm set, median over varied contexts.
// Also printed for docs/BENCHMARKS.md: JSON.parse of the whole text and the first (compiling) bulk.
// workerd's clock only advances across I/O, so every timed step ends with an await of a KV read
// (measured alone and subtracted) before the clock is read.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag, snapshotText } from "../../engine";
import { flagSetKvKey } from "../../protocol/delivery";
import { SnapshotCache } from "../../workers/evaluation/data/snapshot-cache";
import { snapshotSettings } from "../../workers/evaluation/data/settings";
import { flagKey, LARGE_CONTEXTS, largeFlagSet } from "../../test/engine/large-flag-set";

const FLAGS = 5_000;
const ENVIRONMENT_ID = "bench-large-flag-set";
const TRIALS = 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 100) / 100;

it("a 5,000-flag environment: cold first answer and bulk evaluation", async () => {
  await env.FLAGS_KV.put(flagSetKvKey(ENVIRONMENT_ID), snapshotText(largeFlagSet(FLAGS)));
  const text = (await env.FLAGS_KV.get(flagSetKvKey(ENVIRONMENT_ID), "text"))!;
  const tick = () => env.FLAGS_KV.get("bench-clock-tick");
  /** Wall time of a synchronous step: workerd's clock moves at I/O, so tick before and after. */
  const timed = async <T>(step: () => T | Promise<T>): Promise<{ ms: number; value: T }> => {
    await tick();
    const start = performance.now();
    const value = await step();
    await tick();
    return { ms: performance.now() - start, value };
  };
  const ticks: number[] = [];
  for (let i = 0; i < 15; i++) ticks.push((await timed(() => undefined)).ms);
  const tickCost = median(ticks);

  const background = { waitUntil: (p: Promise<unknown>) => void p.catch(() => undefined) };
  const source = {
    readStored: async () => text,
    fetchCurrent: () => Promise.reject(new Error("not used: KV has the snapshot")),
    fetchIfChanged: async () => null,
  };
  const settings = snapshotSettings(env);
  // The isolate's very first answer also pays for compiling the engine's own code: measured with a
  // 10-flag set first, so the 5,000-flag trials show what the flag count adds.
  const smallText = snapshotText(largeFlagSet(10));
  const firstInIsolate = await timed(async () => {
    const served = await new SnapshotCache().get("bench-small", { ...source, readStored: async () => smallText }, settings, background);
    return evaluateFlag(served.compiled, flagKey(3), LARGE_CONTEXTS[3]!);
  });
  const cold: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const key = flagKey((t * 331) % FLAGS);
    const { ms, value } = await timed(async () => {
      const served = await new SnapshotCache().get(ENVIRONMENT_ID, source, settings, background);
      return evaluateFlag(served.compiled, key, LARGE_CONTEXTS[3]!);
    });
    expect(value.key).toBe(key);
    expect(value.reason).not.toBe("ERROR");
    cold.push(Math.max(0, ms - tickCost));
  }

  const parses: number[] = [];
  for (let i = 0; i < 5; i++) parses.push((await timed(() => JSON.parse(text))).ms - tickCost);
  const wholeParse = median(parses);

  const set = compileFlagSet(text);
  const firstBulk = await timed(() => evaluateAll(set, LARGE_CONTEXTS[0]!));
  expect(firstBulk.value).toHaveLength(FLAGS);
  const bulk: number[] = [];
  for (let i = 0; i < 20; i++) {
    const context = { ...LARGE_CONTEXTS[i % LARGE_CONTEXTS.length]!, targetingKey: `user-${i}` };
    bulk.push((await timed(() => evaluateAll(set, context))).ms - tickCost);
  }

  console.log(`large flag set: ${FLAGS} flags, ${text.length} bytes; whole JSON.parse ${round(wholeParse)} ms; ` +
    `first answer in a fresh isolate (10 flags) ${round(firstInIsolate.ms - tickCost)} ms; ` +
    `cold first answer median ${round(median(cold))} ms (first trial ${round(cold[0]!)} ms, max ${round(Math.max(...cold))} ms); ` +
    `first bulk (compiles all) ${round(firstBulk.ms - tickCost)} ms; warm bulk median ${round(median(bulk))} ms; clock tick ${round(tickCost)} ms`);
  console.log(`BENCH_SCALE_PART ${JSON.stringify({
    part: "large", flags: FLAGS, snapshotBytes: new TextEncoder().encode(text).length,
    coldFirstAnswerMs: round(median(cold)), bulkMs: round(median(bulk)),
  })}`);
});
