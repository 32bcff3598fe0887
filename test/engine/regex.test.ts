import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
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
