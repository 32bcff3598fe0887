// Compiling conditions and condition groups: each operand is parsed once here, so evaluation only
// reads the context and compares.
import { compilePath } from "./context.ts";
import { CompiledCondition, type CompileDiagnostic, type CompiledGroup, Op } from "./compiled.ts";
import { readDate } from "./operators/dates.ts";
import { readNumber } from "./operators/numbers.ts";
import { compilePattern } from "./operators/regex.ts";
import { readSemVer } from "./operators/semver.ts";
import { readString, readStringList } from "./operators/strings.ts";
import type { ConditionDocument, ConditionGroup } from "./types.ts";

export interface ConditionScope {
  readonly segmentIndex: ReadonlyMap<string, number>;
  readonly where: { flag?: string; segment?: string; rule?: string };
  readonly report: (d: CompileDiagnostic) => void;
}

const STRING_OPS: Record<string, [number, boolean]> = {
  equals: [Op.equals, false], not_equals: [Op.equals, true],
  in: [Op.in, false], not_in: [Op.in, true],
  contains: [Op.contains, false], not_contains: [Op.contains, true],
  starts_with: [Op.startsWith, false], ends_with: [Op.endsWith, false],
  matches: [Op.matches, false],
};
const NUMBER_OPS: Record<string, number> = { eq: Op.eq, gt: Op.gt, gte: Op.gte, lt: Op.lt, lte: Op.lte };
const DATE_OPS: Record<string, number> = { before: Op.before, after: Op.after };
const SEMVER_OPS: Record<string, number> = {
  semver_eq: Op.semverEq, semver_gt: Op.semverGt, semver_gte: Op.semverGte,
  semver_lt: Op.semverLt, semver_lte: Op.semverLte,
};

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export function compileCondition(doc: ConditionDocument, scope: ConditionScope): CompiledCondition {
  const attribute = typeof doc.attribute === "string" ? doc.attribute : "";
  const path = compilePath(attribute);
  const isTargetingKey = attribute === "targetingKey";
  const ci = doc.caseInsensitive === true;
  const operator = String(doc.operator);
  const make = (
    op: number,
    negate = false,
    extra: { text?: string; set?: Set<string>; num?: number; version?: CompiledCondition["version"];
      pattern?: CompiledCondition["pattern"]; segments?: Int32Array } = {},
  ) =>
    new CompiledCondition(op, negate, path, isTargetingKey, ci, extra.text ?? "", extra.set ?? null,
      extra.num ?? NaN, extra.version ?? null, extra.pattern ?? null, extra.segments ?? null);
  const never = (code: CompileDiagnostic["code"], message: string) => {
    scope.report({ code, ...scope.where, message });
    return make(Op.never);
  };

  const stringOp = own(STRING_OPS, operator);
  if (stringOp !== undefined) {
    const [op, negate] = stringOp;
    if (op === Op.matches) {
      if (typeof doc.value !== "string") return never("INVALID_OPERAND", `matches needs a pattern string`);
      const pattern = compilePattern(doc.value, ci);
      if (pattern === null) return never("INVALID_PATTERN", `invalid regular expression ${JSON.stringify(doc.value)}`);
      return make(op, negate, { pattern });
    }
    if (op === Op.in) {
      const list = readStringList(doc.value);
      if (list === undefined) return never("INVALID_OPERAND", `${operator} needs a list of strings`);
      return make(op, negate, { set: new Set(ci ? list.map((s) => s.toLowerCase()) : list) });
    }
    const text = readString(doc.value);
    if (text === undefined) return never("INVALID_OPERAND", `${operator} needs a string operand`);
    return make(op, negate, { text: ci ? text.toLowerCase() : text });
  }
  const numberOp = own(NUMBER_OPS, operator);
  if (numberOp !== undefined) {
    const num = readNumber(doc.value);
    if (Number.isNaN(num)) return never("INVALID_OPERAND", `${operator} needs a number operand`);
    return make(numberOp, false, { num });
  }
  const dateOp = own(DATE_OPS, operator);
  if (dateOp !== undefined) {
    const num = readDate(doc.value);
    if (Number.isNaN(num)) return never("INVALID_OPERAND", `${operator} needs an ISO-8601 date or epoch milliseconds`);
    return make(dateOp, false, { num });
  }
  const semverOp = own(SEMVER_OPS, operator);
  if (semverOp !== undefined) {
    const version = readSemVer(doc.value);
    if (version === null) return never("INVALID_OPERAND", `${operator} needs a semantic version`);
    return make(semverOp, false, { version });
  }
  if (operator === "exists") return make(Op.exists);
  if (operator === "not_exists") return make(Op.notExists);
  if (operator === "in_segment" || operator === "not_in_segment") {
    const keys = Array.isArray(doc.value) ? doc.value : [doc.value];
    if (keys.length === 0) return never("INVALID_OPERAND", `${operator} needs at least one segment key`);
    const indices = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const index = typeof key === "string" ? scope.segmentIndex.get(key) : undefined;
      if (index === undefined) return never("UNKNOWN_SEGMENT", `unknown segment ${JSON.stringify(key)}`);
      indices[i] = index;
    }
    return make(Op.segment, operator === "not_in_segment", { segments: indices });
  }
  return never("UNKNOWN_OPERATOR", `unknown operator ${JSON.stringify(operator)}`);
}

/**
 * An OR of condition groups, or null when its structure cannot be read (not a list, a group that
 * is not an object or whose conditions are not a list, a condition that is not an object): the
 * caller then matches nobody, so malformed input never widens targeting. A group with an unknown
 * operator only fails itself (it matches nothing, which narrows).
 */
export function compileGroups(groups: unknown, scope: ConditionScope): CompiledGroup[] | null {
  const malformed = (message: string) => {
    scope.report({ code: "INVALID_MATCH", ...scope.where, message });
    return null;
  };
  if (!Array.isArray(groups)) return malformed(`match must be a list of condition groups`);
  const out: CompiledGroup[] = [];
  for (let g = 0; g < groups.length; g++) {
    const group: unknown = groups[g];
    if (group === null || typeof group !== "object" || Array.isArray(group)) return malformed(`group ${g} is not an object`);
    const { operator, conditions } = group as Partial<ConditionGroup>;
    if (!Array.isArray(conditions)) return malformed(`group ${g} conditions must be a list`);
    if (conditions.some((c: unknown) => c === null || typeof c !== "object" || Array.isArray(c))) {
      return malformed(`group ${g} holds a condition that is not an object`);
    }
    if (operator !== "and" && operator !== "or") {
      scope.report({ code: "INVALID_GROUP_OPERATOR", ...scope.where,
        message: `group operator must be "and" or "or", got ${JSON.stringify(operator)}` });
      out.push({ all: true, conditions: [] }); // an empty group matches nothing
      continue;
    }
    out.push({ all: operator === "and", conditions: conditions.map((c) => compileCondition(c, scope)) });
  }
  return out;
}
