// Malformed documents never widen targeting: a rule, group, serve or segment the engine cannot
// read faithfully matches nobody (a segment keeps only its valid included keys), with a compile
// diagnostic naming what was wrong. Nothing here may throw.
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import type { ConditionDocument, FlagSetDocument, RuleDocument, SegmentDocument } from "../../engine/index.ts";
import { flag, flagSet, keyWithBucket, META, rule, segment } from "./fixtures.ts";

const OFF_DEFAULT = { key: "f", value: false, variant: "off", reason: "DEFAULT", metadata: META } as const;
const ADMIN: ConditionDocument = { attribute: "role", operator: "equals", value: "admin" };

/** Flag `f` (boolean, default off) with one rule that would serve `on` if it were read as given. */
function withRule(malformed: Record<string, unknown>) {
  return compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "r", ...malformed } as unknown as RuleDocument)] })]));
}

const everyone = [{ targetingKey: "u1", role: "admin" }, { targetingKey: "u2" }, {}];

describe("a rule whose match is not a list", () => {
  for (const match of [{ operator: "and", conditions: [ADMIN] }, "everyone", null, 0]) {
    it(`never matches (match = ${JSON.stringify(match)})`, () => {
      const set = withRule({ match });
      for (const context of everyone) expect(evaluateFlag(set, "f", context)).toEqual(OFF_DEFAULT);
      expect(set.diagnostics).toEqual([
        { code: "INVALID_MATCH", flag: "f", rule: "r", message: "match must be a list of condition groups" },
      ]);
    });
  }

  it("an absent match is malformed too (only an empty list means everyone)", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", rules: [{ id: "r", priority: 0, serve: { kind: "variant", variant: "on" } } as RuleDocument] })]));
    expect(evaluateFlag(set, "f", { targetingKey: "u" })).toEqual(OFF_DEFAULT);
    expect(set.diagnostics.map((d) => d.code)).toEqual(["INVALID_MATCH"]);
  });

  it("evaluation goes on to the next rule", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", rules: [
      rule({ id: "bad", priority: 1, match: "everyone" as never }),
      rule({ id: "admins", priority: 2, match: [{ operator: "and", conditions: [ADMIN] }] }),
    ] })]));
    expect(evaluateFlag(set, "f", { targetingKey: "u", role: "dev" })).toEqual(OFF_DEFAULT);
    expect(evaluateFlag(set, "f", { targetingKey: "u", role: "admin" })).toEqual({
      key: "f", value: true, variant: "on", reason: "TARGETING_MATCH", metadata: { ...META, ruleId: "admins", rulePriority: 2 },
    });
  });
});

describe("a group whose structure cannot be read makes the whole rule never match", () => {
  const cases: [string, unknown, string][] = [
    ["conditions is an object", [{ operator: "or", conditions: ADMIN }], "group 0 conditions must be a list"],
    ["conditions is missing", [{ operator: "or" }], "group 0 conditions must be a list"],
    ["the group is null", [null], "group 0 is not an object"],
    ["the group is a list", [[ADMIN]], "group 0 is not an object"],
    ["a condition is null", [{ operator: "and", conditions: [ADMIN, null] }], "group 0 holds a condition that is not an object"],
    // A readable group that would match admins does not rescue the rule: its match is unreadable.
    ["a later group is malformed", [{ operator: "and", conditions: [ADMIN] }, { operator: "and", conditions: "all" }],
      "group 1 conditions must be a list"],
  ];
  for (const [name, match, message] of cases) {
    it(name, () => {
      const set = withRule({ match });
      for (const context of everyone) expect(evaluateFlag(set, "f", context)).toEqual(OFF_DEFAULT);
      expect(set.diagnostics).toEqual([{ code: "INVALID_MATCH", flag: "f", rule: "r", message }]);
    });
  }
});

describe("a serve the engine cannot read", () => {
  it("an unknown kind never matches", () => {
    const set = withRule({ serve: { kind: "everyone", variant: "on" } });
    for (const context of everyone) expect(evaluateFlag(set, "f", context)).toEqual(OFF_DEFAULT);
    expect(set.diagnostics).toEqual([{ code: "INVALID_SERVE", flag: "f", rule: "r", message: 'unknown serve kind "everyone"' }]);
  });

  it("a missing serve never matches", () => {
    const set = withRule({ serve: null });
    expect(evaluateFlag(set, "f", { targetingKey: "u" })).toEqual(OFF_DEFAULT);
    expect(set.diagnostics).toEqual([{ code: "INVALID_SERVE", flag: "f", rule: "r", message: "serve must be an object" }]);
  });

  it("a bucketBy that is not an attribute name never matches", () => {
    const set = withRule({ serve: { kind: "rollout", variant: "on", percentage: 100, bucketBy: 7 } });
    expect(evaluateFlag(set, "f", { targetingKey: "u" })).toEqual(OFF_DEFAULT);
    expect(set.diagnostics).toEqual([{ code: "INVALID_SERVE", flag: "f", rule: "r", message: "bucketBy must be an attribute name" }]);
  });
});

