// evaluateFlag / evaluateAll: the order of evaluation of EVALUATION.md over a compiled flag set.
// Per call, flag results (prerequisites), segment memberships and buckets are memoised in the
// set's scratch state, stamped with the call's epoch.
import { bucketOfPrefixed } from "./bucket.ts";
import { contextProblem, readAttribute, targetingKeyOf } from "./context.ts";
import { type CompiledFlag, type CompiledFlagSet, type CompiledRule, ServeKind } from "./compiled.ts";
import { anyGroupMatches } from "./conditions.ts";
import type { ErrorCode, EvaluationContext, EvaluationResult, JsonValue, Metadata, Reason } from "./types.ts";

function baseMetadata(set: CompiledFlagSet): Metadata {
  return { flagSetVersion: set.version, environment: set.environment.key };
}

function result(
  set: CompiledFlagSet,
  key: string,
  value: JsonValue | undefined,
  variant: string | undefined,
  reason: Reason,
): EvaluationResult {
  return { key, value, variant, reason, metadata: baseMetadata(set) };
}

function ruleResult(
  set: CompiledFlagSet,
  key: string,
  value: JsonValue | undefined,
  variant: string | undefined,
  reason: Reason,
  rule: CompiledRule,
): EvaluationResult {
  return {
    key, value, variant, reason,
    metadata: { flagSetVersion: set.version, environment: set.environment.key, ruleId: rule.id, rulePriority: rule.priority },
  };
}

function errorResult(
  set: CompiledFlagSet,
  key: string,
  errorCode: ErrorCode,
  errorDetails: string,
  metadata: Metadata = baseMetadata(set),
): EvaluationResult {
  return { key, value: undefined, variant: undefined, reason: "ERROR", errorCode, errorDetails, metadata };
}

function off(set: CompiledFlagSet, flag: CompiledFlag): EvaluationResult {
  return result(set, flag.key, flag.offValue, flag.offVariant, "DISABLED");
}

/** The bucket of this rule's bucketing value, computed at most once per (flag, source) per call; -1 when missing. */
function bucketFor(set: CompiledFlagSet, flag: CompiledFlag, rule: CompiledRule): number {
  const scratch = set.scratch;
  const slot = rule.bucketSlot;
  if (scratch.bucketDone[slot] === scratch.epoch) return scratch.bucketValue[slot] as number;
  let value: string | undefined;
  if (rule.bucketPath === null) value = scratch.targetingKey;
  else {
    const raw = readAttribute(scratch.context, rule.bucketPath);
    // An account id may be numeric; anything else cannot be hashed meaningfully.
    value = typeof raw === "string" ? raw : typeof raw === "number" && Number.isFinite(raw) ? String(raw) : undefined;
  }
  const bucket = value === undefined || value.length === 0 ? -1 : bucketOfPrefixed(flag.saltPrefix, value);
  scratch.bucketDone[slot] = scratch.epoch;
  scratch.bucketValue[slot] = bucket;
  return bucket;
}

function prerequisiteOn(result: EvaluationResult, variant: string | null): boolean {
  if (result.reason === "ERROR") return false;
  return variant === null ? result.value === true : result.variant === variant;
}

function compute(set: CompiledFlagSet, flag: CompiledFlag): EvaluationResult {
  if (flag.killed || !flag.deployed) return off(set, flag);

  const prerequisites = flag.prerequisites;
  for (let i = 0; i < prerequisites.length; i++) {
    const p = prerequisites[i]!;
    // Missing, cyclic (still being evaluated) or not on: the flag is off.
    const on =
      p.index >= 0 &&
      set.scratch.flagBusy[p.index] !== set.scratch.epoch &&
      prerequisiteOn(evaluateCompiled(set, set.flags[p.index]!), p.variant);
    if (!on) {
      const r = off(set, flag);
      r.metadata.failedPrerequisite = p.key;
      return r;
    }
  }

  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (!rule.valid) continue;
    if (rule.groups.length > 0 && !anyGroupMatches(set, rule.groups)) continue;
    if (rule.kind === ServeKind.variant) {
      return ruleResult(set, flag.key, rule.value, rule.variant, "TARGETING_MATCH", rule);
    }
    const bucket = bucketFor(set, flag, rule);
    if (bucket < 0) {
      const source = rule.bucketPath === null ? "targetingKey" : `attribute ${rule.bucketPath.name}`;
      return errorResult(set, flag.key, "TARGETING_KEY_MISSING",
        `rule ${rule.id} needs a bucket but the ${source} is missing or empty`,
        { flagSetVersion: set.version, environment: set.environment.key, ruleId: rule.id, rulePriority: rule.priority });
    }
    if (rule.kind === ServeKind.rollout) {
      if (bucket < rule.threshold) return ruleResult(set, flag.key, rule.value, rule.variant, "SPLIT", rule);
      continue;
    }
    const ends = rule.splitEnds;
    for (let j = 0; j < ends.length; j++) {
      if (bucket < ends[j]!) return ruleResult(set, flag.key, rule.splitValues[j], rule.splitVariants[j], "SPLIT", rule);
    }
    // In the unallocated remainder: this rule does not match; go on with the next.
  }
  return result(set, flag.key, flag.defaultValue, flag.defaultVariant, rules.length === 0 ? "STATIC" : "DEFAULT");
}

/** Evaluates one flag within the current call, memoised so prerequisites are computed once. */
function evaluateCompiled(set: CompiledFlagSet, flag: CompiledFlag): EvaluationResult {
  const scratch = set.scratch;
  const i = flag.index;
  if (scratch.flagDone[i] === scratch.epoch) return scratch.flagResult[i]!;
  scratch.flagBusy[i] = scratch.epoch;
  const r = compute(set, flag);
  scratch.flagBusy[i] = 0;
  scratch.flagDone[i] = scratch.epoch;
  scratch.flagResult[i] = r;
  return r;
}

export function evaluateFlag(set: CompiledFlagSet, key: string, context: EvaluationContext): EvaluationResult {
  const index = set.flagIndex.get(key);
  if (index === undefined) {
    return errorResult(set, key, "FLAG_NOT_FOUND", `flag ${key} is not in environment ${set.environment.key}`);
  }
  const problem = contextProblem(context);
  if (problem !== undefined) return errorResult(set, key, "INVALID_CONTEXT", problem);
  const scratch = set.scratch;
  scratch.begin(context, targetingKeyOf(context));
  try {
    return evaluateCompiled(set, set.flags[index]!);
  } finally {
    scratch.end();
  }
}

/** Every flag of the set, in document order, with one context (validated once, memos shared). */
export function evaluateAll(set: CompiledFlagSet, context: EvaluationContext): EvaluationResult[] {
  const flags = set.flags;
  const out = new Array<EvaluationResult>(flags.length);
  const problem = contextProblem(context);
  if (problem !== undefined) {
    for (let i = 0; i < flags.length; i++) out[i] = errorResult(set, flags[i]!.key, "INVALID_CONTEXT", problem);
    return out;
  }
  const scratch = set.scratch;
  scratch.begin(context, targetingKeyOf(context));
  try {
    for (let i = 0; i < flags.length; i++) out[i] = evaluateCompiled(set, flags[i]!);
  } finally {
    scratch.end();
  }
  return out;
}
