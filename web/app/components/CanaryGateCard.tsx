// A canary gate: its rule, latest verdict and reason, "Analyse now" for team admins (posts
// { gateId } to the page's action), and its last analyses.
import { useFetcher } from "@remix-run/react";
import { FormError } from "~/components/FormError";
import type { ActionFailure } from "~/lib/api-error";

export interface CanaryGateView {
  id: string;
  enabled: boolean;
  baselineVariant: string;
  canaryVariant: string;
  direction: string;
  thresholdPct: number;
  minSampleSize: number;
  windowMinutes: number;
  autoRollbackOnFail: boolean;
  rollbackInMinutes?: number | null;
  metric: { key: string };
  results: {
    id: string; analyzedAt: string; outcome: string; reason: string; baselineSampleSize: number; canarySampleSize: number;
    baselineValue?: number | null; canaryValue?: number | null; regressionPct?: number | null; rollbackTriggered: boolean; trigger: string;
  }[];
}

export function CanaryGateCard({ gate, envName, canAnalyze }: { gate: CanaryGateView; envName: string; canAnalyze: boolean }) {
  const fetcher = useFetcher<ActionFailure | { ok: true; message: string }>();
  const latest = gate.results[0];
  const tone = !gate.enabled ? "off" : latest?.outcome === "passed" ? "on" : latest?.outcome === "failed" ? "killed" : "pending";
  const status = !gate.enabled ? "disabled" : latest?.outcome ?? "not analysed yet";
  const titleId = `gate-${gate.id}`;
  return (
    <article className="stack" aria-labelledby={titleId} data-gate={gate.id} style={{ borderTop: "1px solid var(--border)", paddingTop: "0.75rem" }}>
      <div className="toolbar">
        <h3 id={titleId}><span className="mono">{gate.canaryVariant}</span> vs <span className="mono">{gate.baselineVariant}</span> on <span className="mono">{gate.metric.key}</span> in {envName}</h3>
        <span className={`badge ${tone}`} data-testid="gate-status">{status}</span>
      </div>
      <p className="small muted">
        Fails when the canary is more than {gate.thresholdPct}% worse ({gate.direction === "higher_is_better" ? "higher is better" : "lower is better"}) over {gate.windowMinutes} minutes,
        with at least {gate.minSampleSize} samples each. {gate.autoRollbackOnFail ? `A failure engages the kill switch${gate.rollbackInMinutes ? ` for ${gate.rollbackInMinutes} minutes` : ""}.` : "A failure only reports."}
      </p>
      {latest && <p>{latest.reason}</p>}
      {canAnalyze && (
        <fetcher.Form method="post" className="row">
          <input type="hidden" name="gateId" value={gate.id} />
          <button type="submit" disabled={fetcher.state !== "idle"}>{fetcher.state !== "idle" ? "Analysing…" : "Analyse now"}</button>
          {fetcher.data && !fetcher.data.ok && <FormError error={fetcher.data.error} />}
        </fetcher.Form>
      )}
      {gate.results.length > 0 && (
        <div className="table-wrap"><table className="dash-table">
          <caption className="sr-only">History of this gate, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Outcome</th><th scope="col">Baseline</th><th scope="col">Canary</th><th scope="col">Regression</th><th scope="col">Trigger</th></tr></thead>
          <tbody>
            {gate.results.map((r) => (
              <tr key={r.id} data-outcome={r.outcome}>
                <td data-label="When" className="small">{new Date(r.analyzedAt).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "short", timeStyle: "medium" })} UTC</td>
                <td data-label="Outcome"><span className={`badge ${r.outcome === "passed" ? "on" : r.outcome === "failed" ? "killed" : "pending"}`}>{r.outcome}</span>{r.rollbackTriggered && <span className="small"> · kill switch engaged</span>}</td>
                <td data-label="Baseline">{fmt(r.baselineValue)} <span className="muted small">n={r.baselineSampleSize}</span></td>
                <td data-label="Canary">{fmt(r.canaryValue)} <span className="muted small">n={r.canarySampleSize}</span></td>
                <td data-label="Regression">{r.regressionPct === null || r.regressionPct === undefined ? "—" : `${Math.round(r.regressionPct * 100) / 100} %`}</td>
                <td data-label="Trigger">{r.trigger}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </article>
  );
}

const fmt = (value: number | null | undefined) => (value === null || value === undefined ? "—" : String(Math.round(value * 10000) / 10000));
