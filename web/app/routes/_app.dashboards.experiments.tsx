// Experiments and canary gates: for one flag in one environment, each variant's exposures
// (evaluations served) and, per team metric, its samples, conversions, rate or mean with the 95%
// interval, lift and confidence against the baseline; the sample-ratio-mismatch warning against
// the configured split and the sample-size guardrails. Below, the flag's canary gates with their
// latest verdict and history. Live: flag changes and kill switches (a failed gate engages one)
// push a re-read; metrics and gate verdicts, which the API does not push, are re-read every minute.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { BarChart, DonutChart } from "~/components/charts";
import { FormError } from "~/components/FormError";
import { LiveStatus } from "~/components/LiveStatus";
import type { AnalyticsPeriod } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { AnalyzeCanaryGateDoc, CanaryGatesDoc, ExperimentChoicesDoc, ExperimentResultsDoc, ExposuresDoc } from "~/lib/docs/experiments";
import { formatInterval, formatLift, intervalScale, measured, asPercent, sampleShares, sortWarnings } from "~/lib/experiment-view";
import { text } from "~/lib/form";
import { byEnvironmentOrder } from "~/lib/stage-status";
import { requireTeam } from "~/lib/team.server";
import { useLiveTeam } from "~/lib/use-live";

export const meta: MetaFunction = () => [{ title: "Experiments · Dashboards · FluxGate" }];

const PERIODS: Record<AnalyticsPeriod, string> = { PERIOD_1H: "Last hour", PERIOD_24H: "Last 24 hours", PERIOD_7D: "Last 7 days", PERIOD_30D: "Last 30 days" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const choices = await context.auth.query(ExperimentChoicesDoc, { teamId: team.id });
  const environments = [...choices.team.environments].sort(byEnvironmentOrder);
  const splitIn = (f: (typeof choices.features.nodes)[number]) =>
    f.stages.filter((s) => s.rules.some((r) => r.enabled && r.serveSpec.kind === "split")).map((s) => s.environment.id);
  const flags = choices.features.nodes.map((f) => ({ id: f.id, key: f.key, splitIn: splitIn(f) }));
  const feature = flags.find((f) => f.id === params.get("feature")) ?? flags.find((f) => f.splitIn.length > 0) ?? flags[0];
  const period = (params.get("period") ?? "PERIOD_7D") as AnalyticsPeriod;
  const base = { flags, environments, metrics: choices.metrics, period: period in PERIODS ? period : "PERIOD_7D" as AnalyticsPeriod, role: choices.team.myRole };
  if (!feature) return { ...base, feature: null, environmentId: null, exposures: null, experiment: null, gates: [] };
  const environmentId = environments.find((e) => e.id === params.get("env"))?.id
    ?? environments.find((e) => feature.splitIn.includes(e.id))?.id ?? environments[0]?.id ?? null;
  if (!environmentId) return { ...base, feature, environmentId, exposures: null, experiment: null, gates: [] };
  const metricKeys = choices.metrics.map((m) => m.key);
  const [results, gates] = await Promise.all([
    metricKeys.length
      ? context.auth.query(ExperimentResultsDoc, { featureId: feature.id, environmentId, metricKeys, period: base.period })
      : context.auth.query(ExposuresDoc, { featureId: feature.id, environmentId, period: base.period }).then((r) => ({ ...r, experimentResults: null })),
    context.auth.query(CanaryGatesDoc, { featureId: feature.id }),
  ]);
  return { ...base, feature, environmentId, exposures: results.feature.evaluations, experiment: results.experimentResults, gates: gates.canaryGates };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const gateId = text(form, "gateId");
  if (!gateId) return failure({ code: "BAD_USER_INPUT", message: "Choose a canary gate." });
  const result = await attempt(() => context.auth.gql(AnalyzeCanaryGateDoc, { id: gateId }));
  return isFailure(result) ? result : { ok: true as const, message: `Analysed: ${result.analyzeCanaryGate.outcome}. ${result.analyzeCanaryGate.reason}` };
}

/** Metrics and verdicts are not pushed: re-read them once a minute while the page is visible. */
function useMinuteRefresh() {
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, 60_000);
    return () => clearInterval(timer);
  }, [revalidator]);
}

