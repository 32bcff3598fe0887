// The console's one checked form: its check (the same rules the action and the API apply) runs
// before it is sent; each problem is shown at its field (components/Field.tsx: aria-invalid,
// aria-describedby to the problem, role=alert) and the first one in the page's order gets the
// focus, and the form is not sent. The API's refusal lands at the field its extensions.field names
// (lib/form-problems.ts), else under the form. Without JavaScript it is a plain POST whose action
// runs the same check.
import { Form } from "@remix-run/react";
import { createContext, useContext, useId, useRef, useState, type ChangeEvent, type ComponentProps, type ComponentType, type FormEvent, type ReactNode } from "react";
import { FormError } from "~/components/FormError";
import type { ApiFailure } from "~/lib/api-error";
import { problemField, type Problems } from "~/lib/form-problems";

interface FormState { prefix: string; problems: Problems }
const FormContext = createContext<FormState>({ prefix: "f", problems: {} });

/** The problems shown by the enclosing checked form and the prefix of its fields' ids. */
export const useFormState = () => useContext(FormContext);

/** A control's name for problems: its data-field (rows, groups, custom widgets) or its name. */
const fieldName = (element: Element) =>
  element.getAttribute("data-field") ?? (element.getAttribute("type") === "hidden" ? null : element.getAttribute("name"));

/**
 * The check's and the API's problems of one form: `problems` to show by field, `formError` for the
 * refusal no field shows, and the handlers for the <form>.
 */
export function useCheckedForm(check: ((form: FormData) => Problems) | undefined, apiError?: ApiFailure | null) {
  const prefix = useId();
  const ref = useRef<HTMLFormElement>(null);
  const [problems, setProblems] = useState<Problems>({});
  // The API answers after a submission, so the form is mounted and its fields are known.
  const fields = Array.from(ref.current?.querySelectorAll("[name], [data-field]") ?? [], fieldName).filter((n): n is string => Boolean(n));
  const field = problemField(apiError?.field, fields);
  const shown: Problems = apiError && field && !problems[field] ? { ...problems, [field]: apiError.message } : problems;
  const formError = apiError && !(field && shown[field] === apiError.message) ? apiError : null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = check?.(new FormData(event.currentTarget)) ?? {};
    setProblems(found);
    if (Object.keys(found).length === 0) return;
    event.preventDefault();
    // The first problem in the page's order; a group's (fieldset) first control takes the focus.
    for (const element of event.currentTarget.querySelectorAll<HTMLElement>("[name], [data-field]")) {
      const name = fieldName(element);
      if (!name || !found[name]) continue;
      const target = element.tagName === "FIELDSET"
        ? element.querySelector<HTMLElement>("input:not([type=hidden]), select, textarea, button")
        : element;
      target?.focus();
      if (target && document.activeElement === target) break;
    }
  };
  // A field changed since the check: its problem goes until the next check.
  const onChange = (event: ChangeEvent<HTMLFormElement>) => {
    const name = fieldName(event.target);
    if (name && problems[name]) setProblems(({ [name]: _, ...rest }) => rest);
  };
  return { prefix, ref, problems: shown, formError, onSubmit, onChange };
}

type FormComponent = ComponentType<ComponentProps<typeof Form>>;

type Props = Omit<ComponentProps<typeof Form>, "onSubmit" | "onChange" | "children" | "hidden"> & {
  check?: (form: FormData) => Problems;
  /** The API's last refusal of this form. */
  error?: ApiFailure | null;
  /** The form element: the route's Form (default) or a fetcher's. */
  as?: FormComponent;
  /** Hidden fields sent along (intent, ids), as ConfirmButton's. */
  fields?: Record<string, string>;
  /** After the fields and the unplaced refusal: the buttons, notices. */
  actions?: ReactNode;
  children?: ReactNode;
};

export function CheckedForm({ check, error, as: Tag = Form, fields, actions, children, className, method, ...form }: Props) {
  const { prefix, ref, problems, formError, onSubmit, onChange } = useCheckedForm(check, error);
  return (
    <FormContext.Provider value={{ prefix, problems }}>
      <Tag ref={ref} method={method ?? "post"} className={className ?? "stack"} noValidate onSubmit={onSubmit} onChange={onChange} {...form}>
        {Object.entries(fields ?? {}).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
        {children}
        <FormError error={formError} />
        {actions}
      </Tag>
    </FormContext.Provider>
  );
}
