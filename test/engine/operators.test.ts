import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import type { ConditionDocument, EvaluationContext } from "../../engine/index.ts";
import { flag, flagSet, rule } from "./fixtures.ts";

/** Whether a rule with this single condition matches the context. */
function holds(condition: ConditionDocument, context: EvaluationContext): boolean {
  const set = compileFlagSet(flagSet([
    flag({ key: "f", rules: [rule({ id: "r", match: [{ operator: "and", conditions: [condition] }] })] }),
  ]));
  const r = evaluateFlag(set, "f", context);
  return r.reason === "TARGETING_MATCH";
}

const c = (attribute: string, operator: ConditionDocument["operator"], value?: ConditionDocument["value"],
  caseInsensitive?: boolean): ConditionDocument => ({ attribute, operator, value, caseInsensitive });

describe("string operators", () => {
  it.each([
    ["equals", "admin", "admin", true], ["equals", "admin", "Admin", false],
    ["not_equals", "admin", "viewer", true], ["not_equals", "admin", "admin", false],
    ["in", ["a", "b"], "b", true], ["in", ["a", "b"], "c", false],
    ["not_in", ["a", "b"], "c", true], ["not_in", ["a", "b"], "a", false],
    ["contains", "acme", "x@acme.test", true], ["contains", "acme", "x@other.test", false],
    ["not_contains", "acme", "x@other.test", true], ["not_contains", "acme", "x@acme.test", false],
    ["starts_with", "user-", "user-1", true], ["starts_with", "user-", "admin-1", false],
    ["ends_with", "@acme.test", "a@acme.test", true], ["ends_with", "@acme.test", "a@acme.tester", false],
    ["matches", "^u[0-9]+$", "u123", true], ["matches", "^u[0-9]+$", "u12x", false],
    ["matches", "[0-9]", "abc7def", true],
  ] as const)("%s %j against %j is %s", (operator, operand, attr, expected) => {
    expect(holds(c("a", operator, operand as ConditionDocument["value"]), { a: attr })).toBe(expected);
  });

  it.each([
    ["equals", "ADMIN", "admin"], ["not_equals", "ADMIN", "viewer"], ["in", ["Alpha", "BETA"], "beta"],
    ["not_in", ["Alpha"], "gamma"], ["contains", "ACME", "x@acme.test"], ["not_contains", "ACME", "x@b.test"],
    ["starts_with", "USER", "user-1"], ["ends_with", "@ACME.TEST", "a@Acme.Test"], ["matches", "^admin$", "ADMIN"],
  ] as const)("case-insensitive %s %j matches %j", (operator, operand, attr) => {
    expect(holds(c("a", operator, operand as ConditionDocument["value"], true), { a: attr })).toBe(true);
    expect(holds(c("a", operator, operand as ConditionDocument["value"], false), { a: attr })).toBe(
      operator.startsWith("not_"), // without the flag the positive form fails, so the negated form holds
    );
  });

  it("numbers and booleans are read in their text form", () => {
    expect(holds(c("plan", "equals", "3"), { plan: 3 })).toBe(true);
    expect(holds(c("beta", "equals", "true"), { beta: true })).toBe(true);
    expect(holds(c("plan", "in", [1, 2]), { plan: 2 })).toBe(true);
  });

  it("an array attribute matches when any element does; its negation when none does", () => {
    expect(holds(c("groups", "in", ["staff"]), { groups: ["beta", "staff"] })).toBe(true);
    expect(holds(c("groups", "not_in", ["staff"]), { groups: ["beta", "staff"] })).toBe(false);
    expect(holds(c("groups", "not_in", ["staff"]), { groups: ["beta"] })).toBe(true);
    expect(holds(c("groups", "starts_with", "st"), { groups: ["beta", "staff"] })).toBe(true);
  });

  it("objects are unreadable as strings: positive and negated operators are both false", () => {
    expect(holds(c("a", "equals", "x"), { a: { x: 1 } })).toBe(false);
    expect(holds(c("a", "not_equals", "x"), { a: { x: 1 } })).toBe(false);
    expect(holds(c("a", "not_in", ["x"]), { a: [{ x: 1 }] })).toBe(false);
  });
});

