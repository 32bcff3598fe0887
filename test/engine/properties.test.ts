import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import type { RuleDocument } from "../../engine/index.ts";
import { ENVIRONMENT, flag, flagSet, rule } from "./fixtures.ts";

const VARIANTS = { a: "A", b: "B", c: "C", d: "D" };
const splitSet = (allocations: { variant: string; weight: number }[], salt = "exp") =>
  compileFlagSet(flagSet([flag({ key: "exp", salt, type: "string", variants: VARIANTS, defaultVariant: "d",
    rules: [rule({ id: "s", serve: { kind: "split", allocations } })] })]));
const rolloutSet = (percentage: number, key = "roll") =>
  compileFlagSet(flagSet([flag({ key, rules: [rule({ id: "r", serve: { kind: "rollout", variant: "on", percentage } })] })]));

const contexts = fc.record({
  targetingKey: fc.string({ minLength: 1 }),
  role: fc.constantFrom("admin", "viewer", "editor"),
  age: fc.integer({ min: 0, max: 120 }),
});

describe("properties", () => {
  it("evaluation is deterministic: same set and context, same result", () => {
    const doc = flagSet([flag({ key: "f", type: "string", variants: VARIANTS, defaultVariant: "d", rules: [
      rule({ id: "admins", priority: 1, serve: { kind: "variant", variant: "a" },
        match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] }),
      rule({ id: "split", priority: 2, serve: { kind: "split", allocations: [{ variant: "b", weight: 30_000 }, { variant: "c", weight: 30_000 }] } }),
    ] })]);
    const set = compileFlagSet(doc);
    // A second compilation of the same document evaluates identically (no hidden per-set state).
    const twin = compileFlagSet(structuredClone(doc));
    fc.assert(fc.property(contexts, (ctx) => {
      const first = evaluateFlag(set, "f", ctx);
      expect(evaluateFlag(set, "f", { ...ctx })).toEqual(first);
      expect(evaluateFlag(twin, "f", ctx)).toEqual(first);
    }), { numRuns: 2000 });
  });

  it("raising a rollout only adds users", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), fc.array(fc.string({ minLength: 1 }), { minLength: 50, maxLength: 50 }),
      (x, y, keys) => {
        const [low, high] = [Math.min(x, y) / 1000, Math.max(x, y) / 1000];
        const lowSet = rolloutSet(low);
        const highSet = rolloutSet(high);
        for (const targetingKey of keys) {
          if (evaluateFlag(lowSet, "roll", { targetingKey }).value === true) {
            expect(evaluateFlag(highSet, "roll", { targetingKey }).value).toBe(true);
          }
        }
      }), { numRuns: 300 });
  });

  it("a user gets the same bucket in every environment and every rule of a feature", () => {
    const rules = (extraCondition: boolean): RuleDocument[] => [
      rule({ id: "beta", priority: 1, serve: { kind: "rollout", variant: "on", percentage: 37.5 },
        match: extraCondition ? [{ operator: "and", conditions: [{ attribute: "beta", operator: "exists" }] }] : [] }),
      rule({ id: "all", priority: 2, serve: { kind: "rollout", variant: "on", percentage: 37.5 } }),
    ];
    const production = compileFlagSet(flagSet([flag({ key: "feat", rules: rules(true) })]));
    const stagingDoc = flagSet([flag({ key: "feat", rules: rules(false) })], [], 99);
    stagingDoc.environment = { ...ENVIRONMENT, id: "e2", key: "staging", name: "Staging", type: "staging" };
    const staging = compileFlagSet(stagingDoc);
    fc.assert(fc.property(fc.string({ minLength: 1 }), (targetingKey) => {
      const viaBeta = evaluateFlag(production, "feat", { targetingKey, beta: 1 });
      const viaAll = evaluateFlag(production, "feat", { targetingKey });
      const inStaging = evaluateFlag(staging, "feat", { targetingKey });
      // The beta rule and the everyone rule bucket identically, so a user inside one is inside the other.
      expect(viaBeta.value).toBe(viaAll.value);
      expect(inStaging.value).toBe(viaAll.value);
    }), { numRuns: 3000 });
  });

  it("a renamed feature keeps its buckets because the salt stays", () => {
    const before = compileFlagSet(flagSet([flag({ key: "old", salt: "old", rules: [rule({ id: "r", serve: { kind: "rollout", variant: "on", percentage: 50 } })] })]));
    const after = compileFlagSet(flagSet([flag({ key: "new", salt: "old", rules: [rule({ id: "r", serve: { kind: "rollout", variant: "on", percentage: 50 } })] })]));
    fc.assert(fc.property(fc.string({ minLength: 1 }), (targetingKey) => {
      expect(evaluateFlag(after, "new", { targetingKey }).value).toBe(evaluateFlag(before, "old", { targetingKey }).value);
    }));
  });

  function proportions(allocations: { variant: string; weight: number }[], n = 100_000): Record<string, number> {
    const set = splitSet(allocations);
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const v = evaluateFlag(set, "exp", { targetingKey: `user-${i}` }).variant!;
      counts[v] = (counts[v] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, c / n]));
  }

  it("a 50/50 split lands within ±1% of each half over 100,000 keys", () => {
    const p = proportions([{ variant: "a", weight: 50_000 }, { variant: "b", weight: 50_000 }]);
    expect(Object.keys(p).sort()).toEqual(["a", "b"]);
    expect(Math.abs(p.a! - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(p.b! - 0.5)).toBeLessThan(0.01);
  });

  it("a 20/30/50 split lands within ±1% of each share over 100,000 keys", () => {
    const p = proportions([{ variant: "a", weight: 20_000 }, { variant: "b", weight: 30_000 }, { variant: "c", weight: 50_000 }]);
    expect(Math.abs(p.a! - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(p.b! - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(p.c! - 0.5)).toBeLessThan(0.01);
  });

  it("a 10% allocation leaves 90% to fall through to the default", () => {
    const p = proportions([{ variant: "a", weight: 10_000 }], 50_000);
    expect(Math.abs(p.a! - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(p.d! - 0.9)).toBeLessThan(0.01);
  });
});
