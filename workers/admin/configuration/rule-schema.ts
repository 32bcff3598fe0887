// The zod schemas of targeting: condition groups (rules and segments share them) and what a rule
// serves. Operands are read with the engine's own readers, so anything accepted here is something
// the engine evaluates, never a condition it would silently turn into "matches nobody".
// References (variants of the feature, segments of the team) are checked separately
// (`checkReferences`), because they need D1.
import { z } from "zod";
import { readDate } from "../../../engine/operators/dates";
import { readNumber } from "../../../engine/operators/numbers";
import { compilePattern } from "../../../engine";
import { readSemVer } from "../../../engine/operators/semver";
import { readString, readStringList } from "../../../engine/operators/strings";
import { OPERATORS, type ConditionGroup, type JsonValue, type Operator, type ServeDocument } from "../../../engine/types";
import { badInput } from "../core/errors";

/** Weights of a split are thousandths of a percent: 100000 is everyone. */
export const SPLIT_TOTAL = 100_000;
export const MAX_GROUPS = 20;
export const MAX_CONDITIONS = 50;
export const MAX_RULES = 100;

const STRING_OPERATORS = new Set<Operator>(["equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with"]);
const LIST_OPERATORS = new Set<Operator>(["in", "not_in"]);
const NUMBER_OPERATORS = new Set<Operator>(["eq", "gt", "gte", "lt", "lte"]);
const DATE_OPERATORS = new Set<Operator>(["before", "after"]);
const SEMVER_OPERATORS = new Set<Operator>(["semver_eq", "semver_gt", "semver_gte", "semver_lt", "semver_lte"]);
const SEGMENT_OPERATORS = new Set<Operator>(["in_segment", "not_in_segment"]);
const PRESENCE_OPERATORS = new Set<Operator>(["exists", "not_exists"]);

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

/** Why `value` is not a valid operand of `operator`, or null when it is. */
function operandProblem(operator: Operator, value: unknown, caseInsensitive: boolean): string | null {
  if (PRESENCE_OPERATORS.has(operator)) return value === undefined || value === null ? null : `${operator} takes no value`;
  if (STRING_OPERATORS.has(operator)) return readString(value) === undefined ? `${operator} needs a string value` : null;
  if (LIST_OPERATORS.has(operator)) {
    return Array.isArray(value) && value.length > 0 && readStringList(value) !== undefined
      ? null : `${operator} needs a non-empty list of strings`;
  }
  if (operator === "matches") {
    if (typeof value !== "string") return "matches needs a regular expression string";
    return compilePattern(value, caseInsensitive) ? null : "is not a valid RE2 regular expression";
  }
  if (NUMBER_OPERATORS.has(operator)) return Number.isNaN(readNumber(value)) ? `${operator} needs a number` : null;
  if (DATE_OPERATORS.has(operator)) {
    return Number.isNaN(readDate(value)) ? `${operator} needs an ISO-8601 date or epoch milliseconds` : null;
  }
  if (SEMVER_OPERATORS.has(operator)) return readSemVer(value) ? null : `${operator} needs a semantic version`;
  if (SEGMENT_OPERATORS.has(operator)) {
    const keys = Array.isArray(value) ? value : [value];
    return keys.length > 0 && keys.every((key) => typeof key === "string" && key.length > 0)
      ? null : `${operator} needs a segment key or a non-empty list of segment keys`;
  }
  return `unknown operator ${operator}`;
}

export const conditionSchema = z.object({
  attribute: z.string().trim().min(1, "is required").max(200),
  operator: z.enum(OPERATORS as [Operator, ...Operator[]]),
  value: jsonValue.optional(),
  caseInsensitive: z.boolean().optional(),
}).strict().superRefine((condition, ctx) => {
  const problem = operandProblem(condition.operator, condition.value, condition.caseInsensitive === true);
  if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
}).transform((condition) => {
  // Presence operators carry no value; drop an explicit null so stored documents are canonical.
  const { value, ...rest } = condition;
  return (value === undefined || value === null) && PRESENCE_OPERATORS.has(condition.operator) ? rest : condition;
});

