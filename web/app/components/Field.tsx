// The checked form's fields (components/CheckedForm.tsx): a label, the control, its hint and its
// problem, the control marked aria-invalid and described by both, the problem announced (role=alert).
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { useFormState } from "~/components/CheckedForm";

/** What a control needs to be named by its label and announce its problem. */
export interface ControlProps {
  id: string;
  name: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

/** The id, problem and control props of the field `name` (`id` when the caller fixes it). */
export function useField(name: string, options: { id?: string; hint?: boolean } = {}) {
  const { prefix, problems } = useFormState();
  const id = options.id ?? `${prefix}-${name}`;
  const problem = problems[name];
  const describedBy = [options.hint && `${id}-hint`, problem && `${id}-problem`].filter(Boolean).join(" ") || undefined;
  const control: ControlProps = { id, name, ...(problem ? { "aria-invalid": true as const } : {}), "aria-describedby": describedBy };
  return { id, problem, control };
}

/** The field's problem, if any, under it. */
export function FieldProblem({ id, problem }: { id: string; problem?: string }) {
  return problem ? <span id={`${id}-problem`} className="field-error" role="alert">{problem}</span> : null;
}

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id"> & {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  id?: string;
  hideLabel?: boolean;
  /** Another control than an <input> (select, textarea…), given the props that link it. */
  control?: (props: ControlProps) => ReactNode;
};

/** A labelled control (an <input> unless `control` renders another one). */
export function Field({ name, label, hint, id: fixedId, hideLabel, control, ...input }: FieldProps) {
  const { id, problem, control: props } = useField(name, { id: fixedId, hint: Boolean(hint) });
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? "sr-only" : undefined}>{label}</label>
      {control ? control(props) : <input {...props} {...input} />}
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      <FieldProblem id={id} problem={problem} />
    </div>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id"> & {
  name: string; label: ReactNode; hint?: ReactNode; id?: string; hideLabel?: boolean;
  options: { value: string; label: string; disabled?: boolean }[];
};

/** A labelled select of `options`. */
export function SelectField({ options, name, label, hint, id, hideLabel, ...select }: SelectProps) {
  return (
    <Field name={name} label={label} hint={hint} id={id} hideLabel={hideLabel} control={(props) => (
      <select {...props} {...select}>
        {options.map((o) => <option key={o.value} value={o.value} disabled={o.disabled}>{o.label}</option>)}
      </select>
    )} />
  );
}

/**
 * A group of checkboxes or radios (or a widget) with its legend: the fieldset is described by the
 * problem and marked invalid; the first control in it takes the focus.
 */
export function FieldGroup({ name, legend, hint, className = "field settings-group", legendClassName, row = true, children }: {
  name: string; legend: ReactNode; hint?: ReactNode; className?: string; legendClassName?: string;
  /** Lays the controls out in a row (default). */
  row?: boolean; children: ReactNode;
}) {
  const { id, problem } = useField(name);
  const describedBy = [hint && `${id}-hint`, problem && `${id}-problem`].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset className={className} data-field={name} aria-describedby={describedBy} data-invalid={problem ? "true" : undefined}>
      <legend className={legendClassName}>{legend}</legend>
      {row ? <div className="row">{children}</div> : children}
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      <FieldProblem id={id} problem={problem} />
    </fieldset>
  );
}

/** A widget built of several controls (e.g. a condition builder): its problem below, the region focused on it. */
export function FieldRegion({ name, label, className = "stack", children }: { name: string; label: string; className?: string; children: ReactNode }) {
  const { id, problem } = useField(name);
  return (
    <div role="group" aria-label={label} className={className} data-field={name} tabIndex={-1} aria-describedby={problem ? `${id}-problem` : undefined}>
      {children}
      <FieldProblem id={id} problem={problem} />
    </div>
  );
}
