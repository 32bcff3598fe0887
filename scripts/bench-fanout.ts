// Live-delivery fan-out under `wrangler dev` (the real local stack): 1,000 WebSocket subscribers on
// the development environment's /v1/stream (Node 22's global WebSocket, the credential in the
// subprotocol list as browsers send it), a sequence of real changes committed through POST /graphql
// as the demo admin, and for each change the time from the mutation's HTTP response to each
// subscriber's receipt of the delta. Also the memory the sockets cost: workerd has no per-object
// memory figure, so the resident set size (RSS) of the stack's workerd processes is read from /proc
// before and after the 1,000 sockets connect (the difference / 1,000 is an upper bound per socket:
// it includes workerd's own buffers for each connection, not just the object's share).
// Bounded: SUBSCRIBERS sockets, CHANGES changes, DELIVERY_TIMEOUT_MS per change.
// Run: npx tsx scripts/bench-fanout.ts
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { DEMO_PASSWORD, demoStageId } from "../db/seed/demo-data";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_PATH, STREAM_PROTOCOL_VERSION, STREAM_SUBPROTOCOL } from "../protocol/stream";
import { startDevStack } from "../test/e2e/support/dev-stack";

const SUBSCRIBERS = 1_000;
const CONNECT_BATCH = 50;
const WARMUP_CHANGES = 3;
const CHANGES = 20;
const DELIVERY_TIMEOUT_MS = 10_000;
const PAUSE_BETWEEN_CHANGES_MS = 200;
/** Restarts of the stack (wrangler dev reloading on a file change) tolerated before giving up. */
const MAX_INTERRUPTIONS = 5;
export const TARGET_P99_MS = 250;
const SECRET = "fg_local_development_demo_secret";
const STAGE = demoStageId("checkout_button_text", "development");

export interface FanoutBenchResult {
  machine: { nproc: number; cpu: string; node: string; platform: string };
  loadBefore: number[];
  loadAfter: number[];
  subscribers: number;
  changes: number;
  /** Mutation HTTP response -> subscriber receipt, over subscribers x changes samples. */
  fromResponse: { p50Ms: number; p99Ms: number; maxMs: number; beforeResponse: number };
  /** Mutation request sent -> subscriber receipt (commit + publish + fan-out). */
  fromRequest: { p50Ms: number; p99Ms: number; maxMs: number };
  /** The object built the new version (delta.generatedAt, same machine clock) -> subscriber receipt. */
  fromBuilt: { p50Ms: number; p99Ms: number; maxMs: number };
  mutation: { p50Ms: number; p99Ms: number };
  connectSeconds: number;
  /** Rounds discarded because the stack restarted under the subscribers (wrangler dev reload). */
  interruptions: number;
  memory: {
    workerdPids: number[]; rssBeforeMiB: number; rssAfterMiB: number; perSocketKiB: number;
    /** Each workerd process's RSS before -> after (wrangler dev runs the Worker behind a proxy worker). */
    perProcess: { pid: number; beforeMiB: number; afterMiB: number }[];
  } | null;
}

interface Subscriber {
  ws: WebSocket;
  /** version -> performance.now() at receipt of its delta */
  received: Map<number, number>;
  /** version -> wall-clock ms from the delta's generatedAt (the object built it) to its receipt */
  sinceBuilt: Map<number, number>;
  /** The newest version held (from the snapshot, then the deltas). */
  latest: number;
  closed: boolean;
  /** The first frame that was not a delta after the snapshot, or the close, for diagnostics. */
  other: string | null;
}

/** The fields diffFlagSets writes first: {"type":"delta","fromVersion":n,"version":n,"contentHash":"…","generatedAt":"…" */
const DELTA_HEAD = /"version":(\d+),"contentHash":"[0-9a-f]+","generatedAt":"([^"]+)"/;

/** Acknowledges what a subscriber received (after each measured round, as the slow-consumer policy needs). */
function ack(subscriber: Subscriber): void {
  if (!subscriber.closed) subscriber.ws.send(JSON.stringify({ type: "ack", version: subscriber.latest }));
}

