// The approvals inbox says what each request asks for in words (web/app/lib/request-change.ts),
// from the payload shapes the API stores for each kind of request.
import { describe, expect, it } from "vitest";
import { describeRequestedChange } from "../app/lib/request-change";

describe("describeRequestedChange: what a request asks for, in words", () => {
  const names = { "env-dev": "Development", "env-prod": "Production" };

  it("says what a stage request does in its environment", () => {
    expect(describeRequestedChange("deploy", { stageId: "s", previousStatus: "not_deployed" }, "Production", names))
      .toEqual({ summary: "Deploy the flag to Production.", rules: [], raw: null });
    expect(describeRequestedChange("rollback", { stageId: "s", previousStatus: "deployed" }, "Production", names).summary)
      .toBe("Roll the flag back in Production.");
  });

  it("names the version and the environments a version rollback restores", () => {
    expect(describeRequestedChange("version_rollback", { version: 3, environmentIds: ["env-dev", "env-prod"] }, "Development", names).summary)
      .toBe("Restore version 3 of the flag in Development and Production.");
  });

  it("lists a rules change's rules in order: conditions, groups, case, disabled rules and what each serves", () => {
    const rules = [
      { name: "Germany", match: [{ operator: "and", conditions: [{ attribute: "country", operator: "equals", value: "DE", caseInsensitive: true }] }], serve: { kind: "variant", variant: "order" } },
      { match: [
        { operator: "and", conditions: [{ attribute: "plan", operator: "in", value: ["pro", "team"] }, { attribute: "email", operator: "exists" }] },
        { operator: "or", conditions: [{ attribute: "targetingKey", operator: "in_segment", value: ["beta"] }] },
      ], serve: { kind: "rollout", variant: "on", percentage: 12.5 } },
      { name: "Experiment", enabled: false, match: [], serve: { kind: "split", allocations: [{ variant: "a", weight: 70_000 }, { variant: "b", weight: 30_000 }] } },
    ];
    expect(describeRequestedChange("rules_change", { stageId: "s", rules }, "Production", names)).toEqual({
      summary: "Replace the rules in Production with 3 rules, in this order:",
      rules: [
        "Germany: if country equals DE (any case) → serves order",
        "Rule 2: if (plan is one of pro, team and email is present) or targetingKey is in segment beta → 12.5% get on",
        "Experiment (disabled): everyone → split a 70% · b 30%",
      ],
      raw: null,
    });
    expect(describeRequestedChange("rules_change", { stageId: "s", rules: [] }, "Production", names).summary)
      .toBe("Remove every rule in Production: everyone gets the default.");
  });

  it("shows a payload it does not know as JSON", () => {
    expect(describeRequestedChange("something_new", { a: 1 }, "Production", names))
      .toEqual({ summary: "something new in Production.", rules: [], raw: '{\n  "a": 1\n}' });
  });
});
