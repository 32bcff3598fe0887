// Settings › Environments: the team's environments (name, key, type) and their protection. Protection
// is an approval policy: "require approval" here keeps a policy covering just this environment;
// broader policies (all or production environments) are shown and changed on Approval policies.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { ConfirmButton } from "~/components/ConfirmButton";
import { FieldProblem, fieldProblem, unplacedError } from "~/components/FieldProblem";
import { FormError } from "~/components/FormError";
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
import { useFormProblems } from "~/lib/use-form-problems";
import { useHere } from "~/lib/use-here";

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
                    {canEdit && <Link className="button" to={`?edit=${env.id}`} aria-label={`Edit ${env.key}`}>Edit</Link>}
                    {canEdit && (
                      <ConfirmButton label="Delete" ariaLabel={`Delete ${env.key}`} title={<>Delete <span className="mono">{env.key}</span>?</>}
                        fields={{ intent: "delete", id: env.id }} confirmLabel={`Delete ${env.key}`} pendingLabel="Deleting…">
                        <p className="muted">Its clients, flag stages and pipeline stages must go first: the API refuses while anything uses it.{env.protection.own && ` Its approval policy ${env.protection.own.name} goes with it.`}</p>
                      </ConfirmButton>
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
  const result = useActionData<typeof action>();
  const here = useHere();
  const busy = useNavigation().state === "submitting";
  const own = env?.protection.own;
  const [protect, setProtect] = useState(Boolean(own));
  const { problems, onSubmit } = useFormProblems((form) => environmentProblems(readForm(form)));
  const error = result && !result.ok ? result.error : null;
  const note = (name: string) => fieldProblem(name, problems, error);
  const heading = env ? `Edit ${env.name}` : "New environment";
  return (
    <section className="card" aria-labelledby="env-form-title" style={{ maxWidth: 720 }}>
      <h2 id="env-form-title">{heading}</h2>
      <Form method="post" action={here} className="stack" noValidate onSubmit={onSubmit} key={result?.ok ? result.message : undefined}>
        <input type="hidden" name="intent" value={env ? "update" : "create"} />
        {env && <input type="hidden" name="id" value={env.id} />}
        <div className="grid-2">
          <div className="field">
            <label htmlFor="env-name">Name</label>
            <input id="env-name" name="name" data-field="name" defaultValue={env?.name} required maxLength={100}
              aria-invalid={Boolean(note("name"))} aria-describedby={note("name") ? "env-name-problem" : undefined} />
            <FieldProblem id="env-name-problem" message={note("name")} />
          </div>
          <div className="field">
            <label htmlFor="env-key">Key</label>
            <input id="env-key" name="key" data-field="key" className="mono" defaultValue={env?.key} required
              aria-invalid={Boolean(note("key"))} aria-describedby={`env-key-hint${note("key") ? " env-key-problem" : ""}`} />
            <span id="env-key-hint" className="hint">Lowercase letters, digits, _ or -; clients and exports name it. {env && "Changing it changes the key SDKs see in metadata."}</span>
            <FieldProblem id="env-key-problem" message={note("key")} />
          </div>
          <div className="field">
            <label htmlFor="env-type">Type</label>
            <select id="env-type" name="type" data-field="type" defaultValue={env?.type ?? "development"}>
              {ENVIRONMENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
            <FieldProblem id="env-type-problem" message={note("type")} />
          </div>
        </div>
        <fieldset className="stack protection">
          <legend>Protection</legend>
          <label className="row" style={{ fontWeight: 400 }}>
            <input type="checkbox" name="protect" checked={protect} onChange={(e) => setProtect(e.target.checked)} />
            Require approval for changes in this environment
          </label>
          {protect && (
            <div className="field" style={{ maxWidth: 240 }}>
              <label htmlFor="env-approvals">Approvals required</label>
              <input id="env-approvals" name="approvals" data-field="approvals" type="number" min={1} max={10} step={1} defaultValue={own?.requiredApprovals ?? 1}
                aria-invalid={Boolean(note("approvals"))} aria-describedby={note("approvals") ? "env-approvals-problem" : undefined} />
              <FieldProblem id="env-approvals-problem" message={note("approvals")} />
            </div>
          )}
          {env && env.protection.broader.length > 0 && (
            <p className="small muted">Also protected by {env.protection.broader.map((p) => `${p.name} (${p.requiredApprovals} approval${p.requiredApprovals === 1 ? "" : "s"}, ${p.appliesTo.replace("_", " ")})`).join(", ")}: change {env.protection.broader.length === 1 ? "it" : "them"} on <Link to="/settings/approval-policies">Approval policies</Link>.</p>
          )}
        </fieldset>
        <FormError error={unplacedError(error, ["name", "key", "type", "approvals"])} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : env ? "Save environment" : "Create environment"}</button>
          {env && <Link className="button" to=".">Cancel</Link>}
        </div>
      </Form>
    </section>
  );
}
