// Engine results rendered as the two HTTP dialects. OFREP: a success `{key, value, reason, variant,
// metadata}` or a failure `{key, errorCode, errorDetails, metadata}`; FluxGate /evaluate: one
// `{flagKey, value, variant, reason, errorCode?, errorDetails?, metadata}` for both. An undefined value
// (an off flag without an off value) is left out, which OFREP defines as "use the code default".
import type { ErrorCode, EvaluationResult, Metadata } from "../../../engine/types";

export function withStale(metadata: Metadata, stale: boolean): Metadata {
  return stale ? { ...metadata, stale: true } : metadata;
}

function errorCodeOf(result: EvaluationResult): ErrorCode | undefined {
  return result.errorCode ?? (result.reason === "ERROR" ? "GENERAL" : undefined);
}

/** OFREP / HTTP status of a single evaluation: 200, 404 for FLAG_NOT_FOUND, 400 for other errors. */
export function evaluationStatus(result: EvaluationResult): 200 | 400 | 404 {
  const code = errorCodeOf(result);
  return code === undefined ? 200 : code === "FLAG_NOT_FOUND" ? 404 : 400;
}

export function ofrepFlag(result: EvaluationResult, stale: boolean): Record<string, unknown> {
  const errorCode = errorCodeOf(result);
  if (errorCode !== undefined) {
    return {
      key: result.key,
      errorCode,
      errorDetails: result.errorDetails ?? errorCode,
      metadata: withStale(result.metadata, stale),
    };
  }
  return {
    key: result.key,
    value: result.value,
    reason: result.reason,
    variant: result.variant,
    metadata: withStale(result.metadata, stale),
  };
}

export function fluxgateResult(result: EvaluationResult, stale: boolean): Record<string, unknown> {
  const errorCode = errorCodeOf(result);
  return {
    flagKey: result.key,
    value: result.value,
    variant: result.variant,
    reason: result.reason,
    errorCode,
    errorDetails: errorCode === undefined ? undefined : (result.errorDetails ?? errorCode),
    metadata: withStale(result.metadata, stale),
  };
}
