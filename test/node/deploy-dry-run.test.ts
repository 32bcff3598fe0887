// `npm run deploy -- --dry-run` (scripts/deploy.ts) as an operator runs it: both Workers built with
// their production settings, no secret in any binding table or bundle, and no remote step run.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PUBLISHED_DEVELOPMENT_KEY = "bG9jYWwtb25seS1mbHV4Z2F0ZS1kZXYta2V5LTMyYiE=";

let outdir: string;
let output: string;

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), "fluxgate-dry-run-"));
  const { stdout, stderr } = await promisify(execFile)("npm", ["run", "deploy", "--", "--dry-run", "--outdir", outdir], {
    cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, maxBuffer: 16 * 1024 * 1024,
  });
  output = stdout + stderr;
}, 180_000);

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

  it("runs no remote step: resources, migrations and the secrets check are only described", () => {
    expect(output).toContain("(dry run) would ensure the D1 database fluxgate and the shared FLAGS_KV namespace");
    expect(output).toContain("(dry run) would run: wrangler d1 migrations apply fluxgate --remote -c workers/admin/wrangler.toml");
    expect(output).toMatch(/\(dry run\) would check the secrets/);
  });
});
