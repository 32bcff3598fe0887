// The compiled form of a flag set: everything the evaluator needs, parsed and resolved once
// (patterns, versions, dates, lists, sorted rules, split ranges, variant values), plus the
// per-set scratch state that lets one evaluation run without allocating memo structures.
import type { AttributePath } from "./context.ts";
import type { HashPrefix } from "./murmur3.ts";
import type { Pattern } from "./operators/regex.ts";
import type { SemVer } from "./operators/semver.ts";
import type { EvaluationContext, EvaluationResult, FlagSetDocument, FlagType, JsonValue, Metadata } from "./types.ts";

/** Condition opcodes: small integers so the evaluator's switch compiles to a jump table. */
export const Op = {
  equals: 1, in: 2, contains: 3, startsWith: 4, endsWith: 5, matches: 6,
  eq: 10, gt: 11, gte: 12, lt: 13, lte: 14,
  before: 20, after: 21,
  semverEq: 30, semverGt: 31, semverGte: 32, semverLt: 33, semverLte: 34,
  exists: 40, notExists: 41,
  segment: 50,
  /** Unknown operator or unreadable operand: the condition is always false. */
  never: 99,
} as const;

export class CompiledCondition {
  constructor(
    readonly op: number,
    /** not_equals, not_in, not_contains, not_in_segment: the positive test, negated. */
    readonly negate: boolean,
    readonly path: AttributePath,
    /** The attribute is `targetingKey`: read the resolved key (so the bucketingKey alias applies). */
    readonly isTargetingKey: boolean,
    readonly caseInsensitive: boolean,
    readonly text: string,
    readonly set: ReadonlySet<string> | null,
    readonly num: number,
    readonly version: SemVer | null,
    readonly pattern: Pattern | null,
    readonly segments: Int32Array | null,
  ) {}
}

export interface CompiledGroup {
  /** true: AND of the conditions; false: OR. */
  readonly all: boolean;
  readonly conditions: readonly CompiledCondition[];
}

export const ServeKind = { variant: 0, rollout: 1, split: 2 } as const;

export interface CompiledRule {
  readonly id: string;
  readonly priority: number;
  /** OR of groups; empty matches everyone. */
  readonly groups: readonly CompiledGroup[];
  readonly kind: number;
  /**
   * False when the rule is malformed (a match that is not a list, an unknown serve kind, an
   * unknown variant, a bad percentage or weight): the rule never matches.
   */
  readonly valid: boolean;
  /** The frozen result of a `variant` serve (TARGETING_MATCH) or a rollout hit (SPLIT). */
  readonly result: EvaluationResult | null;
  /** Rollout: hashes below this (hashBound of the bucket threshold) serve the variant. */
  readonly threshold: number;
  /** Split: exclusive cumulative upper bounds per allocation, as hash bounds, in allocation order. */
  readonly splitEnds: readonly number[];
  /** Split: the frozen SPLIT result of each allocation, parallel to splitEnds. */
  readonly splitResults: readonly EvaluationResult[];
  /** The frozen TARGETING_KEY_MISSING error of a rule that needs a bucket. */
  readonly missingBucket: EvaluationResult | null;
  /** Attribute to bucket by; null means the targeting key. */
  readonly bucketPath: AttributePath | null;
  /**
   * Index into the scratch hash cache when several rules of the flag bucket by the same source
   * (one hash per evaluation for all of them); -1 when this rule is its source's only user.
   */
  readonly bucketSlot: number;
}

export interface CompiledPrerequisite {
  readonly key: string;
  /** Index of the prerequisite flag, -1 when it is not in the set. */
  readonly index: number;
  readonly variant: string | null;
  /** The frozen DISABLED result naming this prerequisite in metadata.failedPrerequisite. */
  readonly failed: EvaluationResult;
}

export interface CompiledFlag {
  readonly index: number;
  readonly key: string;
  readonly type: FlagType;
  readonly salt: string;
  /** murmur3 state after the salt, so buckets only hash the bucketing value. */
  readonly saltPrefix: HashPrefix;
  readonly variants: ReadonlyMap<string, JsonValue>;
  /** Frozen DISABLED result with the off value (killed, not deployed, missing prerequisite-free off). */
  readonly offResult: EvaluationResult;
  /** Frozen DEFAULT result, or STATIC when the flag has no rules. */
  readonly defaultResult: EvaluationResult;
  readonly deployed: boolean;
  readonly killed: boolean;
  readonly prerequisites: readonly CompiledPrerequisite[];
  readonly rules: readonly CompiledRule[];
}

export interface CompiledSegment {
  readonly key: string;
  readonly included: ReadonlySet<string>;
  readonly excluded: ReadonlySet<string>;
  /** Empty when the segment is malformed: then only valid included keys are members. */
  readonly groups: readonly CompiledGroup[];
  /** A malformed part (match, included, excluded): nobody beyond valid included keys is in. */
  readonly malformed: boolean;
}

