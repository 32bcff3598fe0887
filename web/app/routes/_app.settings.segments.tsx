// Settings › Segments: named groups of users that rules target with "is in segment". A user is in a
// segment when listed as included, never when excluded, else when the conditions match (the flag
// editor's condition builder). The list shows which flags' rules use each segment; the API refuses
// to delete one still in use and names them.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { ConditionBuilder } from "~/components/ConditionBuilder";
import { ConfirmButton } from "~/components/ConfirmButton";
import { FieldProblem, fieldProblem, unplacedError } from "~/components/FieldProblem";
import { FormError } from "~/components/FormError";
import type { ConditionGroupInput } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { conditionProblem, fromGroupValues, OPERATORS, toGroupInputs, type GroupDraft } from "~/lib/conditions";
import { parseTargetingKeys, segmentProblems, type Problems } from "~/lib/config-models";
import { CreateSegmentDoc, DeleteSegmentDoc, SegmentsPageDoc, UpdateSegmentDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import { requireTeam } from "~/lib/team.server";
import { useFormProblems } from "~/lib/use-form-problems";
import { useHere } from "~/lib/use-here";

export const meta: MetaFunction = () => [{ title: "Segments · Settings · FluxGate" }];
const EDITORS = new Set(["team_admin", "requester"]);

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(SegmentsPageDoc, { teamId: team.id });
  // The contexts' attribute names, suggested in the condition builder.
  const attributes = [...new Set(["targetingKey", ...data.contexts.nodes.flatMap((c) => c.attributes.map((a) => a.name))])].sort();
  return { segments: data.segments.nodes, attributes, canEdit: EDITORS.has(data.team.myRole ?? "") };
}

function readForm(form: FormData) {
  let match: ConditionGroupInput[] = [];
  try {
    const parsed: unknown = JSON.parse(text(form, "match") || "[]");
    if (Array.isArray(parsed)) match = parsed as ConditionGroupInput[];
  } catch {
    // unreadable conditions are none; the API's own check still applies
  }
  return {
    key: text(form, "key"), name: text(form, "name"), description: text(form, "description"),
    included: parseTargetingKeys(text(form, "included")), excluded: parseTargetingKeys(text(form, "excluded")), match,
  };
}