describe("rollout percentages outside 0..100", () => {
  const cases: [unknown, string][] = [
    [150, "150"], [100.001, "100.001"], [-5, "-5"], [Number.NaN, "NaN"], [Number.POSITIVE_INFINITY, "Infinity"],
    ["25", '"25"'], [null, "null"], [undefined, "undefined"],
  ];
  for (const [percentage, shown] of cases) {
    it(`never match (percentage = ${shown})`, () => {
      const set = withRule({ serve: { kind: "rollout", variant: "on", percentage } });
      for (const targetingKey of ["u1", "u2", "u3", "u4", "u5"]) expect(evaluateFlag(set, "f", { targetingKey })).toEqual(OFF_DEFAULT);
      expect(set.diagnostics).toEqual([{ code: "INVALID_ROLLOUT", flag: "f", rule: "r",
        message: `rollout percentage must be a number from 0 to 100, got ${shown}` }]);
    });
  }

  it("0 and 100 are the valid bounds", () => {
    expect(evaluateFlag(withRule({ serve: { kind: "rollout", variant: "on", percentage: 0 } }), "f", { targetingKey: "u" })).toEqual(OFF_DEFAULT);
    const all = withRule({ serve: { kind: "rollout", variant: "on", percentage: 100 } });
    expect(all.diagnostics).toEqual([]);
    expect(evaluateFlag(all, "f", { targetingKey: "u" })).toMatchObject({ value: true, reason: "SPLIT" });
  });
});

describe("split weights", () => {
  const split = (allocations: unknown) => compileFlagSet(flagSet([flag({ key: "f", type: "string", variants: { a: "A", b: "B" },
    defaultVariant: "a", rules: [rule({ id: "s", serve: { kind: "split", allocations } as never })] })]));
  const DEFAULT_A = { key: "f", value: "A", variant: "a", reason: "DEFAULT", metadata: META };
  // Users who would land in the first (valid-looking) allocation: the rule must not serve them either.
  const early = keyWithBucket("f", (b) => b < 10_000);
  const late = keyWithBucket("f", (b) => b >= 90_000);

  const cases: [string, unknown, string][] = [
    ["a fractional weight", [{ variant: "a", weight: 50_000 }, { variant: "b", weight: 33_333.5 }], "split weight must be a non-negative integer, got 33333.5"],
    ["a negative weight", [{ variant: "a", weight: 50_000 }, { variant: "b", weight: -1 }], "split weight must be a non-negative integer, got -1"],
    ["a weight as a string", [{ variant: "a", weight: 50_000 }, { variant: "b", weight: "50000" }], 'split weight must be a non-negative integer, got "50000"'],
    ["a NaN weight", [{ variant: "a", weight: 50_000 }, { variant: "b", weight: Number.NaN }], "split weight must be a non-negative integer, got NaN"],
    ["weights summing past 100000", [{ variant: "a", weight: 80_000 }, { variant: "b", weight: 80_000 }], "split weights sum to 160000, more than 100000"],
    ["an allocation that is not an object", [{ variant: "a", weight: 50_000 }, null], "split allocation must be an object"],
    ["allocations that are not a list", { a: 50_000, b: 50_000 }, "split allocations must be a list"],
  ];
  for (const [name, allocations, message] of cases) {
    it(`${name}: the rule never matches`, () => {
      const set = split(allocations);
      expect(evaluateFlag(set, "f", { targetingKey: early })).toEqual(DEFAULT_A);
      expect(evaluateFlag(set, "f", { targetingKey: late })).toEqual(DEFAULT_A);
      expect(set.diagnostics).toEqual([{ code: "INVALID_SPLIT", flag: "f", rule: "s", message }]);
    });
  }

  it("a zero weight is valid: an empty range", () => {
    const set = split([{ variant: "a", weight: 0 }, { variant: "b", weight: 100_000 }]);
    expect(set.diagnostics).toEqual([]);
    expect(evaluateFlag(set, "f", { targetingKey: early })).toMatchObject({ variant: "b", reason: "SPLIT" });
  });
});

