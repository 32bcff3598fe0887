// Per-request batching (DataLoader). A module declares a loader once with `defineLoader`; resolvers
// get the request's instance with `ctx.loader(definition)`, so every `load(id)` of one request tick
// becomes one query (`WHERE id IN (...)`), and nothing is cached across requests.
import type { ControlDeps } from "../core/deps";

export interface LoaderDefinition<K, V> {
  readonly name: string;
  /** Returns one value per key, in the order of `keys`. */
  readonly batch: (deps: ControlDeps, keys: readonly K[]) => Promise<ArrayLike<V | Error>>;
}

export function defineLoader<K, V>(name: string, batch: LoaderDefinition<K, V>["batch"]): LoaderDefinition<K, V> {
  return { name, batch };
}

/** Orders `rows` like `keys`: the row whose key matches, or null. */
export function oneByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups `rows` by key in the order of `keys` (empty lists for keys without rows). */
export function manyByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}
