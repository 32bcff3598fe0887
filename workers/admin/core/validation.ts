// Input validation with zod: the first issue becomes BAD_USER_INPUT naming the field path, so a
// client can point at the offending form field (`input.email`, `input.variants.2.key`).
import type { z } from "zod";
import { badInput } from "./errors";

/**
 * Parses `value` with `schema`; `root` prefixes the reported path (usually the GraphQL argument
 * name, e.g. "input"). Returns the parsed (and transformed) value.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = "input"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [root, ...issue.path.map(String)].filter((part) => part !== "").join(".");
  throw badInput(field, `${field}: ${issue.message}`);
}
