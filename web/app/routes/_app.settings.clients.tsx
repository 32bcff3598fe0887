// Clients: the credentials applications evaluate flags with (OFREP), each bound to one environment.
// The secret is shown once, at creation and at each rotation, with a copy button; rotation, deletion
// are confirmed; web clients list the browser origins allowed to call.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { Field } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { SecretOnce } from "~/components/SecretOnce";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { clientProblems, readClient, type ClientKindName } from "~/lib/settings-forms/clients";
import { ClientsDoc, CreateClientDoc, DeleteClientDoc, RotateClientDoc, UpdateClientDoc } from "~/lib/docs/settings-delivery";
import { text } from "~/lib/form";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Clients · Settings · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(ClientsDoc, { teamId: team.id });
  return { clients: data.clients.nodes, environments: data.team.environments, role: data.team.myRole };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = text(form, "id");
  switch (intent) {
    case "create":
    case "update": {
      const values = readClient(form);
      const problem = Object.entries(clientProblems(values, intent === "update"))[0];
      if (problem) return failure({ code: "BAD_USER_INPUT", field: problem[0], message: problem[1] });
      if (intent === "update") {
        const result = await attempt(() => context.auth.gql(UpdateClientDoc, { input: {
          id, name: values.name, description: values.description, webOrigins: values.kind === "web" ? values.webOrigins : undefined,
        } }));
        if (isFailure(result)) return result;
        throw redirect("/settings/clients");
      }
      const result = await attempt(() => context.auth.gql(CreateClientDoc, { input: {
        teamId: team.id, name: values.name, description: values.description, kind: values.kind, environmentId: values.environmentId,
        webOrigins: values.kind === "web" ? values.webOrigins : undefined,
      } }));
      if (isFailure(result)) return result;
      return { ok: true as const, intent, name: result.createClient.client.name, secret: result.createClient.secret };
    }
    case "rotate": {
      const result = await attempt(() => context.auth.gql(RotateClientDoc, { id }));
      if (isFailure(result)) return result;
      return { ok: true as const, intent, name: result.rotateClientSecret.client.name, secret: result.rotateClientSecret.secret };
    }
    case "enable":
    case "disable": {
      const result = await attempt(() => context.auth.gql(UpdateClientDoc, { input: { id, enabled: intent === "enable" } }));
      return isFailure(result) ? result : { ok: true as const, intent, name: result.updateClient.name, secret: null };
    }
    case "delete": {
      const result = await attempt(() => context.auth.gql(DeleteClientDoc, { id }));
      return isFailure(result) ? result : { ok: true as const, intent, name: result.deleteClient.name, secret: null };
    }
    default:
      return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  }
}

type Answer = Awaited<ReturnType<typeof action>>;
type Client = ReturnType<typeof useLoaderData<typeof loader>>["clients"][number];

const when = (iso: string | null | undefined) => iso ? `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })} UTC` : "—";