async function subscribe(baseUrl: string): Promise<Subscriber> {
  const url = `${baseUrl.replace(/^http/, "ws")}${STREAM_PATH}`;
  const ws = new WebSocket(url, [STREAM_SUBPROTOCOL, `${CREDENTIAL_SUBPROTOCOL_PREFIX}${SECRET}`]);
  const subscriber: Subscriber = { ws, received: new Map(), sinceBuilt: new Map(), latest: 0, closed: false, other: null };
  ws.addEventListener("close", (event) => {
    subscriber.closed = true;
    subscriber.other ??= `closed ${event.code} ${event.reason}`;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no snapshot within 30 s")), 30_000);
    ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "hello", protocol: STREAM_PROTOCOL_VERSION, sdk: "bench-fanout" })));
    ws.addEventListener("error", () => reject(new Error("socket error before the snapshot")));
    ws.addEventListener("close", (event) => reject(new Error(`closed ${event.code} ${event.reason} before the snapshot`)));
    ws.addEventListener("message", (event) => {
      const at = performance.now();
      const text = String(event.data);
      if (text.startsWith('{"type":"snapshot"')) {
        subscriber.latest = (JSON.parse(text) as { document: { version: number } }).document.version;
        clearTimeout(timer);
        resolve();
        return;
      }
      if (text.startsWith('{"type":"delta"')) {
        // Only the head is read here (no full parse, no ack): with 1,000 sockets in one process,
        // work per frame would delay the receipt time of the frames queued behind it.
        const head = DELTA_HEAD.exec(text.slice(0, 300));
        if (!head) throw new Error(`unexpected delta head: ${text.slice(0, 300)}`);
        const version = Number(head[1]);
        subscriber.received.set(version, at);
        subscriber.latest = Math.max(subscriber.latest, version);
        subscriber.sinceBuilt.set(version, Date.now() - Date.parse(head[2]!));
      } else {
        subscriber.other ??= text.slice(0, 200);
      }
    });
  });
  return subscriber;
}

/**
 * subscribe(), retried: `wrangler dev` rebuilds and restarts the Worker when a source file changes
 * (a deploy in miniature, which drops every socket), so a connect may meet a restart.
 */
async function subscribeRetrying(baseUrl: string): Promise<Subscriber> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await subscribe(baseUrl);
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(1_000 * attempt);
    }
  }
}

/** Opens `count` subscribers, CONNECT_BATCH at a time. */
async function subscribeMany(baseUrl: string, count: number): Promise<Subscriber[]> {
  const opened: Subscriber[] = [];
  while (opened.length < count) {
    const batch = Math.min(CONNECT_BATCH, count - opened.length);
    opened.push(...await Promise.all(Array.from({ length: batch }, () => subscribeRetrying(baseUrl))));
  }
  return opened;
}

type Gql = (query: string, variables: Record<string, unknown>) => Promise<Record<string, any>>;

