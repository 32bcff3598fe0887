// HTTP benchmark of the evaluation Worker under `wrangler dev` (workerd, local KV/DO): the OFREP
// single-flag evaluation against the Worker's no-op route, same tool, same connections, same
// duration, interleaved in rounds so drift on a shared machine hits both alike.
// Run: npx tsx scripts/bench-http.ts
import { createRequire } from "node:module";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { startDevStack } from "../test/e2e/support/dev-stack";

const DEV_SERVER_SECRET = "fg_local_development_demo_secret";
const CONNECTIONS = 10;
const WARMUP_SECONDS = 3;
const ROUNDS = 5;
const ROUND_SECONDS = 2;
export const TARGET_RATIO = 0.8;

export interface RouteFigures {
  route: string;
  requestsPerSecond: number;
  /** Mean of the rounds' medians. */
  latencyP50Ms: number;
  /** Worst of the rounds' 99th percentiles. */
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface HttpBenchResult {
  machine: { nproc: number; cpu: string; node: string; platform: string };
  tool: string;
  connections: number;
  secondsPerRoute: number;
  ofrep: RouteFigures;
  noop: RouteFigures;
  /** ofrep requests/second divided by no-op requests/second. */
  ratio: number;
  targetRatio: number;
}

// autocannon ships no types; this is the part of its API used here.
interface AutocannonOptions {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
const AUTOCANNON_VERSION = (createRequire(import.meta.url)("autocannon/package.json") as { version: string }).version;

interface Target {
  name: "ofrep" | "noop";
  route: string;
  options: Omit<AutocannonOptions, "connections" | "duration">;
}

function targets(baseUrl: string): Target[] {
  return [
    { name: "noop", route: "GET /ping", options: { url: `${baseUrl}/ping`, method: "GET" } },
    {
      name: "ofrep",
      route: "POST /ofrep/v1/evaluate/flags/checkout_button_text",
      options: {
        url: `${baseUrl}/ofrep/v1/evaluate/flags/checkout_button_text`,
        method: "POST",
        headers: { authorization: `Bearer ${DEV_SERVER_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ context: { targetingKey: "user-1", plan: "pro" } }),
      },
    },
  ];
}

/** One real request per target first: benchmarking 401s or 404s would measure nothing useful. */
async function verify(target: Target): Promise<void> {
  const { url, method, headers, body } = target.options;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${target.route} answered ${res.status}: ${text.slice(0, 300)}`);
  if (target.name === "ofrep" && !/"value":"(Buy now|Complete purchase)"/.test(text)) {
    throw new Error(`${target.route} answered an unexpected body: ${text.slice(0, 300)}`);
  }
}

export async function runHttpBench(): Promise<HttpBenchResult> {
  const stack = await startDevStack();
  try {
    const list = targets(stack.baseUrl);
    for (const target of list) await verify(target);
    for (const target of list) await autocannon({ ...target.options, connections: CONNECTIONS, duration: WARMUP_SECONDS });

    const runs = new Map<Target["name"], AutocannonResult[]>(list.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which route goes first so neither always runs on a warmer or cooler machine.
      const order = round % 2 === 0 ? list : [...list].reverse();
      for (const target of order) {
        runs.get(target.name)!.push(await autocannon({ ...target.options, connections: CONNECTIONS, duration: ROUND_SECONDS }));
      }
    }
    const figures = (target: Target): RouteFigures => summarize(target.route, runs.get(target.name)!);
    const noop = figures(list[0]!);
    const ofrep = figures(list[1]!);
    return {
      machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "unknown", node: process.version, platform: `${process.platform} ${os.release()}` },
      tool: `autocannon ${AUTOCANNON_VERSION}`,
      connections: CONNECTIONS,
      secondsPerRoute: ROUNDS * ROUND_SECONDS,
      ofrep,
      noop,
      ratio: round(ofrep.requestsPerSecond / noop.requestsPerSecond, 3),
      targetRatio: TARGET_RATIO,
    };
  } finally {
    await stack.stop();
  }
}

function summarize(route: string, results: AutocannonResult[]): RouteFigures {
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  const seconds = results.reduce((n, r) => n + r.duration, 0);
  return {
    route,
    requestsPerSecond: round(requests / seconds, 0),
    latencyP50Ms: round(results.reduce((n, r) => n + r.latency.p50, 0) / results.length, 2),
    latencyP99Ms: Math.max(...results.map((r) => r.latency.p99)),
    requests,
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function formatHttpBench(result: HttpBenchResult): string {
  const row = (f: RouteFigures) =>
    `| ${f.route} | ${f.requestsPerSecond} | ${f.latencyP50Ms} | ${f.latencyP99Ms} | ${f.requests} | ${f.non2xx} | ${f.errors} |`;
  return [
    `HTTP (wrangler dev, ${result.tool}, ${result.connections} connections, ${result.secondsPerRoute} s per route in ` +
      `${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s warm-up; ${result.machine.nproc} CPUs ${result.machine.cpu}, node ${result.machine.node})`,
    "| route | req/s | p50 ms | p99 ms | requests | non-2xx | errors |",
    "|---|---|---|---|---|---|---|",
    row(result.ofrep),
    row(result.noop),
    `ratio ofrep/no-op = ${result.ratio} (target >= ${result.targetRatio}: ${result.ratio >= result.targetRatio ? "met" : "NOT met"})`,
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Exit through process.exit so the stack's exit hook kills its process group on Ctrl-C too.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  const result = await runHttpBench();
  console.log(formatHttpBench(result));
  if (result.ofrep.non2xx + result.ofrep.errors + result.noop.non2xx + result.noop.errors > 0) {
    console.error("some benchmark requests failed; the figures are not valid");
    process.exitCode = 1;
  }
}