export const conditionGroupSchema = z.object({
  operator: z.enum(["and", "or"]),
  conditions: z.array(conditionSchema).min(1, "a group needs at least one condition").max(MAX_CONDITIONS),
}).strict();

/** OR of groups: a rule with [] matches everyone, a segment with [] matches nobody but its lists. */
export const matchSchema = z.array(conditionGroupSchema).max(MAX_GROUPS);

const variantKey = z.string().min(1, "is required").max(100);
const bucketBy = z.string().trim().min(1).max(200).optional();

export const serveSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("variant"), variant: variantKey }).strict(),
  z.object({
    kind: z.literal("rollout"),
    variant: variantKey,
    percentage: z.number().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100")
      .refine((p) => Math.round(p * 1000) === p * 1000, "has at most three decimals"),
    bucketBy,
  }).strict(),
  z.object({
    kind: z.literal("split"),
    allocations: z.array(z.object({
      variant: variantKey,
      weight: z.number().int("must be an integer").min(0, "must not be negative").max(SPLIT_TOTAL),
    }).strict()).min(1, "a split needs at least one allocation").max(50)
      .superRefine((allocations, ctx) => {
        const total = allocations.reduce((sum, a) => sum + a.weight, 0);
        if (total > SPLIT_TOTAL) ctx.addIssue({ code: "custom", message: `weights sum to ${total}, more than ${SPLIT_TOTAL}` });
        const seen = new Set<string>();
        allocations.forEach((a, index) => {
          if (seen.has(a.variant)) ctx.addIssue({ code: "custom", path: [index, "variant"], message: `variant ${a.variant} appears twice` });
          seen.add(a.variant);
        });
      }),
    bucketBy,
  }).strict(),
]);

export const ruleInputSchema = z.object({
  name: z.string().trim().max(200).default(""),
  priority: z.number().int("must be an integer").min(0).max(1_000_000).optional(),
  enabled: z.boolean().default(true),
  match: matchSchema.default([]),
  serve: serveSchema,
}).strict();

export type RuleInput = z.output<typeof ruleInputSchema>;

export function servedVariants(serve: ServeDocument): { variant: string; path: (string | number)[] }[] {
  if (serve.kind === "split") return serve.allocations.map((a, i) => ({ variant: a.variant, path: ["allocations", i, "variant"] }));
  return [{ variant: serve.variant, path: ["variant"] }];
}

/** Every segment key referenced by `match`, with its path below the match root. */
export function referencedSegments(match: ConditionGroup[]): { key: string; path: (string | number)[] }[] {
  const out: { key: string; path: (string | number)[] }[] = [];
  match.forEach((group, g) => group.conditions.forEach((condition, c) => {
    if (!SEGMENT_OPERATORS.has(condition.operator)) return;
    const keys = Array.isArray(condition.value) ? condition.value : [condition.value];
    keys.forEach((key, k) => out.push({
      key: String(key), path: Array.isArray(condition.value) ? [g, "conditions", c, "value", k] : [g, "conditions", c, "value"],
    }));
  }));
  return out;
}

/** BAD_USER_INPUT at the first segment key in `match` that the team does not have. */
export function assertSegmentsExist(match: ConditionGroup[], segmentKeys: ReadonlySet<string>, root: string): void {
  for (const ref of referencedSegments(match)) {
    if (!segmentKeys.has(ref.key)) throw badInput([root, ...ref.path].join("."), `unknown segment ${ref.key}`);
  }
}

/** BAD_USER_INPUT at the first variant that `serve` names and the feature does not have. */
export function assertVariantsExist(serve: ServeDocument, variantKeys: ReadonlySet<string>, root: string): void {
  for (const ref of servedVariants(serve)) {
    if (!variantKeys.has(ref.variant)) throw badInput([root, ...ref.path].join("."), `unknown variant ${ref.variant}`);
  }
}
