// A destructive or irreversible action behind a confirmation dialog: the button opens a modal that
// says what will happen; confirming posts the hidden fields to the route's action through a fetcher
// and shows the API's refusal inside the dialog. `done` renders what the action answered (e.g. a
// rotated secret, shown once) instead of closing. Like KillSwitchButton, the dialog is rendered
// only once opened.
import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { ApiFailure } from "~/lib/api-error";

type Answer = { ok: true } | { ok: false; error: ApiFailure };

export function ConfirmButton<T extends Answer>({ label, title, children, fields, confirmLabel, pendingLabel, danger = true, ariaLabel, done }: {
  label: ReactNode; title: ReactNode; children?: ReactNode; fields: Record<string, string>; confirmLabel: string; pendingLabel: string;
  danger?: boolean; ariaLabel?: string; done?: (answer: Extract<T, { ok: true }>, close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={danger ? "danger" : undefined} onClick={() => setOpen(true)} aria-label={ariaLabel} aria-haspopup="dialog">{label}</button>
      {open && (
        <ConfirmDialog<T> title={title} fields={fields} confirmLabel={confirmLabel} pendingLabel={pendingLabel} danger={danger}
          onClose={() => setOpen(false)} done={done}>{children}</ConfirmDialog>
      )}
    </>
  );
}

function ConfirmDialog<T extends Answer>({ title, children, fields, confirmLabel, pendingLabel, danger, onClose, done }: {
  title: ReactNode; children?: ReactNode; fields: Record<string, string>; confirmLabel: string; pendingLabel: string; danger: boolean;
  onClose: () => void; done?: (answer: Extract<T, { ok: true }>, close: () => void) => ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<T>();
  const id = useId();
  const answer = fetcher.data;
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  useEffect(() => {
    if (fetcher.state === "idle" && answer?.ok && !done) dialog.current?.close();
  }, [fetcher.state, answer, done]);
  const close = () => dialog.current?.close();
  return (
    <dialog ref={dialog} aria-labelledby={`${id}-title`} onClose={onClose}>
      {answer?.ok && done ? done(answer as unknown as Extract<T, { ok: true }>, close) : (
        <fetcher.Form method="post" className="stack">
          <h2 id={`${id}-title`}>{title}</h2>
          {children}
          {Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
          {answer && !answer.ok && <p className="error" role="alert">{answer.error.message}</p>}
          <div className="row">
            <button type="submit" className={danger ? "danger" : "primary"} disabled={fetcher.state !== "idle"}>{fetcher.state !== "idle" ? pendingLabel : confirmLabel}</button>
            <button type="button" onClick={close}>Cancel</button>
          </div>
        </fetcher.Form>
      )}
    </dialog>
  );
}
