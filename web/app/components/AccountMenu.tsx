// The signed-in user's menu in the top bar: who is signed in (and their role here), a link to their
// account, and sign out. A disclosure (a button that shows a panel), not an ARIA menu: the panel
// holds a link and a form, which keep their own roles. Escape or a click elsewhere closes it.
import { Form, Link, useLocation } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";

export function AccountMenu({ name, email, role }: { name: string; email: string; role: string | null }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  // Any navigation (back, the command palette, a link elsewhere) closes it.
  useEffect(() => setOpen(false), [location.key]);
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return (
    <div className="account-menu" ref={root}>
      <button ref={button} type="button" aria-expanded={open} aria-controls={panelId} title={email} onClick={() => setOpen((o) => !o)}>
        <span className="who">{name}</span> <span aria-hidden="true">▾</span>
      </button>
      <div id={panelId} className="account-panel card stack" hidden={!open}>
        <p className="small muted">{email}{role ? <><br />{role}</> : null}</p>
        <Link to="/settings/account" onClick={() => setOpen(false)}>Your account</Link>
        <Form method="post" action="/logout"><button type="submit">Sign out</button></Form>
      </div>
    </div>
  );
}
