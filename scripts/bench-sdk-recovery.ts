// SDK recovery benchmark: how long after the server answers again does a local client report
// READY? The client (default reconnect options) reaches a fresh `npm run dev` stack through a
// loopback TCP relay (test/e2e/support/tcp-relay.ts); each round cuts the relay for a random
// outage, restores it, and times restore -> `ready`. Outages are long enough for the backoff to
// reach its cap, the worst case. Run: `npx tsx scripts/bench-sdk-recovery.ts [rounds]` (default 20).
import { pathToFileURL } from "node:url";
import { FluxGateLocalClient } from "../sdk/src/index";
import { freePort, startDevStack } from "../test/e2e/support/dev-stack";
import { Relay } from "../test/e2e/support/tcp-relay";

const SECRET = "fg_local_development_demo_secret";
const MIN_OUTAGE_MS = 6_000;
const MAX_OUTAGE_MS = 14_000;
const READY_BOUND_MS = 60_000;

export interface RecoveryBench {
  rounds: number;
  outageMs: [number, number];
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  samplesMs: number[];
}

export async function runRecoveryBench(rounds = 20): Promise<RecoveryBench> {
  const stack = await startDevStack();
  const relay = new Relay(await freePort(), () => new URL(stack.baseUrl));
  await relay.up();
  const client = new FluxGateLocalClient({ baseUrl: `http://127.0.0.1:${relay.port}`, credential: SECRET, evaluationCounts: false });
  const samples: number[] = [];
  try {
    await client.start();
    for (let round = 0; round < rounds; round++) {
      const stale = next(client, "stale");
      await relay.down();
      await stale;
      await sleep(MIN_OUTAGE_MS + Math.random() * (MAX_OUTAGE_MS - MIN_OUTAGE_MS));
      const ready = next(client, "ready");
      await relay.up();
      const restoredAt = performance.now();
      await ready;
      samples.push(Math.round(performance.now() - restoredAt));
    }
  } finally {
    await client.close();
    await relay.down();
    await stack.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { rounds, outageMs: [MIN_OUTAGE_MS, MAX_OUTAGE_MS], p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1)!, samplesMs: samples };
}

/** Resolves on the client's next `event` (bounded, so a broken client cannot hang the run). */
function next(client: FluxGateLocalClient, event: "ready" | "stale"): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${READY_BOUND_MS} ms`)), READY_BOUND_MS);
    const off = client.events.on(event, () => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function formatRecoveryBench(result: RecoveryBench): string {
  return [
    `rounds: ${result.rounds}, outage ${result.outageMs[0] / 1000}-${result.outageMs[1] / 1000} s each (default reconnect: 0.5 s doubling to 5 s, jittered)`,
    `server answering again -> READY: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms`,
    `samples (ms): ${result.samplesMs.join(", ")}`,
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  const rounds = Number(process.argv[2] ?? 20);
  console.log(formatRecoveryBench(await runRecoveryBench(Number.isSafeInteger(rounds) && rounds > 0 ? rounds : 20)));
  process.exit(0);
}
