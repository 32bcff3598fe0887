// Condition matching at evaluation time. Reads the context from the set's scratch state; no
// allocation except lower-casing for case-insensitive string operators.
import { readAttribute } from "./context.ts";
import { type CompiledCondition, type CompiledFlagSet, type CompiledGroup, Op } from "./compiled.ts";
import { readDate } from "./operators/dates.ts";
import { readNumber } from "./operators/numbers.ts";
import { patternMatches } from "./operators/regex.ts";
import { compareToSemVer } from "./operators/semver.ts";
import { readString } from "./operators/strings.ts";

/** OR of groups; an empty list matches everyone (rules) — callers decide what empty means. */
export function anyGroupMatches(set: CompiledFlagSet, groups: readonly CompiledGroup[]): boolean {
  for (let i = 0; i < groups.length; i++) {
    if (groupMatches(set, groups[i] as CompiledGroup)) return true;
  }
  return false;
}

function groupMatches(set: CompiledFlagSet, group: CompiledGroup): boolean {
  const conditions = group.conditions;
  const n = conditions.length;
  if (n === 0) return false; // an empty group matches nothing
  if (group.all) {
    for (let i = 0; i < n; i++) if (!conditionHolds(set, conditions[i] as CompiledCondition)) return false;
    return true;
  }
  for (let i = 0; i < n; i++) if (conditionHolds(set, conditions[i] as CompiledCondition)) return true;
  return false;
}

function stringTest(c: CompiledCondition, input: string): boolean {
  const op = c.op;
  if (op === Op.matches) return patternMatches(c.pattern!, input); // case folding is a pattern flag
  const s = c.caseInsensitive ? input.toLowerCase() : input;
  switch (op) {
    case Op.equals: return s === c.text;
    case Op.in: return c.set!.has(s);
    case Op.contains: return s.includes(c.text);
    case Op.startsWith: return s.startsWith(c.text);
    case Op.endsWith: return s.endsWith(c.text);
    default: return false;
  }
}

/**
 * String operators over a string, number or boolean value, or over an array of them (true when any
 * element passes). Negated operators are the negation of the positive test on a readable value.
 */
function stringCondition(c: CompiledCondition, value: unknown): boolean {
  if (typeof value === "string") return stringTest(c, value) !== c.negate;
  if (Array.isArray(value)) {
    let any = false;
    for (let i = 0; i < value.length; i++) {
      const s = readString(value[i]);
      if (s === undefined) return false;
      if (!any && stringTest(c, s)) any = true;
    }
    return any !== c.negate;
  }
  const s = readString(value);
  return s === undefined ? false : stringTest(c, s) !== c.negate;
}

function segmentCondition(set: CompiledFlagSet, c: CompiledCondition): boolean {
  const ids = c.segments!;
  const scratch = set.scratch;
  // A segment reached again while it is being evaluated (a cycle): the condition is false. A
  // malformed segment cannot prove non-membership, so not_in_segment over it is false too.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (scratch.segmentBusy[id] === scratch.epoch) return false;
    if (c.negate && set.segment(id).malformed) return false;
  }
  let member = false;
  for (let i = 0; i < ids.length && !member; i++) member = inSegment(set, ids[i] as number);
  return member !== c.negate;
}

/** Included keys are always in, excluded keys never (unless included), else the match groups. */
export function inSegment(set: CompiledFlagSet, index: number): boolean {
  const scratch = set.scratch;
  const epoch = scratch.epoch;
  if (scratch.segmentDone[index] === epoch) return scratch.segmentValue[index] === 1;
  const segment = set.segment(index);
  const key = scratch.targetingKey;
  let member: boolean;
  if (key !== undefined && segment.included.has(key)) member = true;
  else if (key !== undefined && segment.excluded.has(key)) member = false;
  else {
    scratch.segmentBusy[index] = epoch;
    member = anyGroupMatches(set, segment.groups);
    scratch.segmentBusy[index] = 0;
  }
  scratch.segmentDone[index] = epoch;
  scratch.segmentValue[index] = member ? 1 : 0;
  return member;
}

export function conditionHolds(set: CompiledFlagSet, c: CompiledCondition): boolean {
  const op = c.op;
  if (op === Op.never) return false;
  if (op === Op.segment) return segmentCondition(set, c);
  const value = c.isTargetingKey ? set.scratch.targetingKey : readAttribute(set.scratch.context, c.path);
  // A missing attribute fails every operator, negated ones too, except not_exists.
  if (value === undefined) return op === Op.notExists;
  if (op <= Op.matches) return stringCondition(c, value);
  switch (op) {
    case Op.exists: return true;
    case Op.notExists: return false;
    case Op.eq: case Op.gt: case Op.gte: case Op.lt: case Op.lte: {
      const n = readNumber(value);
      if (n !== n) return false;
      const k = c.num;
      return op === Op.eq ? n === k : op === Op.gt ? n > k : op === Op.gte ? n >= k : op === Op.lt ? n < k : n <= k;
    }
    case Op.before: case Op.after: {
      const t = readDate(value);
      if (t !== t) return false;
      return op === Op.before ? t < c.num : t > c.num;
    }
    case Op.semverEq: case Op.semverGt: case Op.semverGte: case Op.semverLt: case Op.semverLte: {
      const cmp = compareToSemVer(value, c.version!);
      if (cmp !== cmp) return false; // not a version
      switch (op) {
        case Op.semverEq: return cmp === 0;
        case Op.semverGt: return cmp > 0;
        case Op.semverGte: return cmp >= 0;
        case Op.semverLt: return cmp < 0;
        default: return cmp <= 0;
      }
    }
    default: return false;
  }
}
