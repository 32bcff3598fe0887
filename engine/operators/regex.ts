// Regular expressions with linear-time guarantees, so an untrusted pattern cannot hang the Worker.
// Every pattern is compiled by the installed regex engine (RE2JS, ./re2.ts, which also validates
// it: backreferences and lookarounds are rejected). When the pattern lies in a subset with provably
// bounded backtracking (regex-fast-path.ts), short inputs are matched by the platform's much faster
// RegExp; long inputs and every other pattern go to RE2JS. Compiled once per snapshot.
//
// The engine is a port installed by the host, not a static import, so that a host can load RE2JS
// (about half of the evaluation Worker's bundle) only once a flag set uses `matches`: engine/index.ts
// installs it eagerly, the evaluation Worker through engine/core.ts's prepareFlagSet.
import { translateToBoundedJs } from "./regex-fast-path.ts";

/** Inputs up to this length may use the bounded JavaScript RegExp. */
export const FAST_PATH_MAX_INPUT = 256;

/** A compiled pattern of a linear-time engine: unanchored search, like RegExp.prototype.test. */
export interface LinearRegex {
  test(input: string): boolean;
}

/** Compiles RE2 syntax in linear-time form; null for a pattern the engine rejects. */
export interface RegexEngine {
  compile(source: string, caseInsensitive: boolean): LinearRegex | null;
}

/** A `matches` condition was compiled before any regex engine was installed (a host's mistake). */
export class RegexEngineMissingError extends Error {
  readonly code = "REGEX_ENGINE_MISSING";
  constructor() {
    super("no regex engine is installed: import engine/index.ts, or await prepareFlagSet before compiling a set that uses matches");
    this.name = "RegexEngineMissingError";
  }
}

let installed: RegexEngine | null = null;

export function installRegexEngine(engine: RegexEngine): void {
  installed = engine;
}

export function regexEngineInstalled(): boolean {
  return installed !== null;
}

export class Pattern {
  constructor(
    readonly source: string,
    private readonly linear: LinearRegex,
    /** null when the pattern is outside the bounded subset. */
    readonly fast: RegExp | null,
  ) {}

  /** Unanchored search, like RegExp.prototype.test. */
  test(input: string): boolean {
    const fast = this.fast;
    return fast !== null && input.length <= FAST_PATH_MAX_INPUT ? fast.test(input) : this.linear.test(input);
  }

  /** Always the linear-time engine (for tests that compare both paths). */
  testRe2(input: string): boolean {
    return this.linear.test(input);
  }
}

export function compilePattern(source: string, caseInsensitive: boolean): Pattern | null {
  if (installed === null) throw new RegexEngineMissingError();
  const linear = installed.compile(source, caseInsensitive);
  if (linear === null) return null;
  let fast: RegExp | null = null;
  const translated = translateToBoundedJs(source, caseInsensitive);
  if (translated !== null) {
    try {
      fast = new RegExp(translated, caseInsensitive ? "iu" : "u"); // no g/y flag: test() keeps no state
    } catch {
      fast = null;
    }
  }
  return new Pattern(source, linear, fast);
}

export function patternMatches(pattern: Pattern, input: string): boolean {
  return pattern.test(input);
}
