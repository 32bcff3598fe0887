// Loading the regex engine only for a flag set that needs it. RE2JS is about half of the
// evaluation Worker's bundle and most of its startup CPU, yet only a `matches` condition uses it;
// compiling is synchronous (flags compile lazily, inside evaluation), so a host that defers RE2JS
// awaits prepareFlagSet on each snapshot before compiling it (docs/BENCHMARKS.md "Worker size and
// startup"). Plain ECMAScript (import()): bundlers such as esbuild run the imported module's top
// level only when the import() runs.
import { installRegexEngine, regexEngineInstalled } from "./operators/regex.ts";
import type { FlagSetDocument } from "./types.ts";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** A condition holder's `match` (rules and segments): whether any condition may be `matches`. */
function groupsMayMatch(groups: unknown): boolean {
  for (const group of list(groups)) {
    if (!isObject(group)) continue;
    for (const condition of list(group.conditions)) {
      if (!isObject(condition)) continue;
      const operator = condition.operator;
      // The compiler reads String(operator): a non-string operand could spell "matches" (["matches"]).
      if (operator === "matches" || isObject(operator)) return true;
    }
  }
  return false;
}

/**
 * Whether compiling `input` may need the regex engine. Snapshot text is scanned for the token
 * (or any \u escape, which could spell it); a document is walked where the compiler reads
 * conditions (flags' rules, segments). A false positive only loads the engine early.
 */
export function mayNeedRegex(input: FlagSetDocument | string): boolean {
  if (typeof input === "string") return input.includes('"matches"') || input.includes("\\u");
  if (!isObject(input)) return false;
  for (const flag of list(input.flags)) {
    if (!isObject(flag)) continue;
    for (const rule of list(flag.rules)) if (isObject(rule) && groupsMayMatch(rule.match)) return true;
  }
  for (const segment of list(input.segments)) if (isObject(segment) && groupsMayMatch(segment.match)) return true;
  return false;
}

let loading: Promise<void> | undefined;

/** Loads and installs RE2JS once; a failed load is tried again by the next caller. */
export function loadRegexEngine(): Promise<void> {
  if (regexEngineInstalled()) return Promise.resolve();
  return (loading ??= import("./operators/re2.ts").then(
    ({ re2Engine }) => installRegexEngine(re2Engine),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/** Makes `input` compilable: loads the regex engine first when the set may use `matches`. */
export async function prepareFlagSet(input: FlagSetDocument | string): Promise<void> {
  if (!regexEngineInstalled() && mayNeedRegex(input)) await loadRegexEngine();
}
