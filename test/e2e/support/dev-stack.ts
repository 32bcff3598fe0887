// Starts the real local stack (`npm run dev`: wrangler dev + workerd + local D1/KV/DO, seeded with the
// demo data) as a child process on a free loopback port with a fresh persistence directory, and
// stops it again. Shared by the e2e tests and the HTTP benchmark; no vitest imports here.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface DevStack {
  /** The evaluation Worker (OFREP, /evaluate, /v1/stream): http://127.0.0.1:<port>, no trailing slash. */
  readonly baseUrl: string;
  /** The admin Worker (/graphql): http://127.0.0.1:<port + 1>, no trailing slash. */
  readonly adminUrl: string;
  /** The admin console (wrangler pages dev), http://127.0.0.1:<port>. */
  readonly consoleUrl: string;
  /** The stack's local state (D1, KV, Durable Objects): `wrangler d1 execute --local --persist-to` it. */
  readonly persistDir: string;
  /** Everything the stack printed so far (bounded), for diagnostics. */
  output(): string;
  /** Kills the whole process group (npm, tsx, wrangler, workerd) and waits until it is gone. */
  stop(): Promise<void>;
}

export interface DevStackOptions {
  /** Bound on the wait for both Workers' `GET /health` to answer 200. */
  readyTimeoutMs?: number;
  /** Print the stack's output live (the benchmark keeps it quiet). */
  echo?: boolean;
}

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const OUTPUT_LIMIT = 256 * 1024;
const STOP_GRACE_MS = 10_000;

/** `npm run dev --port P` takes P (evaluation), P + 1 (admin) and keeps P + 2 for the console. */
const STACK_PORTS = 3;

/**
 * A loopback port P such that P .. P + STACK_PORTS - 1 are free (the kernel picks P; the
 * neighbours are checked by binding them), retried a bounded number of times.
 */
export async function freePortRange(count = STACK_PORTS): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    if (first + count - 1 > 65535) continue;
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => portIsFree(first + i + 1)));
    if (rest.every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free loopback ports found`);
}

async function portIsFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port assigned"));
      });
    });
  });
}

/** What wrangler prints when a port it was given is taken. */
export const PORT_TAKEN = /Address already in use|EADDRINUSE/;
const START_ATTEMPTS = 3;

/** A port chosen free was taken by another process before wrangler bound it. */
class PortTakenError extends Error {}

/**
 * Starts the stack; on a port taken meanwhile (the ports are chosen free, but any process on the
 * machine may take one in the seconds before wrangler binds it; seen once in a full run) it starts
 * again on new ports, at most START_ATTEMPTS times.
 */
export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevStackOnce(options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === START_ATTEMPTS) throw error;
    }
  }
}

async function startDevStackOnce(options: DevStackOptions): Promise<DevStack> {
  // A full `npm test` on two cores (browsers and other stacks running) once needed more than 120 s
  // to start one; waiting longer only delays a real failure.
  const readyTimeoutMs = options.readyTimeoutMs ?? 200_000;
  const port = await freePortRange();
  const persistDir = await mkdtemp(path.join(tmpdir(), "fluxgate-e2e-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminUrl = `http://127.0.0.1:${port + 1}`;
  let consolePort = await freePort();
  while (consolePort >= port && consolePort < port + STACK_PORTS) consolePort = await freePort();

  let output = "";
  const append = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (options.echo) process.stderr.write(text);
    output = (output + text).slice(-OUTPUT_LIMIT);
  };

  // detached: the child leads a new process group, so one kill reaches wrangler and workerd too.
  const child = spawn("npm", ["run", "dev", "--", "--port", String(port), "--console-port", String(consolePort), "--persist-to", persistDir], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  // Safety net: if this process exits without stop() (a crashed or interrupted run), the detached
  // group would outlive it; kill it synchronously on the way out.
  const killOnExit = () => {
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    rmSync(persistDir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", killOnExit);
    await killGroup(child, exited);
    await rm(persistDir, { recursive: true, force: true });
  };

  try {
    await Promise.all([baseUrl, adminUrl].map((url) => waitForHealth(url, readyTimeoutMs, exited, () => PORT_TAKEN.test(output))));
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    const Failure = PORT_TAKEN.test(output) ? PortTakenError : Error;
    throw new Failure(`dev stack did not become healthy: ${reason}\n--- stack output ---\n${output}\n--- end ---`);
  }
  return { baseUrl, adminUrl, consoleUrl: `http://127.0.0.1:${consolePort}`, persistDir, output: () => output, stop };
}

async function waitForHealth(baseUrl: string, timeoutMs: number, exited: Promise<number | null>, portTaken: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let early: number | null | undefined;
  void exited.then((code) => { early = code; });
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (early !== undefined) throw new Error(`the dev process exited with code ${early} before it was healthy`);
    if (portTaken()) throw new Error("a port it was given was taken meanwhile");
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `GET /health answered ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms (last: ${last})`);
}

async function killGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  // The group is gone when no member is left (our direct child is reaped by Node on exit).
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  await Promise.race([exited, sleep(STOP_GRACE_MS)]);
  const killDeadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < killDeadline) await sleep(100);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** True while a live (non-zombie) process is in the group. Orphaned zombies may never be reaped
 * in a container whose init does not reap, so they must not count. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (!existsSync("/proc/self/stat")) return true;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid pgrp ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") return true;
  }
  return false;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
