// Results are built once at compile time and shared between evaluations (and so between
// requests): they are frozen, metadata included, and consumers copy rather than mutate. A
// consumer that wrote into a result would throw here (modules are strict) instead of leaking its
// change to the next caller.
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag } from "../../engine/index.ts";
import type { EvaluationResult } from "../../engine/index.ts";
import { fluxgateResult, ofrepFlag } from "../../workers/evaluation/data/result-shapes.ts";
import { flag, flagSet, keyWithBucket, META, rule } from "./fixtures.ts";

const set = compileFlagSet(flagSet([
  flag({ key: "targeted", rules: [rule({ id: "admins", match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] })] }),
  flag({ key: "rollout", rules: [rule({ id: "half", serve: { kind: "rollout", variant: "on", percentage: 50 } })] }),
  flag({ key: "split", type: "json", variants: { a: { hero: "banner", columns: [1, 2] }, b: { hero: "video" } }, defaultVariant: "a",
    rules: [rule({ id: "ab", serve: { kind: "split", allocations: [{ variant: "a", weight: 50_000 }, { variant: "b", weight: 50_000 }] } })] }),
  flag({ key: "static" }),
  flag({ key: "killed", killed: true }),
  flag({ key: "gated", defaultVariant: "on", prerequisites: [{ key: "targeted", variant: null }] }),
]));

const inRollout = keyWithBucket("rollout", (b) => b < 50_000);
const inSplitA = keyWithBucket("split", (b) => b < 50_000);

const cases: [string, () => EvaluationResult, string][] = [
  ["TARGETING_MATCH", () => evaluateFlag(set, "targeted", { targetingKey: "u", role: "admin" }), "TARGETING_MATCH"],
  ["DEFAULT", () => evaluateFlag(set, "targeted", { targetingKey: "u" }), "DEFAULT"],
  ["SPLIT of a rollout", () => evaluateFlag(set, "rollout", { targetingKey: inRollout }), "SPLIT"],
  ["SPLIT of a weighted split", () => evaluateFlag(set, "split", { targetingKey: inSplitA }), "SPLIT"],
  ["STATIC", () => evaluateFlag(set, "static", {}), "STATIC"],
  ["DISABLED (kill switch)", () => evaluateFlag(set, "killed", {}), "DISABLED"],
  ["DISABLED (failed prerequisite)", () => evaluateFlag(set, "gated", { targetingKey: "u" }), "DISABLED"],
  ["TARGETING_KEY_MISSING", () => evaluateFlag(set, "rollout", {}), "ERROR"],
  ["FLAG_NOT_FOUND", () => evaluateFlag(set, "nope", {}), "ERROR"],
  ["INVALID_CONTEXT", () => evaluateFlag(set, "static", { targetingKey: 5 }), "ERROR"],
];

describe("engine results are frozen", () => {
  for (const [name, evaluate, reason] of cases) {
    it(`${name}: the result and its metadata are frozen`, () => {
      const r = evaluate();
      expect(r.reason).toBe(reason);
      expect(Object.isFrozen(r)).toBe(true);
      expect(Object.isFrozen(r.metadata)).toBe(true);
      expect(() => { (r.metadata as Record<string, unknown>).stale = true; }).toThrowError(TypeError);
      expect(() => { (r as { value: unknown }).value = "changed"; }).toThrowError(TypeError);
      expect(evaluate().metadata).not.toHaveProperty("stale");
    });
  }

  it("JSON variant values are deeply frozen", () => {
    const r = evaluateFlag(set, "split", { targetingKey: inSplitA });
    expect(r.value).toEqual({ hero: "banner", columns: [1, 2] });
    const value = r.value as { hero: string; columns: number[] };
    expect(Object.isFrozen(value) && Object.isFrozen(value.columns)).toBe(true);
    expect(() => value.columns.push(3)).toThrowError(TypeError);
  });

  it("evaluateAll returns the same frozen results in a fresh array", () => {
    const context = { targetingKey: inRollout, role: "admin" };
    const all = evaluateAll(set, context);
    expect(all.every((r) => Object.isFrozen(r) && Object.isFrozen(r.metadata))).toBe(true);
    expect(all[1]).toBe(evaluateFlag(set, "rollout", context));
    expect(Object.isFrozen(all)).toBe(false);
    expect(evaluateAll(set, context)).not.toBe(all);
  });
});

describe("results are shared, not rebuilt", () => {
  it("two users reaching the same rule outcome get the very same object", () => {
    const other = keyWithBucket("rollout", (b) => b < 50_000, "other-");
    expect(evaluateFlag(set, "rollout", { targetingKey: inRollout })).toBe(evaluateFlag(set, "rollout", { targetingKey: other }));
    expect(evaluateFlag(set, "targeted", { targetingKey: "a", role: "admin" })).toBe(evaluateFlag(set, "targeted", { role: "admin" }));
  });

  it("a failed prerequisite's result names it, and is distinct from the plain off result", () => {
    const gated = evaluateFlag(set, "gated", { targetingKey: "u" });
    expect(gated).toEqual({ key: "gated", value: false, variant: "off", reason: "DISABLED", metadata: { ...META, failedPrerequisite: "targeted" } });
    expect(evaluateFlag(set, "gated", { targetingKey: "u", role: "admin" })).toMatchObject({ value: true, reason: "STATIC" });
  });
});

describe("the Worker's result shapes copy instead of mutating", () => {
  for (const [name, evaluate] of cases) {
    it(`${name}: a stale rendering adds stale to a copy only`, () => {
      const r = evaluate();
      const before = { ...r.metadata };
      expect(ofrepFlag(r, true).metadata).toEqual({ ...before, stale: true });
      expect(fluxgateResult(r, true).metadata).toEqual({ ...before, stale: true });
      expect(r.metadata).toEqual(before);
      expect(evaluate().metadata).toEqual(before);
    });
  }
});
