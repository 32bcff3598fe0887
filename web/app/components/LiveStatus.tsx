// The "live" indicator of a dashboard: whether pushes are arriving (a polite live region, so a
// screen reader hears when the connection drops and comes back).
import type { LiveState } from "~/lib/use-live-data";

const TEXT: Record<LiveState, string> = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  off: "Not live",
};

export function LiveStatus({ state, offReason, updatedAt }: { state: LiveState; offReason?: string; updatedAt?: string | null }) {
  return (
    <span className="row">
      <span className="live-status" data-state={state} role="status" aria-live="polite">
        {TEXT[state]}
        {state === "off" && offReason ? <span> ({offReason})</span> : null}
      </span>
      {/* Outside the live region: a new time on every push would be read out each time. */}
      {updatedAt ? <span className="muted small">updated {new Date(updatedAt).toISOString().slice(11, 19)} UTC</span> : null}
    </span>
  );
}
