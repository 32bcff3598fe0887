// A destructive action behind a confirmation dialog: the button opens a modal that says what will
// happen; only its confirm button submits (through a fetcher: the page keeps its place). The API's
// refusal is shown inside the dialog. Focus returns to the opening button when it closes.
import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { ActionResult } from "./CheckedForm";

interface Props {
  intent: string;
  fields: Record<string, string>;
  /** The opening button's text and accessible name. */
  label: string;
  accessibleLabel?: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  disabled?: string;
  danger?: boolean;
  /** Shown in the dialog after a success (which then stays open until closed), e.g. a new secret. */
  success?: (data: { ok: true } & Record<string, unknown>) => ReactNode;
}

export function ConfirmAction({ label, accessibleLabel, disabled, danger = true, ...dialog }: Props) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={opener} type="button" className={danger ? "danger" : undefined} onClick={() => setOpen(true)}
        disabled={Boolean(disabled)} title={disabled} aria-label={accessibleLabel}>{label}</button>
      {open && <ConfirmDialog {...dialog} danger={danger} onClose={() => { setOpen(false); opener.current?.focus(); }} />}
    </>
  );
}

function ConfirmDialog({ intent, fields, title, children, confirmLabel, pendingLabel, danger, success, onClose }:
  Omit<Props, "label" | "accessibleLabel" | "disabled"> & { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<ActionResult<Record<string, unknown>>>();
  const id = useId();
  const result = fetcher.data;
  useEffect(() => { ref.current?.showModal(); }, []);
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok && !success) ref.current?.close();
  }, [fetcher.state, result, success]);
  if (result?.ok && success) {
    return (
      <dialog ref={ref} aria-labelledby={`${id}-title`} onClose={onClose}>
        <div className="stack">
          <h2 id={`${id}-title`}>{title}</h2>
          {success(result)}
          <div className="row"><button type="button" onClick={() => ref.current?.close()}>Close</button></div>
        </div>
      </dialog>
    );
  }
  return (
    <dialog ref={ref} aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onClose}>
      <fetcher.Form method="post" className="stack">
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-body`}>{children}</div>
        <input type="hidden" name="intent" value={intent} />
        {Object.entries(fields).map(([name, v]) => <input key={name} type="hidden" name={name} value={v} />)}
        {result && !result.ok && <p className="error" role="alert">{result.error.message}</p>}
        <div className="row">
          <button type="submit" className={danger ? "danger" : "primary"} disabled={fetcher.state !== "idle"}>
            {fetcher.state !== "idle" ? pendingLabel : confirmLabel}
          </button>
          <button type="button" onClick={() => ref.current?.close()} autoFocus>Cancel</button>
        </div>
      </fetcher.Form>
    </dialog>
  );
}
