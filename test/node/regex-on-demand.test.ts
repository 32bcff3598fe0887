// The engine without its regex engine (engine/core.ts, what the evaluation Worker imports): RE2JS
// loads only for a flag set that may use `matches`, before that set compiles, and a set compiled
// without it fails loudly instead of matching nobody. This file must not import engine/index.ts
// (which installs RE2JS on import); the node project gives each test file its own modules, and
// the tests run in order: nothing is installed until "prepareFlagSet loads RE2JS".
import { describe, expect, it } from "vitest";
import {
  compileFlagSet, type ConditionDocument, evaluateFlag, type FlagSetDocument, mayNeedRegex, prepareFlagSet, RegexEngineMissingError,
  snapshotText,
} from "../../engine/core.ts";
import { regexEngineInstalled } from "../../engine/operators/regex.ts";

type Condition = ConditionDocument;

/** A set of one boolean flag `f` with one rule serving "on" when `condition` holds (and a segment, when given). */
function setWith(condition: Condition, segmentCondition?: Condition): FlagSetDocument {
  const group = (c: Condition) => [{ operator: "and" as const, conditions: [c] }];
  return {
    schemaVersion: 1,
    environment: { id: "env-1", key: "production", name: "Production", type: "production" },
    version: 3,
    generatedAt: "2026-12-06T10:00:00.000Z",
    contentHash: "h",
    segments: segmentCondition ? [{ key: "s", included: [], excluded: [], match: group(segmentCondition) }] : [],
    flags: [{
      key: "f", type: "boolean", salt: "f", variants: {}, offVariant: null, defaultVariant: "off", deployed: true,
      killed: false, prerequisites: [],
      rules: [{ id: "r", priority: 0, match: group(condition), serve: { kind: "variant", variant: "on" } }],
    } as FlagSetDocument["flags"][number]],
  };
}

const email = (value: string): Condition => ({ attribute: "email", operator: "matches", value });
const plan = (value: string): Condition => ({ attribute: "plan", operator: "equals", value });

describe("mayNeedRegex", () => {
  it("finds a matches condition in a rule, in a segment, and in snapshot text", () => {
    expect(mayNeedRegex(setWith(email("@acme\\.test$")))).toBe(true);
    expect(mayNeedRegex(setWith(plan("pro"), email("@acme\\.test$")))).toBe(true);
    expect(mayNeedRegex(snapshotText(setWith(email("@acme\\.test$"))))).toBe(true);
  });

  it("is false for a set without one, as document and as text", () => {
    expect(mayNeedRegex(setWith(plan("pro"), plan("team")))).toBe(false);
    expect(mayNeedRegex(snapshotText(setWith(plan("pro"), plan("team"))))).toBe(false);
  });

  it("errs towards loading: an operator the compiler reads through String() ([\"matches\"]) or text with \\u escapes", () => {
    expect(mayNeedRegex(setWith({ attribute: "email", operator: ["matches"] as unknown as Condition["operator"], value: "a" }))).toBe(true);
    expect(mayNeedRegex(JSON.stringify(setWith(plan("pro"))).replace('"equals"', '"m\\u0061tches"'))).toBe(true);
  });

  it("walks malformed documents without throwing", () => {
    const malformed = { ...setWith(plan("pro")), flags: [null, 3, { key: "g", rules: "x" }, { key: "h", rules: [{ match: [null, { conditions: 5 }] }] }],
      segments: "no" } as unknown as FlagSetDocument;
    expect(mayNeedRegex(malformed)).toBe(false);
  });
});

describe("the engine before RE2JS is loaded", () => {
  it("compiles and evaluates sets without matches", async () => {
    const doc = setWith(plan("pro"));
    await prepareFlagSet(doc);
    expect(regexEngineInstalled()).toBe(false);
    const set = compileFlagSet(doc, { owned: true });
    expect(evaluateFlag(set, "f", { targetingKey: "u", plan: "pro" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });

  it("refuses a matches condition with REGEX_ENGINE_MISSING instead of matching nobody", () => {
    const lazy = compileFlagSet(setWith(email("@acme\\.test$")), { owned: true });
    expect(() => evaluateFlag(lazy, "f", { targetingKey: "u", email: "ada@acme.test" })).toThrow(RegexEngineMissingError);
    // A caller's document compiles whole at once: the same error, at compile time.
    expect(() => compileFlagSet(setWith(email("@acme\\.test$")))).toThrow(expect.objectContaining({ code: "REGEX_ENGINE_MISSING" }));
  });
});

describe("prepareFlagSet", () => {
  it("loads RE2JS for a set using matches; the set then evaluates as with the eager engine", async () => {
    const text = snapshotText(setWith(email("^[a-z]+@acme\\.test$"), email("(a+)+$")));
    await prepareFlagSet(text);
    expect(regexEngineInstalled()).toBe(true);
    const set = compileFlagSet(text, { owned: true });
    expect(evaluateFlag(set, "f", { targetingKey: "u", email: "ada@acme.test" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(evaluateFlag(set, "f", { targetingKey: "u", email: "ada@other.test" })).toMatchObject({ value: false, reason: "DEFAULT" });
    // RE2 semantics and ReDoS safety come with it: a lookahead is invalid (never matches, reported),
    // and a catastrophic pattern on a long input answers at once.
    const invalid = compileFlagSet(setWith(email("(?=a)")));
    expect(invalid.diagnostics.map((d) => d.code)).toEqual(["INVALID_PATTERN"]);
    const started = performance.now();
    const slow = compileFlagSet(setWith(email("^(a+)+$")));
    expect(evaluateFlag(slow, "f", { targetingKey: "u", email: `${"a".repeat(5_000)}!` })).toMatchObject({ value: false });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
