// A destructive or irreversible action behind a confirmation dialog: the button opens a modal that
// says what will happen (Cancel has the focus, so Enter does not confirm by accident); confirming
// posts the hidden fields (with the intent) to the route's action at the current URL through a
// fetcher, so the page keeps its place and its search. The API's refusal is shown inside the dialog.
// On success the dialog closes, or, given `done`, shows what the action answered (e.g. a secret shown
// once) until closed. Focus returns to the opening button, or, when the action hid or disabled it
// (the rows it acted on are gone), to the closest `[data-focus-after-close]`. The dialog is rendered only once opened,
// so a long table does not server-render one dialog per row.
import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { ApiFailure } from "~/lib/api-error";
import { useHere } from "~/lib/use-here";

type Answer = { ok: true } | { ok: false; error: ApiFailure };
type Success<T extends Answer> = Extract<T, { ok: true }>;

interface DialogProps<T extends Answer> {
  title: ReactNode;
  /** What will happen, in a sentence or two (the dialog's description). */
  children?: ReactNode;
  /** Hidden fields posted with the confirmation, the intent among them. */
  fields: Record<string, string>;
  confirmLabel: string;
  pendingLabel: string;
  /** What the action answered, shown in the dialog (under `doneTitle`) until "Close" (`closeLabel`). */
  done?: (answer: Success<T>) => ReactNode;
  doneTitle?: ReactNode;
  closeLabel?: string;
}

interface Props<T extends Answer> extends DialogProps<T> {
  /** The opening button's text. */
  label: ReactNode;
  /** The opening button's accessible name when its text alone is ambiguous (e.g. "Delete" per row). */
  ariaLabel?: string;
  /** Why the action is not available: disables the button and says so in its title. */
  disabled?: string;
  danger?: boolean;
}

export function ConfirmButton<T extends Answer = Answer>({ label, ariaLabel, disabled, danger = true, ...dialog }: Props<T>) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const closed = useRef(false);
  // Focus goes back to the opener at once (onClose); after the render that removed the dialog it is
  // known whether the opener can hold it, else the fallback takes it.
  useEffect(() => {
    if (open || !closed.current) return;
    closed.current = false;
    const button = opener.current;
    if (button && !button.disabled && button.checkVisibility()) {
      if (document.activeElement !== button) button.focus();
    } else {
      button?.closest<HTMLElement>("[data-focus-after-close]")?.focus();
    }
  }, [open]);
  return (
    <>
      <button ref={opener} type="button" className={danger ? "danger" : undefined} onClick={() => setOpen(true)}
        disabled={Boolean(disabled)} title={disabled} aria-label={ariaLabel} aria-haspopup="dialog">{label}</button>
      {open && <ConfirmDialog<T> {...dialog} danger={danger} onClose={() => { closed.current = true; setOpen(false); opener.current?.focus(); }} />}
    </>
  );
}

function ConfirmDialog<T extends Answer>({ title, children, fields, confirmLabel, pendingLabel, done, doneTitle, closeLabel = "Close", danger, onClose }:
  DialogProps<T> & { danger: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const fetcher = useFetcher<T>();
  const here = useHere();
  const id = useId();
  const answer = fetcher.data;
  const busy = fetcher.state !== "idle";
  useEffect(() => {
    dialog.current?.showModal();
    // showModal focuses the dialog's first control (React's autoFocus sets no attribute it would honour).
    cancel.current?.focus();
  }, []);
  useEffect(() => {
    if (!busy && answer?.ok && !done) dialog.current?.close();
  }, [busy, answer, done]);
  const close = () => dialog.current?.close();
  if (answer?.ok && done) {
    return (
      <dialog ref={dialog} aria-labelledby={`${id}-title`} onClose={onClose}>
        <div className="stack">
          <h2 id={`${id}-title`}>{doneTitle ?? title}</h2>
          {done(answer as unknown as Success<T>)}
          <div className="row"><button type="button" className="primary" onClick={close}>{closeLabel}</button></div>
        </div>
      </dialog>
    );
  }
  return (
    <dialog ref={dialog} aria-labelledby={`${id}-title`} aria-describedby={children ? `${id}-body` : undefined} onClose={onClose}>
      <fetcher.Form method="post" action={here} className="stack">
        <h2 id={`${id}-title`}>{title}</h2>
        {children && <div id={`${id}-body`}>{children}</div>}
        {Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
        {answer && !answer.ok && <p className="error" role="alert">{answer.error.message}</p>}
        <div className="row">
          <button type="submit" className={danger ? "danger" : "primary"} disabled={busy}>{busy ? pendingLabel : confirmLabel}</button>
          <button ref={cancel} type="button" onClick={close}>Cancel</button>
        </div>
      </fetcher.Form>
    </dialog>
  );
}
