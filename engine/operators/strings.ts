// Strings: strings as they are, finite numbers and booleans in their canonical text form
// (so `plan equals "3"` matches plan: 3). Objects, arrays, NaN and infinities are unreadable.

export function readString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}

/** Operand lists (`in`, `not_in`): a single readable value counts as a one-element list. */
export function readStringList(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const s = readString(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}
