// Users and memberships. The current team's members with their roles (team admins and system admins
// add, remove and change roles; everyone else reads); system admins also see every user, create
// users with a temporary password shown once, disable and enable them, and reset passwords.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field, SelectField } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { SecretOnce } from "~/components/SecretOnce";
import { SectionError } from "~/components/settings/SectionError";
import { SettingsTable } from "~/components/settings/SettingsTable";
import type { TeamRole } from "~/gql/graphql";
import {
  AddMemberDoc, AllUsersDoc, CreateUserDoc, DisableUserDoc, RemoveMemberDoc, SetMemberRoleDoc, SetTemporaryPasswordDoc,
  TeamMembersDoc, UpdateUserDoc,
} from "~/lib/docs/people";
import type { ActionFailure } from "~/lib/api-error";
import { text } from "~/lib/form";
import { generatePassword, memberProblems, userProblems } from "~/lib/identity-forms";
import { formatTime, isServiceUser, roleLabel, TEAM_ROLES } from "~/lib/people-format";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Users · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

const ROLE_OPTIONS = TEAM_ROLES.map((role) => ({ value: role, label: roleLabel(role) }));

export async function loader({ context }: LoaderFunctionArgs) {
  const { me, current } = await loadShell(context);
  const [members, users] = await Promise.all([
    current ? context.auth.query(TeamMembersDoc, { teamId: current.id }) : null,
    me.isSystemAdmin ? context.auth.query(AllUsersDoc, {}) : null,
  ]);
  const people = users && { ...users.users, nodes: users.users.nodes.filter((u) => !isServiceUser(u)) };
  return { me: { id: me.id, isSystemAdmin: me.isSystemAdmin }, team: members?.team ?? null, users: people };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const userId = text(form, "userId");
  switch (text(form, "intent")) {
    case "add-member": {
      const team = await requireTeam(context);
      return refusal(memberProblems(form)) ?? perform(() => context.auth.gql(AddMemberDoc, {
        input: { teamId: team.id, user: text(form, "user"), role: text(form, "role") as TeamRole },
      }));
    }
    case "set-role": {
      const team = await requireTeam(context);
      return perform(() => context.auth.gql(SetMemberRoleDoc, { teamId: team.id, userId, role: text(form, "role") as TeamRole }));
    }
    case "remove-member": {
      const team = await requireTeam(context);
      return perform(() => context.auth.gql(RemoveMemberDoc, { teamId: team.id, userId }));
    }
    case "create-user": {
      const problem = refusal(userProblems(form));
      if (problem) return problem;
      const temporaryPassword = String(form.get("temporaryPassword") ?? "") || generatePassword();
      return perform(() => context.auth.gql(CreateUserDoc, { input: {
        username: text(form, "username"), email: text(form, "email"), displayName: text(form, "displayName") || undefined,
        isSystemAdmin: form.get("isSystemAdmin") === "on", temporaryPassword,
      } }), (created) => ({ username: created.createUser.username, temporaryPassword }));
    }
    case "disable-user":
      return perform(() => context.auth.gql(DisableUserDoc, { id: userId }));
    case "enable-user":
      return perform(() => context.auth.gql(UpdateUserDoc, { id: userId, input: { enabled: true } }));
    case "reset-password": {
      const temporaryPassword = generatePassword();
      return perform(() => context.auth.gql(SetTemporaryPasswordDoc, { id: userId, password: temporaryPassword }), () => ({ temporaryPassword }));
    }
    default:
      return unknownIntent();
  }
}

