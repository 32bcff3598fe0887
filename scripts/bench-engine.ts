// Engine benchmark: FluxGate's engine against @openfeature/flagd-core (in its Workers-safe
// interpreter mode) and @growthbook/growthbook (GrowthBookClient, the multi-user server SDK), on the
// same logic. Before timing, the three are checked to return the same values on a sample of
// contexts. Run: `npx tsx scripts/bench-engine.ts` (also called by scripts/bench.ts).
import { pathToFileURL } from "node:url";
import { GrowthBookClient, type FeatureDefinition } from "@growthbook/growthbook";
import { FlagdCore } from "@openfeature/flagd-core";
import { type CompiledFlagSet, compileFlagSet, evaluateAll, evaluateFlag } from "../engine/index.ts";
import type { FlagDocument, FlagSetDocument, JsonValue } from "../engine/index.ts";

// ---------------------------------------------------------------------------------------------
// The logic, written once per engine.
//
//   targeting (string): country in [US, CA, GB, DE, FR] AND age > 18 AND appVersion >= 2.3.0 AND
//                       email matches @(acme|example)\.com$  -> "premium", else "basic".
//   split (string):     everyone: a 33333 / b 33333 / c 33334.
//   prereq (boolean):   requires the targeting flag to serve "premium"; then a 50% rollout of true.
//   rollout (boolean):  everyone: 25% rollout of true.
//
// Equivalences: flagd has no regex operator, so its copy of the email condition is the same
// language written as two ends_with tests; flagd has no prerequisites, so its copy inlines the
// parent's condition. GrowthBook hashes with FNV-1a, not MurmurHash3, so its split and rollout
// assign different (equally sized) sets of users: those are checked by proportion, everything
// else value by value.
// ---------------------------------------------------------------------------------------------

type Kind = "targeting" | "split" | "prereq" | "rollout";
interface Spec {
  key: string;
  kind: Kind;
  /** For prereq: the targeting flag it depends on. */
  parent?: string;
}

const COUNTRIES = ["US", "CA", "GB", "DE", "FR"];
const EMAIL_PATTERN = "@(acme|example)\\.com$";

function fluxgateFlag(spec: Spec): FlagDocument {
  const base = { key: spec.key, salt: spec.key, offVariant: null, deployed: true, killed: false, prerequisites: [] as FlagDocument["prerequisites"] };
  switch (spec.kind) {
    case "targeting":
      return { ...base, type: "string", variants: { premium: "premium", basic: "basic" }, defaultVariant: "basic", rules: [{
        id: "premium", priority: 1, serve: { kind: "variant", variant: "premium" },
        match: [{ operator: "and", conditions: [
          { attribute: "country", operator: "in", value: COUNTRIES },
          { attribute: "age", operator: "gt", value: 18 },
          { attribute: "appVersion", operator: "semver_gte", value: "2.3.0" },
          { attribute: "email", operator: "matches", value: EMAIL_PATTERN },
        ] }],
      }] };
    case "split":
      return { ...base, type: "string", variants: { a: "a", b: "b", c: "c" }, defaultVariant: "a", rules: [{
        id: "split", priority: 1, match: [],
        serve: { kind: "split", allocations: [{ variant: "a", weight: 33_333 }, { variant: "b", weight: 33_333 }, { variant: "c", weight: 33_334 }] },
      }] };
    case "prereq":
      return { ...base, type: "boolean", variants: {}, defaultVariant: "off", prerequisites: [{ key: spec.parent!, variant: "premium" }],
        rules: [{ id: "half", priority: 1, match: [], serve: { kind: "rollout", variant: "on", percentage: 50 } }] };
    case "rollout":
      return { ...base, type: "boolean", variants: {}, defaultVariant: "off",
        rules: [{ id: "quarter", priority: 1, match: [], serve: { kind: "rollout", variant: "on", percentage: 25 } }] };
  }
}

const FLAGD_PREMIUM = {
  and: [
    { in: [{ var: "country" }, COUNTRIES] },
    { ">": [{ var: "age" }, 18] },
    { sem_ver: [{ var: "appVersion" }, ">=", "2.3.0"] },
    { or: [{ ends_with: [{ var: "email" }, "@acme.com"] }, { ends_with: [{ var: "email" }, "@example.com"] }] },
  ],
};

