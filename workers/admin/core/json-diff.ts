// A structured diff of two JSON documents: one { path, before, after } per changed leaf. Arrays of
// objects carrying an identity (key, environmentKey, id) are matched by it, so inserting a variant
// shows as one added entry rather than every later index changing.
import type { JsonValue } from "../../../engine/types";

export interface DiffEntry {
  path: string;
  before: JsonValue | null;
  after: JsonValue | null;
}

const IDENTITIES = ["environmentKey", "key", "id"] as const;
type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function identityOf(items: JsonValue[]): string | null {
  for (const field of IDENTITIES) {
    if (items.length > 0 && items.every((item) => isObject(item) && typeof item[field] === "string")) return field;
  }
  return null;
}

export function diffJson(before: JsonValue | undefined, after: JsonValue | undefined, path = ""): DiffEntry[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffJson(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const field = identityOf([...before, ...after]);
    if (field) {
      const byId = (items: JsonValue[]) => new Map(items.map((item) => [(item as JsonObject)[field] as string, item]));
      const a = byId(before);
      const b = byId(after);
      return [...new Set([...a.keys(), ...b.keys()])].flatMap((id) => diffJson(a.get(id), b.get(id), `${path}[${id}]`));
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffJson(before[i], after[i], `${path}[${i}]`)).flat();
  }
  return [{ path, before: before ?? null, after: after ?? null }];
}
