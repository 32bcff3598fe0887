// SDK benchmark: local evaluation of the demo flags in ns per evaluation, through the client's
// direct API (FluxGateLocalClient.evaluate, with and without evaluation counting), through the
// OpenFeature provider's resolve path (FluxGateServerProvider.resolve*Evaluation) and through a
// full OpenFeature server SDK client. The snapshot is the real one: the SDK streams it from a
// fresh `npm run dev` stack (or from --base-url URL), then the stack is stopped and every timed
// evaluation runs in-process. Run: `npx tsx scripts/bench-sdk.ts` (also called by scripts/bench.ts).
import os from "node:os";
import { pathToFileURL } from "node:url";
import { OpenFeature } from "@openfeature/server-sdk";
import type { EvaluationContext, FlagSetDocument } from "../engine/types";
import { FluxGateLocalClient } from "../sdk/src/index";
import { FluxGateServerProvider } from "../sdk/src/openfeature/server-provider";
import { startDevStack } from "../test/e2e/support/dev-stack";

const SECRET = "fg_local_development_demo_secret";
const CONTEXT_COUNT = 1_000;
const SYNC_ITERATIONS = 300_000;
const ASYNC_ITERATIONS = 60_000;
const FLAG_TYPES: Record<string, "boolean" | "string" | "number" | "object"> = {
  BetaUsers: "boolean", checkout_button_text: "string", dark_mode: "boolean", homepage_layout: "object",
  legacy_search: "boolean", max_upload_mb: "number", new_checkout_flow: "boolean",
};

export interface SdkBenchRow {
  flag: string;
  directNs: number;
  directNoCountsNs: number;
  providerNs: number;
  openFeatureNs: number;
}

export interface SdkBenchResult {
  version: number;
  contexts: number;
  machine: string;
  rows: SdkBenchRow[];
}

function contexts(): EvaluationContext[] {
  const roles = ["admin", "user", "guest"];
  const plans = ["pro", "free"];
  return Array.from({ length: CONTEXT_COUNT }, (_, i) => ({
    targetingKey: i % 50 === 0 ? "user-42" : `user-${i}`,
    role: roles[i % 3],
    plan: plans[i % 2],
    email: i % 7 === 0 ? `u${i}@acme.test` : `u${i}@example.com`,
  }));
}

async function fetchDocument(baseUrl?: string): Promise<FlagSetDocument> {
  const stack = baseUrl ? undefined : await startDevStack();
  const client = new FluxGateLocalClient({ baseUrl: baseUrl ?? stack!.baseUrl, credential: SECRET, evaluationCounts: false });
  try {
    await client.start();
    return client.document!;
  } finally {
    await client.close();
    await stack?.stop();
  }
}

const ROUNDS = 5;

