// A settings form that checks its fields before it is sent (the same rules the action and the API
// apply: lib/identity-forms.ts), submits through its own fetcher (several forms per page keep their
// own results), and shows the API's refusal next to the field it names, else under the form.
// Without JavaScript it is a plain POST to the route's action, which runs the same checks.
import { useFetcher } from "@remix-run/react";
import { createContext, useContext, useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { FormError } from "~/components/FormError";
import type { ActionFailure } from "~/lib/api-error";
import { fieldOf, type Problems } from "~/lib/identity-forms";

export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionFailure;

interface FormState { prefix: string; problems: Problems }
const FormContext = createContext<FormState>({ prefix: "f", problems: {} });

interface Props<T extends object> {
  intent: string;
  /** Hidden fields sent along (ids). */
  hidden?: Record<string, string>;
  check?: (form: FormData) => Problems;
  submitLabel: string;
  pendingLabel: string;
  /** What to show after a success (e.g. a secret shown once). */
  success?: (data: { ok: true } & T) => ReactNode;
  /** Clears the inputs after a success. */
  resetOnSuccess?: boolean;
  /** Called once per success (e.g. to close the disclosure holding the form). */
  onSuccess?: () => void;
  className?: string;
  label?: string;
  danger?: boolean;
  children?: ReactNode;
}

export function CheckedForm<T extends object = object>({
  intent, hidden, check, submitLabel, pendingLabel, success, resetOnSuccess, onSuccess, className, label, danger, children,
}: Props<T>) {
  const fetcher = useFetcher<ActionResult<T>>();
  const prefix = useId();
  const form = useRef<HTMLFormElement>(null);
  const [problems, setProblems] = useState<Problems>({});
  const result = fetcher.data;
  const busy = fetcher.state !== "idle";
  const apiField = result && !result.ok ? fieldOf(result.error.field) : undefined;
  const fieldNames = new Set(Array.from(form.current?.elements ?? []).map((e) => (e as HTMLInputElement).name));
  const shown: Problems = { ...problems };
  if (result && !result.ok && apiField && fieldNames.has(apiField) && !shown[apiField]) shown[apiField] = result.error.message;

  // Reset as soon as the success arrives (before the page's data is re-read), so nothing typed
  // while the data reloads is wiped.
  const succeeded = useRef(onSuccess);
  succeeded.current = onSuccess;
  useEffect(() => {
    if (!result?.ok) return;
    if (resetOnSuccess) form.current?.reset();
    succeeded.current?.();
  }, [result, resetOnSuccess]);

  return (
    <FormContext.Provider value={{ prefix, problems: shown }}>
      <fetcher.Form
        ref={form} method="post" className={className ?? "stack"} aria-label={label} noValidate
        onSubmit={(event) => {
          const found = check?.(new FormData(event.currentTarget)) ?? {};
          setProblems(found);
          if (Object.keys(found).length > 0) {
            event.preventDefault();
            const first = event.currentTarget.querySelector<HTMLElement>("[aria-invalid='true']")
              ?? event.currentTarget.querySelector<HTMLElement>(`[name="${Object.keys(found)[0]}"]`);
            requestAnimationFrame(() => first?.focus());
          }
        }}
        onChange={(event) => {
          const name = (event.target as HTMLInputElement).name;
          if (problems[name]) setProblems(({ [name]: _, ...rest }) => rest);
        }}
      >
        <input type="hidden" name="intent" value={intent} />
        {Object.entries(hidden ?? {}).map(([name, v]) => <input key={name} type="hidden" name={name} value={v} />)}
        {children}
        {result && !result.ok && !(apiField && shown[apiField] === result.error.message) && <FormError error={result.error} />}
        <div className="row">
          <button type="submit" className={danger ? "danger" : "primary"} disabled={busy} aria-busy={busy || undefined}>{busy ? pendingLabel : submitLabel}</button>
        </div>
        {result?.ok && success?.(result as { ok: true } & T)}
      </fetcher.Form>
    </FormContext.Provider>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { name: string; label: string; hint?: string };

/** A labelled input whose problem (from the check or the API) is announced and linked to it. */
export function Field({ name, label, hint, ...input }: FieldProps) {
  const { prefix, problems } = useContext(FormContext);
  const id = `${prefix}-${name}`;
  const problem = problems[name];
  const described = [hint && `${id}-hint`, problem && `${id}-problem`].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={problem ? true : undefined} aria-describedby={described} {...input} />
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      {problem && <span id={`${id}-problem`} className="field-error" role="alert">{problem}</span>}
    </div>
  );
}

type SelectProps = React.SelectHTMLAttributes<HTMLSelectElement> & { name: string; label: string; options: { value: string; label: string }[]; hideLabel?: boolean };

/** A labelled select, with its problem like Field's. */
export function SelectField({ name, label, options, hideLabel, ...select }: SelectProps) {
  const { prefix, problems } = useContext(FormContext);
  const id = `${prefix}-${name}`;
  const problem = problems[name];
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? "sr-only" : undefined}>{label}</label>
      <select id={id} name={name} aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-problem` : undefined} {...select}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {problem && <span id={`${id}-problem`} className="field-error" role="alert">{problem}</span>}
    </div>
  );
}

/** A problem for a group of inputs (checkboxes) rendered by the caller. */
export function GroupProblem({ name }: { name: string }) {
  const { prefix, problems } = useContext(FormContext);
  return problems[name] ? <span id={`${prefix}-${name}-problem`} className="field-error" role="alert">{problems[name]}</span> : null;
}

export function useFieldId(name: string): string {
  return `${useContext(FormContext).prefix}-${name}`;
}
