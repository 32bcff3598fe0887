// Evaluation analytics: evaluations over time (buckets of 1-60 minutes or 2 hours to a day, windows from 1 hour to 90 days),
// filtered by environment, feature key and client, with distributions by feature, environment,
// client, variant and reason. Filters live in the URL. Windows up to 24 h update live (the API's
// evaluationDashboard subscription pushes the whole payload); longer ones are read when loaded.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useLoaderData, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { AreaChart, BarChart, DonutChart, LineChart } from "~/components/charts";
import { LiveStatus } from "~/components/LiveStatus";
import { ApiError } from "~/lib/api-error";
import { formatCount, formatRate } from "~/lib/chart-data";
import { groupSlices, newest, type Dashboard } from "~/lib/dashboard-data";
import {
  dashboardInput, filtersSearch, INTERVAL_CHOICES, intervalLabel, intervalPhrase, intervalProblem, isLiveWindow, MAX_LIVE_HOURS, parseFilters, smallestInterval, WINDOW_CHOICES,
} from "~/lib/dashboard-filters";
import { DashboardClientsDoc, DashboardFiltersDoc, EvaluationDashboardDoc } from "~/lib/docs/dashboards";
import { requireTeam } from "~/lib/team.server";
import { useLiveData } from "~/lib/use-live-data";