export default function Users() {
  const { me, team, users } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Users</h1>
      {team ? <Members team={team} me={me} /> : <p className="muted">You are not a member of any team{me.isSystemAdmin ? ": create one under Teams, then add members here." : "."}</p>}
      {users && <AllUsers users={users} meId={me.id} />}
    </div>
  );
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function Members({ team, me }: { team: NonNullable<Loaded["team"]>; me: Loaded["me"] }) {
  const canManage = me.isSystemAdmin || team.myRole === "team_admin";
  const members = team.members.nodes;
  return (
    <section className="stack" aria-labelledby="members-title">
      <h2 id="members-title">Members of {team.name}</h2>
      <p className="muted small">Team admins manage members and settings; approvers vote on requests; requesters change flags (subject to approvals); viewers read. A team keeps at least one team admin.</p>
      <SettingsTable label={`Members of ${team.name}`} columns={["Member", "Email", "Role"]} empty="No members yet."
        rows={members.map((m) => (
              <tr key={m.user.id} data-member={m.user.username}>
                <td data-label="Member">{m.user.displayName || m.user.username} <span className="small muted mono">@{m.user.username}</span>
                  {!m.user.enabled && <span className="badge off">disabled</span>}</td>
                <td data-label="Email" className="small">{m.user.email}</td>
                <td data-label="Role">
                  {canManage
                    ? <FetcherForm intent="set-role" fields={{ userId: m.user.id }} className="inline-form" label={`Change the role of ${m.user.username}`}
                        submitLabel="Change role" pendingLabel="Changing…">
                        <SelectField name="role" label={`Role of ${m.user.username}`} options={ROLE_OPTIONS} defaultValue={m.role} key={m.role} hideLabel />
                      </FetcherForm>
                    : roleLabel(m.role)}
                </td>
                <td>
                  {canManage && (
                    <ConfirmButton fields={{ intent: "remove-member", userId: m.user.id }} label="Remove" ariaLabel={`Remove ${m.user.username}`}
                      title={`Remove ${m.user.username} from ${team.name}?`} confirmLabel="Remove member" pendingLabel="Removing…">
                      <p>They lose access to the team's flags and settings at their next request. Their account stays.</p>
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))} />
      {canManage && (
        <div className="card stack">
          <h3>Add a member</h3>
          <FetcherForm intent="add-member" check={memberProblems} label="Add a member" submitLabel="Add member" pendingLabel="Adding…" resetOnSuccess
            success={() => <p className="notice" role="status">Member added.</p>}>
            <div className="grid-2">
              <Field name="user" label="Username or email" required autoComplete="off" />
              <SelectField name="role" label="Role" options={ROLE_OPTIONS} defaultValue="viewer" />
            </div>
          </FetcherForm>
        </div>
      )}
    </section>
  );
}

function AllUsers({ users, meId }: { users: NonNullable<Loaded["users"]>; meId: string }) {
  return (
    <section className="stack" aria-labelledby="users-title">
      <h2 id="users-title">All users <span className="small muted">({users.nodes.length})</span></h2>
      {users.pageInfo.hasNextPage && <p className="small">Showing the first 100 users by username.</p>}
      <p className="small muted">Automation tokens act through service users of their own; they are managed under Automation tokens and not listed here.</p>
      <SettingsTable label="All users" columns={["User", "Status", "Teams", "Last sign-in"]} empty="No users."
        rows={users.nodes.map((u) => (
              <tr key={u.id} data-user={u.username}>
                <td data-label="User">{u.displayName || u.username} <span className="small muted mono">@{u.username}</span><div className="small muted">{u.email}</div></td>
                <td data-label="Status">
                  <span className={`badge ${u.enabled ? "on" : "off"}`}>{u.enabled ? "enabled" : "disabled"}</span>{" "}
                  {u.isSystemAdmin && <span className="badge">system admin</span>}{" "}
                  {u.mustChangePassword && <span className="badge pending">temporary password</span>}
                </td>
                <td data-label="Teams" className="small">{u.memberships.length === 0 ? <span className="muted">none</span> : u.memberships.map((m) => `${m.team.name} (${roleLabel(m.role)})`).join(", ")}</td>
                <td data-label="Last sign-in" className="small">{u.lastLoginAt ? formatTime(u.lastLoginAt) : <span className="muted">never</span>}</td>
                <td>
                  {u.id !== meId && (
                    <div className="row">
                      {u.enabled
                        ? <ConfirmButton fields={{ intent: "disable-user", userId: u.id }} label="Disable" ariaLabel={`Disable ${u.username}`}
                            title={`Disable ${u.username}?`} confirmLabel="Disable user" pendingLabel="Disabling…">
                            <p>They are signed out everywhere at once and can no longer sign in. Their memberships stay; you can enable them again.</p>
                          </ConfirmButton>
                        : <FetcherForm intent="enable-user" fields={{ userId: u.id }} className="inline-form" label={`Enable ${u.username}`} submitLabel="Enable" pendingLabel="Enabling…" />}
                      <ConfirmButton<{ ok: true; temporaryPassword: string } | ActionFailure> fields={{ intent: "reset-password", userId: u.id }} label="Reset password" ariaLabel={`Reset the password of ${u.username}`}
                        title={`Give ${u.username} a new temporary password?`} confirmLabel="Reset password" pendingLabel="Resetting…" danger={false}
                        done={(d) => <SecretOnce label="Temporary password" value={d.temporaryPassword}>Give it to {u.username}: they must change it when they sign in. It is shown only this once.</SecretOnce>}>
                        <p>Their sessions end at once, and they must choose a new password at their next sign-in.</p>
                      </ConfirmButton>
                    </div>
                  )}
                </td>
              </tr>
            ))} />
      <div className="card stack">
        <h3>New user</h3>
        <FetcherForm<{ username: string; temporaryPassword: string }> intent="create-user" check={userProblems} label="New user"
          submitLabel="Create user" pendingLabel="Creating…" resetOnSuccess
          success={(d) => <SecretOnce label="Temporary password" value={d.temporaryPassword}>Give it to {d.username}: they must change it when they first sign in. It is shown only this once.</SecretOnce>}>
          <div className="grid-2">
            <Field name="username" label="Username" required autoComplete="off" hint="2-64 characters: letters, digits, '.', '_' or '-'." />
            <Field name="email" label="Email" type="email" required autoComplete="off" />
            <Field name="displayName" label="Display name" autoComplete="off" />
            <Field name="temporaryPassword" label="Temporary password" type="text" autoComplete="off" hint="Leave empty to generate one (at least 12 characters)." />
          </div>
          <label className="row"><input type="checkbox" name="isSystemAdmin" /> System admin (manages users, teams and signing keys)</label>
        </FetcherForm>
      </div>
    </section>
  );
}
