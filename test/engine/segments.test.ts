import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import type { ConditionDocument, SegmentDocument } from "../../engine/index.ts";
import { flag, flagSet, rule, segment } from "./fixtures.ts";

const inSegment = (value: ConditionDocument["value"], operator: "in_segment" | "not_in_segment" = "in_segment") =>
  rule({ id: "seg", match: [{ operator: "and", conditions: [{ attribute: "targetingKey", operator, value }] }] });

function setWith(segments: SegmentDocument[], value: ConditionDocument["value"], operator?: "in_segment" | "not_in_segment") {
  return compileFlagSet(flagSet([flag({ key: "f", rules: [inSegment(value, operator)] })], segments));
}

const betaTesters = segment({
  key: "beta_testers",
  included: ["user-42"],
  excluded: ["mallory"],
  match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@acme.test" }] }],
});

describe("segments", () => {
  const set = setWith([betaTesters], "beta_testers");
  const notIn = setWith([betaTesters], "beta_testers", "not_in_segment");

  it("included keys are always in, whatever the match says", () => {
    expect(evaluateFlag(set, "f", { targetingKey: "user-42", email: "x@else.test" }).value).toBe(true);
  });

  it("excluded keys are never in, even when the match holds", () => {
    expect(evaluateFlag(set, "f", { targetingKey: "mallory", email: "m@acme.test" }).value).toBe(false);
    expect(evaluateFlag(notIn, "f", { targetingKey: "mallory", email: "m@acme.test" }).value).toBe(true);
  });

  it("included wins over excluded", () => {
    const both = setWith([segment({ key: "s", included: ["u"], excluded: ["u"] })], "s");
    expect(evaluateFlag(both, "f", { targetingKey: "u" }).value).toBe(true);
  });

  it("everyone else is in when the segment's match groups hold", () => {
    expect(evaluateFlag(set, "f", { targetingKey: "u1", email: "a@acme.test" }).value).toBe(true);
    expect(evaluateFlag(set, "f", { targetingKey: "u1", email: "a@else.test" }).value).toBe(false);
    expect(evaluateFlag(notIn, "f", { targetingKey: "u1", email: "a@else.test" }).value).toBe(true);
  });

  it("works without a targeting key through the match groups", () => {
    expect(evaluateFlag(set, "f", { email: "a@acme.test" }).value).toBe(true);
  });

  it("a segment with no match groups contains only its included keys", () => {
    const explicit = setWith([segment({ key: "s", included: ["u"] })], "s");
    expect(evaluateFlag(explicit, "f", { targetingKey: "u" }).value).toBe(true);
    expect(evaluateFlag(explicit, "f", { targetingKey: "v" }).value).toBe(false);
  });

  it("a list of segments is in when any one holds", () => {
    const two = setWith([segment({ key: "s1", included: ["a"] }), segment({ key: "s2", included: ["b"] })], ["s1", "s2"]);
    expect(evaluateFlag(two, "f", { targetingKey: "b" }).value).toBe(true);
    expect(evaluateFlag(two, "f", { targetingKey: "c" }).value).toBe(false);
  });

  it("an unknown segment key makes the condition false either way and is a compile diagnostic", () => {
    const unknown = setWith([], "ghost");
    const unknownNot = setWith([], "ghost", "not_in_segment");
    expect(evaluateFlag(unknown, "f", { targetingKey: "u" }).reason).toBe("DEFAULT");
    expect(evaluateFlag(unknownNot, "f", { targetingKey: "u" }).reason).toBe("DEFAULT");
    expect(unknown.diagnostics).toEqual([{ code: "UNKNOWN_SEGMENT", flag: "f", rule: "seg", message: 'unknown segment "ghost"' }]);
  });

  it("segments may use other segments", () => {
    const nested = setWith([
      segment({ key: "staff", match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@acme.test" }] }] }),
      segment({ key: "staff_admins", match: [{ operator: "and", conditions: [
        { attribute: "targetingKey", operator: "in_segment", value: "staff" },
        { attribute: "role", operator: "equals", value: "admin" }] }] }),
    ], "staff_admins");
    expect(evaluateFlag(nested, "f", { targetingKey: "u", email: "a@acme.test", role: "admin" }).value).toBe(true);
    expect(evaluateFlag(nested, "f", { targetingKey: "u", email: "a@acme.test", role: "dev" }).value).toBe(false);
  });

  it("a segment that refers to itself does not recurse: the inner reference is false", () => {
    const selfRef = segment({ key: "loop", match: [
      { operator: "or", conditions: [
        { attribute: "targetingKey", operator: "not_in_segment", value: "loop" },
        { attribute: "vip", operator: "equals", value: "yes" }] }] });
    const s = setWith([selfRef], "loop");
    expect(evaluateFlag(s, "f", { targetingKey: "u" }).value).toBe(false);
    expect(evaluateFlag(s, "f", { targetingKey: "u", vip: "yes" }).value).toBe(true);
  });

  it("mutually recursive segments terminate", () => {
    const s = setWith([
      segment({ key: "a", match: [{ operator: "and", conditions: [{ attribute: "x", operator: "in_segment", value: "b" }] }] }),
      segment({ key: "b", match: [{ operator: "and", conditions: [{ attribute: "x", operator: "in_segment", value: "a" }] }] }),
    ], "a");
    expect(evaluateFlag(s, "f", { targetingKey: "u" })).toMatchObject({ value: false, reason: "DEFAULT" });
  });
});
