// Validation before submit for the settings forms: the form's model (lib/settings-forms/) names
// each problem next to its field (aria-invalid + aria-describedby, focus on the first one) and the
// form is not sent; the API's refusal of a field lands in the same place.
import { useState, type FormEvent, type ReactNode } from "react";
import type { ApiFailure } from "~/lib/api-error";
import { formField, type Problems } from "~/lib/settings-forms/common";

export function useCheckedSubmit(check: (form: FormData) => Problems, apiError?: ApiFailure | null) {
  const [problems, setProblems] = useState<Problems>({});
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = check(new FormData(event.currentTarget));
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      event.preventDefault();
      event.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
    }
  };
  const field = formField(apiError?.field);
  const shown: Problems = field && apiError && !problems[field] ? { ...problems, [field]: apiError.message } : problems;
  /** The API's message when no field shows it. */
  const formError = apiError && !(field && shown[field] === apiError.message) ? apiError : null;
  return { problems: shown, onSubmit, formError, reset: () => setProblems({}) };
}

/** Props an input takes to announce its problem. */
export const invalid = (problems: Problems, name: string, id: string) =>
  problems[name] ? { "aria-invalid": true as const, "aria-describedby": `${id}-problem` } : {};

export function Field({ id, name, label, hint, problems, children }: {
  id: string; name: string; label: ReactNode; hint?: ReactNode; problems: Problems; children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <span className="hint">{hint}</span>}
      {problems[name] && <span id={`${id}-problem`} className="field-error" role="alert">{problems[name]}</span>}
    </div>
  );
}

/** A group of checkboxes or radios with its problem (the group is described by it). */
export function FieldGroup({ name, legend, hint, problems, children }: {
  name: string; legend: ReactNode; hint?: ReactNode; problems: Problems; children: ReactNode;
}) {
  const problemId = `${name}-group-problem`;
  return (
    <fieldset className="field settings-group" aria-describedby={problems[name] ? problemId : undefined} data-invalid={problems[name] ? "true" : undefined}>
      <legend>{legend}</legend>
      <div className="row">{children}</div>
      {hint && <span className="hint">{hint}</span>}
      {problems[name] && <span id={problemId} className="field-error" role="alert">{problems[name]}</span>}
    </fieldset>
  );
}
