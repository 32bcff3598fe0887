// Engine results rendered as the two HTTP dialects. OFREP: a success `{key, value, reason, variant,
// metadata}` or a failure `{key, errorCode, errorDetails, metadata}`; FluxGate /evaluate: one
// `{flagKey, value, variant, reason, errorCode?, errorDetails?, metadata}` for both. An undefined value
// (an off flag without an off value) is left out, which OFREP defines as "use the code default".
import type { ErrorCode, EvaluationResult, Metadata } from "../../../engine/types";
import { reasonName, type ReasonNames } from "./reason-names";

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
  return ofrepShape(result, withStale(result.metadata, stale));
}

/**
 * A flag inside an OFREP bulk answer. Its metadata is content-derived only: the set's version and
 * staleness go in the answer's top-level metadata, so a flag that did not change serialises to
 * the same JSON in every version (OFREP web providers diff flags by their JSON to name flagsChanged).
 */
export function ofrepBulkFlag(result: EvaluationResult): Record<string, unknown> {
  return ofrepShape(result, bulkFlagMetadata(result.metadata));
}

function ofrepShape(result: EvaluationResult, metadata: Metadata): Record<string, unknown> {
  const errorCode = errorCodeOf(result);
  if (errorCode !== undefined) {
    return { key: result.key, errorCode, errorDetails: result.errorDetails ?? errorCode, metadata };
  }
  return { key: result.key, value: result.value, reason: result.reason, variant: result.variant, metadata };
}

// The engine shares frozen metadata objects between results, so each is stripped once.
const strippedMetadata = new WeakMap<Metadata, Metadata>();

function bulkFlagMetadata(metadata: Metadata): Metadata {
  let stripped = strippedMetadata.get(metadata);
  if (stripped === undefined) {
    const { flagSetVersion: _set, stale: _stale, ...rest } = metadata;
    stripped = rest;
    strippedMetadata.set(metadata, stripped);
  }
  return stripped;
}

export function fluxgateResult(result: EvaluationResult, stale: boolean, names: ReasonNames = "openfeature"): Record<string, unknown> {
  const errorCode = errorCodeOf(result);
  return {
    flagKey: result.key,
    value: result.value,
    variant: result.variant,
    reason: reasonName(result.reason, names),
    errorCode,
    errorDetails: errorCode === undefined ? undefined : (result.errorDetails ?? errorCode),
    metadata: withStale(result.metadata, stale),
  };
}
