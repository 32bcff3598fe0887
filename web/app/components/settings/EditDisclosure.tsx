// An "Edit" disclosure around a settings form: opens in place, and closes again once the form's
// change was saved (the form calls `close` from its onSuccess). Without JavaScript it is a plain
// <details> element.
import { useState, type ReactNode } from "react";

export function EditDisclosure({ label, children }: { label: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary aria-label={label}>Edit</summary>
      {children(() => setOpen(false))}
    </details>
  );
}
