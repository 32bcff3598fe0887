// The admin console in the local stack: builds web/ (Remix + Vite) and serves it with
// `wrangler pages dev` on 127.0.0.1. Its API service binding reaches the admin Worker through
// wrangler's dev registry (both processes must see the same WRANGLER_REGISTRY_PATH, the default
// when unset). Used by scripts/dev.ts and the console's browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ROOT, WRANGLER_ENV } from "./seed";

const WEB_DIR = path.join(ROOT, "web");
const WRANGLER_BIN = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const READY_TIMEOUT_MS = 120_000;

export interface ConsoleOptions {
  port: number;
  /** Local state of the console (its own folder; the console keeps no data of its own). */
  persistTo: string;
  /** The Worker the API binding calls, when it is not wrangler.toml's `fluxgate-admin`. */
  apiWorker?: string;
  /** The dev registry the admin Worker's wrangler registered in (scripts/dev/stack.ts registryPath). */
  registryPath?: string;
  /** Skip the build (the tests build once). */
  skipBuild?: boolean;
  stdio?: "inherit" | "pipe";
}

export interface RunningConsole {
  url: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): void;
}

/** `npm run build` in web/: runs codegen against the API's schema, then `remix vite:build`. */
export function buildConsole(stdio: "inherit" | "pipe" = "inherit"): Promise<void> {
  return new Promise((resolve, reject) => {
    // NODE_ENV=production whoever calls (vitest sets "test", which would bundle React's development build).
    const child = spawn("npm", ["run", "build", "--silent"], { cwd: WEB_DIR, env: { ...WRANGLER_ENV, NODE_ENV: "production" }, stdio: ["ignore", stdio, stdio] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`console build failed (${code}):\n${output}`))));
  });
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  if (!options.skipBuild) await buildConsole(options.stdio);
  const args = [
    WRANGLER_BIN, "pages", "dev", "--ip", "127.0.0.1", "--port", String(options.port),
    "--persist-to", options.persistTo, "--show-interactive-dev-session=false",
  ];
  if (options.apiWorker) args.push("--service", `API=${options.apiWorker}`);
  // The Pages Function serves the production build (buildConsole), so wrangler bundles React's
  // production server renderer with it too: wrangler's own default under `pages dev` is React's
  // development build, several times slower to render and unlike what Pages runs once deployed.
  const env: NodeJS.ProcessEnv = { ...WRANGLER_ENV, NODE_ENV: "production" };
  if (options.registryPath) env.WRANGLER_REGISTRY_PATH = options.registryPath;
  const child = spawn(process.execPath, args, { cwd: WEB_DIR, env, stdio: ["ignore", options.stdio ?? "inherit", options.stdio ?? "inherit"] });
  return { url: `http://127.0.0.1:${options.port}`, process: child, stop: (signal = "SIGTERM") => child.kill(signal) };
}

/**
 * Waits until the console serves its sign-in page with the API binding connected (the page's
 * loader asks the API whether a first admin is needed, so a 200 proves the binding works).
 */
export async function consoleReady(running: RunningConsole, timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && running.process.exitCode === null) {
    try {
      const res = await fetch(`${running.url}/login`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 302) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