describe("number operators", () => {
  it.each([
    ["eq", 5, 5, true], ["eq", 5, 6, false],
    ["gt", 18, 19, true], ["gt", 18, 18, false],
    ["gte", 18, 18, true], ["gte", 18, 17, false],
    ["lt", 18, 17, true], ["lt", 18, 18, false],
    ["lte", 18, 18, true], ["lte", 18, 19, false],
  ] as const)("%s %d against %d is %s", (operator, operand, attr, expected) => {
    expect(holds(c("n", operator, operand), { n: attr })).toBe(expected);
  });

  it("numeric strings are read as numbers, other values make the condition false", () => {
    expect(holds(c("n", "gt", 18), { n: "42" })).toBe(true);
    expect(holds(c("n", "gt", "18"), { n: 42 })).toBe(true);
    expect(holds(c("n", "gt", 18), { n: "abc" })).toBe(false);
    expect(holds(c("n", "lt", 18), { n: "" })).toBe(false);
    expect(holds(c("n", "lt", 18), { n: true })).toBe(false);
    expect(holds(c("n", "lt", 18), { n: [1] })).toBe(false);
  });

  it("an unreadable operand makes the condition always false", () => {
    expect(holds(c("n", "lt", "lots"), { n: 1 })).toBe(false);
  });
});

describe("date operators", () => {
  it("compare ISO-8601 strings and epoch milliseconds in either position", () => {
    expect(holds(c("d", "before", "2026-01-01T00:00:00Z"), { d: "2025-12-31T23:59:59Z" })).toBe(true);
    expect(holds(c("d", "before", "2026-01-01T00:00:00Z"), { d: "2026-01-01T00:00:00Z" })).toBe(false);
    expect(holds(c("d", "after", "2026-01-01"), { d: Date.UTC(2026, 0, 1, 0, 0, 1) })).toBe(true);
    expect(holds(c("d", "after", Date.UTC(2026, 0, 1)), { d: "2026-01-01T00:00:00.001Z" })).toBe(true);
    expect(holds(c("d", "before", "1767225600000"), { d: "2025-12-31" })).toBe(true); // epoch digits as text
  });

  it("honours offsets and reads a time without offset as UTC", () => {
    expect(holds(c("d", "before", "2026-01-01T00:00:00Z"), { d: "2026-01-01T00:30:00+01:00" })).toBe(true);
    expect(holds(c("d", "after", "2026-01-01T00:00:00Z"), { d: "2026-01-01T00:00:01" })).toBe(true);
    expect(holds(c("d", "before", "2026-01-01T00:00:00Z"), { d: "2026-01-01T00:00:00" })).toBe(false);
  });

  it("values that are not dates make the condition false", () => {
    for (const d of ["yesterday", "2026-13-01", "2026-02-30", "01/02/2026", true, { y: 2026 }]) {
      expect(holds(c("d", "before", "2030-01-01"), { d })).toBe(false);
      expect(holds(c("d", "after", "2000-01-01"), { d })).toBe(false);
    }
  });
});

describe("semver operators", () => {
  it.each([
    ["semver_eq", "2.0.0", "v2.0.0", true], ["semver_eq", "2.0.0", "2.0.0+build.5", true],
    ["semver_gt", "2.0.0", "2.0.1", true], ["semver_gt", "2.0.0", "2.0.0", false],
    ["semver_gte", "2.0.0", "2.0.0", true], ["semver_gte", "2.0.0", "1.99.99", false],
    ["semver_lt", "2.0.0", "2.0.0-rc.1", true], ["semver_lt", "1.10.0", "1.9.0", true],
    ["semver_lte", "2.0.0", "2.0.0", true], ["semver_lte", "2.0.0", "2.0.1", false],
    ["semver_gte", "10.0.0", "9.0.0", false], ["semver_eq", "2.1.0", "2.1", true],
  ] as const)("%s %s against %s is %s", (operator, operand, attr, expected) => {
    expect(holds(c("v", operator, operand), { v: attr })).toBe(expected);
  });

  it("orders prereleases as semver.org specifies", () => {
    const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
      "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(holds(c("v", "semver_lt", ordered[i + 1]), { v: ordered[i] })).toBe(true);
      expect(holds(c("v", "semver_gt", ordered[i]), { v: ordered[i + 1] })).toBe(true);
    }
  });

  it("values that are not versions make the condition false", () => {
    for (const v of ["latest", "1.2.3.4", "01.2.3", "1.2.3-", "", true]) {
      expect(holds(c("v", "semver_gte", "0.0.0"), { v })).toBe(false);
      expect(holds(c("v", "semver_lt", "999.0.0"), { v })).toBe(false);
    }
  });
});

