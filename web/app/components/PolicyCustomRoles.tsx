// An approval policy's eligible custom roles: checkboxes of the team's custom roles, saved together
// (their members become eligible approvers besides the policy's roles and users). Self-contained: it
// loads and saves through routes/_app.settings.approval-policies.$id.roles.tsx, so a policy card
// mounts it with just the policy id.
import { useFetcher } from "@remix-run/react";
import { useEffect, useId } from "react";
import { FormError } from "~/components/FormError";
import type { ActionFailure } from "~/lib/api-error";
import type { loader } from "~/routes/_app.settings.approval-policies.$id.roles";

type Saved = { ok: true; selected: string[] } | ActionFailure;

export function PolicyCustomRoles({ policyId, policyName, readOnly }: { policyId: string; policyName: string; readOnly?: boolean }) {
  const load = useFetcher<typeof loader>();
  const save = useFetcher<Saved>();
  const id = useId();
  const url = `/settings/approval-policies/${policyId}/roles`;
  useEffect(() => { if (load.state === "idle" && !load.data) load.load(url); }, [load, url]);
  const data = load.data;
  const busy = save.state !== "idle";
  const selected = new Set(save.data?.ok ? save.data.selected : data?.selected ?? []);
  return (
    <save.Form method="post" action={url} className="stack" aria-label={`Custom roles of ${policyName}`}>
      <fieldset disabled={readOnly || busy} aria-describedby={`${id}-hint`}>
        <legend>Custom roles that may approve</legend>
        <p id={`${id}-hint`} className="small muted">Members of these roles are eligible approvers, besides the roles and people above.</p>
        {!data && <p className="small muted" role="status">Loading roles…</p>}
        {data && data.roles.length === 0 && <p className="small muted">No custom roles yet: create them under Roles.</p>}
        {data?.roles.map((role) => (
          <label key={`${role.id}-${selected.has(role.id)}`} className="row">
            <input type="checkbox" name="roleId" value={role.id} defaultChecked={selected.has(role.id)} /> {role.name}
          </label>
        ))}
      </fieldset>
      {save.data && !save.data.ok && <FormError error={save.data.error} />}
      {save.data?.ok && !busy && <p className="notice small" role="status">Custom roles saved.</p>}
      {!readOnly && data && data.roles.length > 0 && (
        <div className="row"><button type="submit" disabled={busy}>{busy ? "Saving…" : "Save custom roles"}</button></div>
      )}
    </save.Form>
  );
}