function flagdFlag(spec: Spec): unknown {
  switch (spec.kind) {
    case "targeting":
      return { state: "ENABLED", variants: { premium: "premium", basic: "basic" }, defaultVariant: "basic",
        targeting: { if: [FLAGD_PREMIUM, "premium", null] } };
    case "split":
      return { state: "ENABLED", variants: { a: "a", b: "b", c: "c" }, defaultVariant: "a",
        targeting: { fractional: [["a", 33_333], ["b", 33_333], ["c", 33_334]] } };
    case "prereq":
      return { state: "ENABLED", variants: { on: true, off: false }, defaultVariant: "off",
        targeting: { if: [FLAGD_PREMIUM, { fractional: [["on", 50_000], ["off", 50_000]] }, null] } };
    case "rollout":
      return { state: "ENABLED", variants: { on: true, off: false }, defaultVariant: "off",
        targeting: { fractional: [["on", 25_000], ["off", 75_000]] } };
  }
}

function growthbookFeature(spec: Spec): FeatureDefinition {
  switch (spec.kind) {
    case "targeting":
      return { defaultValue: "basic", rules: [{ force: "premium", condition: {
        country: { $in: COUNTRIES }, age: { $gt: 18 }, appVersion: { $vgte: "2.3.0" }, email: { $regex: EMAIL_PATTERN },
      } }] };
    case "split":
      return { defaultValue: "a", rules: [{ key: spec.key, hashAttribute: "id", variations: ["a", "b", "c"],
        weights: [0.33333, 0.33333, 0.33334], coverage: 1 }] };
    case "prereq":
      return { defaultValue: false, rules: [{ parentConditions: [{ id: spec.parent!, condition: { value: "premium" } }],
        force: true, coverage: 0.5, hashAttribute: "id" }] };
    case "rollout":
      return { defaultValue: false, rules: [{ force: true, coverage: 0.25, hashAttribute: "id" }] };
  }
}

// ---------------------------------------------------------------------------------------------
// Engines and contexts
// ---------------------------------------------------------------------------------------------

interface Engines {
  ours: CompiledFlagSet;
  flagd: FlagdCore;
  growthbook: GrowthBookClient;
  specs: Spec[];
}

function buildEngines(specs: Spec[]): Engines {
  const doc: FlagSetDocument = {
    schemaVersion: 1,
    environment: { id: "bench", key: "production", name: "Production", type: "production" },
    version: 1,
    generatedAt: new Date(0).toISOString(),
    contentHash: "bench", // not read by the engine
    flags: specs.map(fluxgateFlag),
    segments: [],
  };
  const ours = compileFlagSet(doc);
  if (ours.diagnostics.length > 0) throw new Error(`bench flag set has diagnostics: ${JSON.stringify(ours.diagnostics)}`);
  const silent = { error() {}, warn() {}, info() {}, debug() {} };
  // disableDynamicCodeGeneration: flagd-core's interpreter mode, the one that runs on Workers (no new Function()).
  const flagd = new FlagdCore(undefined, silent, { disableDynamicCodeGeneration: true });
  flagd.setConfigurations(JSON.stringify({ flags: Object.fromEntries(specs.map((s) => [s.key, flagdFlag(s)])) }));
  const growthbook = new GrowthBookClient({}).initSync({
    payload: { features: Object.fromEntries(specs.map((s) => [s.key, growthbookFeature(s)])) },
  });
  return { ours, flagd, growthbook, specs };
}

interface Contexts {
  ours: Record<string, unknown>[];
  flagd: Record<string, string | number>[];
  growthbook: { attributes: Record<string, string | number> }[];
}

/** Deterministic pseudo-random contexts (mulberry32), prepared per engine before any timing. */
function makeContexts(n: number, seed = 0x5eed): Contexts {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const out: Contexts = { ours: [], flagd: [], growthbook: [] };
  for (let i = 0; i < n; i++) {
    const attrs = {
      country: pick(["US", "CA", "GB", "DE", "FR", "JP", "BR", "IN"]),
      age: 12 + Math.floor(random() * 60),
      appVersion: `${1 + Math.floor(random() * 3)}.${Math.floor(random() * 6)}.${Math.floor(random() * 10)}`,
      email: `u${i}@${pick(["acme.com", "example.com", "mail.test", "acme.com.evil.test"])}`,
    };
    const key = `user-${i}-${Math.floor(random() * 1e9).toString(36)}`;
    // Contexts reach an evaluator as parsed JSON (flat strings), so each engine gets its own parsed copy.
    const wire = JSON.stringify({ targetingKey: key, ...attrs });
    out.ours.push(JSON.parse(wire) as Record<string, unknown>);
    out.flagd.push(JSON.parse(wire) as Record<string, string | number>);
    out.growthbook.push(JSON.parse(JSON.stringify({ attributes: { id: key, ...attrs } })) as Contexts["growthbook"][number]);
  }
  return out;
}

