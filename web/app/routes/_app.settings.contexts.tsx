// Settings › Contexts: dictionaries of the attributes the team's applications send in evaluation
// contexts (name, type, suggested values). The engine does not read them; they document what rules
// can target. Team admins change them.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { Field, FieldGroup } from "~/components/Field";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import {
  ATTRIBUTE_TYPES, contextProblems, emptyAttribute, fromAttributeValues, toAttributeInputs, type AttributeDraft,
} from "~/lib/config-models";
import { ContextsPageDoc, CreateContextDoc, DeleteContextDoc, UpdateContextDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Contexts · Settings · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const [data, shell] = await Promise.all([context.auth.query(ContextsPageDoc, { teamId: team.id }), loadShell(context)]);
  return { contexts: data.contexts.nodes, canEdit: data.team.myRole === "team_admin" || shell.me.isSystemAdmin };
}

function readForm(form: FormData) {
  let attributes: AttributeDraft[] = [];
  try {
    const parsed: unknown = JSON.parse(text(form, "attributes") || "[]");
    if (Array.isArray(parsed)) attributes = parsed as AttributeDraft[];
  } catch {
    // unreadable attributes are none
  }
  return { key: text(form, "key"), description: text(form, "description"), attributes };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  if (intent === "delete") {
    const result = await attempt(() => context.auth.gql(DeleteContextDoc, { id: text(form, "id") }));
    return isFailure(result) ? result : { ok: true as const, message: `Context ${result.deleteContext.key} deleted.` };
  }
  const input = readForm(form);
  const problems = contextProblems(input);
  const [field] = Object.keys(problems);
  if (field) return failure({ code: "BAD_USER_INPUT", field: `input.${field}`, message: problems[field]! });
  const fields = { key: input.key, description: input.description, attributes: toAttributeInputs(input.attributes) };
  if (intent === "create") {
    const result = await attempt(() => context.auth.gql(CreateContextDoc, { input: { teamId: team.id, ...fields } }));
    return isFailure(result) ? result : { ok: true as const, message: `Context ${input.key} created.` };
  }
  if (intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const result = await attempt(() => context.auth.gql(UpdateContextDoc, { input: { id: text(form, "id"), ...fields } }));
  return isFailure(result) ? result : { ok: true as const, message: `Context ${input.key} saved.` };
}

type Ctx = ReturnType<typeof useLoaderData<typeof loader>>["contexts"][number];

export default function Contexts() {
  const { contexts, canEdit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editing = contexts.find((c) => c.id === params.get("edit"));
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="row"><h1>Contexts</h1><span className="spacer" />
        {canEdit && editing && <Link className="button" to=".">New context</Link>}</div>
      <p className="muted">The attributes your applications send when they evaluate flags, with their types and suggested values: what rules and segments can target.</p>
      {result?.ok && <p className="notice" role="status">{result.message}</p>}
      {contexts.length === 0 && <p className="empty card">No contexts documented yet.</p>}
      <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Contexts">
        {contexts.map((c) => (
          <li key={c.id} className="card stack" data-context={c.key} aria-current={c.id === editing?.id ? "true" : undefined}>
            <div className="row">
              <h2 className="mono" style={{ margin: 0, fontSize: "1.05rem" }}>{c.key}</h2>
              <span className="muted">{c.description}</span>
              <span className="spacer" />
              {canEdit && (
                <EditDeleteActions id={c.id} name={c.key} title={<>Delete <span className="mono">{c.key}</span>?</>} confirmLabel={`Delete ${c.key}`}>
                  <p className="muted">Its attribute list goes; evaluation is not affected.</p>
                </EditDeleteActions>
              )}
            </div>
            {c.attributes.length === 0 ? <p className="small muted" style={{ margin: 0 }}>No attributes.</p> : (
              <div className="table-wrap">
                <table aria-label={`Attributes of ${c.key}`}>
                  <thead><tr><th scope="col">Attribute</th><th scope="col">Type</th><th scope="col">Description</th><th scope="col">Suggested values</th></tr></thead>
                  <tbody>
                    {c.attributes.map((a) => (
                      <tr key={a.name}>
                        <td data-label="Attribute" className="mono">{a.name}</td>
                        <td data-label="Type">{a.type.replace("_", " ")}</td>
                        <td data-label="Description">{a.description}</td>
                        <td data-label="Suggested values" className="small">{a.values?.join(", ")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </li>
        ))}
      </ul>
      {canEdit ? <ContextForm key={editing?.id ?? (result?.ok ? `new:${result.message}` : "new")} ctx={editing} /> : <p className="small muted">Only team admins change contexts.</p>}
    </div>
  );
}

function ContextForm({ ctx }: { ctx?: Ctx }) {
  const [attributes, setAttributes] = useState<AttributeDraft[]>(() => fromAttributeValues(ctx?.attributes ?? []));
  const set = (index: number, next: AttributeDraft) => setAttributes((list) => list.map((a, i) => (i === index ? next : a)));
  return (
    <SettingsFormCard idPrefix="context" title={ctx ? `Edit ${ctx.key}` : "New context"} editingId={ctx?.id ?? null} announce={false}
      check={(form) => contextProblems(readForm(form))} submitLabel={ctx ? "Save context" : "Create context"} cancelTo="." style={{ maxWidth: 960 }}>
        <input type="hidden" name="attributes" value={JSON.stringify(attributes)} />
        <div className="grid-2">
          <Field id="context-key" name="key" label="Key" className="mono" defaultValue={ctx?.key} required placeholder="e.g. user" />
          <Field id="context-description" name="description" label="Description" defaultValue={ctx?.description} maxLength={1000} />
        </div>
        <FieldGroup name="attributes" legend="Attributes" className="stack" row={false}>
          {attributes.length === 0 && <p className="small muted">No attributes yet.</p>}
          {attributes.map((a, i) => (
            <div key={i} className="attribute-row" role="group" aria-label={`Attribute ${i + 1}`}>
              {/* The row's problem (name, duplicate, description) is shown at its name. */}
              <Field id={`attr-${i}-name`} name={`attributes.${i}`} label="Name"
                control={(props) => <input {...props} name={undefined} data-field={props.name} className="mono" value={a.name} onChange={(e) => set(i, { ...a, name: e.target.value })} />} />
              <div className="field">
                <label htmlFor={`attr-${i}-type`}>Type</label>
                <select id={`attr-${i}-type`} value={a.type} onChange={(e) => set(i, { ...a, type: e.target.value as AttributeDraft["type"] })}>
                  {ATTRIBUTE_TYPES.map((t) => <option key={t} value={t}>{t.replace("_", " ")}</option>)}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`attr-${i}-description`}>Description</label>
                <input id={`attr-${i}-description`} value={a.description} maxLength={500} onChange={(e) => set(i, { ...a, description: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor={`attr-${i}-values`}>Suggested values</label>
                <input id={`attr-${i}-values`} value={a.values} placeholder="a, b, c" onChange={(e) => set(i, { ...a, values: e.target.value })} />
              </div>
              <button type="button" onClick={() => setAttributes((list) => list.filter((_, j) => j !== i))} aria-label={`Remove attribute ${a.name || i + 1}`}>Remove</button>
            </div>
          ))}
          <div><button type="button" onClick={() => setAttributes((list) => [...list, emptyAttribute()])}>Add attribute</button></div>
        </FieldGroup>
    </SettingsFormCard>
  );
}
