// A large, realistic flag set for the large-flag-set tests and bench/scale/large.scale.ts: N flags
// with three rules each (an attribute match, a rollout over a semver/plan/regex match, a split over
// a segment-or-age match), every 50th flag gated by a prerequisite, and two segments.
import type { FlagDocument, FlagSetDocument, SegmentDocument } from "../../engine/index.ts";
import { ENVIRONMENT } from "./fixtures.ts";

export const flagKey = (i: number) => `team_${i % 40}_checkout_${i}`;

function largeFlag(i: number): FlagDocument {
  const key = flagKey(i);
  return {
    key,
    type: "string",
    salt: key,
    variants: { control: "control", a: "treatment-a", b: "treatment-b" },
    offVariant: "control",
    defaultVariant: "control",
    deployed: i % 97 !== 0,
    killed: false,
    prerequisites: i > 0 && i % 50 === 0 ? [{ key: flagKey(i - 1), variant: "a" }] : [],
    rules: [
      {
        id: "staff", priority: 1,
        match: [{ operator: "and", conditions: [
          { attribute: "email", operator: "ends_with", value: "@example.com", caseInsensitive: true },
          { attribute: "country", operator: "in", value: ["US", "CA", "GB", "SE"] },
        ] }],
        serve: { kind: "variant", variant: "a" },
      },
      {
        id: "mobile-beta", priority: 2,
        match: [{ operator: "and", conditions: [
          { attribute: "appVersion", operator: "semver_gte", value: `4.${i % 10}.0` },
          { attribute: "plan", operator: "in", value: ["pro", "enterprise"] },
          { attribute: "userAgent", operator: "matches", value: "(iPhone|Android).*Mobile" },
        ] }],
        serve: { kind: "rollout", variant: "b", percentage: 25 + (i % 50), bucketBy: "accountId" },
      },
      {
        id: "split", priority: 3,
        match: [{ operator: "or", conditions: [
          { attribute: "targetingKey", operator: "in_segment", value: "beta_testers" },
          { attribute: "age", operator: "gte", value: 21 },
        ] }],
        serve: { kind: "split", allocations: [
          { variant: "control", weight: 50_000 }, { variant: "a", weight: 25_000 }, { variant: "b", weight: 25_000 },
        ] },
      },
    ],
  };
}

const SEGMENTS: SegmentDocument[] = [
  { key: "beta_testers", included: ["user-1", "user-2", "user-3"], excluded: ["user-4"],
    match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@beta.example.com" }] }] },
  { key: "staff", included: [], excluded: [],
    match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@example.com" }] }] },
];

export function largeFlagSet(count: number, version = 1): FlagSetDocument {
  return {
    schemaVersion: 1,
    environment: { ...ENVIRONMENT },
    version,
    generatedAt: "2026-12-01T00:00:00.000Z",
    contentHash: `large-${count}-v${version}`,
    flags: Array.from({ length: count }, (_, i) => largeFlag(i)),
    segments: SEGMENTS,
  };
}

/** Contexts that reach every rule kind (match, rollout, split, segment, missing bucket, invalid). */
export const LARGE_CONTEXTS = [
  { targetingKey: "user-1" },
  { targetingKey: "user-4", email: "a@beta.example.com", age: 30 },
  { targetingKey: "user-9", email: "Dev@Example.com", country: "SE" },
  { targetingKey: "user-10", appVersion: "4.5.1", plan: "pro", userAgent: "Mozilla (iPhone; Mobile)", accountId: "acct-7" },
  { targetingKey: "user-11", appVersion: "4.5.1", plan: "pro", userAgent: "Mozilla (Android Mobile)" },
  { targetingKey: "user-12", age: 18, email: "x@beta.example.com" },
  { age: 40 },
  { targetingKey: 42 },
];
