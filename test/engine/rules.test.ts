import { describe, expect, it } from "vitest";
import { bucketOf, compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import type { RuleDocument } from "../../engine/index.ts";
import { flag, flagSet, keyWithBucket, META, rule } from "./fixtures.ts";

const VARIANTS = { a: "A", b: "B", c: "C", d: "D" };
const stringFlag = (rules: RuleDocument[]) =>
  compileFlagSet(flagSet([flag({ key: "f", type: "string", variants: VARIANTS, defaultVariant: "d", rules })]));
const serve = (variant: string) => ({ kind: "variant" as const, variant });

describe("rule priority", () => {
  it("evaluates lower priorities first, whatever the array order", () => {
    const set = stringFlag([rule({ id: "late", priority: 20, serve: serve("b") }), rule({ id: "early", priority: 10, serve: serve("a") })]);
    expect(evaluateFlag(set, "f", {})).toEqual({
      key: "f", value: "A", variant: "a", reason: "TARGETING_MATCH", metadata: { ...META, ruleId: "early", rulePriority: 10 },
    });
  });

  it("breaks ties by position in the array, never by id", () => {
    const set = stringFlag([rule({ id: "zzz", priority: 5, serve: serve("b") }), rule({ id: "aaa", priority: 5, serve: serve("a") })]);
    expect(evaluateFlag(set, "f", {}).variant).toBe("b");
    const swapped = stringFlag([rule({ id: "aaa", priority: 5, serve: serve("a") }), rule({ id: "zzz", priority: 5, serve: serve("b") })]);
    expect(evaluateFlag(swapped, "f", {}).variant).toBe("a");
  });

  it("skips rules whose conditions fail and serves the next match", () => {
    const set = stringFlag([
      rule({ id: "admins", priority: 1, serve: serve("a"), match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] }),
      rule({ id: "everyone", priority: 2, serve: serve("c") }),
    ]);
    expect(evaluateFlag(set, "f", { role: "viewer" })).toMatchObject({ variant: "c", metadata: { ruleId: "everyone" } });
    expect(evaluateFlag(set, "f", { role: "admin" })).toMatchObject({ variant: "a", metadata: { ruleId: "admins" } });
  });
});

describe("rollouts", () => {
  const rollout = (percentage: number, extra: Partial<RuleDocument> = {}) =>
    stringFlag([rule({ id: "roll", priority: 1, serve: { kind: "rollout", variant: "a", percentage }, ...extra }),
      rule({ id: "rest", priority: 2, serve: serve("c") })]);

  it("serves users with bucket < p * 1000, reason SPLIT", () => {
    const inside = keyWithBucket("f", (b) => b === 24_999);
    const set = rollout(25);
    expect(evaluateFlag(set, "f", { targetingKey: inside })).toEqual({
      key: "f", value: "A", variant: "a", reason: "SPLIT", metadata: { ...META, ruleId: "roll", rulePriority: 1 },
    });
  });

  it("a user at or above the threshold does not match and evaluation continues with the next rule", () => {
    const edge = keyWithBucket("f", (b) => b === 25_000);
    expect(evaluateFlag(rollout(25), "f", { targetingKey: edge })).toMatchObject({ variant: "c", reason: "TARGETING_MATCH",
      metadata: { ruleId: "rest" } });
  });

  it("supports three decimals: 0.001% is exactly bucket 0", () => {
    const zero = keyWithBucket("f", (b) => b === 0);
    const one = keyWithBucket("f", (b) => b === 1);
    expect(evaluateFlag(rollout(0.001), "f", { targetingKey: zero }).variant).toBe("a");
    expect(evaluateFlag(rollout(0.001), "f", { targetingKey: one }).variant).toBe("c");
  });

  it("0% serves nobody and 100% everybody", () => {
    const any = keyWithBucket("f", (b) => b > 99_000);
    expect(evaluateFlag(rollout(0), "f", { targetingKey: "u" }).variant).toBe("c");
    expect(evaluateFlag(rollout(100), "f", { targetingKey: any }).variant).toBe("a");
  });

  it("a rollout whose conditions fail never needs a bucket", () => {
    const set = rollout(50, { match: [{ operator: "and", conditions: [{ attribute: "beta", operator: "exists" }] }] });
    expect(evaluateFlag(set, "f", {})).toMatchObject({ variant: "c", reason: "TARGETING_MATCH" });
  });
});

