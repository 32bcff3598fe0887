// One metric of an experiment: the API's recommendation, the sample-ratio-mismatch warning and the
// guardrails, a bar chart of the rate or mean per variant, and the per-variant table (samples,
// conversions, rate or mean with its 95% interval drawn on one scale, lift, confidence, share of the
// samples next to the configured split).
import { BarChart } from "~/components/charts";
import { asPercent, formatInterval, formatLift, intervalScale, measured, sampleShares, sortWarnings, type VariantStats } from "~/lib/experiment-view";

export interface MetricResult {
  metricKey: string;
  metricType: string;
  baselineVariant?: string | null;
  winner?: string | null;
  statisticallySignificant: boolean;
  recommendation: string;
  warnings: string[];
  results: VariantStats[];
}

export function ExperimentMetric({ metric, splitWeights, unit }: { metric: MetricResult; splitWeights: { variant: string; weight: number }[] | null | undefined; unit: string | null }) {
  const scale = intervalScale(metric.results);
  const shares = sampleShares(metric.results, splitWeights);
  const { mismatch, guardrails } = sortWarnings(metric.warnings);
  const titleId = `metric-${metric.metricKey}`;
  const conversion = metric.metricType === "conversion";
  return (
    <section className="card stack" aria-labelledby={titleId} data-metric={metric.metricKey}>
      <div className="toolbar">
        <h2 id={titleId}><span className="mono">{metric.metricKey}</span> <span className="small muted">({metric.metricType}{unit ? `, ${unit}` : ""})</span></h2>
        <span className={`badge ${metric.statisticallySignificant ? "on" : "off"}`}>{metric.statisticallySignificant ? "significant" : "not significant"}</span>
      </div>
      <p data-testid="recommendation"><strong>{metric.recommendation}</strong></p>
      {mismatch.length > 0 && (
        <div className="warning" role="alert">
          <strong>Sample ratio mismatch.</strong> The variants' shares differ from the configured split: assignment or tracking is broken, so these results cannot be trusted.
          <ul>{mismatch.map((w) => <li key={w}>{w}</li>)}</ul>
        </div>
      )}
      {guardrails.length > 0 && (
        <div className="small"><strong>Guardrails not met:</strong><ul>{guardrails.map((w) => <li key={w}>{w}</li>)}</ul></div>
      )}
      <BarChart label={`${metric.metricKey}: ${conversion ? "conversion rate" : "mean"} per variant`} orientation="horizontal" valueLabel={conversion ? "Rate" : "Mean"}
        format={(v) => measured({ variant: "", sampleSize: 0, conversionRate: v, meanValue: v }, metric.metricType)}
        data={metric.results.map((r) => ({ label: r.variant, value: (conversion ? r.conversionRate : r.meanValue) ?? 0 }))} />
      <div className="table-wrap"><table className="dash-table" aria-labelledby={titleId}>
        <thead><tr>
          <th scope="col">Variant</th><th scope="col">{conversion ? "Users" : "Events"}</th>{conversion && <th scope="col">Conversions</th>}
          <th scope="col">{conversion ? "Rate" : "Mean"}</th><th scope="col">95% interval</th><th scope="col">Lift</th><th scope="col">Confidence</th><th scope="col">Share (split)</th>
        </tr></thead>
        <tbody>
          {metric.results.map((r) => {
            const bar = scale.get(r.variant);
            const share = shares.get(r.variant);
            return (
              <tr key={r.variant} data-variant={r.variant}>
                <th scope="row" className="mono">{r.variant}{r.variant === metric.winner && <> <span className="badge on">winner</span></>}</th>
                <td data-label={conversion ? "Users" : "Events"}>{r.sampleSize}</td>
                {conversion && <td data-label="Conversions">{r.conversions ?? "—"}</td>}
                <td data-label={conversion ? "Rate" : "Mean"}>{measured(r, metric.metricType)}</td>
                <td data-label="95% interval">
                  <span className="stack" style={{ gap: "0.2rem" }}>
                    <span>{formatInterval(r, metric.metricType)}</span>
                    {bar && <span className="ci-bar" aria-hidden="true"><span style={{ left: `${bar.left}%`, width: `${Math.max(bar.width, 1)}%` }} />{bar.at !== null && <i style={{ left: `${bar.at}%` }} />}</span>}
                  </span>
                </td>
                <td data-label="Lift">{r.variant === metric.baselineVariant ? "baseline" : formatLift(r.lift)}</td>
                <td data-label="Confidence">{r.confidence === null || r.confidence === undefined ? "—" : asPercent(r.confidence)}</td>
                <td data-label="Share (split)">{share?.observed === null || share?.observed === undefined ? "—" : `${share.observed} %`}{share?.configured !== null && share?.configured !== undefined && <span className="muted"> ({share.configured} %)</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table></div>
    </section>
  );
}

