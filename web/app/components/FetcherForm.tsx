// A checked form (components/CheckedForm.tsx) with its own fetcher, so several forms on one page
// keep their own results: it posts `intent` (and hidden ids) to the route's action, shows a pending
// label on its button, and what to show after a success (e.g. a secret shown once).
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { CheckedForm } from "~/components/CheckedForm";
import type { ActionFailure } from "~/lib/api-error";
import type { Problems } from "~/lib/form-problems";

export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionFailure;

interface Props<T extends object> {
  intent: string;
  /** Hidden fields sent along (ids). */
  fields?: Record<string, string>;
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

export function FetcherForm<T extends object = object>({
  intent, fields, check, submitLabel, pendingLabel, success, resetOnSuccess, onSuccess, className, label, danger, children,
}: Props<T>) {
  const fetcher = useFetcher<ActionResult<T>>();
  const button = useRef<HTMLButtonElement>(null);
  const result = fetcher.data;
  const busy = fetcher.state !== "idle";

  // Reset as soon as the success arrives (before the page's data is re-read), so nothing typed
  // while the data reloads is wiped.
  const succeeded = useRef(onSuccess);
  succeeded.current = onSuccess;
  useEffect(() => {
    if (!result?.ok) return;
    if (resetOnSuccess) button.current?.form?.reset();
    succeeded.current?.();
  }, [result, resetOnSuccess]);

  return (
    <CheckedForm as={fetcher.Form} check={check} error={result && !result.ok ? result.error : null} className={className}
      aria-label={label} fields={{ intent, ...fields }}
      actions={<>
        <div className="row">
          <button ref={button} type="submit" className={danger ? "danger" : "primary"} disabled={busy} aria-busy={busy || undefined}>{busy ? pendingLabel : submitLabel}</button>
        </div>
        {result?.ok && success?.(result as { ok: true } & T)}
      </>}>
      {children}
    </CheckedForm>
  );
}
