import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag } from "../../engine/index.ts";
import { flag, flagSet, META, rule } from "./fixtures.ts";

const STRING_VARIANTS = { control: "Buy now", treatment: "Complete purchase", dark: "Off" };

describe("order of evaluation", () => {
  it("1. a key not in the flag set is FLAG_NOT_FOUND with no value", () => {
    const set = compileFlagSet(flagSet([flag({ key: "a" })]));
    expect(evaluateFlag(set, "missing", { targetingKey: "u" })).toEqual({
      key: "missing",
      value: undefined,
      variant: undefined,
      reason: "ERROR",
      errorCode: "FLAG_NOT_FOUND",
      errorDetails: "flag missing is not in environment production",
      metadata: META,
    });
  });

  it("2. an active kill switch serves the off value with DISABLED, before deployment and rules", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "k", killed: true, deployed: false, rules: [rule({ id: "r1" })] }),
    ]));
    expect(evaluateFlag(set, "k", { targetingKey: "u" })).toEqual({
      key: "k", value: false, variant: "off", reason: "DISABLED", metadata: META,
    });
  });

  it("3. a flag not deployed in this environment serves the off value with DISABLED", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "s", type: "string", variants: STRING_VARIANTS, offVariant: "dark", defaultVariant: "control",
        deployed: false, rules: [rule({ id: "r1", serve: { kind: "variant", variant: "treatment" } })] }),
    ]));
    expect(evaluateFlag(set, "s", { targetingKey: "u" })).toEqual({
      key: "s", value: "Off", variant: "dark", reason: "DISABLED", metadata: META,
    });
  });

  it("4. a prerequisite that is not on serves the off value, DISABLED, naming the prerequisite", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "parent", defaultVariant: "off" }),
      flag({ key: "child", prerequisites: [{ key: "parent", variant: null }], rules: [rule({ id: "r1" })] }),
    ]));
    expect(evaluateFlag(set, "child", { targetingKey: "u" })).toEqual({
      key: "child", value: false, variant: "off", reason: "DISABLED",
      metadata: { ...META, failedPrerequisite: "parent" },
    });
  });

  it("5. the first matching rule by priority serves its variant with TARGETING_MATCH and names the rule", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "f", rules: [rule({ id: "r-admin", priority: 3, match: [{ operator: "and",
        conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] })] }),
    ]));
    expect(evaluateFlag(set, "f", { targetingKey: "u", role: "admin" })).toEqual({
      key: "f", value: true, variant: "on", reason: "TARGETING_MATCH",
      metadata: { ...META, ruleId: "r-admin", rulePriority: 3 },
    });
  });

  it("6. no rule matching serves the default variant with DEFAULT", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "f", type: "string", variants: STRING_VARIANTS, defaultVariant: "control",
        rules: [rule({ id: "r1", serve: { kind: "variant", variant: "treatment" }, match: [{ operator: "and",
          conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] })] }),
    ]));
    expect(evaluateFlag(set, "f", { targetingKey: "u", role: "viewer" })).toEqual({
      key: "f", value: "Buy now", variant: "control", reason: "DEFAULT", metadata: META,
    });
  });

  it("6. a flag with no rules at all serves the default variant with STATIC", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "f", type: "number", variants: { small: 10, big: 100 }, defaultVariant: "big" }),
    ]));
    expect(evaluateFlag(set, "f", {})).toEqual({ key: "f", value: 100, variant: "big", reason: "STATIC", metadata: META });
  });

  it("a killed flag stays DISABLED even when its prerequisites would fail and a rule would match", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "f", killed: true, prerequisites: [{ key: "nope", variant: null }], rules: [rule({ id: "r" })] }),
    ]));
    const r = evaluateFlag(set, "f", { targetingKey: "u" });
    expect(r.reason).toBe("DISABLED");
    expect(r.metadata).toEqual(META);
  });
});

