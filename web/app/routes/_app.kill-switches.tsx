import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { Countdown } from "~/components/Countdown";
import { KillSwitchesDoc } from "~/lib/docs/delivery";
import { runStageIntent } from "~/lib/stage-actions.server";
import { requireTeam } from "~/lib/team.server";
import { useLive } from "~/lib/use-live";
import { ReEnableButton } from "~/components/ReEnableButton";

export const meta: MetaFunction = () => [{ title: "Kill switch monitor · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(KillSwitchesDoc, { teamId: team.id });
  return { killed: data.activeKillSwitches, role: data.team.myRole };
}

export async function action({ request, context }: ActionFunctionArgs) {
  return (await runStageIntent(context, await request.formData())) ?? { ok: false as const, error: { code: "BAD_USER_INPUT", message: "Unknown action." } };
}

export default function KillSwitchMonitor() {
  const { killed, role } = useLoaderData<typeof loader>();
  useLive("kill-switches");
  const isAdmin = role === null || role === "team_admin";
  return (
    <div className="stack">
      <h1>Kill switch monitor</h1>
      <p className="muted">Flags whose kill switch is engaged answer DISABLED everywhere until they are re-enabled, automatically at the time shown or now.</p>
      <div className="table-wrap">
        <table>
          <thead><tr><th scope="col">Flag</th><th scope="col">Reason</th><th scope="col">Since</th><th scope="col">Re-enables in</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {killed.length === 0 && <tr><td colSpan={5} className="empty">No kill switch is engaged.</td></tr>}
            {killed.map((f) => (
              <tr key={f.id} data-flag={f.key}>
                <td><Link className="mono" to={`/flags/${f.id}`}>{f.key}</Link></td>
                <td data-label="Reason">{f.killSwitchReason ?? "—"}</td>
                <td data-label="Since" className="small">{f.killSwitchActivatedAt ? `${new Date(f.killSwitchActivatedAt).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "short", timeStyle: "short" })} UTC` : "—"}</td>
                <td data-label="Re-enables in">{f.rollbackScheduledAt ? <Countdown until={f.rollbackScheduledAt} /> : <span className="muted">manual only</span>}</td>
                <td><ReEnableButton featureId={f.id} featureKey={f.key} disabled={isAdmin ? undefined : "Only team admins release kill switches."} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
