// `npm run deploy [-- --dry-run] [--outdir DIR]`: a production deploy of everything, in order.
// (0. the OpenAPI document the evaluation Worker serves, regenerated from the schemas.)
// The wrangler.toml files hold production values (FLUXGATE_ENV=production, no secrets); there is
// no other deployment target, and local-only values live in .dev.vars, which deploys never read.
//   1. resources: the D1 database `fluxgate` (created when missing) and the FLAGS_KV namespace both
//      Workers share (created on the first deploy; its id is written into both wrangler.toml files,
//      since wrangler's automatic provisioning would give each Worker a namespace of its own);
//   2. the remote D1 migrations;
//   3. the admin Worker (defines and migrates the environment Durable Object, runs the crons);
//   4. the evaluation Worker (binds the object and the admin Worker by name, so it goes second);
//   5. the admin console (web/, Pages project fluxgate-console, created when missing): built, then
//      `wrangler pages deploy`; it binds the admin Worker as API, so it goes after it;
//   6. a check that each Worker and the console have their secrets (set with `wrangler secret put` /
//      `wrangler pages secret put`, never in a file).
// --dry-run builds both Workers (`wrangler deploy --dry-run --outdir DIR/<worker>`) and the console
// (its Pages Function bundled into DIR/fluxgate-console), prints their bindings, and only prints
// the remote steps.
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApi } from "./build-openapi";
import { argValue, ROOT, WRANGLER_ENV } from "./seed";

const WRANGLER_BIN = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
export const EVALUATION_CONFIG = "wrangler.toml";
export const ADMIN_CONFIG = "workers/admin/wrangler.toml";
export const CONSOLE_DIR = "web";
export const CONSOLE_PROJECT = "fluxgate-console";
const DATABASE = "fluxgate";
const KV_TITLE = "fluxgate-flags";
/** The id in the committed configs until the first deploy writes the real one. */
export const KV_PLACEHOLDER_ID = "00000000000000000000000000000000";
/** Secrets each Worker needs: `npx wrangler secret put NAME -c CONFIG`. */
export const REQUIRED_SECRETS: Record<string, string[]> = {
  [ADMIN_CONFIG]: ["AUTH_ENCRYPTION_KEY"],
  [EVALUATION_CONFIG]: ["AUTH_ENCRYPTION_KEY"],
};
/** Secrets the console's Pages project needs: `npx wrangler pages secret put NAME --project-name fluxgate-console`. */
export const CONSOLE_SECRETS = ["SESSION_SECRETS"];

export interface DeployOptions {
  dryRun: boolean;
  /** Where --dry-run writes each Worker's bundle (DIR/<worker name>). */
  outdir: string;
}

export interface DeployStep {
  name: string;
  run(options: DeployOptions): Promise<void>;
}

/** Runs wrangler; resolves with its output, rejects (with the output) when it fails. */
export function wrangler(args: string[], { echo = true, cwd = ROOT } = {}): Promise<string> {
  return run(process.execPath, [WRANGLER_BIN, ...args], { echo, cwd, label: `wrangler ${args.join(" ")}` });
}

/** Runs a command; resolves with its output, rejects (with the output) when it fails. */
function run(command: string, args: string[], { echo = true, cwd = ROOT, env = {} as NodeJS.ProcessEnv, label = `${command} ${args.join(" ")}` } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd, env: { ...WRANGLER_ENV, CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${label} failed (${code})\n${output}`))));
  });
}

const remote = (options: DeployOptions, what: string, action: () => Promise<void>) =>
  options.dryRun ? Promise.resolve(console.log(`(dry run) would ${what}`)) : action();

async function ensureDatabase(): Promise<void> {
  try {
    await wrangler(["d1", "info", DATABASE, "-c", ADMIN_CONFIG], { echo: false });
  } catch {
    await wrangler(["d1", "create", DATABASE, "-c", ADMIN_CONFIG]);
  }
}

/** Creates the shared KV namespace once and writes its id into both configs. */
async function ensureKvNamespace(): Promise<void> {
  const configs = [EVALUATION_CONFIG, ADMIN_CONFIG];
  const texts = await Promise.all(configs.map((file) => readFile(path.join(ROOT, file), "utf8")));
  if (!texts.some((text) => text.includes(KV_PLACEHOLDER_ID))) return;
  const output = await wrangler(["kv", "namespace", "create", KV_TITLE, "-c", ADMIN_CONFIG]);
  const id = /\b[0-9a-f]{32}\b/.exec(output)?.[0];
  if (!id) throw new Error(`could not read the new namespace's id from wrangler's output:\n${output}`);
  await Promise.all(configs.map((file, i) => writeFile(path.join(ROOT, file), texts[i]!.replaceAll(KV_PLACEHOLDER_ID, id))));
  console.log(`FLAGS_KV = ${id}, written into ${configs.join(" and ")}; commit them.`);
}

const deployWorker = (config: string, name: string): DeployStep => ({
  name: `deploy ${name} (${config})`,
  run: (options) => wrangler(["deploy", "-c", config, ...(options.dryRun ? ["--dry-run", "--outdir", path.join(options.outdir, name)] : [])]).then(() => undefined),
});

/**
 * The console: `npm run build` in web/ (codegen against the API's schema, then Remix's production
 * build), then its Pages Function bundled (dry run) or the whole project deployed.
 */
const deployConsole: DeployStep = {
  name: `deploy ${CONSOLE_PROJECT} (${CONSOLE_DIR}/, Pages)`,
  run: async (options) => {
    const cwd = path.join(ROOT, CONSOLE_DIR);
    await run("npm", ["run", "build", "--silent"], { cwd, env: { NODE_ENV: "production" } });
    if (options.dryRun) {
      const outdir = path.join(options.outdir, CONSOLE_PROJECT);
      await wrangler(["pages", "functions", "build", "--outdir", outdir, "--build-output-directory", "build/client"], { cwd });
      console.log(`(dry run) bundled the console's Pages Function into ${outdir}; would run: wrangler pages deploy (in ${CONSOLE_DIR}/)`);
      return;
    }
    await ensurePagesProject(cwd);
    await wrangler(["pages", "deploy", "--project-name", CONSOLE_PROJECT, "--branch", "main", "--commit-dirty=true"], { cwd });
  },
};

