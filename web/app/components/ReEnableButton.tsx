// Releases an engaged kill switch at once (team admins).
import { useFetcher } from "@remix-run/react";
import type { StageActionResult } from "~/lib/stage-actions.server";

export function ReEnableButton({ featureId, featureKey, disabled }: { featureId: string; featureKey: string; disabled?: string }) {
  const fetcher = useFetcher<StageActionResult>();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="featureId" value={featureId} />
      <button type="submit" name="intent" value="enable" disabled={Boolean(disabled) || fetcher.state !== "idle"} title={disabled}
        aria-label={`Re-enable ${featureKey}`} aria-busy={fetcher.state !== "idle" || undefined}>{fetcher.state !== "idle" ? "Re-enabling…" : "Re-enable"}</button>
      {fetcher.data && !fetcher.data.ok && <span className="field-error" role="alert">{fetcher.data.error.message}</span>}
    </fetcher.Form>
  );
}
