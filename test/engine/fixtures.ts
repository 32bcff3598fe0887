// Builders for flag set documents in engine tests: every field explicit, overridable per test.
import { bucketOf } from "../../engine/index.ts";
import type { FlagDocument, FlagSetDocument, RuleDocument, SegmentDocument } from "../../engine/index.ts";

export const ENVIRONMENT = {
  id: "00000000-0000-4000-8000-0000000000e3",
  key: "production",
  name: "Production",
  type: "production",
} as const;

export function flag(overrides: Partial<FlagDocument> & { key: string }): FlagDocument {
  return {
    type: "boolean",
    salt: overrides.key,
    variants: {},
    offVariant: null,
    defaultVariant: "off",
    deployed: true,
    killed: false,
    prerequisites: [],
    rules: [],
    ...overrides,
  };
}

export function rule(overrides: Partial<RuleDocument> & { id: string }): RuleDocument {
  return { priority: 0, match: [], serve: { kind: "variant", variant: "on" }, ...overrides };
}

export function segment(overrides: Partial<SegmentDocument> & { key: string }): SegmentDocument {
  return { included: [], excluded: [], match: [], ...overrides };
}

export function flagSet(flags: FlagDocument[], segments: SegmentDocument[] = [], version = 7): FlagSetDocument {
  return {
    schemaVersion: 1,
    environment: { ...ENVIRONMENT },
    version,
    generatedAt: "2026-11-20T10:00:00.000Z",
    // The engine never reads it; the Durable Object sets the real SHA-256 of the content.
    contentHash: `fixture-v${version}`,
    flags,
    segments,
  };
}

/** First key "user-N" whose bucket under `salt` satisfies `accept`, for tests that need a known bucket. */
export function keyWithBucket(salt: string, accept: (bucket: number) => boolean, prefix = "user-"): string {
  for (let i = 0; i < 1_000_000; i++) {
    const key = `${prefix}${i}`;
    if (accept(bucketOf(salt, key))) return key;
  }
  throw new Error(`no key found for salt ${salt}`);
}

export const META = { flagSetVersion: 7, environment: "production" } as const;
