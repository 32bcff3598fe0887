// The pieces `npm run dev` (scripts/dev.ts) is made of, exported so another module can start the
// same stack and add to it (the console's dev server, port + 2, printed first).
//
// Two wrangler dev processes, both on 127.0.0.1:
//   1. `wrangler dev -c wrangler.toml -c workers/admin/wrangler.toml` on `port`: the evaluation
//      Worker serves HTTP; the admin Worker runs beside it in the same workerd (it defines the
//      environment Durable Object, which the evaluation Worker binds by script_name: across two dev
//      processes the object would lose its name, so they must share one).
//   2. scripts/dev/admin-port.toml on `port + 1`: forwards to the admin Worker (a multi-config dev
//      process serves only its first Worker over HTTP).
// They find each other through wrangler's dev registry, kept under the persist directory so
// parallel stacks (e2e tests on free ports) never bind to each other's Workers.
import type { ChildProcess } from "node:child_process";
import { copyFile, access } from "node:fs/promises";
import path from "node:path";
import { DEMO_PASSWORD, DEMO_SECRETS } from "../../db/seed/demo-data";
import { ROOT, spawnWrangler } from "../seed";

export const DEFAULT_PORT = 8787;

export interface DevPorts {
  evaluation: number;
  admin: number;
}

/** The evaluation Worker on `port`, the admin Worker on the next one (the console takes port + 2). */
export const devPorts = (port: number): DevPorts => ({ evaluation: port, admin: port + 1 });

/** Where the stack's wrangler processes register their Workers (private to this persist dir). */
export const registryPath = (persistTo: string) => path.resolve(ROOT, persistTo, "registry");

/**
 * Local-only values (.dev.vars, git-ignored) for each Worker and the console, copied from their
 * example (target -> example) when missing.
 */
export const DEV_VARS_FILES: Record<string, string> = {
  ".dev.vars": ".dev.vars.example",
  "workers/admin/.dev.vars": ".dev.vars.example",
  "web/.dev.vars": "web/.dev.vars.example",
};

export async function ensureDevVars(): Promise<string[]> {
  const created: string[] = [];
  for (const [file, example] of Object.entries(DEV_VARS_FILES)) {
    const target = path.join(ROOT, file);
    if (await access(target).then(() => true, () => false)) continue;
    await copyFile(path.join(ROOT, example), target);
    created.push(file);
  }
  return created;
}

/** Starts both processes; the caller seeds first (scripts/seed.ts) and stops them on exit. */
export function startWorkers(ports: DevPorts, persistTo: string): ChildProcess[] {
  const env = { WRANGLER_REGISTRY_PATH: registryPath(persistTo) };
  const common = ["--ip", "127.0.0.1", "--show-interactive-dev-session=false"];
  return [
    spawnWrangler(["dev", "-c", "wrangler.toml", "-c", "workers/admin/wrangler.toml",
      "--port", String(ports.evaluation), "--persist-to", persistTo, ...common], "inherit", env),
    // Stores nothing; its own persist dir keeps it off the Workers' files.
    spawnWrangler(["dev", "-c", "scripts/dev/admin-port.toml", "--port", String(ports.admin),
      "--persist-to", path.join(persistTo, "admin-port"), "--inspector-port", "0", ...common], "inherit", env),
  ];
}

/** The URLs the console and both Workers answer on, for the startup banner. */
export function describeStack(ports: DevPorts, persistTo: string, consoleUrl?: string): string[] {
  const evaluation = `http://127.0.0.1:${ports.evaluation}`;
  const admin = `http://127.0.0.1:${ports.admin}`;
  return [
    "FluxGate is running (local D1/KV/Durable Objects, persisted in " + persistTo + ")",
    ...(consoleUrl ? [`Admin console (fluxgate-console) ${consoleUrl}  (sign in as teamadmin / ${DEMO_PASSWORD})`] : []),
    `Evaluation Worker (fluxgate)    ${evaluation}`,
    `  OFREP        ${evaluation}/ofrep/v1`,
    `  API          ${evaluation}/evaluate`,
    `  Live stream  ${evaluation.replace(/^http/, "ws")}/v1/stream  (WebSocket, SDK local mode)`,
    `  API docs     ${evaluation}/docs`,
    `  Health       ${evaluation}/health`,
    `Admin Worker (fluxgate-admin)   ${admin}`,
    `  Admin API    ${admin}/graphql  (GraphiQL; sign in as admin@acme.test / ${DEMO_PASSWORD})`,
    `  Cron jobs    curl ${admin}/cdn-cgi/local/scheduled  (runs them once; not automatic locally)`,
    "Demo client secrets (local only):",
    ...Object.entries(DEMO_SECRETS).map(([name, secret]) => `  ${name.padEnd(12)} ${secret}`),
    `Try: curl -s -X POST ${evaluation}/ofrep/v1/evaluate/flags/BetaUsers -H 'Authorization: Bearer ${DEMO_SECRETS.development}' \\`,
    `       -H 'Content-Type: application/json' -d '{"context":{"targetingKey":"user-1","role":"admin"}}'`,
  ];
}

/** True once `url` gives any HTTP response, false after `timeoutMs` or when `alive()` turns false. */
export async function answers(url: string, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}
