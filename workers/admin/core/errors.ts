// Typed failures of the control plane. Services throw ControlError; the GraphQL layer turns it into
// a GraphQLError with `extensions.code` (and `field` / `retryAt` where given). Anything else that
// escapes a resolver is masked as INTERNAL_SERVER_ERROR.

export const CONTROL_ERROR_CODES = [
  "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "PASSWORD_CHANGE_REQUIRED", "RATE_LIMITED",
] as const;
export type ControlErrorCode = (typeof CONTROL_ERROR_CODES)[number];

export interface ControlErrorDetails {
  /** BAD_USER_INPUT: dotted path of the offending input field, e.g. `input.variants.1.key`. */
  field?: string;
  /** RATE_LIMITED: when the caller may try again. */
  retryAt?: Date;
  /** FORBIDDEN / CONFLICT: a machine-readable cause, e.g. APPROVAL_REQUIRED or FROZEN. */
  reason?: string;
}

export class ControlError extends Error {
  override readonly name = "ControlError";
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    readonly details: ControlErrorDetails = {},
  ) {
    super(message);
  }
}

export const unauthenticated = (message = "Authentication required") => new ControlError("UNAUTHENTICATED", message);
export const forbidden = (message = "Not allowed") => new ControlError("FORBIDDEN", message);
export const notFound = (entity: string) => new ControlError("NOT_FOUND", `${entity} not found`);
export const badInput = (field: string, message: string) => new ControlError("BAD_USER_INPUT", message, { field });
export const conflict = (message: string) => new ControlError("CONFLICT", message);
export const passwordChangeRequired = () =>
  new ControlError("PASSWORD_CHANGE_REQUIRED", "The password must be changed before anything else");
export const rateLimited = (retryAt: Date, message = "Too many attempts") =>
  new ControlError("RATE_LIMITED", `${message}; retry after ${retryAt.toISOString()}`, { retryAt });

export const isControlError = (error: unknown): error is ControlError => error instanceof ControlError;
