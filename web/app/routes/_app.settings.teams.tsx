// Teams: system admins create, rename and delete teams; a team admin renames their own.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { EditDisclosure } from "~/components/settings/EditDisclosure";
import { SectionError } from "~/components/settings/SectionError";
import { SettingsTable } from "~/components/settings/SettingsTable";
import { CreateTeamDoc, DeleteTeamDoc, TeamsSettingsDoc, UpdateTeamDoc } from "~/lib/docs/people";
import { text } from "~/lib/form";
import { teamProblems } from "~/lib/identity-forms";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { loadShell } from "~/lib/team.server";
import { formatDay, roleLabel } from "~/lib/people-format";

export const meta: MetaFunction = () => [{ title: "Teams · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

export async function loader({ context }: LoaderFunctionArgs) {
  const [{ me }, { teams }] = await Promise.all([loadShell(context), context.auth.query(TeamsSettingsDoc, {})]);
  return { isSystemAdmin: me.isSystemAdmin, teams: teams.nodes };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const fields = { name: text(form, "name"), description: text(form, "description") };
  switch (text(form, "intent")) {
    case "create":
      return refusal(teamProblems(form)) ?? perform(() => context.auth.gql(CreateTeamDoc, { input: fields }));
    case "update":
      return refusal(teamProblems(form)) ?? perform(() => context.auth.gql(UpdateTeamDoc, { id: text(form, "id"), input: fields }));
    case "delete":
      return perform(() => context.auth.gql(DeleteTeamDoc, { id: text(form, "id") }));
    default:
      return unknownIntent();
  }
}

export default function Teams() {
  const { isSystemAdmin, teams } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Teams</h1>
      <p className="muted">A team owns its flags, environments, clients and policies; members act in it with their role.
        {isSystemAdmin ? " As a system admin you see every team." : " You see the teams you belong to; system admins create and delete teams."}</p>
      <SettingsTable label="Teams" columns={["Team", "Your role", "Members", "Created"]}
        empty={`No teams yet.${isSystemAdmin ? " Create the first one below." : ""}`}
        rows={teams.map((team) => {
              const canEdit = isSystemAdmin || team.myRole === "team_admin";
              return (
                <tr key={team.id} data-team={team.name}>
                  <td data-label="Team"><strong>{team.name}</strong>{team.description && <div className="small muted">{team.description}</div>}</td>
                  <td data-label="Your role">{team.myRole ? roleLabel(team.myRole) : <span className="muted">not a member</span>}</td>
                  <td data-label="Members">{team.members.totalCount}</td>
                  <td data-label="Created" className="small">{formatDay(team.createdAt)}</td>
                  <td>
                    <div className="row">
                      {canEdit && (
                        <EditDisclosure label={`Edit ${team.name}`}>
                          {(close) => (
                            <FetcherForm intent="update" fields={{ id: team.id }} check={teamProblems} label={`Edit ${team.name}`}
                              submitLabel="Save team" pendingLabel="Saving…" onSuccess={close}>
                              <Field name="name" label="Name" defaultValue={team.name} required maxLength={100} />
                              <Field name="description" label="Description" defaultValue={team.description} maxLength={2000} />
                            </FetcherForm>
                          )}
                        </EditDisclosure>
                      )}
                      {isSystemAdmin && (
                        <ConfirmButton fields={{ intent: "delete", id: team.id }} label="Delete" ariaLabel={`Delete ${team.name}`}
                          title={`Delete the team ${team.name}?`} confirmLabel="Delete team" pendingLabel="Deleting…">
                          <p>Everything the team owns goes with it: flags, environments, pipelines, segments, policies, tokens. Its clients stop working at once. This cannot be undone.</p>
                        </ConfirmButton>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })} />
      {isSystemAdmin && (
        <section className="card stack" aria-labelledby="new-team">
          <h2 id="new-team">New team</h2>
          <FetcherForm intent="create" check={teamProblems} label="New team" submitLabel="Create team" pendingLabel="Creating…" resetOnSuccess
            success={() => <p className="notice" role="status">Team created. Add its members under Users.</p>}>
            <div className="grid-2">
              <Field name="name" label="Name" required maxLength={100} />
              <Field name="description" label="Description" maxLength={2000} />
            </div>
          </FetcherForm>
        </section>
      )}
    </div>
  );
}
