// Custom roles: a team's named groups of members (e.g. "Security reviewers"). They grant no
// permission of their own; approval policies that name one make its members eligible approvers
// (docs/ROLES.md, "Custom roles"). Team admins create, edit and delete them and assign members.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field, SelectField } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { EditDisclosure } from "~/components/settings/EditDisclosure";
import { SectionError } from "~/components/settings/SectionError";
import {
  AssignCustomRoleDoc, CreateCustomRoleDoc, CustomRolesDoc, DeleteCustomRoleDoc, UnassignCustomRoleDoc, UpdateCustomRoleDoc,
} from "~/lib/docs/people";
import { text } from "~/lib/form";
import { customRoleProblems } from "~/lib/identity-forms";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Roles · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const [{ me }, data] = await Promise.all([loadShell(context), context.auth.query(CustomRolesDoc, { teamId: team.id })]);
  return {
    canManage: me.isSystemAdmin || data.team.myRole === "team_admin",
    roles: data.customRoles,
    policies: data.approvalPolicies,
    members: data.team.members.nodes.map((m) => m.user),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const roleId = text(form, "roleId");
  switch (text(form, "intent")) {
    case "create": {
      const team = await requireTeam(context);
      return refusal(customRoleProblems(form)) ?? perform(() => context.auth.gql(CreateCustomRoleDoc, {
        input: { teamId: team.id, name: text(form, "name"), description: text(form, "description") },
      }));
    }
    case "update":
      return refusal(customRoleProblems(form)) ?? perform(() => context.auth.gql(UpdateCustomRoleDoc, {
        input: { id: roleId, name: text(form, "name"), description: text(form, "description") },
      }));
    case "delete":
      return perform(() => context.auth.gql(DeleteCustomRoleDoc, { id: roleId }));
    case "assign":
      if (!text(form, "userId")) return refusal({ userId: "choose a member" });
      return perform(() => context.auth.gql(AssignCustomRoleDoc, { roleId, userId: text(form, "userId") }));
    case "unassign":
      return perform(() => context.auth.gql(UnassignCustomRoleDoc, { roleId, userId: text(form, "userId") }));
    default:
      return unknownIntent();
  }
}

export default function Roles() {
  const { canManage, roles, policies, members } = useLoaderData<typeof loader>();
  const nameOf = new Map(members.map((u) => [u.id, u.displayName || u.username]));
  return (
    <div className="stack">
      <h1>Roles</h1>
      <p className="muted">
        Every member has one of the fixed team roles (team admin, approver, requester, viewer: see Users). A custom role is a named
        group of members on top of that. It grants <strong>no permission</strong> by itself: an{" "}
        <Link to="/settings/approval-policies">approval policy</Link> that names it makes its members eligible approvers, whatever their team role.
      </p>
      {roles.length === 0 && <p className="empty card">No custom roles yet.{canManage ? " Create one below." : ""}</p>}
      <ul className="stack" aria-label="Custom roles" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {roles.map((role) => {
          const naming = policies.filter((p) => p.eligibleCustomRoles.some((r) => r.id === role.id));
          const candidates = members.filter((u) => !role.memberIds.includes(u.id));
          return (
            <li key={role.id} className="card stack" data-role={role.name}>
              <div className="row" style={{ justifyContent: "space-between" }}>
                <h2 style={{ margin: 0 }}>{role.name}</h2>
                {canManage && (
                  <ConfirmButton fields={{ intent: "delete", roleId: role.id }} label="Delete" ariaLabel={`Delete ${role.name}`}
                    title={`Delete the role ${role.name}?`} confirmLabel="Delete role" pendingLabel="Deleting…">
                    <p>Its members keep their team roles. {naming.length > 0
                      ? `It is removed from ${naming.length === 1 ? "the policy" : "the policies"} ${naming.map((p) => `“${p.name}”`).join(", ")}: its members are no longer approvers there.`
                      : "No approval policy names it."}</p>
                  </ConfirmButton>
                )}
              </div>
              {role.description && <p className="muted" style={{ margin: 0 }}>{role.description}</p>}
              <p className="small" style={{ margin: 0 }}>
                <strong>What it allows:</strong>{" "}
                {naming.length === 0
                  ? "nothing yet: no approval policy names it."
                  : `approving requests under ${naming.map((p) => `“${p.name}”${p.enabled ? "" : " (disabled)"}`).join(", ")}.`}
              </p>
              <h3>Members</h3>
              {role.memberIds.length === 0 ? <p className="muted small">No members.</p> : (
                <ul aria-label={`Members of ${role.name}`} className="stack" style={{ paddingLeft: "1.2rem", margin: 0 }}>
                  {role.memberIds.map((userId) => (
                    <li key={userId}>
                      <div className="row">
                        <span>{nameOf.get(userId) ?? userId}</span>
                        {canManage && (
                          <ConfirmButton fields={{ intent: "unassign", roleId: role.id, userId }} label="Remove" ariaLabel={`Remove ${nameOf.get(userId) ?? userId} from ${role.name}`}
                            title={`Remove ${nameOf.get(userId) ?? userId} from ${role.name}?`} confirmLabel="Remove" pendingLabel="Removing…">
                            <p>They stop being an approver through this role for requests made from now on.</p>
                          </ConfirmButton>
                        )}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
              {canManage && (
                <div className="grid-2">
                  {candidates.length > 0 && (
                    <FetcherForm intent="assign" fields={{ roleId: role.id }} className="inline-form" label={`Add a member to ${role.name}`}
                      submitLabel="Add to role" pendingLabel="Adding…">
                      <SelectField name="userId" label={`Member to add to ${role.name}`}
                        options={[{ value: "", label: "Choose a member" }, ...candidates.map((u) => ({ value: u.id, label: u.displayName || u.username }))]} />
                    </FetcherForm>
                  )}
                  <EditDisclosure label={`Edit ${role.name}`}>
                    {(close) => (
                      <FetcherForm intent="update" fields={{ roleId: role.id }} check={customRoleProblems} label={`Edit ${role.name}`}
                        submitLabel="Save role" pendingLabel="Saving…" onSuccess={close}>
                        <Field name="name" label="Name" defaultValue={role.name} required maxLength={100} />
                        <Field name="description" label="Description" defaultValue={role.description} maxLength={500} />
                      </FetcherForm>
                    )}
                  </EditDisclosure>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {canManage && (
        <section className="card stack" aria-labelledby="new-role">
          <h2 id="new-role">New custom role</h2>
          <FetcherForm intent="create" check={customRoleProblems} label="New custom role" submitLabel="Create role" pendingLabel="Creating…" resetOnSuccess
            success={() => <p className="notice" role="status">Role created. Add its members, then name it in an approval policy.</p>}>
            <div className="grid-2">
              <Field name="name" label="Name" required maxLength={100} placeholder="e.g. Security reviewers" />
              <Field name="description" label="Description" maxLength={500} />
            </div>
          </FetcherForm>
        </section>
      )}
    </div>
  );
}
