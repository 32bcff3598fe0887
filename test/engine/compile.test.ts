import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag, FlagSetCompileError } from "../../engine/index.ts";
import type { FlagSetDocument } from "../../engine/index.ts";
import { flag, flagSet, rule } from "./fixtures.ts";

describe("compileFlagSet", () => {
  it("rejects another schema version with a typed error", () => {
    const doc = { ...flagSet([]), schemaVersion: 2 } as unknown as FlagSetDocument;
    expect(() => compileFlagSet(doc)).toThrowError(FlagSetCompileError);
    try {
      compileFlagSet(doc);
    } catch (e) {
      expect((e as FlagSetCompileError).code).toBe("UNSUPPORTED_SCHEMA_VERSION");
    }
  });

  it("gives boolean flags without variants on = true and off = false", () => {
    const set = compileFlagSet(flagSet([flag({ key: "b", defaultVariant: "on" })]));
    expect(evaluateFlag(set, "b", {})).toMatchObject({ value: true, variant: "on", reason: "STATIC" });
  });

  it("keeps the first of duplicate flag keys and reports the rest", () => {
    const set = compileFlagSet(flagSet([flag({ key: "d", defaultVariant: "on" }), flag({ key: "d", defaultVariant: "off" })]));
    expect(set.flagKeys).toEqual(["d"]);
    expect(evaluateFlag(set, "d", {}).value).toBe(true);
    expect(set.diagnostics.map((d) => d.code)).toEqual(["DUPLICATE_KEY"]);
  });

  it("reports unknown operators and unreadable operands; those conditions never hold", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", rules: [rule({ id: "r", match: [
      { operator: "or", conditions: [
        { attribute: "a", operator: "resembles" as never, value: "x" },
        { attribute: "a", operator: "gt", value: "many" },
        { attribute: "a", operator: "semver_gt", value: "one" },
        { attribute: "a", operator: "before", value: "soon" },
        { attribute: "a", operator: "equals", value: { x: 1 } },
      ] }] })] })]));
    expect(set.diagnostics.map((d) => d.code)).toEqual([
      "UNKNOWN_OPERATOR", "INVALID_OPERAND", "INVALID_OPERAND", "INVALID_OPERAND", "INVALID_OPERAND",
    ]);
    expect(evaluateFlag(set, "f", { a: "x" }).reason).toBe("DEFAULT");
  });

  it("cuts split weights beyond 100000 and reports it", () => {
    const set = compileFlagSet(flagSet([flag({ key: "f", type: "string", variants: { a: "A", b: "B" }, defaultVariant: "a",
      rules: [rule({ id: "s", serve: { kind: "split", allocations: [{ variant: "a", weight: 80_000 }, { variant: "b", weight: 80_000 }] } })] })]));
    expect(set.diagnostics.map((d) => d.code)).toEqual(["INVALID_SPLIT"]);
  });

  it("does not keep a reference to the caller's document", () => {
    const doc = flagSet([flag({ key: "f", defaultVariant: "on" })]);
    const set = compileFlagSet(doc);
    doc.flags[0]!.killed = true;
    expect(evaluateFlag(set, "f", {}).reason).toBe("STATIC");
  });
});
