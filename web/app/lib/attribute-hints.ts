// What the condition builder suggests: the team's context attributes (contexts are dictionaries of
// what applications send; the engine never reads them) with their type, and each attribute's
// suggested values for the condition's value field. Suggestions only: any name or value may be typed.
import { OPERATORS, splitList, type OperatorName } from "./conditions";

export interface AttributeHint {
  name: string;
  /** The context's type (string, number, boolean, date, semver, string_list); "a | b" when contexts disagree. */
  type: string;
  values: string[];
}

interface ContextAttribute {
  name: string;
  type: string;
  values?: readonly string[] | null;
}

/** Every attribute once, by name (contexts may share one: their types and values are merged), targetingKey always. */
export function attributeHints(contexts: readonly { attributes: readonly ContextAttribute[] }[]): AttributeHint[] {
  const byName = new Map<string, AttributeHint>([["targetingKey", { name: "targetingKey", type: "string", values: [] }]]);
  for (const attribute of contexts.flatMap((c) => c.attributes)) {
    const known = byName.get(attribute.name);
    const values = attribute.values ?? [];
    if (!known) {
      byName.set(attribute.name, { name: attribute.name, type: attribute.type, values: [...new Set(values)] });
      continue;
    }
    if (!known.type.split(" | ").includes(attribute.type)) known.type = `${known.type} | ${attribute.type}`;
    known.values = [...new Set([...known.values, ...values])];
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** "string_list" reads better as "list of strings"; the hint under the attribute field. */
export function describeHint(hint: AttributeHint): string {
  const type = hint.type.split(" | ").map((t) => (t === "string_list" ? "list of strings" : t)).join(" or ");
  return hint.values.length ? `${type} · suggested: ${hint.values.join(", ")}` : type;
}

export interface ValueOption {
  /** What picking the option puts in the field. */
  value: string;
  /** The suggested value itself. */
  label: string;
}

/**
 * The value field's suggestions for this operator. A list operator (is one of / is none of) offers
 * the text so far plus one more value not listed yet, so picking a suggestion appends to the list.
 * Operators without a value, with segment keys or with a pattern get none; a number field only numbers.
 */
export function valueOptions(hint: AttributeHint | undefined, operator: OperatorName, text: string): ValueOption[] {
  if (!hint || hint.values.length === 0) return [];
  const input = OPERATORS[operator].input;
  if (input === "number") return hint.values.filter((v) => v.trim() !== "" && Number.isFinite(Number(v))).map((v) => ({ value: v, label: v }));
  if (input === "text" || input === "semver") return hint.values.map((v) => ({ value: v, label: v }));
  if (input !== "list") return [];
  // The last item is still being typed unless the text ends with a separator.
  const items = splitList(text);
  const done = /[,\n]\s*$/.test(text) || text.trim() === "" ? items : items.slice(0, -1);
  const prefix = done.length ? `${done.join(", ")}, ` : "";
  return hint.values.filter((v) => !done.includes(v)).map((v) => ({ value: `${prefix}${v}`, label: v }));
}
