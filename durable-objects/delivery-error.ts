// Typed failures of the delivery plane. Errors lose their class crossing a Durable Object RPC
// boundary (only name and message survive), so the code also leads the message and
// `asDeliveryError` recovers it on the caller's side.

export type DeliveryErrorCode =
  /** No environment with this id exists in D1. */
  | "ENVIRONMENT_NOT_FOUND"
  /** The object was not addressed by name (env.ENVIRONMENTS.getByName(environmentId)). */
  | "UNNAMED_OBJECT"
  /** retire() was asked of an environment D1 still has. */
  | "ENVIRONMENT_EXISTS";

const CODES: readonly DeliveryErrorCode[] = ["ENVIRONMENT_NOT_FOUND", "UNNAMED_OBJECT", "ENVIRONMENT_EXISTS"];

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(readonly code: DeliveryErrorCode, detail: string) {
    super(`${code}: ${detail}`);
  }
}

/** The DeliveryError an RPC rejection stands for, or undefined for any other failure. */
export function asDeliveryError(error: unknown): DeliveryError | undefined {
  if (error instanceof DeliveryError) return error;
  if (!(error instanceof Error)) return undefined;
  const match = /^(\w+): (.*)$/s.exec(error.message);
  const code = CODES.find((c) => c === match?.[1]);
  return code && match ? new DeliveryError(code, match[2] ?? "") : undefined;
}
