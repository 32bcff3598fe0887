// Settings › Environments: the team's environments (name, key, type) and their protection. Protection
// is an approval policy: "require approval" here keeps a policy covering just this environment;
// broader policies (all or production environments) are shown and changed on Approval policies.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { Field, SelectField } from "~/components/Field";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import type { EnvironmentType } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { ENVIRONMENT_TYPES, environmentProblems, protectionOf } from "~/lib/config-models";
import {
  CreateEnvironmentDoc, CreateProtectionDoc, DeleteEnvironmentDoc, DeleteProtectionDoc, EnvironmentsPageDoc,
  UpdateEnvironmentDoc, UpdateProtectionDoc,
} from "~/lib/docs/config";
import { text } from "~/lib/form";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Environments · Settings · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const [data, shell] = await Promise.all([context.auth.query(EnvironmentsPageDoc, { teamId: team.id }), loadShell(context)]);
  const environments = data.environments.nodes.map((env) => ({ ...env, protection: protectionOf(env, data.approvalPolicies) }));
  return { teamId: team.id, environments, canEdit: data.team.myRole === "team_admin" || shell.me.isSystemAdmin };
}

function readForm(form: FormData) {
  const protect = form.get("protect") === "on";
  return {
    key: text(form, "key"), name: text(form, "name"), type: text(form, "type"),
    approvals: protect ? Number(text(form, "approvals")) : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  if (intent === "delete") {
    // The policy this screen keeps for the environment alone goes with it (the API leaves policies be).
    const id = text(form, "id");
    const { approvalPolicies } = await context.auth.gql(EnvironmentsPageDoc, { teamId: team.id });
    const own = approvalPolicies.find((p) => p.appliesTo === "specific" && p.environmentIds.length === 1 && p.environmentIds[0] === id);
    const result = await attempt(() => context.auth.gql(DeleteEnvironmentDoc, { id }));
    if (isFailure(result)) return result;
    const key = result.deleteEnvironment.key;
    const cleanup = own ? await attempt(() => context.auth.gql(DeleteProtectionDoc, { id: own.id })) : null;
    if (isFailure(cleanup)) return failure({ ...cleanup.error, message: `Environment ${key} was deleted, but its approval policy ${own!.name} remains: ${cleanup.error.message}` });
    return { ok: true as const, message: `Environment ${key} deleted.` };
  }
  const input = readForm(form);
  const problems = environmentProblems(input);
  const [field] = Object.keys(problems);
  if (field) return failure({ code: "BAD_USER_INPUT", field: `input.${field}`, message: problems[field]! });
  const type = input.type as EnvironmentType;
  if (intent === "create") {
    const created = await attempt(() => context.auth.gql(CreateEnvironmentDoc, { input: { teamId: team.id, key: input.key, name: input.name, type } }));
    if (isFailure(created)) return created;
    const env = created.createEnvironment;
    if (input.approvals != null) {
      const policy = await attempt(() => context.auth.gql(CreateProtectionDoc, { input: {
        teamId: team.id, name: `${env.name} approvals`, appliesTo: "specific", environmentIds: [env.id], requiredApprovals: input.approvals,
      } }));
      if (isFailure(policy)) return failure({ ...policy.error, field: undefined, message: `Environment ${env.key} was created, but its protection was not: ${policy.error.message}` });
    }
    return { ok: true as const, message: `Environment ${env.key} created.` };
  }
  if (intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const id = text(form, "id");
  const updated = await attempt(() => context.auth.gql(UpdateEnvironmentDoc, { input: { id, key: input.key, name: input.name, type } }));
  if (isFailure(updated)) return updated;
  const { approvalPolicies } = await context.auth.gql(EnvironmentsPageDoc, { teamId: team.id });
  const { own } = protectionOf({ id, type }, approvalPolicies);
  const protection = await attempt(async () => {
    if (input.approvals != null && own) {
      if (own.requiredApprovals !== input.approvals) await context.auth.gql(UpdateProtectionDoc, { input: { id: own.id, requiredApprovals: input.approvals } });
    } else if (input.approvals != null) {
      await context.auth.gql(CreateProtectionDoc, { input: {
        teamId: team.id, name: `${input.name} approvals`, appliesTo: "specific", environmentIds: [id], requiredApprovals: input.approvals,
      } });
    } else if (own) {
      await context.auth.gql(DeleteProtectionDoc, { id: own.id });
    }
  });
  if (isFailure(protection)) return failure({ ...protection.error, field: undefined, message: `The environment was saved, but its protection was not: ${protection.error.message}` });
  return { ok: true as const, message: `Environment ${input.key} saved.` };
}

type Env = ReturnType<typeof useLoaderData<typeof loader>>["environments"][number];

export default function Environments() {
  const { environments, canEdit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editing = environments.find((e) => e.id === params.get("edit"));
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="row"><h1>Environments</h1><span className="spacer" />
        {canEdit && editing && <Link className="button" to=".">New environment</Link>}</div>
      <p className="muted">Where flags are evaluated: every client reaches one environment, every pipeline stage is one. A protected environment's changes wait for approvals.</p>
      {result?.ok && <p className="notice" role="status">{result.message}</p>}
      {environments.length === 0 ? <p className="empty card">No environments yet: create the first below.</p> : (
        <div className="table-wrap">
          <table aria-label="Environments">
            <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Protection</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {environments.map((env) => (
                <tr key={env.id} data-environment={env.key} aria-current={env.id === editing?.id ? "true" : undefined}>
                  <td data-label="Name">{env.name}</td>
                  <td data-label="Key" className="mono">{env.key}</td>
                  <td data-label="Type"><span className={`badge env-${env.type}`}>{env.type}</span></td>
                  <td data-label="Protection"><ProtectionSummary env={env} /></td>
                  <td className="row">
                    {canEdit && (
                      <EditDeleteActions id={env.id} name={env.key} title={<>Delete <span className="mono">{env.key}</span>?</>} confirmLabel={`Delete ${env.key}`}>
                        <p className="muted">Its clients, flag stages and pipeline stages must go first: the API refuses while anything uses it.{env.protection.own && ` Its approval policy ${env.protection.own.name} goes with it.`}</p>
                      </EditDeleteActions>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? <EnvironmentForm key={editing?.id ?? (result?.ok ? `new:${result.message}` : "new")} env={editing} /> : <p className="small muted">Only team admins change environments.</p>}
    </div>
  );
}

function ProtectionSummary({ env }: { env: Env }) {
  const { covering, required } = env.protection;
  if (covering.length === 0) return <span className="muted">None</span>;
  return (
    <span>
      <span className="badge pending">{required} approval{required === 1 ? "" : "s"}</span>{" "}
      <span className="small muted">{covering.map((p) => p.name).join(", ")}</span>
    </span>
  );
}

function EnvironmentForm({ env }: { env?: Env }) {
  const own = env?.protection.own;
  const [protect, setProtect] = useState(Boolean(own));
  return (
    <SettingsFormCard idPrefix="env" title={env ? `Edit ${env.name}` : "New environment"} editingId={env?.id ?? null} announce={false}
      check={(form) => environmentProblems(readForm(form))} submitLabel={env ? "Save environment" : "Create environment"} cancelTo="." style={{ maxWidth: 720 }}>
        <div className="grid-2">
          <Field id="env-name" name="name" label="Name" defaultValue={env?.name} required maxLength={100} />
          <Field id="env-key" name="key" label="Key" className="mono" defaultValue={env?.key} required
            hint={<>Lowercase letters, digits, _ or -; clients and exports name it. {env && "Changing it changes the key SDKs see in metadata."}</>} />
          <SelectField id="env-type" name="type" label="Type" defaultValue={env?.type ?? "development"} options={ENVIRONMENT_TYPES.map((t) => ({ value: t, label: t }))} />
        </div>
        <fieldset className="stack protection">
          <legend>Protection</legend>
          <label className="row" style={{ fontWeight: 400 }}>
            <input type="checkbox" name="protect" checked={protect} onChange={(e) => setProtect(e.target.checked)} />
            Require approval for changes in this environment
          </label>
          {protect && (
            <div style={{ maxWidth: 240 }}>
              <Field id="env-approvals" name="approvals" label="Approvals required" type="number" min={1} max={10} step={1} defaultValue={own?.requiredApprovals ?? 1} />
            </div>
          )}
          {env && env.protection.broader.length > 0 && (
            <p className="small muted">Also protected by {env.protection.broader.map((p) => `${p.name} (${p.requiredApprovals} approval${p.requiredApprovals === 1 ? "" : "s"}, ${p.appliesTo.replace("_", " ")})`).join(", ")}: change {env.protection.broader.length === 1 ? "it" : "them"} on <Link to="/settings/approval-policies">Approval policies</Link>.</p>
          )}
        </fieldset>
    </SettingsFormCard>
  );
}
