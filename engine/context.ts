// Reading the evaluation context: validation, the targeting key (with the FluxGate alias
// `bucketingKey`) and attribute lookup by exact key first, then by dotted path.
import type { EvaluationContext } from "./types.ts";

const hasOwn = Object.prototype.hasOwnProperty;

/** A compiled attribute reference: the raw name, and its dotted parts when it has any. */
export interface AttributePath {
  readonly name: string;
  /** null when the name has no dot (only the exact lookup applies). */
  readonly parts: readonly string[] | null;
}

export function compilePath(name: string): AttributePath {
  return { name, parts: name.includes(".") ? name.split(".") : null };
}

/**
 * A plain object: one whose constructor is this realm's Object (JSON.parse output, object
 * literals), or from any realm one whose prototype is null or a prototype whose own prototype is
 * null. The constructor read comes first because V8 answers it from the inline cache, while
 * Object.getPrototypeOf on these shapes costs a call (~8 ns, a tenth of an evaluation).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  if ((value as { constructor?: unknown }).constructor === Object) return true;
  if (Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Why a context is unusable, or undefined when it is fine. */
export function contextProblem(context: unknown): string | undefined {
  if (!isPlainObject(context)) return "the evaluation context must be a JSON object";
  const tk = context.targetingKey;
  if (tk !== undefined && tk !== null && typeof tk !== "string") return "targetingKey must be a string";
  const bk = context.bucketingKey;
  if (bk !== undefined && bk !== null && typeof bk !== "string") return "bucketingKey must be a string";
  return undefined;
}

/** Returned by resolveTargetingKey for a context that contextProblem rejects. */
export const UNUSABLE_CONTEXT: unique symbol = Symbol("unusable context");

/**
 * The evaluator's one pass over a context: its targeting key (targetingKey, else bucketingKey;
 * null counts as absent; undefined when neither is set), or UNUSABLE_CONTEXT exactly when
 * contextProblem(context) reports a problem (ask it for the message).
 */
export function resolveTargetingKey(context: unknown): string | undefined | typeof UNUSABLE_CONTEXT {
  if (!isPlainObject(context)) return UNUSABLE_CONTEXT;
  const tk = context.targetingKey;
  const bk = context.bucketingKey;
  if (bk !== undefined && bk !== null && typeof bk !== "string") return UNUSABLE_CONTEXT;
  if (typeof tk === "string") return tk;
  if (tk !== undefined && tk !== null) return UNUSABLE_CONTEXT;
  return bk === null ? undefined : (bk as string | undefined);
}

/**
 * The attribute's value, or undefined when absent. JSON null counts as absent. Only own properties
 * are read, so names like "constructor" never resolve to prototype members.
 */
export function readAttribute(context: EvaluationContext, path: AttributePath): unknown {
  const name = path.name;
  const direct = (context as Record<string, unknown>)[name];
  if (direct !== undefined && direct !== null && hasOwn.call(context, name)) return direct;
  const parts = path.parts;
  if (parts === null) return undefined;
  let current: unknown = context;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    const part = parts[i] as string;
    if (!hasOwn.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === null ? undefined : current;
}
