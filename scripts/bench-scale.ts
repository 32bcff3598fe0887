// `npm run bench:scale`: runs every bench/scale/*.scale.ts inside workerd
// (`vitest run -c bench/scale/vitest.config.ts`), echoing its output, then prints the figures as a
// table and, as the LAST line, the JSON summary. A missing part, an unreadable figure or a
// failed vitest run exits 1 naming what is missing (no summary line); a missed target exits 1 too,
// after the summary. Also run by `npm run bench` (scripts/bench.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { collectParts, formatTable, type Parts, summarise, type Summary, targets } from "./bench-scale-parts";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const VITEST = path.join(root, "node_modules/vitest/vitest.mjs");

export interface ScaleBench {
  /** Table and target checks, or what is missing. */
  text: string;
  /** Set when every part was measured. */
  summary?: Summary;
  ok: boolean;
}

export async function runScaleBench({ echo = true } = {}): Promise<ScaleBench> {
  const { output, code } = await new Promise<{ output: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, "run", "-c", "bench/scale/vitest.config.ts"], {
      cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" },
    });
    let output = "";
    const take = (chunk: Buffer, to: NodeJS.WriteStream) => {
      output += chunk.toString();
      if (echo) to.write(chunk);
    };
    child.stdout.on("data", (c: Buffer) => take(c, process.stderr));
    child.stderr.on("data", (c: Buffer) => take(c, process.stderr));
    child.on("error", reject);
    child.on("close", (code) => resolve({ output, code }));
  });
  const { parts, problems } = collectParts(output);
  if (code !== 0) problems.unshift(`vitest run -c bench/scale/vitest.config.ts exited with ${code}`);
  if (problems.length > 0 && (parts.fleet === undefined || parts.relay === undefined || parts.large === undefined ||
      problems.some((p) => p.includes("no numeric")))) {
    return { text: `scale benchmark incomplete:\n- ${problems.join("\n- ")}`, ok: false };
  }
  const complete = parts as Parts;
  const met = targets(complete).every((t) => t.met);
  const notes = problems.length > 0 ? `\n\nproblems:\n- ${problems.join("\n- ")}` : "";
  return { text: formatTable(complete) + notes, summary: summarise(complete), ok: met && problems.length === 0 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runScaleBench();
  console.log(result.text);
  if (result.summary !== undefined) console.log(JSON.stringify(result.summary));
  if (!result.ok) process.exitCode = 1;
}
