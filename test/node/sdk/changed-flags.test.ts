// Which flags CONFIGURATION_CHANGED names: the flags a change puts or removes, flags whose rules
// test a changed segment, and (transitively) flags whose prerequisite is among those.
import { describe, expect, it } from "vitest";
import type { FlagDocument, FlagSetDocument, SegmentDocument } from "../../../engine/types";
import { changedFlags } from "../../../sdk/src/changed-flags";
import { booleanFlag, ENVIRONMENT } from "./support/documents";

const segment = (key: string, included: string[]): SegmentDocument => ({ key, included, excluded: [], match: [] });
const inSegment = (key: string, segmentKey: string): FlagDocument => ({
  ...booleanFlag(key, false),
  rules: [{ id: `${key}-r`, priority: 1, match: [{ operator: "and", conditions: [{ attribute: "targetingKey", operator: "in_segment", value: segmentKey }] }], serve: { kind: "variant", variant: "on" } }],
});
const requires = (key: string, parent: string): FlagDocument => ({ ...booleanFlag(key, true), prerequisites: [{ key: parent, variant: null }] });
const doc = (flags: FlagDocument[], segments: SegmentDocument[] = []): FlagSetDocument => ({
  schemaVersion: 1, environment: { ...ENVIRONMENT }, version: 1, generatedAt: "2026-11-25T10:00:00.000Z", contentHash: "x", flags, segments,
});

describe("changedFlags", () => {
  it("names every flag when there was no previous document", () => {
    expect(changedFlags(undefined, doc([booleanFlag("b", true), booleanFlag("a", true)]))).toEqual(["a", "b"]);
  });

  it("names put and removed flags only", () => {
    const before = doc([booleanFlag("a", true), booleanFlag("b", true), booleanFlag("c", true)]);
    const after = doc([booleanFlag("a", false), booleanFlag("b", true), booleanFlag("d", true)]);
    expect(changedFlags(before, after)).toEqual(["a", "c", "d"]);
  });

  it("names flags whose rules test a changed segment, and flags that require them, transitively", () => {
    const flags = [inSegment("beta_layout", "testers"), requires("beta_checkout", "beta_layout"), requires("beta_extra", "beta_checkout"), booleanFlag("other", true)];
    const before = doc(flags, [segment("testers", ["user-1"])]);
    const after = doc(flags, [segment("testers", ["user-1", "user-2"])]);
    expect(changedFlags(before, after)).toEqual(["beta_checkout", "beta_extra", "beta_layout"]);
  });

  it("names nothing when nothing changed", () => {
    const same = doc([booleanFlag("a", true)], [segment("s", [])]);
    expect(changedFlags(same, doc([booleanFlag("a", true)], [segment("s", [])]))).toEqual([]);
  });
});
