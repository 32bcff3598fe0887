import type { ApiFailure } from "~/lib/api-error";

/** An API refusal, as the API worded it (never a stack). */
export function FormError({ error }: { error?: ApiFailure | null }) {
  if (!error) return null;
  return <p className="error" role="alert">{error.message}</p>;
}