type Evaluate = (key: string, i: number) => JsonValue | undefined;

function evaluators(e: Engines, ctx: Contexts): Record<"ours" | "flagd" | "growthbook", Evaluate> {
  // flagd-core has one resolver per type; the harness picks it from a plain object (no Map lookup
  // on flagd's side that the other engines do not pay).
  const boolean: Record<string, boolean> = Object.fromEntries(e.specs.map((s) => [s.key, s.kind === "prereq" || s.kind === "rollout"]));
  return {
    ours: (key, i) => evaluateFlag(e.ours, key, ctx.ours[i]!).value,
    flagd: (key, i) => boolean[key]
      ? e.flagd.resolveBooleanEvaluation(key, false, ctx.flagd[i]!).value
      : e.flagd.resolveStringEvaluation(key, "", ctx.flagd[i]!).value,
    growthbook: (key, i) => e.growthbook.evalFeature(key, ctx.growthbook[i]!).value as JsonValue,
  };
}

// ---------------------------------------------------------------------------------------------
// Equivalence check
// ---------------------------------------------------------------------------------------------

export interface EquivalenceReport {
  contexts: number;
  /** Values compared one by one (ours vs flagd everywhere; vs GrowthBook where no hash is involved). */
  exactComparisons: number;
  mismatches: number;
  /** Share of each split/rollout outcome per engine over the sample, for the hash-based flags. */
  proportions: Record<string, Record<string, Record<string, number>>>;
}

