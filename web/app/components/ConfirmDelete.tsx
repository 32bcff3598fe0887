// Deleting behind a confirmation: the button opens a dialog naming what goes and what follows; the
// dialog posts intent=delete with the id to the page's action and stays open to show the API's
// refusal (e.g. an environment still used by stages), closing once the deletion went through.
import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useHere } from "~/lib/use-here";
import type { ApiFailure } from "~/lib/api-error";

interface Props {
  id: string;
  /** What is deleted, as the user knows it (a key or name). */
  what: string;
  /** The consequence, in a sentence. */
  children: ReactNode;
  disabled?: string;
}

export function ConfirmDelete({ id, what, children, disabled }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)} disabled={Boolean(disabled)} title={disabled} aria-label={`Delete ${what}`}>
        Delete
      </button>
      {open && <DeleteDialog id={id} what={what} onClose={() => setOpen(false)}>{children}</DeleteDialog>}
    </>
  );
}

function DeleteDialog({ id, what, children, onClose }: Omit<Props, "disabled"> & { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<{ ok: boolean; error?: ApiFailure }>();
  const here = useHere();
  const title = useId();
  const result = fetcher.data;
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok) dialog.current?.close();
  }, [fetcher.state, result]);
  return (
    <dialog ref={dialog} aria-labelledby={title} onClose={onClose}>
      <fetcher.Form method="post" action={here} className="stack">
        <h2 id={title}>Delete <span className="mono">{what}</span>?</h2>
        <p className="muted">{children}</p>
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="id" value={id} />
        {result && !result.ok && result.error && <p className="error" role="alert">{result.error.message}</p>}
        <div className="row">
          <button type="submit" className="danger" disabled={fetcher.state !== "idle"}>{fetcher.state !== "idle" ? "Deleting…" : `Delete ${what}`}</button>
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>Cancel</button>
        </div>
      </fetcher.Form>
    </dialog>
  );
}