export default function ExperimentsDashboard() {
  const { flags, environments, metrics, period, feature, environmentId, exposures, experiment, gates, role } = useLoaderData<typeof loader>();
  const live = useLiveTeam();
  useMinuteRefresh();
  const envName = Object.fromEntries(environments.map((e) => [e.id, e.name]));
  const sortedFlags = [...flags].sort((a, b) => Number(b.splitIn.length > 0) - Number(a.splitIn.length > 0) || a.key.localeCompare(b.key));
  return (
    <div className="stack">
      <div className="toolbar"><h1>Experiments and canary gates</h1><LiveStatus state={live} /></div>
      <Form method="get" className="filters" aria-label="Experiment">
        <div className="field"><label htmlFor="x-feature">Flag</label>
          <select id="x-feature" name="feature" defaultValue={feature?.id} key={feature?.id}>
            {sortedFlags.map((f) => <option key={f.id} value={f.id}>{f.key}{f.splitIn.length ? " (split)" : ""}</option>)}</select></div>
        <div className="field"><label htmlFor="x-env">Environment</label>
          <select id="x-env" name="env" defaultValue={environmentId ?? undefined} key={environmentId}>
            {environments.map((e) => <option key={e.id} value={e.id}>{e.name}{feature?.splitIn.includes(e.id) ? " (split)" : ""}</option>)}</select></div>
        <div className="field"><label htmlFor="x-period">Period</label>
          <select id="x-period" name="period" defaultValue={period} key={period}>
            {Object.entries(PERIODS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}</select></div>
        <button type="submit">Show</button>
      </Form>

      {!feature ? <p className="empty card">No flags yet: <Link to="/flags/new">create one</Link>.</p> : (
        <>
          <section className="card stack" aria-labelledby="exposure-title">
            <h2 id="exposure-title">Exposures: <span className="mono">{feature.key}</span> in {environmentId ? envName[environmentId] : "—"}</h2>
            {feature.splitIn.length === 0 && <p className="small muted">This flag has no split rule; the figures compare whatever variants it served.</p>}
            {!exposures || exposures.total === 0 ? <p className="empty">No evaluations in this period.</p> : (
              <div className="grid-2">
              <DonutChart label="Evaluations per variant" valueLabel="Evaluations" data={aggregateExposures(exposures.byVariant).map((r) => ({ label: r.variant, value: r.count }))} />
              <div className="table-wrap"><table className="dash-table" aria-labelledby="exposure-title">
                <thead><tr><th scope="col">Variant</th><th scope="col">Evaluations</th><th scope="col">Share</th></tr></thead>
                <tbody>
                  {aggregateExposures(exposures.byVariant).map((row) => (
                    <tr key={row.variant} data-variant={row.variant}>
                      <th scope="row" className="mono">{row.variant}</th>
                      <td data-label="Evaluations">{row.count}</td>
                      <td data-label="Share">{asPercent(row.count / exposures.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table></div>
              </div>
            )}
          </section>

          {metrics.length === 0 && <p className="card muted">No metrics are defined for this team yet: applications report conversions and values to <code>POST /v1/track</code> under a metric's key once a team admin creates it (createMetric).</p>}
          {experiment?.metrics.map((m) => <MetricCard key={m.metricKey} metric={m} splitWeights={experiment.splitWeights} unit={metrics.find((x) => x.key === m.metricKey)?.unit ?? null} />)}

          <section className="card stack" aria-labelledby="gates-title">
            <h2 id="gates-title">Canary gates</h2>
            {gates.length === 0 ? <p className="empty">No canary gate watches <span className="mono">{feature.key}</span>.</p>
              : gates.map((g) => <GateCard key={g.id} gate={g} envName={envName[g.environmentId] ?? "?"} canAnalyze={role === null || role === "team_admin"} />)}
          </section>
        </>
      )}
    </div>
  );
}

/** Evaluations per variant whatever the reason (the API splits them by reason too). */
function aggregateExposures(rows: { variant?: string | null; count: number }[]) {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.variant ?? "(none)", (totals.get(row.variant ?? "(none)") ?? 0) + row.count);
  return [...totals].map(([variant, count]) => ({ variant, count })).sort((a, b) => b.count - a.count || a.variant.localeCompare(b.variant));
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type MetricData = NonNullable<Loaded["experiment"]>["metrics"][number];

function MetricCard({ metric, splitWeights, unit }: { metric: MetricData; splitWeights: { variant: string; weight: number }[] | null | undefined; unit: string | null }) {
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

type Gate = Loaded["gates"][number];

function GateCard({ gate, envName, canAnalyze }: { gate: Gate; envName: string; canAnalyze: boolean }) {
  const fetcher = useFetcher<typeof action>();
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
