// Regular expressions with linear-time guarantees, so an untrusted pattern cannot hang the Worker.
// Every pattern is compiled by RE2JS (which also validates it: backreferences and lookarounds are
// rejected). When the pattern lies in a subset with provably bounded backtracking
// (regex-fast-path.ts), short inputs are matched by the platform's much faster RegExp; long inputs
// and every other pattern go to RE2JS. Compiled once per snapshot.
import { RE2JS } from "re2js";
import { translateToBoundedJs } from "./regex-fast-path.ts";

/** Inputs up to this length may use the bounded JavaScript RegExp. */
export const FAST_PATH_MAX_INPUT = 256;

export class Pattern {
  constructor(
    readonly source: string,
    private readonly re2: RE2JS,
    /** null when the pattern is outside the bounded subset. */
    readonly fast: RegExp | null,
  ) {}

  /** Unanchored search, like RegExp.prototype.test. */
  test(input: string): boolean {
    const fast = this.fast;
    return fast !== null && input.length <= FAST_PATH_MAX_INPUT ? fast.test(input) : this.re2.test(input);
  }

  /** Always the RE2 engine (for tests that compare both paths). */
  testRe2(input: string): boolean {
    return this.re2.test(input);
  }
}

export function compilePattern(source: string, caseInsensitive: boolean): Pattern | null {
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch {
    return null;
  }
  let fast: RegExp | null = null;
  const translated = translateToBoundedJs(source, caseInsensitive);
  if (translated !== null) {
    try {
      fast = new RegExp(translated, caseInsensitive ? "iu" : "u"); // no g/y flag: test() keeps no state
    } catch {
      fast = null;
    }
  }
  return new Pattern(source, re2, fast);
}

export function patternMatches(pattern: Pattern, input: string): boolean {
  return pattern.test(input);
}
