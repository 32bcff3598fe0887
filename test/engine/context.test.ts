import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag } from "../../engine/index.ts";
import type { EvaluationContext } from "../../engine/index.ts";
import { flag, flagSet, META, rule } from "./fixtures.ts";

const set = compileFlagSet(flagSet([
  flag({ key: "a", rules: [rule({ id: "r" })] }),
  flag({ key: "b", killed: true }),
]));

describe("context validation", () => {
  it("a targetingKey that is not a string is INVALID_CONTEXT", () => {
    expect(evaluateFlag(set, "a", { targetingKey: 42 })).toEqual({
      key: "a", value: undefined, variant: undefined, reason: "ERROR", errorCode: "INVALID_CONTEXT",
      errorDetails: "targetingKey must be a string", metadata: META,
    });
  });

  it("a bucketingKey that is not a string is INVALID_CONTEXT", () => {
    expect(evaluateFlag(set, "a", { bucketingKey: { id: 1 } })).toMatchObject({
      reason: "ERROR", errorCode: "INVALID_CONTEXT", errorDetails: "bucketingKey must be a string",
    });
  });

  it.each([null, [], "user-1", 7, new Date(0)])("a context that is not a plain object (%j) is INVALID_CONTEXT", (context) => {
    expect(evaluateFlag(set, "a", context as unknown as EvaluationContext)).toMatchObject({
      reason: "ERROR", errorCode: "INVALID_CONTEXT", errorDetails: "the evaluation context must be a JSON object",
    });
  });

  it("FLAG_NOT_FOUND takes precedence over an invalid context", () => {
    expect(evaluateFlag(set, "nope", { targetingKey: 1 }).errorCode).toBe("FLAG_NOT_FOUND");
  });

  it("evaluateAll reports INVALID_CONTEXT for every flag", () => {
    expect(evaluateAll(set, { targetingKey: false }).map((r) => [r.key, r.errorCode])).toEqual([
      ["a", "INVALID_CONTEXT"], ["b", "INVALID_CONTEXT"],
    ]);
  });

  it("a null targetingKey counts as absent, and an empty context is valid", () => {
    expect(evaluateFlag(set, "a", { targetingKey: null }).reason).toBe("TARGETING_MATCH");
    expect(evaluateFlag(set, "a", {}).reason).toBe("TARGETING_MATCH");
  });

  it("null-prototype objects are plain objects", () => {
    const ctx = Object.assign(Object.create(null) as EvaluationContext, { targetingKey: "u" });
    expect(evaluateFlag(set, "a", ctx).reason).toBe("TARGETING_MATCH");
  });

  it("targetingKey wins over bucketingKey when both are given", () => {
    const s = compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "r", match: [{ operator: "and",
      conditions: [{ attribute: "targetingKey", operator: "equals", value: "t" }] }] })] })]));
    expect(evaluateFlag(s, "f", { targetingKey: "t", bucketingKey: "b" }).value).toBe(true);
    expect(evaluateFlag(s, "f", { bucketingKey: "t" }).value).toBe(true);
  });
});