export default function Clients() {
  const { clients, environments, role } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editing = clients.find((c) => c.id === params.get("edit")) ?? null;
  const canManage = role === null || role === "team_admin";
  return (
    <div className="stack">
      <h1>Clients</h1>
      <p className="muted">Applications evaluate flags with a client's secret (OFREP, <code>Authorization: Bearer …</code>). Each client reaches one environment. Server clients are refused from browsers; web clients only from their allowed origins.</p>
      {!canManage && <p className="notice">Only team admins create, rotate, disable or delete clients.</p>}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Clients of the team</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Environment</th><th scope="col">Secret</th><th scope="col">Status</th><th scope="col">Allowed origins</th><th scope="col">Rotated</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {clients.length === 0 && <tr><td colSpan={8} className="empty">No clients yet: create one below to evaluate flags from an application.</td></tr>}
            {clients.map((c) => (
              <tr key={c.id} data-client={c.name}>
                <td><strong>{c.name}</strong>{c.description && <div className="small muted">{c.description}</div>}</td>
                <td data-label="Type">{c.kind}</td>
                <td data-label="Environment">{c.environment.name}</td>
                <td data-label="Secret" className="mono small">{c.secretPrefix}…</td>
                <td data-label="Status"><span className={`badge ${c.enabled ? "on" : "off"}`}>{c.enabled ? "enabled" : "disabled"}</span></td>
                <td data-label="Allowed origins" className="small mono">{c.kind === "web" ? (c.webOrigins.join(", ") || "none yet") : "—"}</td>
                <td data-label="Rotated" className="small">{when(c.rotatedAt)}</td>
                <td>{canManage && <ClientActions client={c} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canManage && <ClientForm key={editing?.id ?? "new"} editing={editing} environments={environments} />}
    </div>
  );
}

function ClientActions({ client }: { client: Client }) {
  const toggle = useFetcher<Answer>();
  const next = client.enabled ? "disable" : "enable";
  return (
    <div className="row settings-actions">
      <Link className="button" to={`?edit=${client.id}`} aria-label={`Edit ${client.name}`}>Edit</Link>
      <ConfirmButton<Answer> label="Rotate secret" ariaLabel={`Rotate the secret of ${client.name}`} danger={false}
        title={<>Rotate the secret of {client.name}?</>} fields={{ intent: "rotate", id: client.id }}
        confirmLabel="Rotate secret" pendingLabel="Rotating…"
        doneTitle={<>New secret for {client.name}</>} closeLabel="Done"
        done={(answer) => (
          <>
            {answer.secret && <SecretOnce label="New client secret" value={answer.secret}>Copy it now: it is shown only this once (FluxGate keeps only its hash).</SecretOnce>}
            <p className="small muted">The old secret stops working within seconds (evaluation caches revalidate every 10 s).</p>
          </>
        )}>
        <p>A new secret replaces the current one. Applications using the current secret are refused once it is replaced: update them with the new one.</p>
      </ConfirmButton>
      <toggle.Form method="post">
        <input type="hidden" name="id" value={client.id} />
        <button type="submit" name="intent" value={next} disabled={toggle.state !== "idle"} aria-label={`${client.enabled ? "Disable" : "Enable"} ${client.name}`}>
          {toggle.state !== "idle" ? (client.enabled ? "Disabling…" : "Enabling…") : client.enabled ? "Disable" : "Enable"}
        </button>
        {toggle.data && !toggle.data.ok && <span className="field-error" role="alert">{toggle.data.error.message}</span>}
      </toggle.Form>
      <ConfirmButton<Answer> label="Delete" ariaLabel={`Delete ${client.name}`} title={<>Delete {client.name}?</>}
        fields={{ intent: "delete", id: client.id }} confirmLabel="Delete client" pendingLabel="Deleting…">
        <p>Its secret stops working for good. This cannot be undone.</p>
      </ConfirmButton>
    </div>
  );
}

function ClientForm({ editing, environments }: { editing: Client | null; environments: { id: string; name: string }[] }) {
  const [kind, setKind] = useState<ClientKindName>((editing?.kind as ClientKindName | undefined) ?? "server");
  const answer = useActionData<typeof action>();
  const created = answer?.ok && answer.intent === "create" && typeof answer.secret === "string" ? { name: String(answer.name), secret: answer.secret } : null;
  return (
    <SettingsFormCard idPrefix="client" title={editing ? `Edit ${editing.name}` : "New client"} editingId={editing?.id ?? null} check={(data) => clientProblems(readClient(data), Boolean(editing))}
      submitLabel={editing ? "Save client" : "Create client"} cancelTo="/settings/clients" resetKey={created?.secret}
      notice={created && (
        <div className="notice stack">
          <p>Client {created.name} created.</p>
          <SecretOnce label="Client secret" value={created.secret}>Copy it now: it is shown only this once (FluxGate keeps only its hash).</SecretOnce>
        </div>
      )}>
        {editing && <input type="hidden" name="kind" value={editing.kind} />}
        <div className="grid-2">
          <Field id="client-name" name="name" label="Name" defaultValue={editing?.name} maxLength={100} />
          <Field id="client-description" name="description" label="Description" hint="Optional." defaultValue={editing?.description} />
          {!editing && (
            <Field id="client-kind" name="kind" label="Type" hint="Server: back ends, refused from browsers. Web: browser apps, from their allowed origins only." control={(props) => (
              <select {...props} value={kind} onChange={(e) => setKind(e.target.value as ClientKindName)}>
                <option value="server">server</option>
                <option value="web">web</option>
              </select>
            )} />
          )}
          {!editing && (
            <Field id="client-environment" name="environmentId" label="Environment" control={(props) => (
              <select {...props} defaultValue="">
                <option value="" disabled>Choose…</option>
                {environments.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
              </select>
            )} />
          )}
        </div>
        {kind === "web" && (
          <Field id="client-origins" name="webOrigins" label="Allowed origins" hint="One per line, e.g. https://app.example.com (scheme, host and port only)." control={(props) => <textarea {...props} className="mono" defaultValue={editing?.webOrigins.join("\n")} />} />
        )}
    </SettingsFormCard>
  );
}