async function ensurePagesProject(cwd: string): Promise<void> {
  const projects = await wrangler(["pages", "project", "list", "--json"], { echo: false, cwd });
  if (projects.includes(`"${CONSOLE_PROJECT}"`)) return;
  await wrangler(["pages", "project", "create", CONSOLE_PROJECT, "--production-branch", "main"], { cwd });
}

/** The `npx wrangler ... put` commands for the secrets that are not set yet. */
export async function missingSecrets(list: (args: string[]) => Promise<string>): Promise<string[]> {
  const missing: string[] = [];
  for (const [config, names] of Object.entries(REQUIRED_SECRETS)) {
    const listed = await list(["secret", "list", "-c", config, "--format", "json"]).catch(() => "[]");
    for (const name of names) if (!listed.includes(`"${name}"`)) missing.push(`npx wrangler secret put ${name} -c ${config}`);
  }
  // `pages secret list` prints "  - NAME: Value Encrypted" per secret (it has no JSON output).
  const listed = await list(["pages", "secret", "list", "--project-name", CONSOLE_PROJECT]).catch(() => "");
  for (const name of CONSOLE_SECRETS) {
    if (!new RegExp(`^\\s*-?\\s*${name}:`, "m").test(listed)) missing.push(`npx wrangler pages secret put ${name} --project-name ${CONSOLE_PROJECT}`);
  }
  return missing;
}

async function checkSecrets(): Promise<void> {
  const missing = await missingSecrets((args) => wrangler(args, { echo: false }));
  if (missing.length === 0) return;
  console.error(["", "Secrets missing (the Workers refuse to sign anyone in without them, the console to keep a session); set them and you are done:",
    "  openssl rand -base64 32   # one AUTH_ENCRYPTION_KEY value, the same for both Workers; another for SESSION_SECRETS",
    ...missing.map((command) => `  ${command}`)].join("\n"));
  process.exitCode = 1;
}

export const DEPLOY_STEPS: DeployStep[] = [
  { name: "OpenAPI document", run: async () => {
    console.log(await buildOpenApi() ? "regenerated workers/evaluation/openapi/openapi.json; commit it" : "openapi.json is up to date");
  } },
  { name: "resources", run: (o) => remote(o, `ensure the D1 database ${DATABASE} and the shared FLAGS_KV namespace`, async () => {
    await ensureDatabase();
    await ensureKvNamespace();
  }) },
  { name: "remote D1 migrations", run: (o) => remote(o, `run: wrangler d1 migrations apply ${DATABASE} --remote -c ${ADMIN_CONFIG}`,
    () => wrangler(["d1", "migrations", "apply", DATABASE, "--remote", "-c", ADMIN_CONFIG]).then(() => undefined)) },
  deployWorker(ADMIN_CONFIG, "fluxgate-admin"),
  deployWorker(EVALUATION_CONFIG, "fluxgate"),
  // The console binds the admin Worker (API), so it goes after it.
  deployConsole,
  { name: "secrets", run: (o) => remote(o, `check the secrets ${JSON.stringify({ ...REQUIRED_SECRETS, [CONSOLE_PROJECT]: CONSOLE_SECRETS })}`, checkSecrets) },
];

export async function deploy(options: DeployOptions, steps = DEPLOY_STEPS): Promise<void> {
  console.log(`FluxGate production deploy${options.dryRun ? " (dry run: nothing leaves this machine)" : ""}`);
  for (const step of steps) {
    console.log(`\n== ${step.name}`);
    await step.run(options);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  deploy({ dryRun: args.includes("--dry-run"), outdir: path.resolve(argValue(args, "--outdir") ?? "dist/deploy-dry-run") }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