describe("malformed segments match nobody beyond their valid included keys", () => {
  const EMAIL_MATCH = [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@acme.test" }] }];
  function setWith(s: Record<string, unknown>, operator: "in_segment" | "not_in_segment" = "in_segment") {
    return compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "seg", match: [{ operator: "and", conditions: [
      { attribute: "targetingKey", operator, value: "s" }] }] })] })],
    [{ key: "s", included: ["vip"], excluded: [], match: EMAIL_MATCH, ...s } as unknown as SegmentDocument]));
  }
  const vip = { targetingKey: "vip", email: "vip@else.test" };
  const staff = { targetingKey: "u1", email: "a@acme.test" };
  const other = { targetingKey: "u2", email: "b@else.test" };
  const on = (set: ReturnType<typeof setWith>, context: Record<string, unknown>) => evaluateFlag(set, "f", context).value;

  const cases: [string, Record<string, unknown>, { code: string; segment: string; message: string }, boolean][] = [
    ["match is not a list", { match: EMAIL_MATCH[0] }, { code: "INVALID_MATCH", segment: "s", message: "match must be a list of condition groups" }, true],
    ["a group's conditions are not a list", { match: [{ operator: "and", conditions: "x" }] },
      { code: "INVALID_MATCH", segment: "s", message: "group 0 conditions must be a list" }, true],
    ["a condition has an unreadable operand", { match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: { x: 1 } }] }] },
      { code: "INVALID_OPERAND", segment: "s", message: "ends_with needs a string operand" }, true],
    ["excluded is not a list", { excluded: "mallory" }, { code: "MALFORMED_SEGMENT", segment: "s", message: "excluded must be a list of targeting keys" }, true],
    ["excluded holds a non-string", { excluded: ["mallory", 7] }, { code: "MALFORMED_SEGMENT", segment: "s", message: "excluded holds entries that are not strings" }, true],
    ["included holds a non-string", { included: ["vip", { id: 1 }] }, { code: "MALFORMED_SEGMENT", segment: "s", message: "included holds entries that are not strings" }, true],
    ["included is not a list", { included: "vip" }, { code: "MALFORMED_SEGMENT", segment: "s", message: "included must be a list of targeting keys" }, false],
  ];
  for (const [name, malformed, diagnostic, vipIn] of cases) {
    it(name, () => {
      const set = setWith(malformed);
      expect(set.diagnostics).toEqual([diagnostic]);
      expect(on(set, vip)).toBe(vipIn);
      expect(on(set, staff)).toBe(false); // the match groups would have let staff in
      expect(on(set, other)).toBe(false);
      // not_in_segment cannot be proven over a segment read only in part: it never holds.
      const notIn = setWith(malformed, "not_in_segment");
      for (const context of [vip, staff, other]) expect(evaluateFlag(notIn, "f", context)).toEqual(OFF_DEFAULT);
    });
  }

  it("the same segment, well formed, for contrast", () => {
    const set = setWith({});
    expect(set.diagnostics).toEqual([]);
    expect([on(set, vip), on(set, staff), on(set, other)]).toEqual([true, true, false]);
    const notIn = setWith({}, "not_in_segment");
    expect([on(notIn, vip), on(notIn, staff), on(notIn, other)]).toEqual([false, false, true]);
  });

  it("a segment without a string key is dropped and references to it are unknown", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "seg", match: [{ operator: "and", conditions: [
      { attribute: "targetingKey", operator: "in_segment", value: "s" }] }] })] })],
    [null, { included: ["vip"], excluded: [], match: [] }] as unknown as SegmentDocument[]));
    expect(set.diagnostics.map((d) => d.code)).toEqual(["MALFORMED_SEGMENT", "MALFORMED_SEGMENT", "UNKNOWN_SEGMENT"]);
    expect(evaluateFlag(set, "f", vip)).toEqual(OFF_DEFAULT);
  });
});

describe("other unreadable parts never throw and never widen", () => {
  it("a rule that is not an object is dropped with a diagnostic", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", rules: [null, "r"] as unknown as RuleDocument[] })]));
    expect(set.diagnostics.map((d) => d.code)).toEqual(["MALFORMED_RULE", "MALFORMED_RULE"]);
    expect(evaluateFlag(set, "f", { targetingKey: "u" })).toEqual(OFF_DEFAULT);
  });

  it("a flag that is not an object or has no string key is dropped", () => {
    const doc = { ...flagSet([flag({ key: "ok" })]), flags: [null, { key: 3 }, flag({ key: "ok" })] } as unknown as FlagSetDocument;
    const set = compileFlagSet(doc);
    expect(set.flagKeys).toEqual(["ok"]);
    expect(set.diagnostics.map((d) => d.code)).toEqual(["MALFORMED_FLAG", "MALFORMED_FLAG"]);
  });

  it("an unreadable prerequisite keeps the flag off", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", defaultVariant: "on", prerequisites: ["gate"] as never })]));
    expect(evaluateFlag(set, "f", { targetingKey: "u" })).toEqual({
      key: "f", value: false, variant: "off", reason: "DISABLED", metadata: { ...META, failedPrerequisite: "" },
    });
    expect(set.diagnostics).toEqual([{ code: "UNKNOWN_PREREQUISITE", flag: "f", message: 'prerequisite "gate" is unreadable; the flag stays off' }]);
  });
});
