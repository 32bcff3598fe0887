// A vitest reporter that fails the run on any uncaught exception or unhandled rejection the Workers
// runtime reports. Vitest fails on the errors it sees itself (Node-side unhandled rejections, errors
// thrown in tests), but workerd's own reports (an alarm that throws, a rejected promise no one
// awaits, a background task that fails after its response) reach this process only as log lines
// that @cloudflare/vitest-plugin writes to stdout/stderr. This reporter watches both streams for
// workerd's markers, records each line as an unhandled error (listed in vitest's summary, and the
// run exits 1), and still lets the line through. Each error names the test files running when the
// line arrived and the one that finished last: background work that outlives its file shows up
// while the next one runs.
import type { Reporter, TestModule, Vitest } from "vitest/node";

/** Line starts workerd uses for uncaught exceptions and unhandled rejections (wrangler dev prefixes "✘ [ERROR] "). */
export const RUNTIME_ERROR_LINE = /^(?:✘ \[ERROR\] )?(?:uncaught exception\b|Uncaught\b|Unhandled (?:promise )?rejection\b)/i;

type Write = typeof process.stdout.write;

export default class RuntimeErrorsReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly seen: string[] = [];
  private readonly restore: (() => void)[] = [];
  private readonly running = new Set<string>();
  private lastFinished: string | null = null;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    for (const stream of [process.stdout, process.stderr]) this.watch(stream);
  }

  onTestModuleStart(module: TestModule): void {
    this.running.add(module.relativeModuleId);
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.relativeModuleId);
    this.lastFinished = module.relativeModuleId;
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>): void {
    for (const undo of this.restore.splice(0)) undo();
    if (this.seen.length === 0) return;
    process.exitCode = 1;
    process.stderr.write(`\nThe Workers runtime reported ${this.seen.length} uncaught exception(s) or unhandled rejection(s); the run fails.\n`);
  }

  private watch(stream: NodeJS.WriteStream): void {
    const original: Write = stream.write.bind(stream) as Write;
    let partial = "";
    const write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = partial + (typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const lines = text.split("\n");
      partial = lines.pop() ?? "";
      if (partial.length > 10_000) partial = "";
      for (const line of lines) this.inspect(line);
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as Write;
    stream.write = write;
    this.restore.push(() => {
      if (stream.write === write) stream.write = original;
    });
  }

  private inspect(line: string): void {
    // eslint-disable-next-line no-control-regex
    const plain = line.replace(/\u001b\[[0-9;]*m/g, "").trimEnd();
    if (!RUNTIME_ERROR_LINE.test(plain)) return;
    this.seen.push(plain);
    const running = [...this.running].join(", ") || "none";
    const error = new Error(`workerd reported: ${plain}\n(test files running: ${running}; last finished: ${this.lastFinished ?? "none"})`);
    error.name = "RuntimeUncaughtError";
    this.vitest?.state.catchError(error, "Unhandled Error");
  }
}
