import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlagDocument, FlagSetDocument, SegmentDocument } from "../../../engine/types";
import {
  applyDelta, changedFlagKeys, compareKeys, DeltaGapError, diffFlagSets, flagSetContentHash,
} from "../../../protocol/flag-set-delta";

const environment = { id: "env-1", key: "development", name: "Development", type: "development" } as const;

function flag(key: string, overrides: Partial<FlagDocument> = {}): FlagDocument {
  return {
    key, type: "boolean", salt: key, variants: { on: true, off: false }, offVariant: "off",
    defaultVariant: "off", deployed: true, killed: false, prerequisites: [], rules: [], ...overrides,
  };
}

function segment(key: string, included: string[] = []): SegmentDocument {
  return { key, included, excluded: [], match: [] };
}

async function documentOf(version: number, flags: FlagDocument[], segments: SegmentDocument[] = []): Promise<FlagSetDocument> {
  const sorted = {
    schemaVersion: 1 as const, environment,
    flags: [...flags].sort((a, b) => compareKeys(a.key, b.key)),
    segments: [...segments].sort((a, b) => compareKeys(a.key, b.key)),
  };
  // The field order the environment Durable Object writes.
  return {
    schemaVersion: 1, environment, version, generatedAt: `2026-11-25T00:00:0${version % 10}.000Z`,
    contentHash: await flagSetContentHash(sorted), flags: sorted.flags, segments: sorted.segments,
  };
}

describe("diffFlagSets / applyDelta", () => {
  it("carries only the flags and segments that changed, and removals by key", async () => {
    const before = await documentOf(4, [flag("a"), flag("b"), flag("c")], [segment("s1"), segment("s2")]);
    const after = await documentOf(5, [flag("a"), flag("b", { killed: true }), flag("d")], [segment("s1", ["u1"])]);
    const delta = diffFlagSets(before, after);
    expect(delta).toEqual({
      type: "delta", fromVersion: 4, version: 5, contentHash: after.contentHash, generatedAt: after.generatedAt,
      environment,
      flags: { put: [flag("b", { killed: true }), flag("d")], removed: ["c"] },
      segments: { put: [segment("s1", ["u1"])], removed: ["s2"] },
    });
    expect(changedFlagKeys(delta)).toEqual(["b", "c", "d"]);
  });

  it("reproduces the next document exactly, so its content hash verifies", async () => {
    const before = await documentOf(1, [flag("beta"), flag("alpha")]);
    const after = await documentOf(2, [flag("gamma"), flag("alpha", { deployed: false }), flag("Zed")]);
    const applied = applyDelta(before, diffFlagSets(before, after));
    expect(applied).toEqual(after);
    expect(JSON.stringify(applied)).toBe(JSON.stringify(after));
    expect(await flagSetContentHash(applied)).toBe(after.contentHash);
  });

  it("refuses a delta that does not start at the held version (a gap or a replay)", async () => {
    const v1 = await documentOf(1, [flag("a")]);
    const v2 = await documentOf(2, [flag("a", { killed: true })]);
    const v3 = await documentOf(3, [flag("a")]);
    const skipping = diffFlagSets(v2, v3);
    expect(() => applyDelta(v1, skipping)).toThrow(DeltaGapError);
    expect(() => applyDelta(v2, diffFlagSets(v1, v2))).toThrow("delta 1->2 does not follow the held version 2");
  });

  it("round-trips any pair of flag sets (property)", async () => {
    const keys = fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,6}$/), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(keys, keys, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (a, b, killed) => {
        const before = await documentOf(7, a.map((k, i) => flag(k, { killed: killed[i] })));
        const after = await documentOf(8, b.map((k, i) => flag(k, { killed: !killed[i] })));
        const applied = applyDelta(before, diffFlagSets(before, after));
        expect(JSON.stringify(applied)).toBe(JSON.stringify(after));
      }),
      { numRuns: 200 },
    );
  });
});

describe("compareKeys", () => {
  it("orders by code point like SQLite's BINARY collation", () => {
    expect(["b", "B", "a_1", "a", "a-1", "\u{1F600}", "\uFFFD"].sort(compareKeys)).toEqual(["B", "a", "a-1", "a_1", "b", "\uFFFD", "\u{1F600}"]);
  });
});
