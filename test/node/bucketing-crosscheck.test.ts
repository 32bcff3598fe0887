// Cross-check of FluxGate bucketing against an independent implementation: the `fractional`
// operator of @openfeature/flagd-core (flagd bucketing v2). flagd-core hashes
// `flagKey + targetingKey` with MurmurHash3 x86_32 and takes (hash * totalWeight) >> 32, walking
// the cumulative weights; with salt = flag key and total weight 100000 that is exactly our bucket
// and our contiguous allocation ranges.
//
// Only ASCII keys are compared: flagd-core feeds JavaScript UTF-16 code units to imurmurhash
// (charCodeAt, low/high bytes of each unit) instead of UTF-8 bytes, so for non-ASCII keys it
// disagrees with flagd's Go evaluator and with our contract. Non-ASCII hashing is checked against
// published MurmurHash3 vectors and an independent reference in test/engine/murmur3.test.ts.
import { FlagdCore } from "@openfeature/flagd-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateFlag } from "../../engine/index.ts";
import type { FlagDocument, FlagSetDocument } from "../../engine/index.ts";

const silent = { error() {}, warn() {}, info() {}, debug() {} };

function flagdWith(flags: Record<string, unknown>): FlagdCore {
  // disableDynamicCodeGeneration: the interpreter mode flagd-core provides for Workers (no new Function()).
  const core = new FlagdCore(undefined, silent, { disableDynamicCodeGeneration: true });
  core.setConfigurations(JSON.stringify({ flags }));
  return core;
}

function ours(flags: FlagDocument[]) {
  const doc: FlagSetDocument = {
    schemaVersion: 1,
    environment: { id: "e", key: "production", name: "Production", type: "production" },
    version: 1,
    generatedAt: "2026-11-20T00:00:00.000Z",
    contentHash: "crosscheck", // not read by the engine
    flags,
    segments: [],
  };
  return compileFlagSet(doc);
}

const SPLITS: Record<string, [string, number][]> = {
  "checkout_button_text": [["control", 50_000], ["variant-a", 50_000]],
  "three-way": [["a", 20_000], ["b", 30_000], ["c", 50_000]],
  "uneven": [["a", 1], ["b", 33_333], ["c", 33_333], ["d", 33_333]],
  "dark_mode": [["on", 25_000], ["off", 75_000]],
};

const flagd = flagdWith(Object.fromEntries(Object.entries(SPLITS).map(([key, allocations]) => [key, {
  state: "ENABLED",
  variants: Object.fromEntries(allocations.map(([v]) => [v, v])),
  defaultVariant: allocations[0]![0],
  targeting: { fractional: allocations },
}])));

const fluxgate = ours(Object.entries(SPLITS).map(([key, allocations]) => ({
  key,
  type: "string",
  salt: key,
  variants: Object.fromEntries(allocations.map(([v]) => [v, v])),
  offVariant: null,
  defaultVariant: allocations[0]![0],
  deployed: true,
  killed: false,
  prerequisites: [],
  rules: [{ id: "split", priority: 0, match: [], serve: { kind: "split", allocations: allocations.map(([variant, weight]) => ({ variant, weight })) } }],
})));

// The same 25% as a FluxGate rollout (bucket < 25000 gets "on").
const rollout = ours([{
  key: "dark_mode", type: "boolean", salt: "dark_mode", variants: {}, offVariant: null, defaultVariant: "off",
  deployed: true, killed: false, prerequisites: [],
  rules: [{ id: "roll", priority: 0, match: [], serve: { kind: "rollout", variant: "on", percentage: 25 } }],
}]);

function flagdVariant(key: string, targetingKey: string): string | undefined {
  const r = flagd.resolveStringEvaluation(key, "<default>", { targetingKey });
  expect(r.reason).toBe("TARGETING_MATCH");
  return r.variant;
}

describe("bucketing equals flagd-core's fractional on ASCII keys", () => {
  const sequential = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const random = fc.sample(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 48 }),
    { numRuns: 10_000, seed: 20261125 });

  for (const key of Object.keys(SPLITS)) {
    it(`${key}: the same variant for 20,000 keys`, () => {
      let mismatches = 0;
      const seen = new Set<string>();
      for (const targetingKey of [...sequential, ...random]) {
        const expected = flagdVariant(key, targetingKey);
        const actual = evaluateFlag(fluxgate, key, { targetingKey });
        expect(actual.reason).toBe("SPLIT");
        if (actual.variant !== expected) mismatches++;
        seen.add(actual.variant!);
      }
      expect(mismatches).toBe(0);
      // The comparison is meaningful only if every sizeable allocation actually occurs.
      for (const [variant, weight] of SPLITS[key]!) if (weight > 100) expect(seen.has(variant)).toBe(true);
    });
  }

  it("a 25% rollout serves exactly the users flagd puts in the first 25000 of 100000", () => {
    for (const targetingKey of sequential) {
      const inFlagd = flagdVariant("dark_mode", targetingKey) === "on";
      expect(evaluateFlag(rollout, "dark_mode", { targetingKey }).value).toBe(inFlagd);
    }
  });
});