describe("weighted splits", () => {
  const split = stringFlag([
    rule({ id: "split", priority: 1, serve: { kind: "split", allocations: [{ variant: "a", weight: 20_000 }, { variant: "b", weight: 30_000 }] } }),
    rule({ id: "rest", priority: 2, serve: serve("c") }),
  ]);

  it("allocates contiguous ranges in allocation order", () => {
    const cases: [number, string][] = [[0, "a"], [19_999, "a"], [20_000, "b"], [49_999, "b"]];
    for (const [bucket, variant] of cases) {
      const key = keyWithBucket("f", (b) => b === bucket);
      expect(evaluateFlag(split, "f", { targetingKey: key })).toMatchObject({ variant, reason: "SPLIT", metadata: { ruleId: "split" } });
    }
  });

  it("the unallocated remainder falls through to the next rule", () => {
    for (const bucket of [50_000, 99_999]) {
      const key = keyWithBucket("f", (b) => b === bucket);
      expect(evaluateFlag(split, "f", { targetingKey: key })).toMatchObject({ variant: "c", reason: "TARGETING_MATCH" });
    }
  });

  it("the remainder with no later rule serves the default", () => {
    const only = stringFlag([rule({ id: "s", serve: { kind: "split", allocations: [{ variant: "a", weight: 10 }] } })]);
    const key = keyWithBucket("f", (b) => b >= 10);
    expect(evaluateFlag(only, "f", { targetingKey: key })).toMatchObject({ variant: "d", reason: "DEFAULT" });
  });

  it("zero-weight allocations never serve", () => {
    const set = stringFlag([rule({ id: "s", serve: { kind: "split", allocations: [{ variant: "a", weight: 0 }, { variant: "b", weight: 100_000 }] } })]);
    const key = keyWithBucket("f", (b) => b === 0);
    expect(evaluateFlag(set, "f", { targetingKey: key }).variant).toBe("b");
  });
});

describe("bucketing values", () => {
  const rollout50 = (bucketBy?: string) => stringFlag([
    rule({ id: "roll", priority: 3, serve: { kind: "rollout", variant: "a", percentage: 50, ...(bucketBy ? { bucketBy } : {}) } }),
  ]);

  it("a rule needing a bucket without a targeting key is an error TARGETING_KEY_MISSING", () => {
    expect(evaluateFlag(rollout50(), "f", { plan: "pro" })).toEqual({
      key: "f", value: undefined, variant: undefined, reason: "ERROR", errorCode: "TARGETING_KEY_MISSING",
      errorDetails: "rule roll needs a bucket but the targetingKey is missing or empty",
      metadata: { ...META, ruleId: "roll", rulePriority: 3 },
    });
  });

  it("an empty targeting key counts as missing", () => {
    expect(evaluateFlag(rollout50(), "f", { targetingKey: "" })).toMatchObject({ reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
  });

  it("bucketingKey is accepted as the targeting key", () => {
    const key = keyWithBucket("f", (b) => b < 50_000);
    expect(evaluateFlag(rollout50(), "f", { bucketingKey: key })).toMatchObject({ variant: "a", reason: "SPLIT" });
  });

  it("bucketBy hashes the named attribute instead, so a whole account moves together", () => {
    const account = keyWithBucket("f", (b) => b < 50_000, "acct-");
    const set = rollout50("account.id");
    for (const user of ["u1", "u2", "u3", "u4"]) {
      expect(evaluateFlag(set, "f", { targetingKey: user, account: { id: account } })).toMatchObject({ variant: "a", reason: "SPLIT" });
    }
    expect(bucketOf("f", account)).toBeLessThan(50_000);
  });

  it("a numeric bucketBy attribute hashes its decimal text", () => {
    const n = Array.from({ length: 1000 }, (_, i) => i).find((i) => bucketOf("f", String(i)) >= 50_000)!;
    expect(evaluateFlag(rollout50("accountId"), "f", { accountId: n }).variant).toBe("d");
    expect(evaluateFlag(rollout50("accountId"), "f", { accountId: String(n) }).variant).toBe("d");
  });

  it("a missing bucketBy attribute is TARGETING_KEY_MISSING even when a targeting key is present", () => {
    expect(evaluateFlag(rollout50("accountId"), "f", { targetingKey: "u1" })).toMatchObject({
      reason: "ERROR", errorCode: "TARGETING_KEY_MISSING",
      errorDetails: "rule roll needs a bucket but the attribute accountId is missing or empty",
    });
  });

  it("a rule serving one variant never needs a targeting key", () => {
    expect(evaluateFlag(stringFlag([rule({ id: "r", serve: serve("b") })]), "f", {})).toMatchObject({ variant: "b", reason: "TARGETING_MATCH" });
  });
});

describe("serves naming unknown variants", () => {
  it("the rule never matches and compile records a diagnostic", () => {
    const set = stringFlag([
      rule({ id: "bad", priority: 1, serve: serve("nope") }),
      rule({ id: "badsplit", priority: 2, serve: { kind: "split", allocations: [{ variant: "a", weight: 50_000 }, { variant: "zz", weight: 50_000 }] } }),
      rule({ id: "good", priority: 3, serve: serve("b") }),
    ]);
    expect(evaluateFlag(set, "f", { targetingKey: "u" })).toMatchObject({ variant: "b", metadata: { ruleId: "good" } });
    expect(set.diagnostics).toEqual([
      { code: "UNKNOWN_VARIANT", flag: "f", rule: "bad", message: 'serve names unknown variant "nope"' },
      { code: "UNKNOWN_VARIANT", flag: "f", rule: "badsplit", message: 'split names unknown variant "zz"' },
    ]);
  });
});
