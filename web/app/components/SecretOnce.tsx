// A secret the API returns once (a client's secret, a temporary password, an automation token):
// announced when it appears, shown in a labelled read-only field that selects itself on focus, with
// a copy button whose outcome is announced, and the warning that it cannot be shown again.
import { useId, useState, type ReactNode } from "react";

export function SecretOnce({ label, value, children }: {
  label: string; value: string;
  /** The warning under it; by default that it is shown only this once. */
  children?: ReactNode;
}) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = () => navigator.clipboard.writeText(value).then(() => setCopied("yes"), () => setCopied("no"));
  return (
    <div className="secret-once stack" role="status">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} data-testid="secret" className="mono" readOnly value={value} size={Math.min(value.length, 60)} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>Copy {label.toLowerCase()}</button>
        <span className="small" aria-live="polite">{copied === "yes" ? "Copied." : copied === "no" ? "Copying failed: select the text and copy it." : ""}</span>
      </div>
      <p className="small warn-text">{children ?? "It is shown only this once: store it now."}</p>
    </div>
  );
}
