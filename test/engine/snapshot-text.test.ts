// Snapshot text (what KV stores) and lazily compiled flag sets: the text is the document's JSON
// plus a layout, a set compiled from it answers exactly as one compiled from the document, and a
// flag is read and compiled only when it is first evaluated.
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag, FlagSetCompileError, snapshotText } from "../../engine/index.ts";
import { flag, flagSet, META, rule } from "./fixtures.ts";
import { flagKey, LARGE_CONTEXTS, largeFlagSet } from "./large-flag-set.ts";

const doc = largeFlagSet(120);

describe("snapshot text", () => {
  it("is the document's JSON with one more member, layout", () => {
    const { layout, ...rest } = JSON.parse(snapshotText(doc)) as Record<string, unknown>;
    expect(rest).toEqual(doc);
    expect(layout).toMatchObject({ v: 1, flagKeys: doc.flags.map((f) => f.key), segmentKeys: ["beta_testers", "staff"] });
  });

  it("is written the same way again from a document that already carries a layout", () => {
    const text = snapshotText(doc);
    expect(snapshotText(JSON.parse(text))).toBe(text);
  });

  it("compiles to a set that answers every flag and context exactly as the document does", () => {
    const fromDocument = compileFlagSet(doc);
    const fromText = compileFlagSet(snapshotText(doc));
    expect(fromText.flagKeys).toEqual(fromDocument.flagKeys);
    expect(fromText.contentHash).toBe("large-120-v1");
    for (const context of LARGE_CONTEXTS) {
      for (const key of doc.flags.map((f) => f.key).reverse()) {
        expect(evaluateFlag(fromText, key, context)).toEqual(evaluateFlag(fromDocument, key, context));
      }
      expect(evaluateAll(fromText, context)).toEqual(evaluateAll(fromDocument, context));
    }
    expect(fromText.diagnostics).toEqual(fromDocument.diagnostics);
  });

  it("evaluates every flag of a fresh set at once (all flags read in one parse) as the document does", () => {
    for (const context of LARGE_CONTEXTS) {
      expect(evaluateAll(compileFlagSet(snapshotText(doc)), context)).toEqual(evaluateAll(compileFlagSet(doc), context));
    }
  });

  it("a damaged flag fails alone when every flag is evaluated at once", () => {
    const text = snapshotText(doc);
    const at = text.indexOf(`{"key":"${flagKey(7)}"`);
    const all = evaluateAll(compileFlagSet(text.slice(0, at) + "#" + text.slice(at + 1)), LARGE_CONTEXTS[2]!);
    const reference = evaluateAll(compileFlagSet(doc), LARGE_CONTEXTS[2]!);
    expect(all[7]).toMatchObject({ key: flagKey(7), reason: "ERROR", errorCode: "PARSE_ERROR" });
    expect(all.filter((_, i) => i !== 7)).toEqual(reference.filter((_, i) => i !== 7));
  });

  it("text without a layout (plain JSON) is parsed whole and answers the same", () => {
    const set = compileFlagSet(JSON.stringify(doc));
    expect(evaluateAll(set, LARGE_CONTEXTS[3]!)).toEqual(evaluateAll(compileFlagSet(doc), LARGE_CONTEXTS[3]!));
  });

  it("reads a flag only when it is first evaluated: a damaged flag elsewhere does not matter until asked for", () => {
    const text = snapshotText(doc);
    const damagedKey = flagKey(7);
    const at = text.indexOf(`{"key":"${damagedKey}"`);
    // Same length, no longer JSON: the layout still fits, only that flag's slice is unreadable.
    const damaged = text.slice(0, at) + "#" + text.slice(at + 1);
    const set = compileFlagSet(damaged);
    const context = LARGE_CONTEXTS[1]!;
    expect(evaluateFlag(set, flagKey(8), context)).toEqual(evaluateFlag(compileFlagSet(doc), flagKey(8), context));
    expect(evaluateFlag(set, damagedKey, context)).toEqual({
      key: damagedKey, value: undefined, variant: undefined, reason: "ERROR", errorCode: "PARSE_ERROR",
      errorDetails: `flag ${damagedKey} could not be read from the snapshot`, metadata: { flagSetVersion: 1, environment: "production" },
    });
    expect(set.diagnostics).toEqual([{ code: "MALFORMED_FLAG", flag: damagedKey,
      message: `flag ${damagedKey} could not be read from the snapshot; it serves an error` }]);
  });

  it("a layout that does not fit the text is ignored and the text parsed whole", () => {
    const text = snapshotText(doc).replace('"flagBounds":[', '"flagBounds":[1,');
    const set = compileFlagSet(text);
    expect(set.flagKeys).toHaveLength(120);
    expect(set.diagnostics).toEqual([]);
  });

  it("prerequisites compile their flags on demand and cycles still turn the flags off", () => {
    const cyclic = flagSet([
      flag({ key: "a", prerequisites: [{ key: "b", variant: null }], rules: [rule({ id: "all" })] }),
      flag({ key: "b", prerequisites: [{ key: "a", variant: null }], rules: [rule({ id: "all" })] }),
      flag({ key: "c", prerequisites: [{ key: "d", variant: null }], rules: [rule({ id: "all" })] }),
      flag({ key: "d", rules: [rule({ id: "all" })] }),
    ]);
    const set = compileFlagSet(snapshotText(cyclic));
    expect(evaluateFlag(set, "a", { targetingKey: "u" })).toEqual({
      key: "a", value: false, variant: "off", reason: "DISABLED", metadata: { ...META, failedPrerequisite: "b" },
    });
    expect(evaluateFlag(set, "c", { targetingKey: "u" })).toEqual({
      key: "c", value: true, variant: "on", reason: "TARGETING_MATCH", metadata: { ...META, ruleId: "all", rulePriority: 0 },
    });
  });

  it("an owned document compiles lazily and freezes its values in place; a caller's document is copied", () => {
    const value = { hero: "video" };
    const owned = flagSet([flag({ key: "j", type: "json", variants: { m: value }, defaultVariant: "m" })]);
    const set = compileFlagSet(owned, { owned: true });
    expect(Object.isFrozen(value)).toBe(false); // not compiled yet
    expect(evaluateFlag(set, "j", {}).value).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
  });

  it("text that is not JSON, or not a flag set, is a MALFORMED_DOCUMENT; another schema version is rejected", () => {
    expect(() => compileFlagSet("{not json")).toThrow(FlagSetCompileError);
    expect(() => compileFlagSet('{"schemaVersion":1}')).toThrow(/needs a flags array/);
    expect(() => compileFlagSet(snapshotText({ ...doc, schemaVersion: 2 as 1 }))).toThrow(/schema version 2 is not 1/);
  });
});
