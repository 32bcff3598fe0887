// Regular expressions via RE2JS: linear-time matching, so an untrusted pattern cannot hang the
// Worker. Compiled once per snapshot; an invalid pattern yields null (the condition is always false).
import { RE2JS } from "re2js";

export type Pattern = RE2JS;

export function compilePattern(source: string, caseInsensitive: boolean): Pattern | null {
  try {
    return RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch {
    return null;
  }
}

/** Unanchored search, like RegExp.prototype.test. */
export function patternMatches(pattern: Pattern, input: string): boolean {
  return pattern.test(input);
}
