// Engaging a kill switch is behind a confirmation: a dialog asking for the reason and the automatic
// re-enable delay (5-60 minutes). The dialog is rendered once opened (it needs JavaScript to open
// anyway), so a list of 25 flags does not server-render 25 dialogs.
import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import type { StageActionResult } from "~/lib/stage-actions.server";

export function KillSwitchButton({ featureId, featureKey, disabled }: { featureId: string; featureKey: string; disabled?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)} disabled={Boolean(disabled)}
        title={disabled} aria-label={`Kill ${featureKey}`}>
        Kill
      </button>
      {open && <KillDialog featureId={featureId} featureKey={featureKey} onClose={() => setOpen(false)} />}
    </>
  );
}

function KillDialog({ featureId, featureKey, onClose }: { featureId: string; featureKey: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<StageActionResult>();
  const id = useId();
  const result = fetcher.data;
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok) dialog.current?.close();
  }, [fetcher.state, result]);
  return (
    <dialog ref={dialog} aria-labelledby={`${id}-title`} onClose={onClose}>
      <fetcher.Form method="post" className="stack">
        <h2 id={`${id}-title`}>Kill <span className="mono">{featureKey}</span>?</h2>
        <p className="muted">Every environment answers DISABLED (off variant) at once. No approval is needed.</p>
        <input type="hidden" name="intent" value="kill" />
        <input type="hidden" name="featureId" value={featureId} />
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input id={`${id}-reason`} name="reason" required placeholder="e.g. checkout errors spiking" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-minutes`}>Re-enable automatically after (minutes, 5–60)</label>
          <input id={`${id}-minutes`} name="rollbackInMinutes" type="number" min={5} max={60} step={1} defaultValue={30} required />
        </div>
        {result && !result.ok && <p className="error" role="alert">{result.error.message}</p>}
        <div className="row">
          <button type="submit" className="danger" disabled={fetcher.state !== "idle"}>{fetcher.state !== "idle" ? "Engaging…" : "Engage kill switch"}</button>
          <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
        </div>
      </fetcher.Form>
    </dialog>
  );
}