export const meta: MetaFunction = () => [{ title: "Evaluation analytics · FluxGate" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const { filters, problems } = parseFilters(new URL(request.url).searchParams);
  const valid = Object.keys(problems).length === 0;
  const [environments, clients, result] = await Promise.all([
    context.auth.query(DashboardFiltersDoc, { teamId: team.id }).then((d) => d.team.environments),
    // Listing clients may be refused to some roles: the filter then offers the clients seen in the data.
    context.auth.gql(DashboardClientsDoc, { teamId: team.id }).then((d) => d.clients.nodes, () => null),
    valid
      ? context.auth.gql(EvaluationDashboardDoc, { input: dashboardInput(filters, team.id) }).then(
        (d) => ({ dashboard: d.evaluationDashboard, error: null }),
        (error) => {
          if (error instanceof ApiError) return { dashboard: null, error: error.toJSON() };
          throw error;
        })
      : Promise.resolve({ dashboard: null, error: null }),
  ]);
  return { filters, problems, environments, clients, dashboard: result.dashboard, error: result.error };
}

export default function EvaluationAnalytics() {
  const { filters, problems, environments, clients, dashboard: loaded, error } = useLoaderData<typeof loader>();
  const location = useLocation();
  const navigation = useNavigation();
  const live = isLiveWindow(filters.hours) && loaded !== null;
  const { data: pushed, state, error: liveError } = useLiveData<Dashboard>(
    live ? `/live?topic=evaluation-dashboard&${location.search.replace(/^\?/, "")}` : null, "evaluationDashboard");
  const dashboard = newest(loaded ?? undefined, pushed);
  const problem = problems.hours ?? problems.interval ?? problems.feature;

  return (
    <div className="stack">
      <div className="dash-head">
        <h1>Evaluation analytics</h1>
        <LiveStatus state={state} updatedAt={dashboard?.generatedAt}
          offReason={isLiveWindow(filters.hours) ? undefined : `live for windows up to ${MAX_LIVE_HOURS} hours`} />
      </div>
      <Filters key={location.search} filters={filters} environments={environments}
        clients={clients ?? (dashboard?.distributions.byClient ?? []).filter((c) => c.key).map((c) => ({ id: c.key!, name: c.label ?? c.key!, environment: null }))}
        features={(dashboard?.distributions.byFeature ?? []).map((f) => f.key!).filter(Boolean)}
        problems={problems} busy={navigation.state === "loading"} />
      {problem && <p className="error" role="alert">{problem}</p>}
      {error && <p className="error" role="alert">{error.message} <span className="muted small">({error.code})</span></p>}
      {liveError && <p className="error" role="alert">Live updates: {liveError}</p>}
      {dashboard && <DashboardBody dashboard={dashboard} filtered={Boolean(filters.featureKey)} />}
    </div>
  );
}

type Environment = { id: string; key: string; name: string };
type Client = { id: string; name: string; environment: { key: string } | null };

function Filters({ filters, environments, clients, features, problems, busy }: {
  filters: ReturnType<typeof parseFilters>["filters"]; environments: Environment[]; clients: Client[]; features: string[];
  problems: ReturnType<typeof parseFilters>["problems"]; busy: boolean;
}) {
  const navigate = useNavigate();
  const [hours, setHours] = useState(Number.isFinite(filters.hours) ? filters.hours : 24);
  const [interval, setInterval] = useState(Number.isFinite(filters.interval) ? filters.interval : 15);
  const [feature, setFeature] = useState(filters.featureKey);
  const featureProblem = feature.trim().length > 128 ? "A feature key has at most 128 characters." : problems.feature;
  // A window too long for the chosen interval moves to the smallest interval that fits (the API
  // refuses more than 1440 buckets); the options that do not fit are disabled with the reason.
  const onHours = (value: number) => {
    setHours(value);
    if (intervalProblem(value, interval)) setInterval(smallestInterval(value));
  };
  // With JavaScript the URL keeps only the filters set (short links); without, the plain GET form works too.
  const apply = (form: HTMLFormElement) => {
    const { filters: chosen } = parseFilters(new URLSearchParams(new FormData(form) as unknown as Record<string, string>));
    navigate({ search: filtersSearch(chosen) }, { replace: true, preventScrollReset: true });
  };
  const autoSubmit = (form: HTMLFormElement | null) => {
    if (form) requestAnimationFrame(() => apply(form));
  };
  return (
    <Form method="get" className="filters" aria-label="Filters" aria-busy={busy || undefined}
      onSubmit={(e) => {
        e.preventDefault();
        if (!featureProblem) apply(e.currentTarget);
      }}>
      <div className="field">
        <label htmlFor="f-env">Environment</label>
        <select id="f-env" name="env" defaultValue={filters.environment} onChange={(e) => autoSubmit(e.currentTarget.form)}>
          <option value="">All environments</option>
          {environments.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-feature">Feature key</label>
        <input id="f-feature" name="feature" value={feature} onChange={(e) => setFeature(e.target.value)} list="f-feature-keys"
          placeholder="All features" autoComplete="off" aria-invalid={featureProblem ? true : undefined}
          aria-describedby={featureProblem ? "f-feature-error" : undefined} />
        <datalist id="f-feature-keys">{features.map((k) => <option key={k} value={k} />)}</datalist>
        {featureProblem && <span id="f-feature-error" className="field-error">{featureProblem}</span>}
      </div>
      <div className="field">
        <label htmlFor="f-client">Client</label>
        <select id="f-client" name="client" defaultValue={filters.client} onChange={(e) => autoSubmit(e.currentTarget.form)}>
          <option value="">All clients</option>
          {clients.map((c) => <option key={c.id} value={c.id}>{c.environment ? `${c.name} (${c.environment.key})` : c.name}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-hours">Window</label>
        <select id="f-hours" name="hours" value={hours} onChange={(e) => { onHours(Number(e.target.value)); autoSubmit(e.currentTarget.form); }}>
          {WINDOW_CHOICES.map((w) => <option key={w.hours} value={w.hours}>Last {w.label}{w.hours > MAX_LIVE_HOURS ? " (not live)" : ""}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-interval">Interval</label>
        <select id="f-interval" name="interval" value={interval} onChange={(e) => { setInterval(Number(e.target.value)); autoSubmit(e.currentTarget.form); }}
          aria-describedby="f-interval-hint">
          {INTERVAL_CHOICES.map((n) => <option key={n} value={n} disabled={intervalProblem(hours, n) !== null}>{intervalLabel(n)}</option>)}
        </select>
      </div>
      <button type="submit" className="primary" disabled={Boolean(featureProblem)}>Apply</button>
      <p id="f-interval-hint" className="hint filters-note">
        A chart has at most 1,440 points: longer windows offer only the intervals that fit. Windows up to {MAX_LIVE_HOURS} hours update live.
      </p>
    </Form>
  );
}

function DashboardBody({ dashboard, filtered }: { dashboard: Dashboard; filtered: boolean }) {
  const { summary, rates, distributions } = dashboard;
  const from = new Date(dashboard.from);
  const to = new Date(dashboard.to);
  const scope = dashboard.environmentKey ? `environment ${dashboard.environmentKey}` : "all environments";
  return (
    <>
      <dl className="kpis" aria-label="Totals in the window">
        <div className="kpi"><dt>Evaluations</dt><dd data-kpi="evaluations">{formatCount(summary.totalEvaluations)}</dd></div>
        <div className="kpi"><dt>Success rate</dt><dd data-kpi="success-rate">{formatRate(summary.successRate)}</dd></div>
        <div className="kpi"><dt>Cache-hit rate</dt><dd data-kpi="cache-hit-rate">{formatRate(summary.cacheHitRate)}</dd></div>
        <div className="kpi"><dt>Features evaluated</dt><dd data-kpi="features">{formatCount(summary.featuresEvaluated)}</dd></div>
      </dl>
      <p className="muted small">{scope}, one bucket per {intervalPhrase(dashboard.intervalMinutes)}, {from.toISOString().slice(0, 16).replace("T", " ")} to {to.toISOString().slice(0, 16).replace("T", " ")} UTC.</p>
      <div className="panels">
        <section className="panel wide">
          <AreaChart label={`Evaluations per ${intervalPhrase(dashboard.intervalMinutes)}`} rows={rates} time={(r) => new Date(r.bucketStart)} from={from} to={to}
            series={[{ label: "Evaluations", value: (r) => r.evaluationCount }, { label: "Errors", value: (r) => r.errors, colour: "var(--danger)" }]} />
        </section>
        <section className="panel wide">
          <LineChart label="Success and cache-hit rates" rows={rates} time={(r) => new Date(r.bucketStart)} from={from} to={to} max={1} format={formatRate}
            series={[{ label: "Success rate", value: (r) => r.successRate ?? null }, { label: "Cache-hit rate", value: (r) => r.cacheHitRate ?? null }]} />
        </section>
        {!filtered && (
          <section className="panel">
            <BarChart label="Top features" orientation="horizontal" valueLabel="Evaluations" showShare
              data={dashboard.topFeatures.map((f) => ({ label: f.key ?? "(none)", value: f.evaluationCount }))} />
          </section>
        )}
        <section className="panel">
          <DonutChart label="By variant" valueLabel="Evaluations" data={groupSlices(distributions.byVariant, "variant")} />
        </section>
        <section className="panel">
          <DonutChart label="By reason" valueLabel="Evaluations" data={groupSlices(distributions.byReason, "reason")} />
        </section>
        <section className="panel">
          <BarChart label="By environment" orientation="horizontal" valueLabel="Evaluations" showShare data={groupSlices(distributions.byEnvironment, "environment")} />
        </section>
        <section className="panel">
          <BarChart label="By client" orientation="horizontal" valueLabel="Evaluations" showShare data={groupSlices(distributions.byClient, "client")} />
        </section>
        <section className="panel">
          <BarChart label="By feature" orientation="horizontal" valueLabel="Evaluations" showShare data={groupSlices(distributions.byFeature.slice(0, 15), "feature")} />
        </section>
      </div>
    </>
  );
}

