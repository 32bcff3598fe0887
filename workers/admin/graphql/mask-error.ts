// How errors leave the API. A ControlError becomes a GraphQLError with `extensions.code` (plus
// `field` for BAD_USER_INPUT, `retryAt` for RATE_LIMITED, `reason` where a cause code is given). GraphQL's own errors (syntax,
// validation, variable coercion, limits) pass through. Anything else is logged and masked as
// INTERNAL_SERVER_ERROR with a generic message, so no internals (SQL, stack) leak.
import { GraphQLError } from "graphql";
import { isControlError, type ControlError } from "../core/errors";

export function maskError(error: unknown): Error {
  if (error instanceof GraphQLError) {
    const original = error.originalError;
    if (isControlError(original)) return fromControlError(original, error);
    if (!original || original instanceof GraphQLError) return error;
    return internalError(original, error);
  }
  if (isControlError(error)) return fromControlError(error);
  return internalError(error);
}

function fromControlError(error: ControlError, located?: GraphQLError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.details.field) extensions.field = error.details.field;
  if (error.details.retryAt) extensions.retryAt = error.details.retryAt.toISOString();
  if (error.details.reason) extensions.reason = error.details.reason;
  return new GraphQLError(error.message, {
    nodes: located?.nodes, source: located?.source, positions: located?.positions, path: located?.path, extensions,
  });
}

function internalError(error: unknown, located?: GraphQLError): GraphQLError {
  console.error("control plane: unexpected error", error);
  return new GraphQLError("Unexpected error", {
    nodes: located?.nodes, source: located?.source, positions: located?.positions, path: located?.path,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  });
}
