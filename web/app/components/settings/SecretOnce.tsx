// A secret the API returns once (a temporary password, an automation token): shown with a copy
// button and the warning that it cannot be shown again.
import { useState } from "react";

export function SecretOnce({ label, value, children }: { label: string; value: string; children?: React.ReactNode }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div className="secret-once" role="status">
      <strong>{label}</strong>
      <code data-testid="secret">{value}</code>
      <div className="row">
        <button type="button" onClick={() => {
          navigator.clipboard.writeText(value).then(() => setCopied("yes"), () => setCopied("no"));
        }}>Copy {label.toLowerCase()}</button>
        <span className="small" aria-live="polite">{copied === "yes" ? "Copied." : copied === "no" ? "Copying failed: select the text and copy it." : ""}</span>
      </div>
      <p className="small">{children ?? "It is shown only this once: store it now."}</p>
    </div>
  );
}
