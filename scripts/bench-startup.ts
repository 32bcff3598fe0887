// Worker size and startup CPU, per deployable: `wrangler deploy -c CONFIG --dry-run --outfile B`
// (the upload wrangler would make: its size and gzip size), then `wrangler check startup --worker B`
// three times (local workerd; check startup ignores -c, hence the prebuilt bundle), reporting the
// median "Active" CPU of the startup profile. `npm run bench` prints it; budgets from issue 8.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, WRANGLER_ENV } from "./seed";

const WRANGLER_BIN = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const RUNS = 3;

export interface StartupTarget {
  worker: string;
  /** wrangler deploy arguments selecting the Worker (a config, or an entry plus flags). */
  deployArgs: string[];
  budget?: { gzipKiB: number; startupMs: number };
}

export const STARTUP_TARGETS: StartupTarget[] = [
  { worker: "fluxgate (evaluation)", deployArgs: ["-c", "wrangler.toml"], budget: { gzipKiB: 150, startupMs: 25 } },
  { worker: "fluxgate-admin", deployArgs: ["-c", "workers/admin/wrangler.toml"] },
];

export interface StartupResult {
  worker: string;
  uploadKiB: number;
  gzipKiB: number;
  /** "Active" CPU of each run's startup profile, ms. */
  activeMs: number[];
  medianMs: number;
  budget?: StartupTarget["budget"];
}

function run(args: string[], cwd = ROOT): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], { cwd, env: WRANGLER_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.join(" ")} failed (${code})\n${output}`))));
  });
}

const number = (text: string, pattern: RegExp, what: string) => {
  const match = pattern.exec(text);
  if (!match) throw new Error(`no ${what} in wrangler's output:\n${text}`);
  return Number(match[1]);
};

export async function measureStartup(target: StartupTarget): Promise<StartupResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "fluxgate-startup-"));
  try {
    const bundle = path.join(dir, "worker.bundle");
    const built = await run(["deploy", ...target.deployArgs, "--dry-run", "--outfile", bundle]);
    const activeMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const report = await run(["check", "startup", "--worker", bundle, "--outfile", path.join(dir, `startup-${i}.cpuprofile`)], dir);
      activeMs.push(number(report, /Active:\s*([\d.]+)\s*ms/, "Active CPU"));
    }
    const sorted = [...activeMs].sort((a, b) => a - b);
    return {
      worker: target.worker,
      uploadKiB: number(built, /Total Upload:\s*([\d.]+)\s*KiB/, "upload size"),
      gzipKiB: number(built, /gzip:\s*([\d.]+)\s*KiB/, "gzip size"),
      activeMs,
      medianMs: sorted[Math.floor(sorted.length / 2)]!,
      budget: target.budget,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runStartupBench(targets = STARTUP_TARGETS): Promise<StartupResult[]> {
  const results: StartupResult[] = [];
  for (const target of targets) results.push(await measureStartup(target));
  return results;
}

/** Whether every budgeted Worker is within its budget. */
export const withinBudget = (results: StartupResult[]) =>
  results.every((r) => !r.budget || (r.gzipKiB <= r.budget.gzipKiB && r.medianMs <= r.budget.startupMs));

export function formatStartupBench(results: StartupResult[]): string {
  const lines = [
    `Worker size and startup CPU (wrangler deploy --dry-run --outfile, then wrangler check startup x${RUNS}; "Active" CPU, median):`,
    "| Worker | upload | gzip | startup CPU (runs) | budget |",
    "|---|---|---|---|---|",
  ];
  for (const r of results) {
    const budget = r.budget
      ? `<= ${r.budget.gzipKiB} KiB gzip, <= ${r.budget.startupMs} ms: ${r.gzipKiB <= r.budget.gzipKiB && r.medianMs <= r.budget.startupMs ? "met" : "MISSED"}`
      : "-";
    lines.push(`| ${r.worker} | ${r.uploadKiB} KiB | ${r.gzipKiB} KiB | ${r.medianMs} ms (${r.activeMs.join(", ")}) | ${budget} |`);
  }
  return lines.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await runStartupBench();
  console.log(formatStartupBench(results));
  if (!withinBudget(results)) process.exitCode = 1;
}
