// evaluateFlag / evaluateAll: the order of evaluation of EVALUATION.md over a compiled flag set.
// Per call, flag results (prerequisites), segment memberships and buckets are memoised in the
// set's scratch state, stamped with the call's epoch. Every result of a known flag and a valid
// context is one of the frozen results built at compile time, so such an evaluation allocates
// nothing; only FLAG_NOT_FOUND and INVALID_CONTEXT (whose text names the caller's input) allocate.
import { contextProblem, readAttribute, resolveTargetingKey, UNUSABLE_CONTEXT } from "./context.ts";
import { type CompiledFlag, type CompiledFlagSet, type CompiledRule, ServeKind } from "./compiled.ts";
import { anyGroupMatches } from "./conditions.ts";
import { murmur3WithPrefix } from "./murmur3.ts";
import { frozenError } from "./results.ts";
import type { EvaluationContext, EvaluationResult } from "./types.ts";

/**
 * The bucketing hash of this rule's bucketing value, -1 when that value is missing or empty.
 * Rules sharing a bucketing source share one cached hash per call (see CompiledRule.bucketSlot).
 */
function hashFor(set: CompiledFlagSet, flag: CompiledFlag, rule: CompiledRule): number {
  const scratch = set.scratch;
  const slot = rule.bucketSlot;
  if (slot >= 0 && scratch.bucketDone[slot] === scratch.epoch) return scratch.bucketValue[slot] as number;
  let value: string | undefined;
  if (rule.bucketPath === null) value = scratch.targetingKey;
  else {
    const raw = readAttribute(scratch.context, rule.bucketPath);
    // An account id may be numeric; anything else cannot be hashed meaningfully.
    value = typeof raw === "string" ? raw : typeof raw === "number" && Number.isFinite(raw) ? String(raw) : undefined;
  }
  const hash = value === undefined || value.length === 0 ? -1 : murmur3WithPrefix(flag.saltPrefix, value);
  if (slot >= 0) {
    scratch.bucketDone[slot] = scratch.epoch;
    scratch.bucketValue[slot] = hash;
  }
  return hash;
}

function prerequisiteOn(result: EvaluationResult, variant: string | null): boolean {
  if (result.reason === "ERROR") return false;
  return variant === null ? result.value === true : result.variant === variant;
}

function compute(set: CompiledFlagSet, flag: CompiledFlag): EvaluationResult {
  if (flag.killed || !flag.deployed) return flag.offResult;

  const prerequisites = flag.prerequisites;
  for (let i = 0; i < prerequisites.length; i++) {
    const p = prerequisites[i]!;
    // Missing, cyclic (still being evaluated) or not on: the flag is off.
    const on =
      p.index >= 0 &&
      set.scratch.flagBusy[p.index] !== set.scratch.epoch &&
      prerequisiteOn(evaluateCompiled(set, set.flag(p.index)), p.variant);
    if (!on) return p.failed;
  }

  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (!rule.valid) continue;
    if (rule.groups.length > 0 && !anyGroupMatches(set, rule.groups)) continue;
    if (rule.kind === ServeKind.variant) return rule.result!;
    // Buckets are compared as raw hashes against bounds precomputed with hashBound (bucket.ts).
    const hash = hashFor(set, flag, rule);
    if (hash < 0) return rule.missingBucket!;
    if (rule.kind === ServeKind.rollout) {
      if (hash < rule.threshold) return rule.result!;
      continue;
    }
    const ends = rule.splitEnds;
    for (let j = 0; j < ends.length; j++) {
      if (hash < ends[j]!) return rule.splitResults[j]!;
    }
    // In the unallocated remainder: this rule does not match; go on with the next.
  }
  return flag.defaultResult;
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

/**
 * One flag's result for this context. The result is shared and frozen: read it, copy what you
 * need, never mutate it (see EvaluationResult).
 */
export function evaluateFlag(set: CompiledFlagSet, key: string, context: EvaluationContext): EvaluationResult {
  const index = set.flagIndex.get(key);
  if (index === undefined) {
    return frozenError(key, "FLAG_NOT_FOUND", `flag ${key} is not in environment ${set.environment.key}`, set.baseMetadata);
  }
  const targetingKey = resolveTargetingKey(context);
  if (targetingKey === UNUSABLE_CONTEXT) {
    return frozenError(key, "INVALID_CONTEXT", contextProblem(context)!, set.baseMetadata);
  }
  const scratch = set.scratch;
  const flag = set.flag(index);
  scratch.begin(context, targetingKey);
  try {
    // Only prerequisites read other flags' memoised results; a flag without any is computed directly.
    return flag.prerequisites.length === 0 ? compute(set, flag) : evaluateCompiled(set, flag);
  } finally {
    scratch.end();
  }
}

/**
 * Every flag of the set, in document order, with one context (validated once, memos shared). The
 * array is the caller's; its elements are shared frozen results, as with evaluateFlag.
 */
export function evaluateAll(set: CompiledFlagSet, context: EvaluationContext): EvaluationResult[] {
  const flags = set.allFlags();
  const count = flags.length;
  const out = new Array<EvaluationResult>(count);
  const targetingKey = resolveTargetingKey(context);
  if (targetingKey === UNUSABLE_CONTEXT) {
    const problem = contextProblem(context)!;
    for (let i = 0; i < count; i++) out[i] = frozenError(set.flagKeys[i]!, "INVALID_CONTEXT", problem, set.baseMetadata);
    return out;
  }
  const scratch = set.scratch;
  scratch.begin(context, targetingKey);
  try {
    for (let i = 0; i < count; i++) out[i] = evaluateCompiled(set, flags[i]!);
  } finally {
    scratch.end();
  }
  return out;
}
