// Evaluation results built once, at compile time, and shared by every evaluation that reaches
// them: a rule's serve, a split range, the default, the off value (plain and per failed
// prerequisite), a rule's missing-bucket error. Each result and its metadata are frozen, so an
// evaluation that lands on one allocates nothing and no caller can change what the next caller
// sees. Consumers build their own objects from a result (see EvaluationResult in types.ts).
import type { ErrorCode, EvaluationResult, JsonValue, Metadata, Reason } from "./types.ts";

export function frozenMetadata(metadata: Metadata): Readonly<Metadata> {
  return Object.freeze({ ...metadata });
}

export function frozenResult(
  key: string,
  value: JsonValue | undefined,
  variant: string | undefined,
  reason: Reason,
  metadata: Readonly<Metadata>,
): EvaluationResult {
  return Object.freeze({ key, value, variant, reason, metadata: metadata as Metadata });
}

export function frozenError(
  key: string,
  errorCode: ErrorCode,
  errorDetails: string,
  metadata: Readonly<Metadata>,
): EvaluationResult {
  return Object.freeze({
    key, value: undefined, variant: undefined, reason: "ERROR" as const, errorCode, errorDetails,
    metadata: metadata as Metadata,
  });
}
