// `npm run deploy -- --dry-run` (scripts/deploy.ts) as an operator runs it: both Workers and the
// console built with their production settings, no secret in any binding table or bundle, and no
// remote step run.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingSecrets } from "../../scripts/deploy";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PUBLISHED_DEVELOPMENT_KEY = "bG9jYWwtb25seS1mbHV4Z2F0ZS1kZXYta2V5LTMyYiE=";
/** web/.dev.vars.example's published local session secret. */
const LOCAL_SESSION_SECRET = "local-only-fluxgate-console-session-secret";

let outdir: string;
let output: string;

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), "fluxgate-dry-run-"));
  const { stdout, stderr } = await promisify(execFile)("npm", ["run", "deploy", "--", "--dry-run", "--outdir", outdir], {
    cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, maxBuffer: 16 * 1024 * 1024,
  });
  output = stdout + stderr;
}, 300_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

/** The binding table wrangler printed for one Worker's section of the output. */
function section(worker: string): string {
  const start = output.indexOf(`== deploy ${worker} `);
  expect(start).toBeGreaterThanOrEqual(0);
  return output.slice(start, output.indexOf("--dry-run: exiting now.", start));
}

describe("npm run deploy -- --dry-run", () => {
  it.each(["fluxgate-admin", "fluxgate"])("builds %s with FLUXGATE_ENV production and no AUTH_ENCRYPTION_KEY variable", (worker) => {
    const table = section(worker);
    expect(table).toContain('env.FLUXGATE_ENV ("production")');
    expect(table).not.toContain("AUTH_ENCRYPTION_KEY");
    expect(table).not.toContain("development");
  });

  it("binds the evaluation Worker to the admin Worker's Durable Object and StreamAccess entrypoint", () => {
    const table = section("fluxgate");
    expect(table).toMatch(/env\.ENVIRONMENTS \(EnvironmentDO, defined in fluxgate-admin\)/);
    expect(table).toMatch(/env\.ADMIN \(fluxgate-admin#StreamAccess\)/);
  });

  it("puts no secret value in the output or the bundles", async () => {
    expect(output).not.toContain(PUBLISHED_DEVELOPMENT_KEY);
    for (const worker of ["fluxgate", "fluxgate-admin"]) {
      const files = (await readdir(path.join(outdir, worker))).filter((file) => file.endsWith(".js"));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const text = await readFile(path.join(outdir, worker, file), "utf8");
        // Every base64 32-byte value in the code must be the published key, kept only to refuse it.
        const keys = new Set(text.match(/"[A-Za-z0-9+/]{43}="/g) ?? []);
        expect([...keys].filter((key) => key !== `"${PUBLISHED_DEVELOPMENT_KEY}"`)).toEqual([]);
      }
    }
  });

  it("runs no remote step: resources, migrations, the console's upload and the secrets check are only described", () => {
    expect(output).toContain("(dry run) would ensure the D1 database fluxgate and the shared FLAGS_KV namespace");
    expect(output).toContain("(dry run) would run: wrangler d1 migrations apply fluxgate --remote -c workers/admin/wrangler.toml");
    expect(output).toContain("would run: wrangler pages deploy (in web/)");
    expect(output).toContain('(dry run) would check the secrets {"workers/admin/wrangler.toml":["AUTH_ENCRYPTION_KEY"],"wrangler.toml":["AUTH_ENCRYPTION_KEY"],"fluxgate-console":["SESSION_SECRETS"]}');
  });

  it("deploys the console after the admin Worker it binds, before the secrets check", () => {
    const admin = output.indexOf("== deploy fluxgate-admin ");
    const consoleStep = output.indexOf("== deploy fluxgate-console (web/, Pages)");
    expect(admin).toBeGreaterThanOrEqual(0);
    expect(consoleStep).toBeGreaterThan(admin);
    expect(output.indexOf("== secrets")).toBeGreaterThan(consoleStep);
  });

  it("bundles the console's Pages Function without the local session secret", async () => {
    const dir = path.join(outdir, "fluxgate-console");
    const files = (await readdir(dir)).filter((file) => file.endsWith(".js"));
    expect(files).toContain("index.js");
    for (const file of files) {
      const text = await readFile(path.join(dir, file), "utf8");
      expect(text).not.toContain(LOCAL_SESSION_SECRET);
      expect(text).not.toContain(PUBLISHED_DEVELOPMENT_KEY);
    }
    // The server build is in the bundle: the Remix routes the Function serves.
    expect(await readFile(path.join(dir, "index.js"), "utf8")).toContain("routes/_app.flags._index");
  });

  it("keeps SESSION_SECRETS out of the console's wrangler.toml (a var would ship to production)", async () => {
    const config = await readFile(path.join(ROOT, "web/wrangler.toml"), "utf8");
    expect(config).not.toMatch(/^\s*\[vars\]/m);
    expect(config).not.toContain(LOCAL_SESSION_SECRET);
  });
});

describe("the secrets check", () => {
  // What `wrangler secret list --format json` and `wrangler pages secret list` print.
  const workerSecrets = JSON.stringify([{ name: "AUTH_ENCRYPTION_KEY", type: "secret_text" }]);
  const pagesSecrets = "The \"production\" environment of your Pages project \"fluxgate-console\" has access to the following secrets:\n  - SESSION_SECRETS: Value Encrypted\n";

  it("asks for nothing when every Worker and the console have their secrets", async () => {
    expect(await missingSecrets(async (args) => (args[0] === "pages" ? pagesSecrets : workerSecrets))).toEqual([]);
  });

  it("names the console's SESSION_SECRETS command when the Pages project lacks it", async () => {
    const noPagesSecret = "The \"production\" environment of your Pages project \"fluxgate-console\" has access to the following secrets:\n";
    expect(await missingSecrets(async (args) => (args[0] === "pages" ? noPagesSecret : workerSecrets))).toEqual([
      "npx wrangler pages secret put SESSION_SECRETS --project-name fluxgate-console",
    ]);
  });

  it("names every command when nothing can be listed (no project yet)", async () => {
    expect(await missingSecrets(async () => { throw new Error("not found"); })).toEqual([
      "npx wrangler secret put AUTH_ENCRYPTION_KEY -c workers/admin/wrangler.toml",
      "npx wrangler secret put AUTH_ENCRYPTION_KEY -c wrangler.toml",
      "npx wrangler pages secret put SESSION_SECRETS --project-name fluxgate-console",
    ]);
  });
});