describe("off values per type", () => {
  it("boolean: false, naming the synthesized off variant", () => {
    const set = compileFlagSet(flagSet([flag({ key: "b", killed: true })]));
    expect(evaluateFlag(set, "b", {})).toMatchObject({ value: false, variant: "off" });
  });

  it("boolean with its own variants and no off variant: false, naming the variant that holds false", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "b", variants: { enabled: true, disabled: false }, defaultVariant: "enabled", killed: true }),
    ]));
    expect(evaluateFlag(set, "b", {})).toMatchObject({ value: false, variant: "disabled" });
  });

  it("boolean with an explicit off variant serves that variant", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "b", variants: { yes: true, no: false }, offVariant: "yes", defaultVariant: "no", deployed: false }),
    ]));
    expect(evaluateFlag(set, "b", {})).toMatchObject({ value: true, variant: "yes", reason: "DISABLED" });
  });

  it("string, number and json without an off variant: no value and no variant", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "s", type: "string", variants: { a: "A" }, defaultVariant: "a", killed: true }),
      flag({ key: "n", type: "number", variants: { a: 1 }, defaultVariant: "a", killed: true }),
      flag({ key: "j", type: "json", variants: { a: { x: 1 } }, defaultVariant: "a", killed: true }),
    ]));
    for (const key of ["s", "n", "j"]) {
      expect(evaluateFlag(set, key, {})).toEqual({ key, value: undefined, variant: undefined, reason: "DISABLED", metadata: META });
    }
  });

  it("number and json with an off variant serve its value", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "n", type: "number", variants: { zero: 0, ten: 10 }, offVariant: "zero", defaultVariant: "ten", killed: true }),
      flag({ key: "j", type: "json", variants: { none: { hero: "none" }, full: { hero: "video" } }, offVariant: "none",
        defaultVariant: "full", killed: true }),
    ]));
    expect(evaluateFlag(set, "n", {})).toMatchObject({ value: 0, variant: "zero" });
    expect(evaluateFlag(set, "j", {})).toMatchObject({ value: { hero: "none" }, variant: "none" });
  });

  it("a flag without a default variant serves its off value with DEFAULT when no rule wins", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "s", type: "string", variants: { a: "A" }, defaultVariant: null, rules: [rule({ id: "r",
        serve: { kind: "variant", variant: "a" }, match: [{ operator: "and", conditions: [{ attribute: "x", operator: "exists" }] }] })] }),
    ]));
    expect(evaluateFlag(set, "s", {})).toEqual({ key: "s", value: undefined, variant: undefined, reason: "DEFAULT", metadata: META });
  });
});

describe("results", () => {
  it("json values are shared frozen copies, so a caller cannot change the snapshot", () => {
    const value = { hero: "video", columns: 3 };
    const set = compileFlagSet(flagSet([flag({ key: "j", type: "json", variants: { m: value }, defaultVariant: "m" })]));
    value.columns = 4;
    const r = evaluateFlag(set, "j", {});
    expect(r.value).toEqual({ hero: "video", columns: 3 });
    expect(Object.isFrozen(r.value)).toBe(true);
  });

  it("evaluateAll returns every flag in document order, including disabled and erroring ones", () => {
    const set = compileFlagSet(flagSet([
      flag({ key: "z", killed: true }),
      flag({ key: "a", rules: [rule({ id: "r", serve: { kind: "rollout", variant: "on", percentage: 100 } })] }),
      flag({ key: "m" }),
    ]));
    const results = evaluateAll(set, {});
    expect(results.map((r) => [r.key, r.reason, r.errorCode])).toEqual([
      ["z", "DISABLED", undefined],
      ["a", "ERROR", "TARGETING_KEY_MISSING"],
      ["m", "STATIC", undefined],
    ]);
    expect(set.flagKeys).toEqual(["z", "a", "m"]);
  });

  it("the compiled set exposes the document's version and environment", () => {
    const set = compileFlagSet(flagSet([], [], 42));
    expect(set.version).toBe(42);
    expect(set.environment.key).toBe("production");
    expect(evaluateAll(set, {})).toEqual([]);
  });
});