/** The builder's drafts: each condition's own problem, and no nesting (the API's rule). */
function matchProblem(groups: GroupDraft[]): string | null {
  for (const [gi, group] of groups.entries()) {
    for (const [ci, condition] of group.conditions.entries()) {
      if (OPERATORS[condition.operator].input === "segments") return `Group ${gi + 1}, condition ${ci + 1}: a segment cannot reference another segment.`;
      const problem = conditionProblem(condition);
      if (problem) return `Group ${gi + 1}, condition ${ci + 1}: ${problem}`;
    }
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  if (intent === "delete") {
    const result = await attempt(() => context.auth.gql(DeleteSegmentDoc, { id: text(form, "id") }));
    return isFailure(result) ? result : { ok: true as const, message: `Segment ${result.deleteSegment.key} deleted.` };
  }
  const input = readForm(form);
  const problems = segmentProblems(input);
  const [field] = Object.keys(problems);
  if (field) return failure({ code: "BAD_USER_INPUT", field: `input.${field}`, message: problems[field]! });
  const fields = { name: input.name, description: input.description, included: input.included, excluded: input.excluded, match: input.match };
  if (intent === "create") {
    const result = await attempt(() => context.auth.gql(CreateSegmentDoc, { input: { teamId: team.id, key: input.key, ...fields } }));
    return isFailure(result) ? result : { ok: true as const, message: `Segment ${input.key} created.` };
  }
  if (intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const result = await attempt(() => context.auth.gql(UpdateSegmentDoc, { input: { id: text(form, "id"), ...fields } }));
  return isFailure(result) ? result : { ok: true as const, message: `Segment ${input.name} saved.` };
}

type Segment = ReturnType<typeof useLoaderData<typeof loader>>["segments"][number];

export default function Segments() {
  const { segments, attributes, canEdit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editing = segments.find((s) => s.id === params.get("edit"));
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="row"><h1>Segments</h1><span className="spacer" />
        {canEdit && editing && <Link className="button" to=".">New segment</Link>}</div>
      <p className="muted">Groups of users a rule targets with “is in segment”, in every environment of the team.</p>
      {result?.ok && <p className="notice" role="status">{result.message}</p>}
      {segments.length === 0 ? <p className="empty card">No segments yet.</p> : (
        <div className="table-wrap">
          <table aria-label="Segments">
            <thead><tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Who</th><th scope="col">Used by</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {segments.map((s) => (
                <tr key={s.id} data-segment={s.key} aria-current={s.id === editing?.id ? "true" : undefined}>
                  <td data-label="Key" className="mono">{s.key}</td>
                  <td data-label="Name">{s.name}{s.description && <div className="small muted">{s.description}</div>}</td>
                  <td data-label="Who" className="small">{who(s)}</td>
                  <td data-label="Used by">
                    {s.usedBy.length === 0 ? <span className="muted">No flag</span> : (
                      <ul className="inline-list" aria-label={`Flags using ${s.key}`}>
                        {s.usedBy.map((u) => <li key={u.featureId}><Link className="mono" to={`/flags/${u.featureId}`}>{u.featureKey}</Link></li>)}
                      </ul>
                    )}
                  </td>
                  <td className="row">
                    {canEdit && <Link className="button" to={`?edit=${s.id}`} aria-label={`Edit ${s.key}`}>Edit</Link>}
                    {canEdit && (
                      <ConfirmButton label="Delete" ariaLabel={`Delete ${s.key}`} title={<>Delete <span className="mono">{s.key}</span>?</>}
                        fields={{ intent: "delete", id: s.id }} confirmLabel={`Delete ${s.key}`} pendingLabel="Deleting…">
                        <p className="muted">{s.usedBy.length ? `Rules of ${s.usedBy.map((u) => u.featureKey).join(", ")} use it: the API refuses until they no longer do.` : "No rule uses it; this cannot be undone."}</p>
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? <SegmentForm key={editing?.id ?? (result?.ok ? `new:${result.message}` : "new")} segment={editing} attributes={attributes} /> : <p className="small muted">Team admins and requesters change segments.</p>}
    </div>
  );
}

function who(s: Segment): string {
  const parts = [];
  if (s.included.length) parts.push(`${s.included.length} included`);
  if (s.excluded.length) parts.push(`${s.excluded.length} excluded`);
  const conditions = s.match.reduce((n, g) => n + g.conditions.length, 0);
  parts.push(conditions ? `${conditions} condition${conditions === 1 ? "" : "s"} in ${s.match.length} group${s.match.length === 1 ? "" : "s"}` : "no conditions");
  return parts.join(" · ");
}

function SegmentForm({ segment, attributes }: { segment?: Segment; attributes: string[] }) {
  const result = useActionData<typeof action>();
  const here = useHere();
  const busy = useNavigation().state === "submitting";
  const [groups, setGroups] = useState<GroupDraft[]>(() => fromGroupValues(segment?.match ?? []));
  const { problems, onSubmit } = useFormProblems((form): Problems => {
    const found = segmentProblems(readForm(form));
    const match = matchProblem(groups);
    return match ? { ...found, match } : found;
  });
  const error = result && !result.ok ? result.error : null;
  const note = (name: string) => fieldProblem(name, problems, error);
  return (
    <section className="card" aria-labelledby="segment-form-title" style={{ maxWidth: 900 }}>
      <h2 id="segment-form-title">{segment ? `Edit ${segment.key}` : "New segment"}</h2>
      <Form method="post" action={here} className="stack" noValidate onSubmit={onSubmit}
        key={!segment && result?.ok ? result.message : undefined}>
        <input type="hidden" name="intent" value={segment ? "update" : "create"} />
        {segment && <input type="hidden" name="id" value={segment.id} />}
        <input type="hidden" name="match" value={JSON.stringify(toGroupInputs(groups))} />
        <div className="grid-2">
          <div className="field">
            <label htmlFor="segment-key">Key</label>
            <input id="segment-key" name="key" data-field="key" className="mono" defaultValue={segment?.key} readOnly={Boolean(segment)} required
              aria-invalid={Boolean(note("key"))} aria-describedby={`segment-key-hint${note("key") ? " segment-key-problem" : ""}`} />
            <span id="segment-key-hint" className="hint">{segment ? "Fixed: rules reference it." : "What rules reference; fixed once created."}</span>
            <FieldProblem id="segment-key-problem" message={note("key")} />
          </div>
          <div className="field">
            <label htmlFor="segment-name">Name</label>
            <input id="segment-name" name="name" data-field="name" defaultValue={segment?.name} required maxLength={100}
              aria-invalid={Boolean(note("name"))} aria-describedby={note("name") ? "segment-name-problem" : undefined} />
            <FieldProblem id="segment-name-problem" message={note("name")} />
          </div>
        </div>
        <div className="field">
          <label htmlFor="segment-description">Description</label>
          <input id="segment-description" name="description" data-field="description" defaultValue={segment?.description} maxLength={1000} />
          <FieldProblem id="segment-description-problem" message={note("description")} />
        </div>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="segment-included">Always included (targeting keys)</label>
            <textarea id="segment-included" name="included" data-field="included" className="mono" defaultValue={segment?.included.join("\n")}
              aria-describedby={`segment-keys-hint${note("included") ? " segment-included-problem" : ""}`} aria-invalid={Boolean(note("included"))} />
            <FieldProblem id="segment-included-problem" message={note("included")} />
          </div>
          <div className="field">
            <label htmlFor="segment-excluded">Never included (targeting keys)</label>
            <textarea id="segment-excluded" name="excluded" data-field="excluded" className="mono" defaultValue={segment?.excluded.join("\n")}
              aria-describedby={`segment-keys-hint${note("excluded") ? " segment-excluded-problem" : ""}`} aria-invalid={Boolean(note("excluded"))} />
            <FieldProblem id="segment-excluded-problem" message={note("excluded")} />
          </div>
        </div>
        <span id="segment-keys-hint" className="hint">One per line or comma-separated. Excluded wins over included and conditions.</span>
        <div className="stack" data-field="match" tabIndex={-1}>
          <h3 style={{ margin: 0, fontSize: "1rem" }}>Conditions</h3>
          <ConditionBuilder groups={groups} onChange={setGroups} segments={[]} label="Segment" attributes={attributes}
            emptyText="No conditions: only the included keys are in the segment." />
          <FieldProblem id="segment-match-problem" message={note("match")} />
        </div>
        <FormError error={unplacedError(error, ["key", "name", "description", "included", "excluded", "match"])} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : segment ? "Save segment" : "Create segment"}</button>
          {segment && <Link className="button" to=".">Cancel</Link>}
        </div>
      </Form>
    </section>
  );
}
