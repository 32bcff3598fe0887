// Settings › Contexts: dictionaries of the attributes the team's applications send in evaluation
// contexts (name, type, suggested values). The engine does not read them; they document what rules
// can target. Team admins change them.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { ConfirmButton } from "~/components/ConfirmButton";
import { FieldProblem, fieldProblem, unplacedError } from "~/components/FieldProblem";
import { FormError } from "~/components/FormError";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import {
  ATTRIBUTE_TYPES, contextProblems, emptyAttribute, fromAttributeValues, toAttributeInputs, type AttributeDraft,
} from "~/lib/config-models";
import { ContextsPageDoc, CreateContextDoc, DeleteContextDoc, UpdateContextDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import { loadShell, requireTeam } from "~/lib/team.server";
import { useFormProblems } from "~/lib/use-form-problems";
import { useHere } from "~/lib/use-here";

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
              {canEdit && <Link className="button" to={`?edit=${c.id}`} aria-label={`Edit ${c.key}`}>Edit</Link>}
              {canEdit && <ConfirmButton label="Delete" ariaLabel={`Delete ${c.key}`} title={<>Delete <span className="mono">{c.key}</span>?</>}
                        fields={{ intent: "delete", id: c.id }} confirmLabel={`Delete ${c.key}`} pendingLabel="Deleting…">
                        <p className="muted">Its attribute list goes; evaluation is not affected.</p>
                      </ConfirmButton>}
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
  const result = useActionData<typeof action>();
  const here = useHere();
  const busy = useNavigation().state === "submitting";
  const [attributes, setAttributes] = useState<AttributeDraft[]>(() => fromAttributeValues(ctx?.attributes ?? []));
  const { problems, onSubmit } = useFormProblems((form) => contextProblems(readForm(form)));
  const error = result && !result.ok ? result.error : null;
  const note = (name: string) => fieldProblem(name, problems, error);
  const set = (index: number, next: AttributeDraft) => setAttributes((list) => list.map((a, i) => (i === index ? next : a)));
  return (
    <section className="card" aria-labelledby="context-form-title" style={{ maxWidth: 960 }}>
      <h2 id="context-form-title">{ctx ? `Edit ${ctx.key}` : "New context"}</h2>
      <Form method="post" action={here} className="stack" noValidate onSubmit={onSubmit}
        key={!ctx && result?.ok ? result.message : undefined}>
        <input type="hidden" name="intent" value={ctx ? "update" : "create"} />
        {ctx && <input type="hidden" name="id" value={ctx.id} />}
        <input type="hidden" name="attributes" value={JSON.stringify(attributes)} />
        <div className="grid-2">
          <div className="field">
            <label htmlFor="context-key">Key</label>
            <input id="context-key" name="key" data-field="key" className="mono" defaultValue={ctx?.key} required placeholder="e.g. user"
              aria-invalid={Boolean(note("key"))} aria-describedby={note("key") ? "context-key-problem" : undefined} />
            <FieldProblem id="context-key-problem" message={note("key")} />
          </div>
          <div className="field">
            <label htmlFor="context-description">Description</label>
            <input id="context-description" name="description" data-field="description" defaultValue={ctx?.description} maxLength={1000}
              aria-invalid={Boolean(note("description"))} aria-describedby={note("description") ? "context-description-problem" : undefined} />
            <FieldProblem id="context-description-problem" message={note("description")} />
          </div>
        </div>
        <fieldset className="stack">
          <legend>Attributes</legend>
          {attributes.length === 0 && <p className="small muted">No attributes yet.</p>}
          {attributes.map((a, i) => {
            const problem = note(`attributes.${i}`);
            return (
              <div key={i} className="attribute-row" role="group" aria-label={`Attribute ${i + 1}`}>
                <div className="field">
                  <label htmlFor={`attr-${i}-name`}>Name</label>
                  <input id={`attr-${i}-name`} data-field={`attributes.${i}`} className="mono" value={a.name} onChange={(e) => set(i, { ...a, name: e.target.value })}
                    aria-invalid={Boolean(problem)} aria-describedby={problem ? `attr-${i}-problem` : undefined} />
                  <FieldProblem id={`attr-${i}-problem`} message={problem} />
                </div>
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
            );
          })}
          <div><button type="button" onClick={() => setAttributes((list) => [...list, emptyAttribute()])}>Add attribute</button></div>
        </fieldset>
        <FormError error={unplacedError(error, ["key", "description", "attributes"])} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : ctx ? "Save context" : "Create context"}</button>
          {ctx && <Link className="button" to=".">Cancel</Link>}
        </div>
      </Form>
    </section>
  );
}
