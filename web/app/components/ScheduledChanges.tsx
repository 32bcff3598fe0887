// A flag's scheduled changes: what runs when, and a form to schedule a deploy or rollback of a stage,
// a rollout percentage of a rule, or enabling / disabling the flag; a pending one is cancelled or
// rescheduled in its row (an automatic kill-switch re-enable moves with its kill, not here).
import { useHere } from "~/lib/use-here";
import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import { RescheduleChange } from "./RescheduleChange";
import { SubmitButton } from "./SubmitButton";

interface Change { id: string; action: string; status: string; runAt: string; timezone?: string | null; result?: string | null; environmentId?: string | null }
interface Stage { id: string; environment: { id: string; name: string }; rules: { id: string; name: string; serveSpec: { kind: string } }[] }

export function ScheduledChanges({ changes, stages, canEdit }: { changes: Change[]; stages: Stage[]; canEdit: boolean }) {
  const here = useHere();
  const [action, setAction] = useState("stage_change");
  // The browser's zone, known only after hydration (the server renders UTC).
  const [zone, setZone] = useState({ timezone: "UTC", offsetMinutes: 0 });
  useEffect(() => setZone({ timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", offsetMinutes: new Date().getTimezoneOffset() }), []);
  const { timezone } = zone;
  const envName = (id?: string | null) => stages.find((s) => s.environment.id === id)?.environment.name ?? "all environments";
  const rolloutRules = stages.flatMap((s) => s.rules.filter((r) => r.serveSpec.kind !== "split").map((r, i) => ({ id: r.id, label: `${s.environment.name}: ${r.name || `rule ${i + 1}`}` })));
  return (
    <div className="stack">
      {changes.length === 0 ? <p className="muted">Nothing scheduled.</p> : (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">When (UTC)</th><th scope="col">What</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{changes.map((c) => (
            <tr key={c.id}>
              <td data-label="When (UTC)" className="small">{new Date(c.runAt).toLocaleString("en-GB", { timeZone: "UTC" })}{c.timezone && c.timezone !== "UTC" && <div className="muted">chosen in {c.timezone}</div>}</td>
              <td data-label="What">{c.action.replace(/_/g, " ")} · {envName(c.environmentId)}</td>
              <td data-label="Status"><span className={`badge ${c.status === "pending" ? "pending" : c.status === "done" ? "on" : "off"}`}>{c.status}</span>{c.result && <div className="small muted">{c.result}</div>}</td>
              <td>{c.status === "pending" && canEdit && (
                <div className="stack">
                  <Form method="post" action={here}><input type="hidden" name="intent" value="cancelSchedule" /><input type="hidden" name="scheduleId" value={c.id} />
                    <SubmitButton match={{ intent: "cancelSchedule", scheduleId: c.id }} pendingLabel="Cancelling…" aria-label={`Cancel the scheduled ${c.action.replace(/_/g, " ")}`}>Cancel</SubmitButton></Form>
                  {c.action !== "kill_switch_rollback" && (
                    <RescheduleChange id={c.id} runAt={c.runAt} what={`${c.action.replace(/_/g, " ")} · ${envName(c.environmentId)}`} timezone={timezone} />
                  )}
                </div>
              )}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      {canEdit && (
        <Form method="post" action={here} className="row" style={{ alignItems: "end" }}>
          <input type="hidden" name="intent" value="schedule" />
          <input type="hidden" name="timezone" value={timezone} />
          <div className="field"><label htmlFor="sc-action">Change</label>
            <select id="sc-action" name="action" value={action} onChange={(e) => setAction(e.target.value)}>
              <option value="stage_change">deploy or roll back a stage</option>
              <option value="set_rollout">set a rule's rollout</option>
              <option value="enable">enable the flag</option>
              <option value="disable">disable the flag</option>
            </select></div>
          {action === "stage_change" && (
            <>
              <div className="field"><label htmlFor="sc-kind">Kind</label><select id="sc-kind" name="stageChange"><option value="deploy">deploy</option><option value="rollback">rollback</option></select></div>
              <div className="field"><label htmlFor="sc-stage">Environment</label><select id="sc-stage" name="stageId">{stages.map((s) => <option key={s.id} value={s.id}>{s.environment.name}</option>)}</select></div>
            </>
          )}
          {action === "set_rollout" && (
            <>
              <div className="field"><label htmlFor="sc-rule">Rule</label><select id="sc-rule" name="ruleId" required>{rolloutRules.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}</select></div>
              <div className="field"><label htmlFor="sc-pct">Rollout %</label><input id="sc-pct" name="percentage" type="number" min={0} max={100} step={0.001} required /></div>
            </>
          )}
          <div className="field"><label htmlFor="sc-at">Run at ({timezone})</label><input id="sc-at" name="runAt" type="datetime-local" required /></div>
          <input type="hidden" name="offsetMinutes" value={zone.offsetMinutes} />
          <SubmitButton match={{ intent: "schedule" }} pendingLabel="Scheduling…">Schedule</SubmitButton>
        </Form>
      )}
    </div>
  );
}
