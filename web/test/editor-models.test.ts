// The condition builder's and split editor's models: what they send to the API and what they refuse.
import { describe, expect, test } from "vitest";
import { conditionProblem, fromConditionValue, OPERATOR_NAMES, toConditionInput, withOperator } from "../app/lib/conditions";
import { describeServe, distributeEvenly, formatPercent, parseRollout, splitProblem, totalWeight } from "../app/lib/splits";

describe("condition builder model", () => {
  test("offers exactly the engine's 25 operators", () => {
    expect(OPERATOR_NAMES.sort()).toEqual([
      "after", "before", "contains", "ends_with", "eq", "equals", "exists", "gt", "gte", "in", "in_segment", "lt", "lte",
      "matches", "not_contains", "not_equals", "not_exists", "not_in", "not_in_segment", "semver_eq", "semver_gt",
      "semver_gte", "semver_lt", "semver_lte", "starts_with",
    ]);
  });
  test("sends each operator's value in its type", () => {
    expect(toConditionInput({ attribute: "plan", operator: "in", value: "pro, team ,", caseInsensitive: true }))
      .toEqual({ attribute: "plan", operator: "in", value: ["pro", "team"], caseInsensitive: true });
    expect(toConditionInput({ attribute: "age", operator: "gte", value: "18", caseInsensitive: true })).toEqual({ attribute: "age", operator: "gte", value: 18 });
    expect(toConditionInput({ attribute: "at", operator: "before", value: "2026-12-24T10:00Z", caseInsensitive: false }))
      .toEqual({ attribute: "at", operator: "before", value: "2026-12-24T10:00:00.000Z" });
    expect(toConditionInput({ attribute: "email", operator: "exists", value: "x", caseInsensitive: false })).toEqual({ attribute: "email", operator: "exists" });
    expect(toConditionInput({ attribute: "key", operator: "in_segment", value: "beta_testers", caseInsensitive: false }))
      .toEqual({ attribute: "key", operator: "in_segment", value: ["beta_testers"] });
  });
  test("refuses values that do not fit the operator", () => {
    expect(conditionProblem({ attribute: "", operator: "equals", value: "a", caseInsensitive: false })).toBe("Name the context attribute.");
    expect(conditionProblem({ attribute: "v", operator: "semver_gt", value: "2.1", caseInsensitive: false })).toBe("Enter a version like 2.1.0.");
    expect(conditionProblem({ attribute: "v", operator: "semver_gt", value: "v2.1.0", caseInsensitive: false })).toBeNull();
    expect(conditionProblem({ attribute: "n", operator: "lt", value: "ten", caseInsensitive: false })).toBe("Enter a number.");
    expect(conditionProblem({ attribute: "s", operator: "matches", value: "(", caseInsensitive: false })).toBe("This pattern is not a valid regular expression.");
    expect(conditionProblem({ attribute: "s", operator: "not_exists", value: "", caseInsensitive: false })).toBeNull();
  });
  test("keeps the value across operators of the same input kind only", () => {
    const draft = { attribute: "a", operator: "equals" as const, value: "x", caseInsensitive: true };
    expect(withOperator(draft, "contains")).toEqual({ ...draft, operator: "contains" });
    expect(withOperator(draft, "gt")).toEqual({ attribute: "a", operator: "gt", value: "", caseInsensitive: false });
  });
  test("reads the API's conditions back into the editor", () => {
    expect(fromConditionValue({ attribute: "plan", operator: "not_in", value: ["a", "b"], caseInsensitive: null }))
      .toEqual({ attribute: "plan", operator: "not_in", value: "a, b", caseInsensitive: false });
  });
});

describe("split editor model", () => {
  test("distributes 100% evenly to the thousandth, remainder first", () => {
    expect(distributeEvenly(["a", "b", "c"])).toEqual([{ variant: "a", weight: 33334 }, { variant: "b", weight: 33333 }, { variant: "c", weight: 33333 }]);
    expect(totalWeight(distributeEvenly(["a", "b", "c", "d", "e", "f", "g"]))).toBe(100000);
  });
  test("requires shares summing to exactly 100%", () => {
    expect(splitProblem([{ variant: "a", weight: 50000 }, { variant: "b", weight: 49999 }])).toBe("The shares sum to 99.999%; they must sum to 100%.");
    expect(splitProblem([{ variant: "a", weight: 50000 }, { variant: "b", weight: 50000 }])).toBeNull();
    expect(splitProblem([{ variant: "a", weight: 100000 }])).toBe("A split needs at least two variants.");
    expect(splitProblem([{ variant: "a", weight: 50000 }, { variant: "a", weight: 50000 }])).toBe("Each variant may appear once.");
  });
  test("rollouts go to 0.001%", () => {
    expect(parseRollout("12.3456")).toBe(12.346);
    expect(parseRollout("0.001")).toBe(0.001);
    expect(parseRollout("100.5")).toBeNull();
    expect(formatPercent(12345)).toBe("12.345%");
  });
});

describe("a rule's serve in words", () => {
  test("names the variant, the rollout's share and a split's shares; never JSON", () => {
    expect(describeServe({ kind: "variant", variant: "on" })).toBe("serves on");
    expect(describeServe({ kind: "rollout", variant: "on", percentage: 12.5 })).toBe("12.5% get on");
    expect(describeServe({ kind: "split", allocations: [{ variant: "a", weight: 70000 }, { variant: "b", weight: 30000 }] })).toBe("split a 70% · b 30%");
  });
});
