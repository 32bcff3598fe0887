// Rollout dashboard: delivery metrics (deploys per week, approval time and rate, time in pipeline,
// the bottleneck environment), rollout health, pending approvals, every flag's stage per
// environment, the engaged kill switches and the rollout timeline. Live: approvals, kill switches
// and any environment's published change re-read it (one merged feed, /live-team).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { BarChart, DonutChart } from "~/components/charts";
import { Countdown } from "~/components/Countdown";
import { LiveStatus } from "~/components/LiveStatus";
import { PipelineMatrixDoc, RolloutDashboardDoc, TIMELINE_ACTIONS } from "~/lib/docs/rollout-dashboard";
import { pageAll } from "~/lib/page-all.server";
import { formatHours, formatShare, furthestLive, rolloutHealth, stageStateSlices } from "~/lib/rollout-health";
import { byEnvironmentOrder, stageBadge } from "~/lib/stage-status";
import { requireTeam } from "~/lib/team.server";
import { useLiveTeam } from "~/lib/use-live";

export const meta: MetaFunction = () => [{ title: "Rollout · Dashboards · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const [data, matrix] = await Promise.all([
    context.auth.query(RolloutDashboardDoc, { teamId: team.id, actions: TIMELINE_ACTIONS }),
    pageAll(async (after) => (await context.auth.query(PipelineMatrixDoc, { teamId: team.id, after })).features),
  ]);
  const environments = [...data.team.environments].sort(byEnvironmentOrder);
  const users = Object.fromEntries(data.team.members.nodes.map((m) => [m.user.id, m.user.username]));
  return {
    metrics: data.rolloutMetrics, pending: data.approvalRequests.nodes, killed: data.activeKillSwitches,
    timeline: data.recentActivity.nodes, environments, users, flags: matrix.nodes, truncated: matrix.truncated,
  };
}

const utc = (iso: string) => `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "short", timeStyle: "short" })} UTC`;

function hoursSince(iso: string, now: string) {
  return (Date.parse(now) - Date.parse(iso)) / 3_600_000;
}

const TIMELINE_TONE: Record<string, "danger" | "ok" | undefined> = {
  "feature.kill_switch_on": "danger", "approval_request.reject": "danger", "stage.rollback": "danger",
  "stage.deploy": "ok", "approval_request.approve": "ok", "approval_request.auto_approve": "ok", "feature.kill_switch_off": "ok",
};

