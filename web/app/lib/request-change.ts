// What an approval request asks for, in words (the inbox shows this instead of the payload's JSON).
// The payload shapes are the API's (workers/admin/workflow/stage-workflow.ts, configuration/
// rules-change.ts, configuration/versions.ts); a shape this does not know is shown as JSON.
import { fromConditionValue, OPERATORS, type ConditionValue, type GroupValue, type OperatorInfo } from "./conditions";
import { describeServe } from "./splits";

export interface RequestedChange {
  /** One sentence: what applying the request does. */
  summary: string;
  /** For a rules change: each proposed rule, in evaluation order. */
  rules: string[];
  /** The payload as JSON when its shape is not one this module knows. */
  raw: string | null;
}

/** A rule as the API stores it in a rules change (its RuleInput). */
interface RulePayload { name?: string | null; enabled?: boolean | null; match?: GroupValue[] | null; serve?: unknown }

export function describeRequestedChange(action: string, payload: unknown, environmentName: string, environmentNames: Record<string, string>): RequestedChange {
  const p = (payload ?? {}) as { rules?: RulePayload[]; version?: number; environmentIds?: string[] };
  if (action === "deploy") return known(`Deploy the flag to ${environmentName}.`);
  if (action === "rollback") return known(`Roll the flag back in ${environmentName}.`);
  if (action === "version_rollback" && typeof p.version === "number") {
    const where = (p.environmentIds ?? []).map((id) => environmentNames[id] ?? id);
    return known(`Restore version ${p.version} of the flag${where.length ? ` in ${listOf(where)}` : ""}.`);
  }
  if (action === "rules_change" && Array.isArray(p.rules)) {
    const count = p.rules.length;
    const summary = count === 0
      ? `Remove every rule in ${environmentName}: everyone gets the default.`
      : `Replace the rules in ${environmentName} with ${count} rule${count === 1 ? "" : "s"}, in this order:`;
    return { summary, rules: p.rules.map(describeRule), raw: null };
  }
  return { summary: `${action.replace(/_/g, " ")} in ${environmentName}.`, rules: [], raw: JSON.stringify(payload, null, 2) };
}

/** "Rule 1 (disabled): if country equals DE and plan is one of pro, team → serves order". */
export function describeRule(rule: RulePayload, index: number): string {
  const name = rule.name?.trim() || `Rule ${index + 1}`;
  const off = rule.enabled === false ? " (disabled)" : "";
  const match = rule.match ?? [];
  return `${name}${off}: ${match.length === 0 ? "everyone" : `if ${describeMatch(match)}`} → ${describeServe(rule.serve)}`;
}

/** Groups are ORed; a group combines its conditions with its own operator. */
export function describeMatch(groups: GroupValue[]): string {
  return groups.map((g) => {
    const text = g.conditions.map(describeCondition).join(g.operator.toLowerCase() === "or" ? " or " : " and ");
    return groups.length > 1 && g.conditions.length > 1 ? `(${text})` : text;
  }).join(" or ");
}

/** Read through the editor's own conversion (fromConditionValue), so lists and dates read as typed. */
export function describeCondition(condition: ConditionValue): string {
  const { attribute, operator, value, caseInsensitive } = fromConditionValue(condition);
  const info: OperatorInfo = OPERATORS[operator];
  return `${attribute} ${info.label}${info.input === "none" ? "" : ` ${value}`}${caseInsensitive ? " (any case)" : ""}`;
}

const known = (summary: string): RequestedChange => ({ summary, rules: [], raw: null });

const listOf = (names: string[]) => names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
