// Engine / OFREP results as OpenFeature ResolutionDetails, shared by the server and web providers:
// the caller's default on errors and on "no value" (an off flag without an off variant), a
// TYPE_MISMATCH when the flag's value is not of the requested type.
import { ErrorCode, StandardResolutionReasons, type EvaluationContext as OpenFeatureContext, type FlagValue, type FlagValueType, type ResolutionDetails } from "@openfeature/core";
import type { EvaluationContext } from "../../../engine/types";
import { FluxGateError } from "../errors";

/** What both an engine EvaluationResult and an OFREP RemoteEvaluation carry. */
export interface EvaluationLike {
  value?: unknown;
  variant?: string | undefined;
  reason?: string;
  errorCode?: string | undefined;
  errorDetails?: string | undefined;
  metadata: Record<string, string | number | boolean>;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

export function toResolution<T extends FlagValue>(result: EvaluationLike, defaultValue: T, type: FlagValueType): ResolutionDetails<T> {
  const flagMetadata = result.metadata;
  if (result.errorCode !== undefined) {
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: (KNOWN_CODES.has(result.errorCode) ? result.errorCode : ErrorCode.GENERAL) as ErrorCode,
      errorMessage: result.errorDetails ?? result.errorCode,
      flagMetadata,
    };
  }
  const variant = result.variant;
  const reason = result.reason ?? StandardResolutionReasons.UNKNOWN;
  if (result.value === undefined) return { value: defaultValue, ...(variant ? { variant } : {}), reason, flagMetadata };
  if (!ofType(result.value, type)) {
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: `flag value is ${Array.isArray(result.value) ? "array" : typeof result.value}, not ${type}`,
      flagMetadata,
    };
  }
  return { value: result.value as T, ...(variant ? { variant } : {}), reason, flagMetadata };
}

function ofType(value: unknown, type: FlagValueType): boolean {
  return type === "object" ? typeof value === "object" && value !== null : typeof value === type;
}

/** A failure to reach FluxGate (remote mode) as a resolution with the caller's default. */
export function failedResolution<T extends FlagValue>(error: unknown, defaultValue: T): ResolutionDetails<T> {
  const fatal = error instanceof FluxGateError && error.terminal;
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: fatal ? ErrorCode.PROVIDER_FATAL : ErrorCode.GENERAL,
    errorMessage: error instanceof Error ? error.message : String(error),
  };
}

/**
 * OpenFeature contexts may hold Date values; over OFREP they travel as ISO strings, so local mode
 * converts top-level dates the same way and both modes see the same attributes.
 */
export function engineContext(context: OpenFeatureContext): EvaluationContext {
  for (const key in context) {
    if (context[key] instanceof Date) {
      const copy: EvaluationContext = {};
      for (const [k, v] of Object.entries(context)) copy[k] = v instanceof Date ? v.toISOString() : v;
      return copy;
    }
  }
  return context as EvaluationContext;
}