/** Median over ROUNDS rounds (the machine is shared: a median resists a busy neighbour). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeSync(iterations: number, run: (i: number) => void): number {
  for (let i = 0; i < iterations / 10; i++) run(i); // warm-up
  const per = Math.ceil(iterations / ROUNDS);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < per; i++) run(i);
    rounds.push(Number(process.hrtime.bigint() - start) / per);
  }
  return median(rounds);
}

async function timeAsync(iterations: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < iterations / 10; i++) await run(i);
  const per = Math.ceil(iterations / ROUNDS);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < per; i++) await run(i);
    rounds.push(Number(process.hrtime.bigint() - start) / per);
  }
  return median(rounds);
}

export async function runSdkBench(baseUrl?: string): Promise<SdkBenchResult> {
  const document = await fetchDocument(baseUrl);
  const ctx = contexts();
  const offline = "http://127.0.0.1:1"; // the timed clients never connect: bootstrap only
  const counting = new FluxGateLocalClient({ baseUrl: offline, credential: SECRET, bootstrap: document, evaluationCounts: { flushIntervalMs: 3_600_000 } });
  const plain = new FluxGateLocalClient({ baseUrl: offline, credential: SECRET, bootstrap: document, evaluationCounts: false });
  const provider = new FluxGateServerProvider({ mode: "local", baseUrl: offline, credential: SECRET, bootstrap: document, evaluationCounts: false });
  // Only the provider's resolve path is timed; it is not started, so nothing connects.
  OpenFeature.setProvider("bench", provider);
  const ofClient = OpenFeature.getClient("bench");
  const rows: SdkBenchRow[] = [];
  try {
    for (const flag of document.flags.map((f) => f.key)) {
      const type = FLAG_TYPES[flag] ?? "object";
      const pick = (i: number) => ctx[i % CONTEXT_COUNT]!;
      const directNs = timeSync(SYNC_ITERATIONS, (i) => void counting.evaluate(flag, pick(i)));
      const directNoCountsNs = timeSync(SYNC_ITERATIONS, (i) => void plain.evaluate(flag, pick(i)));
      const providerNs = await timeAsync(ASYNC_ITERATIONS, (i) => resolve(provider, type, flag, pick(i)));
      const openFeatureNs = await timeAsync(ASYNC_ITERATIONS, (i) => ofEvaluate(ofClient, type, flag, pick(i)));
      rows.push({ flag, directNs, directNoCountsNs, providerNs, openFeatureNs });
    }
  } finally {
    await counting.close();
    await plain.close();
    await OpenFeature.close();
  }
  const cpu = os.cpus()[0]?.model ?? "unknown";
  return { version: document.version, contexts: CONTEXT_COUNT, machine: `${os.availableParallelism()} CPUs ${cpu}, node ${process.version}`, rows };
}

function resolve(provider: FluxGateServerProvider, type: string, flag: string, context: EvaluationContext) {
  const c = context as Parameters<FluxGateServerProvider["resolveBooleanEvaluation"]>[2];
  switch (type) {
    case "boolean": return provider.resolveBooleanEvaluation(flag, false, c);
    case "string": return provider.resolveStringEvaluation(flag, "", c);
    case "number": return provider.resolveNumberEvaluation(flag, 0, c);
    default: return provider.resolveObjectEvaluation(flag, {}, c);
  }
}

function ofEvaluate(client: ReturnType<typeof OpenFeature.getClient>, type: string, flag: string, context: EvaluationContext) {
  const c = context as Parameters<typeof client.getBooleanValue>[2];
  switch (type) {
    case "boolean": return client.getBooleanValue(flag, false, c);
    case "string": return client.getStringValue(flag, "", c);
    case "number": return client.getNumberValue(flag, 0, c);
    default: return client.getObjectValue(flag, {}, c);
  }
}

export function formatSdkBench(result: SdkBenchResult): string {
  const ns = (n: number) => String(Math.round(n));
  return [
    `SDK local evaluation, ns per evaluation (demo snapshot v${result.version} streamed from npm run dev, ` +
      `${result.contexts} rotating contexts; ${SYNC_ITERATIONS} sync / ${ASYNC_ITERATIONS} async iterations per flag, median of ${ROUNDS} rounds; ${result.machine})`,
    "| flag | client.evaluate (counts on) | client.evaluate (counts off) | provider resolve*Evaluation | OpenFeature client get*Value |",
    "|---|---|---|---|---|",
    ...result.rows.map((r) => `| ${r.flag} | ${ns(r.directNs)} | ${ns(r.directNoCountsNs)} | ${ns(r.providerNs)} | ${ns(r.openFeatureNs)} |`),
  ].join("\n");
}

/** The section scripts/bench.ts prints. */
export async function sdkBenchSection(): Promise<string> {
  return formatSdkBench(await runSdkBench());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  const at = process.argv.indexOf("--base-url");
  console.log(formatSdkBench(await runSdkBench(at > 0 ? process.argv[at + 1] : undefined)));
  process.exit(0);
}