export type DiagnosticCode =
  | "UNKNOWN_VARIANT"
  | "UNKNOWN_OPERATOR"
  | "INVALID_OPERAND"
  | "INVALID_PATTERN"
  | "UNKNOWN_SEGMENT"
  | "UNKNOWN_PREREQUISITE"
  | "INVALID_SPLIT"
  | "INVALID_GROUP_OPERATOR"
  | "INVALID_MATCH"
  | "INVALID_SERVE"
  | "INVALID_ROLLOUT"
  | "MALFORMED_SEGMENT"
  | "MALFORMED_RULE"
  | "MALFORMED_FLAG"
  | "DUPLICATE_KEY";

/** A problem found while compiling; the affected part degrades safely (it never matches). */
export interface CompileDiagnostic {
  readonly code: DiagnosticCode;
  readonly flag?: string;
  readonly segment?: string;
  readonly rule?: string;
  readonly message: string;
}

/** Mutable per-set state of the evaluation in progress; stamps compare against `epoch`. */
export class Scratch {
  epoch = 0;
  context: EvaluationContext = {};
  targetingKey: string | undefined = undefined;
  readonly flagDone: Int32Array;
  readonly flagBusy: Int32Array;
  readonly flagResult: (EvaluationResult | undefined)[];
  readonly segmentDone: Int32Array;
  readonly segmentBusy: Int32Array;
  readonly segmentValue: Uint8Array;
  /** Grown by addBucketSlot as flags compile on first use; stamps and hashes survive growth. */
  bucketDone: Int32Array;
  /** The bucketing hash (unsigned 32-bit), or -1 when the bucketing value is missing. */
  bucketValue: Float64Array;
  private bucketSlots: number;

  constructor(flags: number, segments: number, bucketSlots: number) {
    this.flagDone = new Int32Array(flags);
    this.flagBusy = new Int32Array(flags);
    this.flagResult = new Array<EvaluationResult | undefined>(flags).fill(undefined);
    this.segmentDone = new Int32Array(segments);
    this.segmentBusy = new Int32Array(segments);
    this.segmentValue = new Uint8Array(segments);
    this.bucketSlots = bucketSlots;
    this.bucketDone = new Int32Array(Math.max(bucketSlots, 8));
    this.bucketValue = new Float64Array(Math.max(bucketSlots, 8));
  }

  /** A new hash cache slot (for a flag compiled on first use, possibly mid-evaluation). */
  addBucketSlot(): number {
    const slot = this.bucketSlots++;
    if (slot >= this.bucketDone.length) {
      const done = new Int32Array(this.bucketDone.length * 2);
      done.set(this.bucketDone);
      const value = new Float64Array(this.bucketValue.length * 2);
      value.set(this.bucketValue);
      this.bucketDone = done;
      this.bucketValue = value;
    }
    return slot;
  }

  /** Starts an evaluation call: every memo from earlier calls becomes stale at once. */
  begin(context: EvaluationContext, targetingKey: string | undefined): void {
    if (this.epoch >= 0x3fffffff) {
      this.epoch = 0;
      this.flagDone.fill(0);
      this.flagBusy.fill(0);
      this.segmentDone.fill(0);
      this.segmentBusy.fill(0);
      this.bucketDone.fill(0);
    }
    this.epoch++;
    this.context = context;
    this.targetingKey = targetingKey;
  }

  /** Drops the reference to the caller's context once the call returns. */
  end(): void {
    this.context = EMPTY_CONTEXT;
  }
}

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({}) as EvaluationContext;

export interface CompiledFlagSet {
  readonly version: number;
  /** The document's environment (id, key, name, type). */
  readonly environment: FlagSetDocument["environment"];
  /** The document's contentHash ("" when it carries none). */
  readonly contentHash: string;
  /** Flag keys in document order. */
  readonly flagKeys: readonly string[];
  /**
   * Every problem found in the set, in document order (segments, then flags). Flags and segments
   * compile on first use, so reading this compiles the whole set once.
   */
  readonly diagnostics: readonly CompileDiagnostic[];
  /** @internal the flag at this index (document order), compiled on first use and memoised */
  flag(index: number): CompiledFlag;
  /** @internal every flag in document order, compiled now where not yet (evaluateAll) */
  allFlags(): readonly CompiledFlag[];
  /** @internal the segment at this index, compiled on first use and memoised */
  segment(index: number): CompiledSegment;
  /** @internal */
  readonly flagIndex: ReadonlyMap<string, number>;
  /** @internal */
  readonly scratch: Scratch;
  /** @internal frozen `{flagSetVersion, environment}` shared by results without a rule */
  readonly baseMetadata: Readonly<Metadata>;
}