function graphql(baseUrl: string, token?: string): Gql {
  return async (query, variables) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { data?: Record<string, any> | null; errors?: unknown[] };
    if (response.status !== 200 || body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body).slice(0, 500)}`);
    return body.data;
  };
}

/** One real change of the development environment: checkout_button_text's rules, unique each time. */
async function change(gql: Gql, i: number, run: string): Promise<void> {
  const rules = [
    { name: `fanout ${run}-${i}`, match: [{ operator: "and", conditions: [{ attribute: "plan", operator: "equals", value: `plan-${i}` }] }], serve: { kind: "variant", variant: "variant-a" } },
    { name: "split", serve: { kind: "split", allocations: [{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }] } },
  ];
  await gql(`mutation($stageId: ID!, $rules: [RuleInput!]!) { setStageRules(stageId: $stageId, rules: $rules) { id } }`, { stageId: STAGE, rules });
}

export async function runFanoutBench(): Promise<FanoutBenchResult> {
  const stack = await startDevStack();
  const subscribers: Subscriber[] = [];
  try {
    const anonymous = graphql(stack.adminUrl);
    const session = await anonymous(`mutation($login: String!, $password: String!) {
      login(input: { login: $login, password: $password }) { accessToken } }`, { login: "admin@acme.test", password: DEMO_PASSWORD });
    const gql = graphql(stack.adminUrl, session.login.accessToken as string);
    const run = Date.now().toString(36);

    // One subscriber and a few changes first: the object, its SQLite and the code paths are warm.
    subscribers.push(await subscribe(stack.baseUrl));
    for (let i = 0; i < WARMUP_CHANGES; i++) await change(gql, -1 - i, run);
    for (let wait = 0; subscribers[0]!.received.size < WARMUP_CHANGES && wait < 100; wait++) await sleep(50);
    ack(subscribers[0]!);
    if (subscribers[0]!.received.size < WARMUP_CHANGES) throw new Error("the warm-up changes did not reach the first subscriber");
    await sleep(500);
    const port = new URL(stack.baseUrl).port;
    const workerdBefore = workerdPidsServing(port);
    const rssBefore = rssKiB(workerdBefore);
    const rssBeforeEach = workerdBefore.map((pid) => rssKiB([pid]));

    const loadBefore = os.loadavg().map(round);
    const connectStart = performance.now();
    subscribers.push(...await subscribeMany(stack.baseUrl, SUBSCRIBERS - subscribers.length));
    const connectSeconds = (performance.now() - connectStart) / 1000;
    await sleep(1_000);
    const workerd = workerdPidsServing(port);
    const rssAfter = rssKiB(workerd);
    const rssKiBAfterEach = workerd.map((pid) => rssKiB([pid]));

    const fromResponse: number[] = [];
    const fromRequest: number[] = [];
    const fromBuilt: number[] = [];
    const mutationTimes: number[] = [];
    let beforeResponse = 0;
    let interruptions = 0;
    for (let done = 0, i = 0; done < CHANGES; i++) {
      const version = Math.max(...subscribers.map((s) => s.latest)) + 1;
      const sent = performance.now();
      await change(gql, i, run);
      const answered = performance.now();
      const deadline = answered + DELIVERY_TIMEOUT_MS;
      const waiting = () => subscribers.some((s) => !s.received.has(version) && !s.closed);
      while (waiting() && performance.now() < deadline) await sleep(5);
      if (subscribers.some((s) => s.closed)) {
        // The stack restarted (a source file changed under wrangler dev): this round does not count.
        if (++interruptions > MAX_INTERRUPTIONS) throw new Error(`the stack restarted ${interruptions} times; giving up`);
        await sleep(2_000);
        for (const [index, s] of subscribers.entries()) if (s.closed) subscribers[index] = await subscribeRetrying(stack.baseUrl);
        continue;
      }
      const missing = subscribers.filter((s) => !s.received.has(version)).length;
      if (missing > 0) {
        const first = subscribers[0]!;
        throw new Error(`${missing} of ${SUBSCRIBERS} subscribers did not receive version ${version} within ${DELIVERY_TIMEOUT_MS} ms ` +
          `(first subscriber: versions ${[...first.received.keys()].join(",")}; other frame: ${first.other})`);
      }
      mutationTimes.push(answered - sent);
      for (const s of subscribers) {
        const at = s.received.get(version)!;
        if (at < answered) beforeResponse++;
        fromResponse.push(Math.max(0, at - answered));
        fromRequest.push(at - sent);
        fromBuilt.push(s.sinceBuilt.get(version)!);
      }
      done++;
      for (const s of subscribers) ack(s);
      await sleep(PAUSE_BETWEEN_CHANGES_MS);
    }
    const stats = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1)!) };
    };
    const mutation = stats(mutationTimes);
    return {
      machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "unknown", node: process.version, platform: `${process.platform} ${os.release()}` },
      loadBefore,
      loadAfter: os.loadavg().map(round),
      subscribers: SUBSCRIBERS,
      changes: CHANGES,
      fromResponse: { ...stats(fromResponse), beforeResponse },
      fromRequest: stats(fromRequest),
      fromBuilt: stats(fromBuilt),
      mutation: { p50Ms: mutation.p50Ms, p99Ms: mutation.p99Ms },
      connectSeconds: round(connectSeconds),
      interruptions,
      memory: workerd.length > 0 && workerd.join() === workerdBefore.join()
        ? {
          workerdPids: workerd, rssBeforeMiB: round(rssBefore / 1024), rssAfterMiB: round(rssAfter / 1024),
          perSocketKiB: round((rssAfter - rssBefore) / (SUBSCRIBERS - 1)),
          perProcess: workerd.map((pid, i) => ({ pid, beforeMiB: round(rssBeforeEach[i]! / 1024), afterMiB: round(rssKiBAfterEach[i]! / 1024) })),
        }
        : null,
    };
  } finally {
    for (const s of subscribers) s.ws.close(1000, "bench done");
    await stack.stop();
  }
}

/**
 * The workerd processes of the stack listening on `port`: the process holding the listening socket
 * (found through /proc/net/tcp and /proc/<pid>/fd), then every workerd in its process group.
 */
function workerdPidsServing(port: string): number[] {
  try {
    const hexPort = Number(port).toString(16).toUpperCase().padStart(4, "0");
    const inodes = new Set<string>();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text = "";
      try {
        text = readFileSync(table, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") inodes.add(fields[9]!);
      }
    }
    const processes = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number);
    const listener = processes.find((pid) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).some((fd) => {
          const link = safeReadlink(`/proc/${pid}/fd/${fd}`);
          return link !== null && inodes.has(link.replace(/^socket:\[(\d+)\]$/, "$1"));
        });
      } catch {
        return false;
      }
    });
    if (listener === undefined) return [];
    const group = statOf(listener)?.pgrp;
    return processes.filter((pid) => {
      const stat = statOf(pid);
      return stat !== null && stat.pgrp === group && stat.comm === "workerd";
    });
  } catch {
    return [];
  }
}

function safeReadlink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function statOf(pid: number): { comm: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const [, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { comm, pgrp: Number(pgrp) };
  } catch {
    return null;
  }
}

/** Sum of VmRSS (KiB) of the processes (a process that is gone counts 0). */
function rssKiB(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return sum + Number(match?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
}

export function formatFanoutBench(result: FanoutBenchResult): string {
  const { machine, memory } = result;
  return [
    `Live delivery (wrangler dev; ${result.subscribers} WebSocket subscribers on /v1/stream of one environment, Node ${machine.node} ` +
      `global WebSocket in one process; ${result.changes} changes via POST /graphql setStageRules as the demo admin; ` +
      `${machine.nproc} CPUs ${machine.cpu}; load average ${result.loadBefore.join(" ")} before, ${result.loadAfter.join(" ")} after)`,
    "| measure | p50 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|",
    `| mutation response -> delta received (${result.subscribers * result.changes} samples) | ${result.fromResponse.p50Ms} | ${result.fromResponse.p99Ms} | ${result.fromResponse.maxMs} |`,
    `| mutation request sent -> delta received | ${result.fromRequest.p50Ms} | ${result.fromRequest.p99Ms} | ${result.fromRequest.maxMs} |`,
    `| new version built in the object (delta.generatedAt) -> delta received | ${result.fromBuilt.p50Ms} | ${result.fromBuilt.p99Ms} | ${result.fromBuilt.maxMs} |`,
    `| mutation round trip | ${result.mutation.p50Ms} | ${result.mutation.p99Ms} | |`,
    `Deltas received before the mutation's response arrived (counted as 0 ms): ${result.fromResponse.beforeResponse}. ` +
      `Target p99 < ${TARGET_P99_MS} ms from the response: ${result.fromResponse.p99Ms < TARGET_P99_MS ? "met" : "NOT met"}; ` +
      `from the object building the version: ${result.fromBuilt.p99Ms < TARGET_P99_MS ? "met" : "NOT met"} (p99 ${result.fromBuilt.p99Ms} ms).`,
    `Rounds discarded because wrangler dev restarted the Worker (a file changed) and dropped every socket: ${result.interruptions}.`,
    `Connecting ${result.subscribers} subscribers (upgrade + hello + snapshot, ${CONNECT_BATCH} at a time): ${result.connectSeconds} s.`,
    memory
      ? `Memory: workerd RSS (pids ${memory.workerdPids.join(", ")}) ${memory.rssBeforeMiB} MiB with 1 socket, ${memory.rssAfterMiB} MiB with ` +
        `${result.subscribers}: ~${memory.perSocketKiB} KiB per socket (process RSS, an upper bound; workerd reports no per-object memory). ` +
        `Per process: ${memory.perProcess.map((p) => `${p.pid} ${p.beforeMiB} -> ${p.afterMiB} MiB`).join(", ")}.`
      : "Memory: the stack's workerd processes were not found (or changed) under /proc; not measured.",
  ].join("\n");
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (value: number) => Math.round(value * 10) / 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  console.log(formatFanoutBench(await runFanoutBench()));
}
