// A stage's rules as the editor holds them, and their conversion to the API's RuleInput list
// (the list order is the evaluation order).
import type { RuleInput } from "../gql/graphql";
import { fromGroupValues, conditionProblem, toGroupInputs, type GroupDraft, type GroupValue } from "./conditions";
import { parseRollout, splitProblem, type Allocation } from "./splits";

export type ServeKind = "variant" | "rollout" | "split";

export interface RuleDraft {
  /** Stable key for the list (the rule's id, or a fresh one for a new rule). */
  key: string;
  id?: string;
  name: string;
  enabled: boolean;
  groups: GroupDraft[];
  kind: ServeKind;
  variant: string;
  percentage: string;
  bucketBy: string;
  allocations: Allocation[];
}

export interface RuleValue {
  id: string;
  name: string;
  enabled: boolean;
  match: GroupValue[];
  serveSpec: { kind: string; variant?: string | null; percentage?: number | null; bucketBy?: string | null; allocations?: Allocation[] | null };
}

let counter = 0;
export const newRule = (variant: string): RuleDraft => ({
  key: `new-${Date.now()}-${counter++}`, name: "", enabled: true, groups: [], kind: "variant", variant,
  percentage: "100", bucketBy: "", allocations: [],
});

export const fromRuleValue = (rule: RuleValue): RuleDraft => ({
  key: rule.id, id: rule.id, name: rule.name, enabled: rule.enabled, groups: fromGroupValues(rule.match),
  kind: (["variant", "rollout", "split"].includes(rule.serveSpec.kind) ? rule.serveSpec.kind : "variant") as ServeKind,
  variant: rule.serveSpec.variant ?? "",
  percentage: String(rule.serveSpec.percentage ?? 100),
  bucketBy: rule.serveSpec.bucketBy ?? "",
  allocations: rule.serveSpec.allocations?.map((a) => ({ variant: a.variant, weight: a.weight })) ?? [],
});

/** Problems of each rule, by rule key (empty when the list can be saved). */
export function ruleProblems(rules: RuleDraft[]): Map<string, string> {
  const problems = new Map<string, string>();
  for (const rule of rules) {
    const condition = rule.groups.flatMap((g) => g.conditions).map(conditionProblem).find(Boolean);
    const serve = rule.kind === "split" ? splitProblem(rule.allocations)
      : !rule.variant ? "Choose the variant to serve."
      : rule.kind === "rollout" && parseRollout(rule.percentage) === null ? "The rollout must be 0 to 100%, up to three decimals."
      : null;
    const problem = condition ?? serve ?? (rule.groups.some((g) => g.conditions.length === 0) ? "Remove empty condition groups (an empty group matches nobody)." : null);
    if (problem) problems.set(rule.key, problem);
  }
  return problems;
}

/** Typed against the schema's RuleInput, so a schema change that breaks it fails the typecheck. */
export function toRuleInputs(rules: RuleDraft[]): RuleInput[] {
  return rules.map((rule) => ({
    ...(rule.id ? { id: rule.id } : {}),
    name: rule.name.trim() || undefined,
    enabled: rule.enabled,
    match: toGroupInputs(rule.groups),
    serve: rule.kind === "split"
      ? { kind: "split" as const, allocations: rule.allocations, ...(rule.bucketBy.trim() ? { bucketBy: rule.bucketBy.trim() } : {}) }
      : rule.kind === "rollout"
        ? { kind: "rollout" as const, variant: rule.variant, percentage: parseRollout(rule.percentage) ?? 0, ...(rule.bucketBy.trim() ? { bucketBy: rule.bucketBy.trim() } : {}) }
        : { kind: "variant" as const, variant: rule.variant },
  }));
}

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}
