// A field's problem under it: the form's own check first, else the API's refusal when it names this
// field (extensions.field "input.key" belongs to the field "key").
import type { ApiFailure } from "~/lib/api-error";
import type { Problems } from "~/lib/config-models";

export function fieldProblem(name: string, problems: Problems, error?: ApiFailure | null): string | undefined {
  if (problems[name]) return problems[name];
  const path = error?.field?.replace(/^input\./, "");
  return path && (path === name || path.startsWith(`${name}.`)) ? error!.message : undefined;
}

export function FieldProblem({ id, message }: { id: string; message?: string }) {
  return message ? <span id={id} className="field-error">{message}</span> : null;
}

/** The API's refusal when no field shows it. */
export function unplacedError(error: ApiFailure | null | undefined, fields: string[]): ApiFailure | null {
  if (!error) return null;
  const path = error.field?.replace(/^input\./, "");
  return path && fields.some((f) => path === f || path.startsWith(`${f}.`)) ? null : error;
}
