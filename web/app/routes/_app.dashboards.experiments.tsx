// Experiments and canary gates: for one flag in one environment, each variant's exposures
// (evaluations served) and, per team metric, its samples, conversions, rate or mean with the 95%
// interval, lift and confidence against the baseline; the sample-ratio-mismatch warning against
// the configured split and the sample-size guardrails. Below, the flag's canary gates with their
// latest verdict and history. Live: flag changes and kill switches (a failed gate engages one)
// push a re-read; metrics and gate verdicts, which the API does not push, are re-read every minute.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { CanaryGateCard } from "~/components/CanaryGateCard";
import { DonutChart } from "~/components/charts";
import { ExperimentMetric } from "~/components/ExperimentMetric";
import { LiveStatus } from "~/components/LiveStatus";
import type { AnalyticsPeriod } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { AnalyzeCanaryGateDoc, CanaryGatesDoc, ExperimentChoicesDoc, ExperimentResultsDoc, ExposuresDoc } from "~/lib/docs/experiments";
import { asPercent } from "~/lib/experiment-view";
import { text } from "~/lib/form";
import { byEnvironmentOrder } from "~/lib/stage-status";
import { requireTeam } from "~/lib/team.server";
import { useLiveTeam } from "~/lib/use-live";
import { useRefresh } from "~/lib/use-refresh";

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
  const refresh = useRefresh();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") refresh();
    }, 60_000);
    return () => clearInterval(timer);
  }, [refresh]);
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

          {metrics.length === 0 && <p className="card muted">No metrics are defined for this team yet: applications report conversions and values to <code>POST /v1/track</code> under a metric's key once a team admin creates it. <Link to="/settings/metrics">Manage metrics</Link></p>}
          {experiment?.metrics.map((m) => <ExperimentMetric key={m.metricKey} metric={m} splitWeights={experiment.splitWeights} unit={metrics.find((x) => x.key === m.metricKey)?.unit ?? null} />)}

          <section className="card stack" aria-labelledby="gates-title">
            <h2 id="gates-title">Canary gates</h2> <Link to={`/settings/canary-gates?feature=${feature.id}&env=${environmentId}`}>Manage canary gates</Link>
            {gates.length === 0 ? <p className="empty">No canary gate watches <span className="mono">{feature.key}</span>.</p>
              : gates.map((g) => <CanaryGateCard key={g.id} gate={g} envName={envName[g.environmentId] ?? "?"} canAnalyze={role === null || role === "team_admin"} />)}
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
