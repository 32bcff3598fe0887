// `npm run bench`: the engine benchmark (scripts/bench-engine.ts), the Workers' size and startup CPU
// (scripts/bench-startup.ts, with the evaluation Worker's budget), the HTTP benchmark
// (scripts/bench-http.ts), the control-plane mutations (scripts/bench-control.ts), the SDK, live
// delivery and the scale parts (scripts/bench-scale.ts: fleet, relay tier, 5,000 flags), all printed.
// The engine module is loaded dynamically so the HTTP figures are still produced, and the gap
// reported, if it is missing or fails.
import { formatControlBench, runControlBench } from "./bench-control";
import { formatHttpBench, runHttpBench } from "./bench-http";
import { formatStartupBench, runStartupBench, withinBudget } from "./bench-startup";

interface EngineBenchModule {
  runEngineBench(): Promise<unknown>;
  formatEngineBench?(result: unknown): string;
}

async function engineSection(): Promise<{ text: string; ok: boolean }> {
  let mod: EngineBenchModule;
  try {
    mod = (await import("./bench-engine" as string)) as EngineBenchModule;
  } catch (error) {
    return { text: `engine benchmark unavailable: scripts/bench-engine.ts could not be loaded (${describe(error)})`, ok: false };
  }
  if (typeof mod.runEngineBench !== "function") {
    return { text: "engine benchmark unavailable: scripts/bench-engine.ts exports no runEngineBench()", ok: false };
  }
  try {
    const result = await mod.runEngineBench();
    const text = typeof mod.formatEngineBench === "function" ? mod.formatEngineBench(result) : JSON.stringify(result, null, 2);
    return { text, ok: true };
  } catch (error) {
    return { text: `engine benchmark failed: ${describe(error)}`, ok: false };
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

// Exit through process.exit so the dev stack's exit hook kills its process group on Ctrl-C too.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const engine = await engineSection();
console.log("## Engine\n" + engine.text + "\n");
try {
  const startup = await runStartupBench();
  console.log("## Worker size and startup\n" + formatStartupBench(startup) + "\n");
  if (!withinBudget(startup)) process.exitCode = 1;
} catch (error) {
  console.log(`## Worker size and startup\nstartup benchmark failed: ${describe(error)}\n`);
  process.exitCode = 1;
}
const http = await runHttpBench();
console.log("## HTTP\n" + formatHttpBench(http));
try {
  console.log("\n## Control plane\n" + formatControlBench(await runControlBench()));
} catch (error) {
  console.log(`\n## Control plane\ncontrol-plane benchmark failed: ${describe(error)}`);
  process.exitCode = 1;
}
console.log("\n## SDK\n" + (await (await import("./bench-sdk")).sdkBenchSection()));
console.log("\n## Live delivery\n" + (await import("./bench-fanout").then((m) => m.runFanoutBench().then(m.formatFanoutBench)).catch((e) => `live-delivery benchmark failed: ${describe(e)}`)));
try {
  const scale = await (await import("./bench-scale")).runScaleBench({ echo: false });
  console.log("\n## Scale (npm run bench:scale)\n" + scale.text + (scale.summary ? "\n" + JSON.stringify(scale.summary) : ""));
  if (!scale.ok) process.exitCode = 1;
} catch (error) {
  console.log(`\n## Scale (npm run bench:scale)\nscale benchmark failed: ${describe(error)}`);
  process.exitCode = 1;
}
if (!engine.ok) process.exitCode = 1;
