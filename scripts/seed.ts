// `npm run db:seed:local [-- --persist-to DIR]`: brings the local D1 to the latest migration and
// loads the demo data into local D1 and KV. Idempotent (the seed only inserts missing rows).
// Runs wrangler offline: local state only, no telemetry, nothing that needs a Cloudflare login.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { demoClientRecords, demoSeedStatements } from "../db/seed/demo-seed";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_PERSIST_DIR = ".wrangler/state";
const WRANGLER_BIN = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Environment for wrangler children: no metrics, no update check, never interactive. */
export const WRANGLER_ENV: NodeJS.ProcessEnv = {
  ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CI: "true",
  // Use the built-in placeholder `request.cf` instead of downloading it.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

/** The value following `--name` in argv (also `--name=value`), or undefined. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[index + 1];
}

/** Starts wrangler with the running Node (Node 22 under npm scripts) from the project root. */
export function spawnWrangler(args: string[], stdio: "inherit" | "pipe" = "inherit", env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [WRANGLER_BIN, ...args], { cwd: ROOT, env: { ...WRANGLER_ENV, ...env }, stdio: ["ignore", stdio, stdio] });
}

/** Runs one wrangler command quietly; its output is shown only when it fails. */
function runWrangler(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnWrangler(args, "pipe");
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const command = `wrangler ${args.slice(0, 3).join(" ")}`;
      if (code === 0) {
        console.log(`✓ ${command}`);
        resolve();
      } else reject(new Error(`${command} failed (${signal ?? code}):\n${output}`));
    });
  });
}

/** Migrations, then the demo rows into D1 and the demo client records into KV. */
export async function seedLocal(persistTo: string): Promise<void> {
  const local = ["--local", "--persist-to", persistTo];
  await runWrangler(["d1", "migrations", "apply", "fluxgate", ...local]);
  const dir = await mkdtemp(path.join(tmpdir(), "fluxgate-seed-"));
  try {
    const sqlFile = path.join(dir, "demo-seed.sql");
    await writeFile(sqlFile, `${demoSeedStatements().join("\n")}\n`);
    await runWrangler(["d1", "execute", "fluxgate", ...local, "--yes", "--file", sqlFile]);
    const kvFile = path.join(dir, "demo-clients.json");
    const records = await demoClientRecords();
    await writeFile(kvFile, JSON.stringify(records.map(({ key, value }) => ({ key, value: JSON.stringify(value) }))));
    await runWrangler(["kv", "bulk", "put", kvFile, "--binding", "FLAGS_KV", ...local]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const persistTo = argValue(process.argv.slice(2), "--persist-to") ?? DEFAULT_PERSIST_DIR;
  seedLocal(persistTo).then(
    () => console.log(`Demo data seeded into ${persistTo}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
