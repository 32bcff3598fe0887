// The shapes the evaluation engine reads and returns. This module is the contract between the
// snapshot builder (Durable Object), the evaluation Worker and the SDK: all of them exchange a
// FlagSetDocument (plain JSON) and compile it with the same engine. No platform imports here.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

export type FlagType = "boolean" | "string" | "number" | "json";
export type EnvironmentType = "development" | "staging" | "production";

/** Bumped when the document's shape changes incompatibly; readers reject other versions. */
export const FLAG_SET_SCHEMA_VERSION = 1;

/** One environment's complete, self-contained flag configuration: what KV and memory cache. */
export interface FlagSetDocument {
  schemaVersion: typeof FLAG_SET_SCHEMA_VERSION;
  environment: { id: string; key: string; name: string; type: EnvironmentType };
  /** Monotonic per environment; every published change increments it by one. */
  version: number;
  /** ISO-8601 time at which the Durable Object built this version. */
  generatedAt: string;
  /**
   * SHA-256 hex of the content (the document without version, generatedAt and contentHash).
   * With the version it identifies a snapshot: if the Durable Object's storage is lost its versions
   * restart at 1, so a version number alone could name two different documents.
   */
  contentHash: string;
  flags: FlagDocument[];
  segments: SegmentDocument[];
}

export interface FlagDocument {
  key: string;
  type: FlagType;
  /** Hashed before the bucketing value; set to the key at creation so renames keep buckets. */
  salt: string;
  /** Variant key -> value. A boolean flag without variants gets on=true / off=false. */
  variants: Record<string, JsonValue>;
  /** Served when the flag is off (killed, not deployed, prerequisite failed). */
  offVariant: string | null;
  /** Served when no rule wins. */
  defaultVariant: string | null;
  /** Deployed in this environment (stage status DEPLOYED). */
  deployed: boolean;
  /** Kill switch active. */
  killed: boolean;
  prerequisites: PrerequisiteDocument[];
  /** Any order; the engine sorts by priority, ties broken by position in this array. */
  rules: RuleDocument[];
}

export interface PrerequisiteDocument {
  key: string;
  /** The variant the prerequisite must serve; null means "must evaluate to boolean true". */
  variant: string | null;
}

export interface RuleDocument {
  id: string;
  /** Lower is evaluated first. */
  priority: number;
  name?: string;
  /** OR of groups; an empty list matches everyone. */
  match: ConditionGroup[];
  serve: ServeDocument;
}

export interface ConditionGroup {
  /** How the group's conditions combine. An empty group matches nothing. */
  operator: "and" | "or";
  conditions: ConditionDocument[];
}

export type Operator =
  | "equals" | "not_equals" | "in" | "not_in" | "contains" | "not_contains"
  | "starts_with" | "ends_with" | "matches"
  | "eq" | "gt" | "gte" | "lt" | "lte"
  | "before" | "after"
  | "semver_eq" | "semver_gt" | "semver_gte" | "semver_lt" | "semver_lte"
  | "exists" | "not_exists"
  | "in_segment" | "not_in_segment";

export const OPERATORS: readonly Operator[] = [
  "equals", "not_equals", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with", "matches",
  "eq", "gt", "gte", "lt", "lte", "before", "after",
  "semver_eq", "semver_gt", "semver_gte", "semver_lt", "semver_lte",
  "exists", "not_exists", "in_segment", "not_in_segment",
];

export interface ConditionDocument {
  /** Context attribute; a dotted path addresses nested objects ("account.plan"). */
  attribute: string;
  operator: Operator;
  /**
   * Operand: a string / number for single-valued operators, an array for in / not_in, a segment
   * key (or keys) for the segment operators; absent for exists / not_exists.
   */
  value?: JsonValue;
  /** For string operators: compare case-insensitively. */
  caseInsensitive?: boolean;
}

export type ServeDocument =
  | { kind: "variant"; variant: string }
  /** Serves `variant` to users whose bucket < percentage * 1000 (percentage 0..100, 3 decimals). */
  | { kind: "rollout"; variant: string; percentage: number; bucketBy?: string }
  /** Contiguous ranges in allocation order; weights are integers in thousandths of a percent. */
  | { kind: "split"; allocations: { variant: string; weight: number }[]; bucketBy?: string };

export interface SegmentDocument {
  key: string;
  /** Targeting keys always in the segment. */
  included: string[];
  /** Targeting keys never in the segment (wins over `match`, loses to `included`). */
  excluded: string[];
  /** OR of groups; an empty list matches nobody (a segment must be explicit). */
  match: ConditionGroup[];
}

/** The evaluation context as received from a caller. */
export interface EvaluationContext {
  targetingKey?: unknown;
  /** FluxGate alias for targetingKey. */
  bucketingKey?: unknown;
  [attribute: string]: unknown;
}

export type Reason = "STATIC" | "DEFAULT" | "TARGETING_MATCH" | "SPLIT" | "DISABLED" | "ERROR";
export type ErrorCode =
  | "FLAG_NOT_FOUND" | "PARSE_ERROR" | "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "GENERAL";

export type Metadata = Record<string, string | number | boolean>;

/**
 * One flag's evaluation. Immutable and shared: the engine builds every result of a known flag
 * once, when the flag set is compiled, and returns the same frozen object (metadata and JSON
 * values frozen too) to every evaluation that lands on it, so evaluations allocate nothing.
 * Consumers must treat results as read-only and build their own objects to add or change fields
 * (e.g. `{ ...result.metadata, stale: true }`); writing into one throws in strict code and would
 * otherwise leak into other callers' results.
 */
export interface EvaluationResult {
  key: string;
  /** Undefined when the flag is off and has no off value, or on error: the caller's default applies. */
  value: JsonValue | undefined;
  variant: string | undefined;
  reason: Reason;
  errorCode?: ErrorCode;
  errorDetails?: string;
  /**
   * Always carries `flagSetVersion`; `ruleId` / `rulePriority` when a rule won;
   * `failedPrerequisite` when a prerequisite blocked the flag.
   */
  metadata: Metadata;
}
