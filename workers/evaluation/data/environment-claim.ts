// A context may name the environment it means (the original FluxGate's examples put
// `environment_id` in every context). The credential decides the environment, so a context that
// names another one is refused rather than silently answered from the credential's: an app holding
// a staging secret that asks for production would otherwise get staging values without a word.
import type { EvaluationContext } from "../../../engine/types";
import { ApiError } from "./errors";

/** Context fields that name an environment; each may hold the environment's id or its key. */
export const ENVIRONMENT_CONTEXT_FIELDS = ["environment_id", "environmentId", "environment_key", "environmentKey"] as const;

export interface CredentialEnvironment {
  id: string;
  key: string;
}

/**
 * Throws 400 INVALID_CONTEXT for a non-string environment field and 403 ENVIRONMENT_MISMATCH for
 * one naming another environment; a field equal to the credential environment's id or key passes.
 */
export function assertContextEnvironment(context: EvaluationContext, own: CredentialEnvironment): void {
  for (const field of ENVIRONMENT_CONTEXT_FIELDS) {
    const named = context[field];
    if (named === undefined) continue;
    if (typeof named !== "string") {
      throw new ApiError(400, "INVALID_CONTEXT", `context.${field}: must be a string (an environment id or key)`, `context.${field}`);
    }
    if (named !== own.id && named !== own.key) {
      throw new ApiError(403, "ENVIRONMENT_MISMATCH",
        `context.${field} names environment "${named}", but this credential belongs to environment `
        + `"${own.key}" (id ${own.id}); use a client secret of "${named}", or drop the field`, `context.${field}`);
    }
  }
}
