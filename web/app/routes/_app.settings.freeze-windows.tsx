// Freeze windows: no change reaches the covered environments (one environment, or every environment
// of a type) in [start, end), or in each daily / weekly repetition of that wall-clock span in the
// window's time zone, unless a team admin overrides with a reason. Times are entered on the wall
// clock of the chosen zone (lib/zoned-time.ts).
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { Field, FieldGroup } from "~/components/Field";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { ENVIRONMENT_TYPES, FREEZE_RECURRENCES, freezeProblems, readFreeze } from "~/lib/settings-forms/freeze-windows";
import { CreateFreezeWindowDoc, DeleteFreezeWindowDoc, FreezeWindowsDoc, UpdateFreezeWindowDoc } from "~/lib/docs/settings-delivery";
import { text } from "~/lib/form";
import { saveForm } from "~/lib/settings-action.server";
import { requireTeam } from "~/lib/team.server";
import { utcToZoned, zonedToUtc } from "~/lib/zoned-time";

export const meta: MetaFunction = () => [{ title: "Freeze windows · Settings · FluxGate" }];

/** Common zones first; any IANA zone may be typed. */
const ZONES = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"];
const RECURRENCE_LABEL: Record<string, string> = { NONE: "Once", DAILY: "Every day", WEEKLY: "Every week" };

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(FreezeWindowsDoc, { teamId: team.id });
  return { windows: data.freezeWindows, active: data.activeFreezeWindows, environments: data.team.environments, role: data.team.myRole };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = text(form, "id");
  if (intent === "delete") {
    const result = await attempt(() => context.auth.gql(DeleteFreezeWindowDoc, { id }));
    return isFailure(result) ? result : { ok: true as const, message: `Freeze window ${result.deleteFreezeWindow.name} deleted.` };
  }
  if (intent !== "create" && intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const values = readFreeze(form);
  // Built once the check passed: the times are valid then.
  const fields = () => ({
    name: values.name, reason: values.reason, timezone: values.timezone, recurrence: values.recurrence,
    startsAt: zonedToUtc(values.start, values.timezone)!.toISOString(), endsAt: zonedToUtc(values.end, values.timezone)!.toISOString(),
    ...(values.target === "environment" ? { environmentId: values.environmentId } : { environmentType: values.environmentType }),
  });
  return saveForm(intent, freezeProblems(values), () => intent === "create"
    ? context.auth.gql(CreateFreezeWindowDoc, { input: { teamId: team.id, ...fields() } })
    : context.auth.gql(UpdateFreezeWindowDoc, { input: { id, ...fields() } }), { listPath: "/settings/freeze-windows", created: `Freeze window ${values.name} created.` });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Window = Data["windows"][number];

/** An instant on the window's own wall clock, e.g. "24 Dec 2026, 18:00 (Europe/Paris)". */
const wall = (iso: string, timeZone: string) =>
  `${new Date(iso).toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" })}`;

export default function FreezeWindows() {
  const { windows, active, environments, role } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editing = windows.find((w) => w.id === params.get("edit")) ?? null;
  const canManage = role === null || role === "team_admin";
  const activeIds = new Set(active.map((a) => a.window.id));
  return (
    <div className="stack">
      <h1>Freeze windows</h1>
      <p className="muted">During a freeze, no deploy, rollback or rule change reaches the covered environments unless a team admin overrides it with a reason (audited). Ended one-off windows are no longer listed.</p>
      {!canManage && <p className="notice">Only team admins create, edit or delete freeze windows.</p>}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Freeze windows of the team</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Covers</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">Repeats</th><th scope="col">Reason</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {windows.length === 0 && <tr><td colSpan={7} className="empty">No freeze window planned.</td></tr>}
            {windows.map((w) => (
              <tr key={w.id} data-freeze={w.name}>
                <td><strong>{w.name}</strong> {activeIds.has(w.id) && <span className="badge killed">in force</span>}</td>
                <td data-label="Covers">{w.environmentId ? environments.find((e) => e.id === w.environmentId)?.name ?? "?" : `every ${w.environmentType} environment`}</td>
                <td data-label="From">{wall(w.startsAt, w.timezone)}</td>
                <td data-label="Until">{wall(w.endsAt, w.timezone)} <span className="small muted">({w.timezone})</span></td>
                <td data-label="Repeats">{RECURRENCE_LABEL[w.recurrence]}</td>
                <td data-label="Reason" className="small">{w.reason || "—"}</td>
                <td>{canManage && (
                  <div className="row settings-actions">
                    <EditDeleteActions id={w.id} name={w.name} title={<>Delete the freeze window {w.name}?</>} confirmLabel="Delete freeze window">
                      <p>Changes are no longer held by it{activeIds.has(w.id) ? ", starting now: it is in force" : ""}.</p>
                    </EditDeleteActions>
                  </div>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canManage && <FreezeForm key={editing?.id ?? "new"} editing={editing} environments={environments} />}
    </div>
  );
}

function FreezeForm({ editing, environments }: { editing: Window | null; environments: Data["environments"] }) {
  const [target, setTarget] = useState<"environment" | "type">(editing?.environmentType ? "type" : "environment");
  const zone = editing?.timezone ?? "UTC";
  return (
    <SettingsFormCard idPrefix="freeze" title={editing ? `Edit ${editing.name}` : "New freeze window"} editingId={editing?.id ?? null} check={(data) => freezeProblems(readFreeze(data))}
      submitLabel={editing ? "Save freeze window" : "Create freeze window"} cancelTo="/settings/freeze-windows">
        <div className="grid-2">
          <Field id="freeze-name" name="name" label="Name" defaultValue={editing?.name} maxLength={100} />
          <Field id="freeze-reason" name="reason" label="Reason" hint="Optional; shown to whoever is held." defaultValue={editing?.reason} />
        </div>
        <FieldGroup name="target" legend="Covers">
          <label className="check"><input type="radio" name="target" value="environment" checked={target === "environment"} onChange={() => setTarget("environment")} /> One environment</label>
          <label className="check"><input type="radio" name="target" value="type" checked={target === "type"} onChange={() => setTarget("type")} /> Every environment of a type</label>
        </FieldGroup>
        <div className="grid-2">
          {target === "environment" ? (
            <Field id="freeze-environment" name="environmentId" label="Environment" control={(props) => (
              <select {...props} defaultValue={editing?.environmentId ?? ""}>
                <option value="" disabled>Choose…</option>
                {environments.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
              </select>
            )} />
          ) : (
            <Field id="freeze-type" name="environmentType" label="Environment type" control={(props) => (
              <select {...props} defaultValue={editing?.environmentType ?? "production"}>
                {ENVIRONMENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            )} />
          )}
          <Field id="freeze-timezone" name="timezone" label="Time zone" hint="IANA name, e.g. Europe/Paris. Start and end are on its clock." list="freeze-zones" defaultValue={zone} />
          <datalist id="freeze-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
          <Field id="freeze-start" name="start" label="Starts" type="datetime-local" defaultValue={editing ? utcToZoned(editing.startsAt, zone) : ""} />
          <Field id="freeze-end" name="end" label="Ends" type="datetime-local" defaultValue={editing ? utcToZoned(editing.endsAt, zone) : ""} />
          <Field id="freeze-recurrence" name="recurrence" label="Repeats" hint="A repeating window lasts less than its period; it repeats on the zone's wall clock." control={(props) => (
            <select {...props} defaultValue={editing?.recurrence ?? "NONE"}>
              {FREEZE_RECURRENCES.map((r) => <option key={r} value={r}>{RECURRENCE_LABEL[r]}</option>)}
            </select>
          )} />
        </div>
    </SettingsFormCard>
  );
}
