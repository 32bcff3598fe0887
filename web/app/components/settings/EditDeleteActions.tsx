// A settings list row's actions: "Edit" opens the screen's form on the row (?edit=id) and "Delete"
// asks first (ConfirmButton), both named after the row for screen readers ("Edit qa", "Delete qa").
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { ConfirmButton } from "~/components/ConfirmButton";

export function EditDeleteActions({ id, name, title, confirmLabel, children }: {
  id: string;
  /** The row's name in the buttons' accessible names. */
  name: string;
  /** The confirmation dialog's title and its confirming button. */
  title: ReactNode;
  confirmLabel: string;
  /** What deleting does, in the dialog. */
  children: ReactNode;
}) {
  return (
    <>
      <Link className="button" to={`?edit=${id}`} aria-label={`Edit ${name}`}>Edit</Link>
      <ConfirmButton label="Delete" ariaLabel={`Delete ${name}`} title={title}
        fields={{ intent: "delete", id }} confirmLabel={confirmLabel} pendingLabel="Deleting…">
        {children}
      </ConfirmButton>
    </>
  );
}
