// The targeting shapes rules and segments share: condition groups (an OR of groups, each an AND or
// OR of conditions) and what a rule serves. Mirrors engine/types.ts; services validate with
// services/rule-schema.ts.
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum Operator {
    equals
    not_equals
    in
    not_in
    contains
    not_contains
    starts_with
    ends_with
    matches
    eq
    gt
    gte
    lt
    lte
    before
    after
    semver_eq
    semver_gt
    semver_gte
    semver_lt
    semver_lte
    exists
    not_exists
    in_segment
    not_in_segment
  }

  enum GroupOperator {
    and
    or
  }

  type Condition {
    "Context attribute; a dotted path addresses nested objects."
    attribute: String!
    operator: Operator!
    "A string or number, a list for in/not_in, segment key(s) for the segment operators, absent for exists."
    value: JSON
    caseInsensitive: Boolean
  }

  type ConditionGroup {
    operator: GroupOperator!
    conditions: [Condition!]!
  }

  input ConditionInput {
    attribute: String!
    operator: Operator!
    value: JSON
    caseInsensitive: Boolean
  }

  input ConditionGroupInput {
    operator: GroupOperator!
    conditions: [ConditionInput!]!
  }

  enum ServeKind {
    "One variant to everyone matching."
    variant
    "One variant to a percentage of those matching (the others fall through)."
    rollout
    "Contiguous weighted allocations (weights in thousandths of a percent, summing to at most 100000)."
    split
  }

  type Allocation {
    variant: String!
    weight: Int!
  }

  type Serve {
    kind: ServeKind!
    "variant and rollout."
    variant: String
    "rollout: 0..100, up to three decimals."
    percentage: Float
    "split."
    allocations: [Allocation!]
    "rollout and split: the attribute to bucket by (default targetingKey)."
    bucketBy: String
  }

  input AllocationInput {
    variant: String!
    weight: Int!
  }

  input ServeInput {
    kind: ServeKind!
    variant: String
    percentage: Float
    allocations: [AllocationInput!]
    bucketBy: String
  }
`;

export const resolvers: ModuleResolvers = {};

/** Drops null fields recursively (GraphQL sends explicit nulls; the zod schemas use optional()). */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, k === "value" ? v : stripNulls(v)]));
  }
  return value;
}