export default function RolloutDashboard() {
  const { metrics, pending, killed, timeline, environments, users, flags, truncated } = useLoaderData<typeof loader>();
  const live = useLiveTeam();
  const health = rolloutHealth(flags);
  const envName = Object.fromEntries(environments.map((e) => [e.id, e.name]));
  const flagKey = Object.fromEntries(flags.map((f) => [f.id, f.key]));
  const order = environments.map((e) => e.id);
  const change = metrics.deploymentChange;
  return (
    <div className="stack">
      <div className="toolbar"><h1>Rollout</h1><LiveStatus state={live} /></div>

      <section aria-labelledby="delivery-title" className="stack">
        <h2 id="delivery-title">Delivery</h2>
        <dl className="kpis" aria-label="Delivery metrics">
          <Kpi label="Flags deployed this week" value={String(metrics.featuresDeployedThisWeek)}
            delta={`${metrics.featuresDeployedLastWeek} last week${change === null ? "" : ` · ${change > 0 ? "+" : ""}${formatShare(change)}`}`} />
          <Kpi label="Pending approvals" value={String(metrics.totalPendingApprovals)} />
          <Kpi label="Average approval time" value={formatHours(metrics.averageApprovalHours)} delta="requests decided in 30 days" />
          <Kpi label="Approval rate" value={formatShare(metrics.approvalRate)} delta="approved of decided, 30 days" />
          <Kpi label="Time in pipeline" value={formatHours(metrics.averageTimeInPipeline)} delta={`${metrics.pipelineCompletions} ${metrics.pipelineCompletions === 1 ? "flag" : "flags"} completed it, 30 days`} />
          <Kpi label="Bottleneck environment" value={metrics.bottleneckEnvironment ? (envName[metrics.bottleneckEnvironment.environmentId] ?? metrics.bottleneckEnvironment.environmentKey) : "—"}
            delta={metrics.bottleneckEnvironment ? `${formatHours(metrics.bottleneckEnvironment.averageWaitHours)} average wait · ${metrics.bottleneckEnvironment.requests} ${metrics.bottleneckEnvironment.requests === 1 ? "request" : "requests"}` : "no approval requests in 30 days"} />
        </dl>
        <BarChart label="Flags deployed per week" valueLabel="Flags deployed" height={180}
          data={[{ label: "Last week", value: metrics.featuresDeployedLastWeek }, { label: "This week", value: metrics.featuresDeployedThisWeek }]} />
      </section>

      <section aria-labelledby="health-title" className="stack">
        <h2 id="health-title">Rollout health</h2>
        <dl className="kpis" aria-label="Rollout health">
          <Kpi label="Fully rolled out" value={`${health.fullyRolledOut} of ${health.flags}`} delta="live in every environment" />
          <Kpi label="Live stages" value={`${health.live} of ${health.stages}`} />
          <Kpi label="Waiting for a decision" value={String(health.waiting)} />
          <Kpi label="Rejected" value={String(health.rejected)} />
          <Kpi label="Rolled back" value={String(health.rolledBack)} />
          <Kpi label="Killed flags" value={String(health.killed)} />
        </dl>
        <DonutChart label="Stages by state" valueLabel="Stages" data={stageStateSlices(flags)} emptyText="No stages yet." />
      </section>

      <div className="grid-2">
        <section className="card stack" aria-labelledby="pending-title">
          <div className="toolbar"><h2 id="pending-title">Pending approvals</h2><Link to="/approvals?view=all&status=pending">Open the inbox</Link></div>
          {pending.length === 0 ? <p className="empty">No request is waiting.</p> : (
            <div className="table-wrap"><table className="dash-table">
              <thead><tr><th scope="col">Flag</th><th scope="col">Change</th><th scope="col">By</th><th scope="col">Waiting</th><th scope="col">Votes</th></tr></thead>
              <tbody>
                {pending.map((r) => (
                  <tr key={r.id} data-request={r.id}>
                    <td><Link className="mono" to={`/flags/${r.featureId}`}>{flagKey[r.featureId] ?? r.featureId}</Link></td>
                    <td data-label="Change">{r.action.replace(/_/g, " ")} in {envName[r.environmentId] ?? "?"}</td>
                    <td data-label="By">{users[r.requestedBy] ?? "unknown"}</td>
                    <td data-label="Waiting">{formatHours(hoursSince(r.createdAt, metrics.now))}{r.autoApproveAt && <span className="small muted"> · auto {utc(r.autoApproveAt)}</span>}</td>
                    <td data-label="Votes">{r.votes.filter((v) => v.vote === "approve").length}/{r.requiredApprovals}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}
        </section>

        <section className="card stack" aria-labelledby="kill-title">
          <div className="toolbar"><h2 id="kill-title">Kill switch monitor</h2><Link to="/kill-switches">Open the monitor</Link></div>
          {killed.length === 0 ? <p className="empty">No kill switch is engaged.</p> : (
            <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Engaged kill switches">
              {killed.map((f) => (
                <li key={f.id} data-flag={f.key} className="row">
                  <span className="badge killed">killed</span>
                  <Link className="mono" to={`/flags/${f.id}`}>{f.key}</Link>
                  <span className="small">{f.killSwitchReason ?? "no reason given"}</span>
                  <span className="small muted">{f.killSwitchActivatedAt ? `since ${utc(f.killSwitchActivatedAt)}` : ""}{" · "}
                    {f.rollbackScheduledAt ? <>re-enables in <Countdown until={f.rollbackScheduledAt} /></> : "manual re-enable only"}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card stack" aria-labelledby="pipeline-title">
        <h2 id="pipeline-title">Pipeline</h2>
        <p className="small muted">Each flag's stage per environment, in pipeline order; "Furthest" is the last environment where it is live.</p>
        {truncated && <p className="notice" role="status">Showing the first 1000 flags.</p>}
        <div className="table-wrap"><table className="dash-table" aria-labelledby="pipeline-title">
          <thead><tr><th scope="col">Flag</th>{environments.map((e) => <th key={e.id} scope="col">{e.name}</th>)}<th scope="col">Furthest</th></tr></thead>
          <tbody>
            {flags.length === 0 && <tr><td colSpan={environments.length + 2} className="empty">No flags yet.</td></tr>}
            {flags.map((f) => {
              const furthest = furthestLive(f, order);
              return (
                <tr key={f.id} data-flag={f.key}>
                  <th scope="row"><Link className="mono" to={`/flags/${f.id}`}>{f.key}</Link></th>
                  {environments.map((e) => {
                    const stage = f.stages.find((s) => s.environment.id === e.id);
                    const badge = stage ? stageBadge(stage.status, f.killSwitchEnabled) : null;
                    return <td key={e.id} data-label={e.name}>{badge ? <span className={`badge ${badge.tone}`}>{badge.label}</span> : <span className="muted">—</span>}</td>;
                  })}
                  <td data-label="Furthest">{furthest ? envName[furthest] : <span className="muted">nowhere</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table></div>
      </section>

      <section className="card stack" aria-labelledby="timeline-title">
        <div className="toolbar"><h2 id="timeline-title">Rollout timeline</h2><Link to="/audit">Full audit log</Link></div>
        {timeline.length === 0 ? <p className="empty">No deploys, decisions or kill switches yet.</p> : (
          <ol className="timeline" aria-label="Latest rollout events, newest first">
            {timeline.map((entry) => (
              <li key={entry.id} data-tone={TIMELINE_TONE[entry.action]} data-action={entry.action}>
                <strong>{describe(entry.action)}</strong>{" "}
                {entry.feature?.key ? <Link className="mono" to={`/flags/${entry.feature.id}`}>{entry.feature.key}</Link> : <span className="mono">{entry.entityLabel ?? ""}</span>}
                {entry.environment?.name && <> in {entry.environment.name}</>}
                <span className="small muted"> · {entry.actorName} · {utc(entry.createdAt)}</span>
                {entry.reason && <span className="small"> · “{entry.reason}”</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

const ACTION_TEXT: Record<string, string> = {
  "stage.request_deploy": "Deploy requested", "stage.deploy": "Deployed", "stage.rollback": "Rolled back",
  "stage.request_rules_change": "Rules change requested", "approval_request.approve": "Approved", "approval_request.reject": "Rejected",
  "approval_request.auto_approve": "Auto-approved", "approval_request.admin_override": "Approved by admin override",
  "feature.kill_switch_on": "Kill switch engaged", "feature.kill_switch_off": "Kill switch released",
  "feature.rollback_to_version": "Rolled back to a version", "rule.scheduled_rollout": "Scheduled rollout step",
};
const describe = (action: string) => ACTION_TEXT[action] ?? action;

function Kpi({ label, value, delta }: { label: string; value: string; delta?: string }) {
  return (
    <div className="kpi" data-kpi={label}>
      <dt>{label}</dt>
      <dd>{value}{delta && <span className="delta">{delta}</span>}</dd>
    </div>
  );
}
