import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag } from "../../engine/index.ts";
import { flag, flagSet, META, rule } from "./fixtures.ts";

const adminRule = rule({ id: "admins", match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] });

describe("prerequisites", () => {
  const set = compileFlagSet(flagSet([
    flag({ key: "BetaUsers", rules: [adminRule] }),
    flag({ key: "new_checkout_flow", prerequisites: [{ key: "BetaUsers", variant: null }], rules: [rule({ id: "all" })] }),
  ]));

  it("a prerequisite that is on (boolean true) lets the flag evaluate its rules", () => {
    expect(evaluateFlag(set, "new_checkout_flow", { targetingKey: "u", role: "admin" })).toEqual({
      key: "new_checkout_flow", value: true, variant: "on", reason: "TARGETING_MATCH",
      metadata: { ...META, ruleId: "all", rulePriority: 0 },
    });
  });

  it("a prerequisite evaluating to false disables the flag and names the prerequisite", () => {
    expect(evaluateFlag(set, "new_checkout_flow", { targetingKey: "u", role: "viewer" })).toEqual({
      key: "new_checkout_flow", value: false, variant: "off", reason: "DISABLED",
      metadata: { ...META, failedPrerequisite: "BetaUsers" },
    });
  });

  it("a required variant must be served exactly", () => {
    const withVariant = compileFlagSet(flagSet([
      flag({ key: "plan", type: "string", variants: { free: "free", pro: "pro" }, defaultVariant: "free",
        rules: [rule({ id: "p", serve: { kind: "variant", variant: "pro" }, match: [{ operator: "and",
          conditions: [{ attribute: "paid", operator: "equals", value: "yes" }] }] })] }),
      flag({ key: "export", prerequisites: [{ key: "plan", variant: "pro" }], rules: [rule({ id: "all" })] }),
    ]));
    expect(evaluateFlag(withVariant, "export", { paid: "yes" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(evaluateFlag(withVariant, "export", { paid: "no" })).toMatchObject({
      value: false, reason: "DISABLED", metadata: { failedPrerequisite: "plan" },
    });
  });

  it("a non-boolean prerequisite without a required variant is never on", () => {
    const s = compileFlagSet(flagSet([
      flag({ key: "text", type: "string", variants: { t: "true" }, defaultVariant: "t" }),
      flag({ key: "f", prerequisites: [{ key: "text", variant: null }] }),
    ]));
    expect(evaluateFlag(s, "f", {})).toMatchObject({ reason: "DISABLED", metadata: { failedPrerequisite: "text" } });
  });

  it("a prerequisite missing from the flag set counts as not on (and compile notes it)", () => {
    const s = compileFlagSet(flagSet([flag({ key: "f", prerequisites: [{ key: "gone", variant: null }] })]));
    expect(evaluateFlag(s, "f", {})).toMatchObject({ value: false, reason: "DISABLED", metadata: { failedPrerequisite: "gone" } });
    expect(s.diagnostics).toEqual([{ code: "UNKNOWN_PREREQUISITE", flag: "f", message: 'prerequisite "gone" is not in this flag set' }]);
  });

  it("a killed, undeployed or erroring prerequisite is not on", () => {
    const s = compileFlagSet(flagSet([
      flag({ key: "killed", killed: true, defaultVariant: "on" }),
      flag({ key: "hidden", deployed: false, defaultVariant: "on" }),
      flag({ key: "erroring", rules: [rule({ id: "r", serve: { kind: "rollout", variant: "on", percentage: 100 } })] }),
      flag({ key: "a", prerequisites: [{ key: "killed", variant: null }] }),
      flag({ key: "b", prerequisites: [{ key: "hidden", variant: null }] }),
      flag({ key: "c", prerequisites: [{ key: "erroring", variant: null }] }),
    ]));
    expect(evaluateFlag(s, "a", {}).metadata.failedPrerequisite).toBe("killed");
    expect(evaluateFlag(s, "b", {}).metadata.failedPrerequisite).toBe("hidden");
    expect(evaluateFlag(s, "c", {}).metadata.failedPrerequisite).toBe("erroring");
  });

  it("prerequisites chain: the first failing one is named", () => {
    const s = compileFlagSet(flagSet([
      flag({ key: "root", rules: [adminRule] }),
      flag({ key: "mid", prerequisites: [{ key: "root", variant: null }], rules: [rule({ id: "m" })] }),
      flag({ key: "leaf", prerequisites: [{ key: "mid", variant: null }], rules: [rule({ id: "l" })] }),
    ]));
    expect(evaluateFlag(s, "leaf", { role: "admin" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(evaluateFlag(s, "leaf", { role: "x" })).toMatchObject({ reason: "DISABLED", metadata: { failedPrerequisite: "mid" } });
  });

  it("a cycle at run time is treated as not on instead of recursing forever", () => {
    const s = compileFlagSet(flagSet([
      flag({ key: "a", prerequisites: [{ key: "b", variant: null }], defaultVariant: "on" }),
      flag({ key: "b", prerequisites: [{ key: "a", variant: null }], defaultVariant: "on" }),
      flag({ key: "self", prerequisites: [{ key: "self", variant: null }], defaultVariant: "on" }),
    ]));
    expect(evaluateFlag(s, "a", {})).toMatchObject({ value: false, reason: "DISABLED", metadata: { failedPrerequisite: "b" } });
    expect(evaluateFlag(s, "b", {})).toMatchObject({ value: false, reason: "DISABLED", metadata: { failedPrerequisite: "a" } });
    expect(evaluateFlag(s, "self", {})).toMatchObject({ value: false, reason: "DISABLED", metadata: { failedPrerequisite: "self" } });
    expect(evaluateAll(s, {}).map((r) => r.reason)).toEqual(["DISABLED", "DISABLED", "DISABLED"]);
  });

  it("is evaluated once per call: evaluateAll reuses the prerequisite's own result", () => {
    const s = compileFlagSet(flagSet([
      flag({ key: "gate", rules: [adminRule] }),
      flag({ key: "x", prerequisites: [{ key: "gate", variant: null }], rules: [rule({ id: "x" })] }),
      flag({ key: "y", prerequisites: [{ key: "gate", variant: null }], rules: [rule({ id: "y" })] }),
    ]));
    const [gate, x, y] = evaluateAll(s, { role: "admin" });
    expect([gate!.value, x!.value, y!.value]).toEqual([true, true, true]);
  });

  it("memoised results never leak between calls with different contexts", () => {
    expect(evaluateFlag(set, "new_checkout_flow", { role: "admin" }).value).toBe(true);
    expect(evaluateFlag(set, "new_checkout_flow", { role: "viewer" }).value).toBe(false);
    expect(evaluateFlag(set, "new_checkout_flow", { role: "admin" }).value).toBe(true);
  });
});