function checkEquivalence(e: Engines, ctx: Contexts): EquivalenceReport {
  const ev = evaluators(e, ctx);
  const n = ctx.ours.length;
  let exact = 0;
  const problems: string[] = [];
  const proportions: EquivalenceReport["proportions"] = {};
  for (const spec of e.specs) {
    const counts: Record<string, Record<string, number>> = { ours: {}, flagd: {}, growthbook: {} };
    for (let i = 0; i < n; i++) {
      const o = ev.ours(spec.key, i);
      const f = ev.flagd(spec.key, i);
      const g = ev.growthbook(spec.key, i);
      exact++;
      if (o !== f) problems.push(`${spec.key} ctx ${i}: ours ${String(o)} flagd ${String(f)}`);
      // GrowthBook agrees value by value wherever no bucket decides: the targeting flag always,
      // the prerequisite flag whenever its parent is not "premium".
      const hashFree = spec.kind === "targeting" || (spec.kind === "prereq" && ev.ours(spec.parent!, i) !== "premium");
      if (hashFree) {
        exact++;
        if (o !== g) problems.push(`${spec.key} ctx ${i}: ours ${String(o)} growthbook ${String(g)}`);
      } else {
        for (const [name, v] of [["ours", o], ["flagd", f], ["growthbook", g]] as const) {
          counts[name]![String(v)] = (counts[name]![String(v)] ?? 0) + 1;
        }
      }
    }
    if (spec.kind !== "targeting") {
      const total = Object.values(counts.ours!).reduce((a, b) => a + b, 0);
      proportions[spec.key] = Object.fromEntries(Object.entries(counts).map(([name, c]) =>
        [name, Object.fromEntries(Object.entries(c).map(([v, k]) => [v, Math.round((k / total) * 1000) / 1000]))]));
      // Two independent hashes of the same users: shares agree up to sampling noise (4 sigma).
      const tolerance = Math.max(0.02, 4 * Math.sqrt(0.25 / Math.max(1, total)));
      for (const value of Object.keys(counts.ours!)) {
        const diff = Math.abs((counts.ours![value] ?? 0) - (counts.growthbook![value] ?? 0)) / total;
        if (diff > tolerance) problems.push(`${spec.key}: share of ${value} differs by ${(diff * 100).toFixed(1)}% from GrowthBook`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`engines disagree:\n${problems.slice(0, 10).join("\n")}`);
  return { contexts: n, exactComparisons: exact, mismatches: 0, proportions };
}

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

/** Sink for results so the JIT cannot drop the work. */
let sink = 0;
function consume(v: unknown): void {
  if (v === true || typeof v === "string") sink++;
}

/**
 * A timer for `op(i)`: warms up for ~`batchMs`, sizes a batch to ~`batchMs`, and returns a
 * function that runs one batch and gives ns per call. Bounded: each batch is at most 5,000,000
 * calls and about `batchMs` long.
 */
function makeTimer(op: (i: number) => unknown, contexts: number, batchMs: number): () => number {
  let i = 0;
  const warmUntil = performance.now() + batchMs;
  let warmCalls = 0;
  while (performance.now() < warmUntil) {
    for (let k = 0; k < 100; k++) {
      consume(op(i));
      i = i + 1 === contexts ? 0 : i + 1;
    }
    warmCalls += 100;
  }
  const batch = Math.max(1000, Math.min(5_000_000, Math.round(warmCalls)));
  return () => {
    const start = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) {
      consume(op(i));
      i = i + 1 === contexts ? 0 : i + 1;
    }
    return Number(process.hrtime.bigint() - start) / batch;
  };
}

/**
 * A fresh copy of makeTimer() per engine and scenario. Sharing one copy would let the first
 * engine timed run through a monomorphic (inlinable) `op(i)` call site and every later one through
 * a megamorphic site; each copy has its own call-site feedback, so every engine is timed as if it
 * were the only one in the process.
 */
function isolatedTimer(op: (i: number) => unknown, contexts: number, batchMs: number): () => number {
  const copy = new Function("consume", `return ${makeTimer.toString()}`)(consume) as typeof makeTimer;
  return copy(op, contexts, batchMs);
}

/**
 * ns per call of each op: the engines' batches interleave (A, B, C, A, B, C, ...) so background
 * load on a shared machine hits all of them alike, and each engine's figure is its best batch
 * (load only ever adds time).
 */
function measureInterleaved(ops: readonly ((i: number) => unknown)[], contexts: number, runs = 7, batchMs = 120): number[] {
  const timers = ops.map((op) => isolatedTimer(op, contexts, batchMs));
  const best = ops.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < runs; r++) {
    for (let t = 0; t < timers.length; t++) best[t] = Math.min(best[t]!, timers[t]!());
  }
  return best;
}

export interface ScenarioResult {
  scenario: string;
  oursNs: number;
  flagdNs: number;
  growthbookNs: number;
  /** How many times faster ours is. */
  vsFlagd: number;
  vsGrowthbook: number;
}

export interface EngineBenchResult {
  command: string;
  runtime: string;
  equivalence: EquivalenceReport;
  scenarios: ScenarioResult[];
  bulk: { flags: number; oursUs: number; flagdUs: number; growthbookUs: number };
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runEngineBench(): Promise<EngineBenchResult> {
  // GrowthBook guards its debug logging with `process.env.NODE_ENV !== "production"`, which a
  // Worker bundle replaces at build time; in Node, process.env is a slow native accessor. Give it
  // the production value through a plain object, as a bundler would, for the duration of the run.
  const realEnv = process.env;
  process.env = { ...realEnv, NODE_ENV: "production" };
  try {
    const small: Spec[] = [
      { key: "plan_tier", kind: "targeting" },
      { key: "checkout_variant", kind: "split" },
      { key: "new_dashboard", kind: "prereq", parent: "plan_tier" },
      { key: "dark_mode", kind: "rollout" },
    ];
    const engines = buildEngines(small);
    const contexts = makeContexts(2000);
    const equivalence = checkEquivalence(engines, contexts);
    const ev = evaluators(engines, contexts);
    const n = contexts.ours.length;

    const scenarios: ScenarioResult[] = [];
    const scenario = (name: string, ops: readonly ((i: number) => unknown)[]) => {
      const [oursNs, flagdNs, growthbookNs] = measureInterleaved(ops, n) as [number, number, number];
      scenarios.push({ scenario: name, oursNs: round(oursNs), flagdNs: round(flagdNs), growthbookNs: round(growthbookNs),
        vsFlagd: round(flagdNs / oursNs), vsGrowthbook: round(growthbookNs / oursNs) });
    };
    // One flag per scenario: each engine's op is its public evaluation call with the key fixed,
    // nothing else, so the harness adds the same (minimal) cost to every engine.
    const { ours, flagd, growthbook } = engines;
    const fixed = (key: string, boolean: boolean): ((i: number) => unknown)[] => [
      (i) => evaluateFlag(ours, key, contexts.ours[i]!).value,
      boolean
        ? (i) => flagd.resolveBooleanEvaluation(key, false, contexts.flagd[i]!).value
        : (i) => flagd.resolveStringEvaluation(key, "", contexts.flagd[i]!).value,
      (i) => growthbook.evalFeature(key, contexts.growthbook[i]!).value,
    ];
    scenario("4 conditions (in, gt, semver, regex)", fixed("plan_tier", false));
    scenario("weighted split 3 ways", fixed("checkout_variant", false));
    scenario("prerequisite + 50% rollout", fixed("new_dashboard", true));
    scenario("25% rollout", fixed("dark_mode", true));
    const keys = small.map((s) => s.key);
    scenario("mixed (round robin)", [
      (i) => ev.ours(keys[i & 3]!, i),
      (i) => ev.flagd(keys[i & 3]!, i),
      (i) => ev.growthbook(keys[i & 3]!, i),
    ]);

    // Bulk: 200 flags, 50 of each kind; prerequisites point at the targeting flag of their group.
    const big: Spec[] = [];
    for (let g = 0; g < 50; g++) {
      big.push({ key: `t${g}`, kind: "targeting" }, { key: `s${g}`, kind: "split" },
        { key: `p${g}`, kind: "prereq", parent: `t${g}` }, { key: `r${g}`, kind: "rollout" });
    }
    const bulkEngines = buildEngines(big);
    const bulkContexts = makeContexts(500, 0xb01c);
    checkEquivalence(bulkEngines, bulkContexts);
    const bigKeys = big.map((s) => s.key);
    const [oursBulk, flagdBulk, gbBulk] = measureInterleaved([
      (i) => evaluateAll(bulkEngines.ours, bulkContexts.ours[i]!).length,
      (i) => bulkEngines.flagd.resolveAll(bulkContexts.flagd[i]!).length,
      (i) => {
        const ctx = bulkContexts.growthbook[i]!;
        let on = 0;
        for (const key of bigKeys) if (bulkEngines.growthbook.evalFeature(key, ctx).on) on++;
        return on;
      },
    ], 500, 5, 150) as [number, number, number];

    return {
      command: "npx tsx scripts/bench-engine.ts",
      runtime: `Node ${process.versions.node} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
      equivalence,
      scenarios,
      bulk: { flags: big.length, oursUs: round(oursBulk / 1000, 2), flagdUs: round(flagdBulk / 1000, 1), growthbookUs: round(gbBulk / 1000, 1) },
    };
  } finally {
    process.env = realEnv;
  }
}

export function formatEngineBench(result: unknown): string {
  const r = result as EngineBenchResult;
  const lines = [
    `Runtime: ${r.runtime}`,
    `Equivalence: ${r.equivalence.exactComparisons} values compared on ${r.equivalence.contexts} contexts, ${r.equivalence.mismatches} mismatches; split/rollout shares (ours / flagd / GrowthBook): ${JSON.stringify(r.equivalence.proportions)}`,
    "",
    "| scenario | FluxGate ns/eval | flagd-core ns/eval | GrowthBook ns/eval | vs flagd | vs GrowthBook |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...r.scenarios.map((s) => `| ${s.scenario} | ${s.oursNs} | ${s.flagdNs} | ${s.growthbookNs} | ${s.vsFlagd}x | ${s.vsGrowthbook}x |`),
    "",
    `| bulk: all ${r.bulk.flags} flags, one context | FluxGate evaluateAll | flagd-core resolveAll | GrowthBook evalFeature x ${r.bulk.flags} |`,
    "| --- | ---: | ---: | ---: |",
    `| µs per call | ${r.bulk.oursUs} | ${r.bulk.flagdUs} | ${r.bulk.growthbookUs} |`,
  ];
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runEngineBench();
  console.log(formatEngineBench(result));
  console.log("");
  console.log(JSON.stringify(result, null, 2));
  if (sink < 0) console.log(sink); // keeps the sink observable
}
