// The condition builder's model: every operator of the evaluation engine (EVALUATION.md) with the
// input it needs, and the conversion between the editor's text fields and the API's
// ConditionGroupInput (match = OR of groups; a group combines its conditions with AND or OR).
import type { ConditionGroupInput } from "../gql/graphql";
export type InputKind = "text" | "list" | "number" | "date" | "semver" | "regex" | "segment" | "segments" | "none";

export interface OperatorInfo {
  label: string;
  input: InputKind;
  /** The string operators take an optional case-insensitive flag. */
  caseFlag?: boolean;
}

export const OPERATORS = {
  equals: { label: "equals", input: "text", caseFlag: true },
  not_equals: { label: "does not equal", input: "text", caseFlag: true },
  in: { label: "is one of", input: "list", caseFlag: true },
  not_in: { label: "is none of", input: "list", caseFlag: true },
  contains: { label: "contains", input: "text", caseFlag: true },
  not_contains: { label: "does not contain", input: "text", caseFlag: true },
  starts_with: { label: "starts with", input: "text", caseFlag: true },
  ends_with: { label: "ends with", input: "text", caseFlag: true },
  matches: { label: "matches regex", input: "regex", caseFlag: true },
  eq: { label: "= (number)", input: "number" },
  gt: { label: "> (number)", input: "number" },
  gte: { label: "≥ (number)", input: "number" },
  lt: { label: "< (number)", input: "number" },
  lte: { label: "≤ (number)", input: "number" },
  before: { label: "is before (date)", input: "date" },
  after: { label: "is after (date)", input: "date" },
  semver_eq: { label: "version =", input: "semver" },
  semver_gt: { label: "version >", input: "semver" },
  semver_gte: { label: "version ≥", input: "semver" },
  semver_lt: { label: "version <", input: "semver" },
  semver_lte: { label: "version ≤", input: "semver" },
  exists: { label: "is present", input: "none" },
  not_exists: { label: "is absent", input: "none" },
  in_segment: { label: "is in segment", input: "segments" },
  not_in_segment: { label: "is not in segment", input: "segments" },
} as const satisfies Record<string, OperatorInfo>;

export type OperatorName = keyof typeof OPERATORS;
export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];

/** A condition as the editor holds it: the value is always the text the user typed. */
export interface ConditionDraft {
  attribute: string;
  operator: OperatorName;
  value: string;
  caseInsensitive: boolean;
}

export interface GroupDraft {
  operator: "AND" | "OR";
  conditions: ConditionDraft[];
}

export interface ConditionValue {
  attribute: string;
  operator: string;
  value?: unknown;
  caseInsensitive?: boolean | null;
}

export interface GroupValue {
  operator: string;
  conditions: ConditionValue[];
}

const SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export const emptyCondition = (): ConditionDraft => ({ attribute: "", operator: "equals", value: "", caseInsensitive: false });
export const emptyGroup = (): GroupDraft => ({ operator: "AND", conditions: [emptyCondition()] });

/** "a, b\nc" -> ["a", "b", "c"]: how list and segment values are typed. */
export const splitList = (text: string) => text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);

/** What is wrong with the condition, or null. Mirrors the API's rule validation for the common cases. */
export function conditionProblem(draft: ConditionDraft): string | null {
  if (!draft.attribute.trim()) return "Name the context attribute.";
  const input = OPERATORS[draft.operator].input;
  const value = draft.value.trim();
  switch (input) {
    case "none": return null;
    case "number": return value !== "" && Number.isFinite(Number(value)) ? null : "Enter a number.";
    case "date": return value !== "" && !Number.isNaN(Date.parse(value)) ? null : "Enter a date (ISO-8601).";
    case "semver": return SEMVER.test(value) ? null : "Enter a version like 2.1.0.";
    case "regex":
      if (!value) return "Enter a pattern.";
      try {
        new RegExp(value);
        return null;
      } catch {
        return "This pattern is not a valid regular expression.";
      }
    case "list": case "segments": return splitList(value).length > 0 ? null : "Enter at least one value (comma-separated).";
    default: return value !== "" ? null : "Enter a value.";
  }
}

export function toConditionInput(draft: ConditionDraft): ConditionValue {
  const info: OperatorInfo = OPERATORS[draft.operator];
  const value = draft.value.trim();
  const out: ConditionValue = { attribute: draft.attribute.trim(), operator: draft.operator };
  switch (info.input) {
    case "none": break;
    case "number": out.value = Number(value); break;
    case "date": out.value = new Date(value).toISOString(); break;
    case "list": case "segments": out.value = splitList(value); break;
    default: out.value = value;
  }
  if (info.caseFlag && draft.caseInsensitive) out.caseInsensitive = true;
  return out;
}

export function fromConditionValue(value: ConditionValue): ConditionDraft {
  const operator = (value.operator in OPERATORS ? value.operator : "equals") as OperatorName;
  const raw = value.value;
  const text = Array.isArray(raw) ? raw.join(", ") : raw === undefined || raw === null ? "" : String(raw);
  return {
    attribute: value.attribute, operator,
    value: OPERATORS[operator].input === "date" && text ? text.slice(0, 16) : text,
    caseInsensitive: Boolean(value.caseInsensitive),
  };
}

export const toGroupInputs = (groups: GroupDraft[]): ConditionGroupInput[] =>
  groups.map((g) => ({
    operator: g.operator === "OR" ? "or" : "and",
    conditions: g.conditions.map(toConditionInput) as ConditionGroupInput["conditions"],
  }));

export const fromGroupValues = (groups: GroupValue[]): GroupDraft[] =>
  groups.map((g) => ({ operator: g.operator.toLowerCase() === "or" ? "OR" : "AND", conditions: g.conditions.map(fromConditionValue) }));

/** Changing the operator keeps the value only when the new operator reads the same kind of input. */
export function withOperator(draft: ConditionDraft, operator: OperatorName): ConditionDraft {
  const same = OPERATORS[draft.operator].input === OPERATORS[operator].input;
  return { ...draft, operator, value: same ? draft.value : "", caseInsensitive: (OPERATORS[operator] as OperatorInfo).caseFlag ? draft.caseInsensitive : false };
}
