// A secret the API returns once (a client's, at creation and rotation): shown in a read-only field
// with a copy button, and a plain warning that it will not be shown again.
import { useId, useState } from "react";

export function SecretOnce({ secret, label }: { secret: string; label: string }) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <div className="secret-once stack">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} className="mono" readOnly value={secret} size={Math.min(secret.length, 60)} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>Copy</button>
        <span role="status" className="small">{copied === "yes" ? "Copied." : copied === "no" ? "Copy failed: select the text and copy it." : ""}</span>
      </div>
      <p className="small warn-text">Copy it now: it is shown only this once (FluxGate keeps only its hash).</p>
    </div>
  );
}
