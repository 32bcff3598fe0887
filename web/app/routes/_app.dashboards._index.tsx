// System overview: the team's evaluations over the last 24 hours against the 24 before (live), its
// features (active, growth over 30 days), the top 5 features, and recent activity.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { AreaChart, BarChart, LineChart } from "~/components/charts";
import { LiveStatus } from "~/components/LiveStatus";
import { formatCount, formatCountDelta, formatInstant, formatRate, formatRateDelta } from "~/lib/chart-data";
import { earlierPart, newest, type Dashboard } from "~/lib/dashboard-data";
import { EvaluationDashboardDoc, OverviewDoc } from "~/lib/docs/dashboards";
import { requireTeam } from "~/lib/team.server";
import { useLive } from "~/lib/use-live";
import { useLiveData } from "~/lib/use-live-data";

export const meta: MetaFunction = () => [{ title: "System overview · FluxGate" }];

/** The overview's live window: the last 24 hours in hourly buckets (what the subscription pushes). */
const WINDOW = { durationHours: 24, intervalMinutes: 60 };
const LIVE_URL = `/live?topic=evaluation-dashboard&hours=${WINDOW.durationHours}&interval=${WINDOW.intervalMinutes}`;
const GROWTH_DAYS = 30;
const DAY_MS = 86_400_000;

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const now = Date.now();
  const growthTo = new Date(Math.floor(now / DAY_MS) * DAY_MS + DAY_MS);
  const [overview, current] = await Promise.all([
    context.auth.query(OverviewDoc, {
      teamId: team.id,
      growthFrom: new Date(growthTo.getTime() - GROWTH_DAYS * DAY_MS).toISOString(),
      growthTo: growthTo.toISOString(),
      // 48 hours minus the last 24 (read in the same request below) = the previous period.
      previous: { teamId: team.id, durationHours: 2 * WINDOW.durationHours, intervalMinutes: 60 },
    }),
    context.auth.query(EvaluationDashboardDoc, { input: { teamId: team.id, ...WINDOW } }),
  ]);
  return {
    metrics: overview.systemMetrics,
    growth: overview.featureGrowth,
    activity: overview.recentActivity.nodes,
    previous: earlierPart(overview.previous.summary, current.evaluationDashboard.summary),
    current: current.evaluationDashboard,
  };
}

export default function SystemOverview() {
  const { metrics, growth, activity, previous, current: loaded } = useLoaderData<typeof loader>();
  const { data: pushed, state } = useLiveData<Dashboard>(LIVE_URL, "evaluationDashboard");
  // Approvals and kill switches change the activity feed and the counts next to it: re-read them.
  useLive("approvals");
  useLive("kill-switches");
  const current = newest(loaded, pushed)!;
  const { summary } = current;
  const from = new Date(current.from);
  const to = new Date(current.to);

  return (
    <div className="stack">
      <div className="dash-head">
        <h1>System overview</h1>
        <LiveStatus state={state} updatedAt={current.generatedAt} />
      </div>
      <dl className="kpis" aria-label="Last 24 hours against the 24 before">
        <Kpi name="Evaluations (24 h)" id="evaluations" value={formatCount(summary.totalEvaluations)}
          delta={formatCountDelta(summary.totalEvaluations, previous.totalEvaluations)}
          previous={`previous 24 h: ${formatCount(previous.totalEvaluations)}`} />
        <Kpi name="Active features" id="active-features" value={formatCount(metrics.featuresByLifecycle.active)}
          previous={`of ${formatCount(metrics.totalFeatures)} (${metrics.featuresByLifecycle.draft} draft, ${metrics.featuresByLifecycle.deprecated} deprecated)`} />
        <Kpi name="Success rate" id="success-rate" value={formatRate(summary.successRate)}
          delta={formatRateDelta(summary.successRate, previous.successRate)} better={direction(summary.successRate, previous.successRate)}
          previous={`previous 24 h: ${formatRate(previous.successRate)}`} />
        <Kpi name="Cache-hit rate" id="cache-hit-rate" value={formatRate(summary.cacheHitRate)}
          delta={formatRateDelta(summary.cacheHitRate, previous.cacheHitRate)} better={direction(summary.cacheHitRate, previous.cacheHitRate)}
          previous={`previous 24 h: ${formatRate(previous.cacheHitRate)}`} />
        <Kpi name="Pending approvals" id="pending" value={formatCount(metrics.pendingApprovals)} link={{ to: "/approvals", text: "Open approvals" }} />
        <Kpi name="Kill switches engaged" id="killed" value={formatCount(metrics.activeKillSwitches)} link={{ to: "/kill-switches", text: "Open the monitor" }} />
      </dl>
      <div className="panels">
        <section className="panel wide" aria-label="Evaluation volume">
          <AreaChart label="Evaluation volume, last 24 hours (per hour)" rows={current.rates} time={(r) => new Date(r.bucketStart)} from={from} to={to}
            series={[{ label: "Evaluations", value: (r) => r.evaluationCount }, { label: "Errors", value: (r) => r.errors, colour: "var(--danger)" }]} />
        </section>
        <section className="panel" aria-label="Top 5 features">
          <BarChart label="Top 5 features (24 h)" orientation="horizontal" valueLabel="Evaluations" showShare
            data={current.topFeatures.map((f) => ({ label: f.key ?? "(none)", value: f.evaluationCount }))} />
          <p className="small"><Link to="/dashboards/evaluations">Evaluation analytics</Link></p>
        </section>
        <section className="panel" aria-label="Feature growth">
          <LineChart label={`Feature growth, last ${GROWTH_DAYS} days`} rows={growth} time={(g) => new Date(g.bucketStart)}
            series={[{ label: "Features", value: (g) => g.cumulativeCount }, { label: "Created that day", value: (g) => g.featureCount }]} />
        </section>
        <section className="panel wide" aria-labelledby="activity-title">
          <h2 id="activity-title">Recent activity</h2>
          {activity.length === 0 ? <p className="empty">Nothing has happened in this team yet.</p> : (
            <ol className="activity">
              {activity.map((a) => (
                <li key={a.id}>
                  <time dateTime={a.createdAt} className="small muted">{formatInstant(new Date(a.createdAt))}</time>
                  <strong>{a.actorName}</strong>
                  <span className="mono">{a.action}</span>
                  {a.feature?.key
                    ? <Link className="mono" to={`/flags/${a.feature.id}`}>{a.feature.key}</Link>
                    : a.entityLabel && <span className="mono">{a.entityLabel}</span>}
                  {a.environment?.key && <span className="badge">{a.environment.key}</span>}
                  {a.reason && <span className="muted small">“{a.reason}”</span>}
                </li>
              ))}
            </ol>
          )}
          <p className="small"><Link to="/audit">Audit log</Link></p>
        </section>
      </div>
    </div>
  );
}

type Better = "up" | "down" | "neutral";

const direction = (current: number | null, previous: number | null): Better =>
  current === null || previous === null || current === previous ? "neutral" : current > previous ? "up" : "down";

function Kpi({ name, id, value, delta, better = "neutral", previous, link }: {
  name: string; id: string; value: string; delta?: string | null; better?: Better; previous?: string; link?: { to: string; text: string };
}) {
  return (
    <div className="kpi">
      <dt>{name}</dt>
      <dd>
        <span data-kpi={id}>{value}</span>
        {delta && <span className={`delta ${better}`}>{delta} <span className="sr-only">against the previous 24 hours</span></span>}
        {previous && <span className="delta">{previous}</span>}
        {link && <Link className="delta" to={link.to}>{link.text}</Link>}
      </dd>
    </div>
  );
}
