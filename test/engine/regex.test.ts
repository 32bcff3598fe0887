import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import { compilePattern, FAST_PATH_MAX_INPUT } from "../../engine/operators/regex.ts";
import { flag, flagSet, rule } from "./fixtures.ts";

const matching = (pattern: string) =>
  compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "r", match: [{ operator: "and",
    conditions: [{ attribute: "s", operator: "matches", value: pattern }] }] })] })]));

describe("regular expressions", () => {
  it("run in linear time: (a+)+$ against a long non-matching string returns at once", () => {
    const set = matching("(a+)+$");
    const hostile = `${"a".repeat(50_000)}!`;
    const started = Date.now();
    // A backtracking engine needs ~2^50000 steps here; RE2 scans the input a bounded number of times.
    expect(evaluateFlag(set, "f", { s: hostile }).reason).toBe("DEFAULT");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(evaluateFlag(set, "f", { s: "xaaaa" }).reason).toBe("TARGETING_MATCH");
  });

  it("a nested-quantifier pattern that does not match is also fast", () => {
    const set = matching("^(a|a)*b$");
    const started = Date.now();
    expect(evaluateFlag(set, "f", { s: "a".repeat(20_000) }).reason).toBe("DEFAULT");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an invalid pattern compiles to a condition that is always false, with a diagnostic", () => {
    const set = matching("([unclosed");
    expect(evaluateFlag(set, "f", { s: "([unclosed" }).reason).toBe("DEFAULT");
    expect(set.diagnostics).toEqual([
      { code: "INVALID_PATTERN", flag: "f", rule: "r", message: 'invalid regular expression "([unclosed"' },
    ]);
  });

  it("backreferences and lookaheads are rejected rather than run", () => {
    expect(matching("(a)\\1").diagnostics[0]?.code).toBe("INVALID_PATTERN");
    expect(matching("a(?=b)").diagnostics[0]?.code).toBe("INVALID_PATTERN");
  });

  it("searches anywhere in the value unless anchored", () => {
    expect(evaluateFlag(matching("beta"), "f", { s: "alpha-beta-gamma" }).reason).toBe("TARGETING_MATCH");
    expect(evaluateFlag(matching("^beta"), "f", { s: "alpha-beta" }).reason).toBe("DEFAULT");
  });
});

describe("bounded JavaScript fast path", () => {
  it.each([
    "(a+)+$", "(a|a)*b", "a*a*b", "^(ab)+$", "(x|y)+", "a{2,}b+", "(?i)abc", "(?P<n>a)", "\\bword", "[[:alpha:]]+", "\\pL",
    "(a|b)(c|d)(e|f)(g|h)(i|j)",
  ])("leaves %s to RE2 (outside the bounded subset)", (source) => {
    expect(compilePattern(source, false)?.fast).toBe(null);
  });

  it.each([
    "@(acme|example)\\.com$", "^u[0-9]+$", "beta", "^v\\d+\\.\\d\\.x?$", "[a-z_-]{3,16}", ".*admin", "^\\s*yes\\S$",
  ])("runs %s with a bounded RegExp", (source) => {
    expect(compilePattern(source, false)?.fast).toBeInstanceOf(RegExp);
  });

  const PATTERNS = [
    "@(acme|example)\\.com$", "^u[0-9]+$", "a.c", "^a.c$", "\\s+x", "[^a-c]b", "x\\.y", "^(?:foo|bar)-\\d{2,3}$",
    "[\\d\\s]{2}", "\\w+@", "colou?r", "\\$5", "a\\-b", "[-a]z", "k", "ſ", "ü+", "^$", "a|", "\\}\\]",
  ];
  const inputs = fc.string({ unit: fc.constantFrom(..."abcxyz01259 \n\t\r.-@$_ſKküÜ}]".split(""), "acme.com", "example.com", "foo-", "bar-"), maxLength: 30 });

  it("answers exactly as RE2 on every input, case-sensitive and not", () => {
    for (const source of PATTERNS) {
      for (const ci of [false, true]) {
        const pattern = compilePattern(source, ci)!;
        expect(pattern).not.toBe(null);
        fc.assert(fc.property(inputs, (input) => {
          expect(pattern.test(input)).toBe(pattern.testRe2(input));
        }), { numRuns: 300 });
      }
    }
  });

  it("sends inputs longer than the cap to RE2", () => {
    const pattern = compilePattern(".*x$", false)!;
    expect(pattern.fast).toBeInstanceOf(RegExp);
    const long = "a".repeat(FAST_PATH_MAX_INPUT) + "x";
    expect(pattern.test(long)).toBe(true);
    expect(pattern.test(long + "\n")).toBe(false); // RE2's $ is the end of the text, as in the fast path
  });
});
