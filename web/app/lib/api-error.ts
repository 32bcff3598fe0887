// The admin API's refusals as typed values: the GraphQL error's extensions.code (UNAUTHENTICATED,
// FORBIDDEN, BAD_USER_INPUT, CONFLICT, ...), its message (shown to the user as is) and, where the API
// gives them, the reason and the offending field.
export interface ApiFailure {
  code: string;
  message: string;
  reason?: string;
  field?: string;
}

// The Pages function and the Remix build each bundle this module, so `instanceof` checks a brand
// shared through the global symbol registry rather than the class object.
const BRAND = Symbol.for("fluxgate.console.ApiError");

export class ApiError extends Error implements ApiFailure {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
  readonly [BRAND] = true;
  readonly code: string;
  readonly reason?: string;
  readonly field?: string;
  constructor(failure: ApiFailure) {
    super(failure.message);
    this.name = "ApiError";
    this.code = failure.code;
    this.reason = failure.reason;
    this.field = failure.field;
  }
  toJSON(): ApiFailure {
    return { code: this.code, message: this.message, reason: this.reason, field: this.field };
  }
}

/** What an action returns on a refused change: the form shows `error.message` near `error.field`. */
export type ActionFailure = { ok: false; error: ApiFailure };
export const failure = (error: ApiFailure): ActionFailure => ({ ok: false, error });
