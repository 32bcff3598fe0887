// Typed failures of the delivery plane. The environment object returns them over RPC as values
// (`Delivered`), not as exceptions: workerd logs every exception that ends an RPC call as an
// uncaught exception of the object, although the caller handles it (an unknown environment is an
// expected answer, not a crash). The caller's side (hub.ts) turns them back into DeliveryErrors.
// Errors also lose their class crossing the boundary (only name and message survive), so the code
// leads the message and `asDeliveryError` recovers it from any rejection.

export type DeliveryErrorCode =
  /** No environment with this id exists in D1. */
  | "ENVIRONMENT_NOT_FOUND"
  /** The object was not addressed by name (env.ENVIRONMENTS.getByName(environmentId)). */
  | "UNNAMED_OBJECT"
  /** retire() was asked of an environment D1 still has. */
  | "ENVIRONMENT_EXISTS"
  /** A location relay could not reach the environment object (it answers instead of its callers retrying there). */
  | "UPSTREAM_UNAVAILABLE";

const CODES: readonly DeliveryErrorCode[] = ["ENVIRONMENT_NOT_FOUND", "UNNAMED_OBJECT", "ENVIRONMENT_EXISTS", "UPSTREAM_UNAVAILABLE"];

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(readonly code: DeliveryErrorCode, readonly detail: string) {
    super(`${code}: ${detail}`);
  }
}

/** An RPC answer of the environment object: the value, or the expected failure as a value. */
export type Delivered<T> = { ok: true; value: T } | { ok: false; code: DeliveryErrorCode; detail: string };

/** Runs `work` on the object's side: a DeliveryError becomes a value; anything else still throws. */
export async function delivered<T>(work: () => Promise<T>): Promise<Delivered<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof DeliveryError) return { ok: false, code: error.code, detail: error.detail };
    throw error;
  }
}

/** On the caller's side: the value, or the DeliveryError it stands for. */
export function unwrapDelivered<T>(answer: Delivered<T>): T {
  if (answer.ok) return answer.value;
  throw new DeliveryError(answer.code, answer.detail);
}

/** The DeliveryError an RPC rejection stands for, or undefined for any other failure. */
export function asDeliveryError(error: unknown): DeliveryError | undefined {
  if (error instanceof DeliveryError) return error;
  if (!(error instanceof Error)) return undefined;
  const match = /^(\w+): (.*)$/s.exec(error.message);
  const code = CODES.find((c) => c === match?.[1]);
  return code && match ? new DeliveryError(code, match[2] ?? "") : undefined;
}
