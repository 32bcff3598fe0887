// The evaluation Worker's RPC entrypoint (workers/evaluation/data/flags-entrypoint.ts) as an app's Worker sees
// it through a service binding: OFREP-shaped answers, shared by the Worker and the SDK.
import type { EvaluationContext, JsonValue, Metadata } from "../engine/types";

/** The entrypoint's class name, for `entrypoint = "..."` in the app's wrangler.toml. */
export const FLAGS_ENTRYPOINT = "FlagsEntrypoint";

/** One flag, as OFREP's evaluationSuccess / evaluationFailure. */
export type RpcFlagResult =
  | { key: string; value?: JsonValue; reason: string; variant?: string; metadata: Metadata }
  | { key: string; errorCode: string; errorDetails: string; metadata: Metadata };

/** Every flag, as OFREP's bulkEvaluationSuccess (the set's version in the top-level metadata). */
export interface RpcBulkResult {
  flags: RpcFlagResult[];
  metadata: Metadata;
}

/**
 * The whole call failed (no `key`, no `flags`), as OFREP's generalErrorResponse plus the HTTP status
 * the same failure has over HTTP: 401 UNAUTHORIZED, 403 FORBIDDEN, 400 PARSE_ERROR / INVALID_CONTEXT,
 * 429 TOO_MANY_REQUESTS, 503 SNAPSHOT_UNAVAILABLE, 500 GENERAL.
 */
export interface RpcFailure {
  errorCode: string;
  errorDetails: string;
  status: number;
}

/** What the binding offers (the entrypoint's public methods). */
export interface FlagsRpc {
  /** One flag for one context; `credential` is the app's FluxGate client secret. */
  evaluateFlag(credential: string, flagKey: string, context?: EvaluationContext): Promise<RpcFlagResult | RpcFailure>;
  /** Every flag of the client's environment for one context. */
  evaluateFlags(credential: string, context?: EvaluationContext): Promise<RpcBulkResult | RpcFailure>;
}

export const isRpcFailure = (answer: object): answer is RpcFailure => !("key" in answer) && !("flags" in answer);