describe("presence and missing attributes", () => {
  it("exists holds for any present value, even empty or false; not_exists for absent or null", () => {
    expect(holds(c("a", "exists"), { a: "" })).toBe(true);
    expect(holds(c("a", "exists"), { a: false })).toBe(true);
    expect(holds(c("a", "exists"), {})).toBe(false);
    expect(holds(c("a", "not_exists"), {})).toBe(true);
    expect(holds(c("a", "not_exists"), { a: null })).toBe(true);
    expect(holds(c("a", "not_exists"), { a: 0 })).toBe(false);
  });

  it.each([
    ["equals", "x"], ["not_equals", "x"], ["in", ["x"]], ["not_in", ["x"]], ["contains", "x"], ["not_contains", "x"],
    ["starts_with", "x"], ["ends_with", "x"], ["matches", "x"], ["eq", 1], ["gt", 1], ["gte", 1], ["lt", 1], ["lte", 1],
    ["before", "2026-01-01"], ["after", "2026-01-01"], ["semver_eq", "1.0.0"], ["semver_gt", "1.0.0"],
    ["semver_gte", "1.0.0"], ["semver_lt", "1.0.0"], ["semver_lte", "1.0.0"], ["exists", undefined],
  ] as const)("a missing attribute makes %s false", (operator, operand) => {
    expect(holds(c("absent", operator, operand as ConditionDocument["value"]), { other: "x" })).toBe(false);
  });

  it("prototype members are not attributes", () => {
    expect(holds(c("constructor", "exists"), {})).toBe(false);
    expect(holds(c("toString", "not_exists"), {})).toBe(true);
  });
});

describe("attribute paths", () => {
  it("reads nested objects by dotted path", () => {
    expect(holds(c("account.plan", "equals", "pro"), { account: { plan: "pro" } })).toBe(true);
    expect(holds(c("account.owner.email", "ends_with", "@acme.test"),
      { account: { owner: { email: "a@acme.test" } } })).toBe(true);
  });

  it("prefers an exact key containing dots over the nested path", () => {
    expect(holds(c("account.plan", "equals", "flat"), { "account.plan": "flat", account: { plan: "nested" } })).toBe(true);
  });

  it("a path through a missing or non-object value is a missing attribute", () => {
    expect(holds(c("account.plan", "not_equals", "pro"), { account: "pro" })).toBe(false);
    expect(holds(c("account.plan", "not_exists"), { account: { tier: 1 } })).toBe(true);
  });

  it("the targetingKey attribute sees the bucketingKey alias", () => {
    expect(holds(c("targetingKey", "equals", "u-1"), { bucketingKey: "u-1" })).toBe(true);
  });
});

describe("condition groups", () => {
  const groupSet = (match: Parameters<typeof rule>[0]["match"]) =>
    compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "r", match })] })]));
  const eq = (attribute: string, value: string): ConditionDocument => ({ attribute, operator: "equals", value });

  it("an AND group needs every condition, an OR group any", () => {
    const and = groupSet([{ operator: "and", conditions: [eq("a", "1"), eq("b", "2")] }]);
    const or = groupSet([{ operator: "or", conditions: [eq("a", "1"), eq("b", "2")] }]);
    expect(evaluateFlag(and, "f", { a: "1", b: "2" }).reason).toBe("TARGETING_MATCH");
    expect(evaluateFlag(and, "f", { a: "1", b: "3" }).reason).toBe("DEFAULT");
    expect(evaluateFlag(or, "f", { a: "0", b: "2" }).reason).toBe("TARGETING_MATCH");
    expect(evaluateFlag(or, "f", { a: "0", b: "3" }).reason).toBe("DEFAULT");
  });

  it("groups combine with OR", () => {
    const set = groupSet([{ operator: "and", conditions: [eq("a", "1")] }, { operator: "and", conditions: [eq("b", "2")] }]);
    expect(evaluateFlag(set, "f", { b: "2" }).reason).toBe("TARGETING_MATCH");
  });

  it("an empty group matches nothing; an empty match list matches everyone", () => {
    expect(evaluateFlag(groupSet([{ operator: "and", conditions: [] }]), "f", {}).reason).toBe("DEFAULT");
    expect(evaluateFlag(groupSet([{ operator: "or", conditions: [] }]), "f", {}).reason).toBe("DEFAULT");
    expect(evaluateFlag(groupSet([]), "f", {}).reason).toBe("TARGETING_MATCH");
  });
});
