// A lower-noise companion to `npm run bench:startup` for a shared machine: the CPU time (user + sys,
// all threads) of a whole `workerd test` process that loads the evaluation Worker's uploaded bundle
// (module evaluation, no request), against the same process loading an empty module. `wrangler
// check startup` samples the main thread every ~1 ms and counts the unsampled gap before the first
// sample (request dispatch plus compiling the bundle, 10-20 ms) as active, so under other sessions'
// load its single runs swing by 5x; process CPU time swings far less. The difference of the medians
// is the bundle's own load cost, background compilation included, so it reads higher than "Active".
// `--measure instructions` counts the process's executed instructions instead (valgrind's
// callgrind, all threads; about 20 s a run): they barely move with the machine's load (two runs of
// one bundle agree within 0.1 %), so two bundles can be compared on a busy machine in a few runs.
// Run: npx tsx scripts/bench-startup-cpu.ts [--runs 21] [--measure cpu|instructions] [-c wrangler.toml] [--bundle FILE ...]
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, WRANGLER_ENV } from "./seed";

const WORKERD = path.join(ROOT, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const WRANGLER_BIN = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const COMPATIBILITY_DATE = "2026-11-01";

function wrangler(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], { cwd: ROOT, env: WRANGLER_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} failed (${code})\n${output}`))));
  });
}

/** The main module of `wrangler deploy --dry-run --outfile` (a multipart upload body). */
async function mainModule(bundleFile: string): Promise<string> {
  const bundle = await readFile(bundleFile);
  const boundary = bundle.subarray(2, bundle.indexOf(10)).toString().trim();
  const form = await new Response(bundle, { headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } }).formData();
  const metadata = JSON.parse(String(form.get("metadata"))) as { main_module: string };
  const main = form.get(metadata.main_module);
  if (!(main instanceof Blob)) throw new Error(`no ${metadata.main_module} in ${bundleFile}`);
  return main.text();
}

/** A workerd config whose `test` handler runs once `worker.js` has been evaluated. */
async function writeWorkerdDir(dir: string, workerSource: string): Promise<void> {
  await writeFile(path.join(dir, "worker.js"), workerSource);
  await writeFile(path.join(dir, "main.js"), 'import * as worker from "./worker.js";\nexport default { test() { void worker; } };\n');
  await writeFile(path.join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .w)]);
const w :Workerd.Worker = (
  modules = [(name = "main.js", esModule = embed "main.js"), (name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`);
}

/** CPU ms (user + sys) of one `workerd test` run in `dir`. */
function processCpuMs(dir: string): number {
  const script = `TIMEFORMAT='%3U %3S'; { time "${WORKERD}" test config.capnp >/dev/null 2>&1; } 2>&1`;
  const result = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`workerd test failed in ${dir}: ${result.stdout}${result.stderr}`);
  const [user, sys] = result.stdout.trim().split(/\s+/).slice(-2).map(Number);
  return (user! + sys!) * 1000;
}

/** Instructions (millions) one `workerd test` run in `dir` executes, all threads (valgrind callgrind). */
function processInstructionsM(dir: string): number {
  const result = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", WORKERD, "test", "config.capnp"],
    { cwd: dir, encoding: "utf8" });
  const collected = /Collected : (\d+)/.exec(result.stderr ?? "");
  if (result.status !== 0 || !collected) throw new Error(`valgrind workerd test failed in ${dir} (is valgrind installed?): ${result.stderr}`);
  return Number(collected[1]) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Arguments: `--runs N` (21), then any of `-c CONFIG` (built with wrangler) and `--bundle FILE` (a
 * prebuilt `--outfile`, e.g. of another commit); none = `-c wrangler.toml`. */
function parseArgs(argv: string[]): { runs: number; instructions: boolean; targets: { label: string; config?: string; bundle?: string }[] } {
  let runs = 21;
  let instructions = false;
  const targets: { label: string; config?: string; bundle?: string }[] = [];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--runs") runs = Number(value);
    else if (flag === "--measure" && (value === "cpu" || value === "instructions")) instructions = value === "instructions";
    else if (flag === "-c") targets.push({ label: value, config: value });
    else if (flag === "--bundle") targets.push({ label: value, bundle: path.resolve(value) });
    else throw new Error(`unknown argument ${flag}`);
  }
  return { runs, instructions, targets: targets.length > 0 ? targets : [{ label: "wrangler.toml", config: "wrangler.toml" }] };
}

const fmt = (v: number) => v.toFixed(1);
const { runs, instructions, targets } = parseArgs(process.argv.slice(2));
const measure = instructions ? processInstructionsM : processCpuMs;
const unit = instructions ? "M instructions" : "ms";
const dir = await mkdtemp(path.join(tmpdir(), "fluxgate-startup-cpu-"));
try {
  const measured: { label: string; dir: string; cpuMs: number[] }[] = [];
  const emptyDir = path.join(dir, "empty");
  await mkdir(emptyDir);
  await writeWorkerdDir(emptyDir, "export default {};\n");
  measured.push({ label: "empty module", dir: emptyDir, cpuMs: [] });
  for (const [index, target] of targets.entries()) {
    let bundle = target.bundle;
    if (!bundle) {
      bundle = path.join(dir, `${index}.bundle`);
      await wrangler(["deploy", "-c", target.config!, "--dry-run", "--outfile", bundle]);
    }
    const targetDir = path.join(dir, String(index));
    await mkdir(targetDir);
    await writeWorkerdDir(targetDir, await mainModule(bundle));
    measured.push({ label: target.label, dir: targetDir, cpuMs: [] });
  }
  for (let i = 0; i < runs; i++) { // interleaved, so drift in the machine's load hits all alike
    for (const m of measured) m.cpuMs.push(measure(m.dir));
  }
  const base = median(measured[0]!.cpuMs);
  console.log(`workerd process ${instructions ? "instructions (valgrind)" : "CPU (user + sys)"}, ${runs} interleaved runs each:`);
  for (const m of measured) {
    const cost = m === measured[0] ? "" : `; load cost ${fmt(median(m.cpuMs) - base)} ${unit} over the empty module`;
    console.log(`  ${m.label}: median ${fmt(median(m.cpuMs))} ${unit} (min ${fmt(Math.min(...m.cpuMs))})${cost}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
