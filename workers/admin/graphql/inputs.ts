// GraphQL input helpers.

/**
 * Drops null fields: in an update input, an omitted field and an explicit null both mean "leave as
 * is", and services validate with zod's optional().
 */
export function withoutNulls<T extends Record<string, unknown>>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null)) as { [K in keyof T]?: Exclude<T[K], null> };
}
