// Settings › Segments: named groups of users that rules target with "is in segment". A user is in a
// segment when listed as included, never when excluded, else when the conditions match (the flag
// editor's condition builder). The list shows which flags' rules use each segment; the API refuses
// to delete one still in use and names them.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { ConditionBuilder } from "~/components/ConditionBuilder";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { Field, FieldRegion, type ControlProps } from "~/components/Field";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import type { ConditionGroupInput } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { attributeHints, type AttributeHint } from "~/lib/attribute-hints";
import { failure } from "~/lib/api-error";
import { conditionProblem, fromGroupValues, OPERATORS, toGroupInputs, type GroupDraft } from "~/lib/conditions";
import { parseTargetingKeys, segmentProblems } from "~/lib/config-models";
import { CreateSegmentDoc, DeleteSegmentDoc, SegmentsPageDoc, UpdateSegmentDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import type { Problems } from "~/lib/form-problems";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Segments · Settings · FluxGate" }];
const EDITORS = new Set(["team_admin", "requester"]);

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(SegmentsPageDoc, { teamId: team.id });
  // The contexts' attributes and their suggested values, offered in the condition builder.
  return { segments: data.segments.nodes, attributes: attributeHints(data.contexts.nodes), canEdit: EDITORS.has(data.team.myRole ?? "") };
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
                    {canEdit && (
                      <EditDeleteActions id={s.id} name={s.key} title={<>Delete <span className="mono">{s.key}</span>?</>} confirmLabel={`Delete ${s.key}`}>
                        <p className="muted">{s.usedBy.length ? `Rules of ${s.usedBy.map((u) => u.featureKey).join(", ")} use it: the API refuses until they no longer do.` : "No rule uses it; this cannot be undone."}</p>
                      </EditDeleteActions>
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

function SegmentForm({ segment, attributes }: { segment?: Segment; attributes: AttributeHint[] }) {
  const [groups, setGroups] = useState<GroupDraft[]>(() => fromGroupValues(segment?.match ?? []));
  const check = (form: FormData): Problems => {
    const found = segmentProblems(readForm(form));
    const match = matchProblem(groups);
    return match ? { ...found, match } : found;
  };
  // Both key lists share one hint.
  const keys = (name: "included" | "excluded") => (props: ControlProps) => (
    <textarea {...props} aria-describedby={["segment-keys-hint", props["aria-describedby"]].filter(Boolean).join(" ")} className="mono"
      defaultValue={segment?.[name].join("\n")} />
  );
  return (
    <SettingsFormCard idPrefix="segment" title={segment ? `Edit ${segment.key}` : "New segment"} editingId={segment?.id ?? null} announce={false}
      check={check} submitLabel={segment ? "Save segment" : "Create segment"} cancelTo="." style={{ maxWidth: 900 }}>
        <input type="hidden" name="match" value={JSON.stringify(toGroupInputs(groups))} />
        <div className="grid-2">
          <Field id="segment-key" name="key" label="Key" className="mono" defaultValue={segment?.key} readOnly={Boolean(segment)} required
            hint={segment ? "Fixed: rules reference it." : "What rules reference; fixed once created."} />
          <Field id="segment-name" name="name" label="Name" defaultValue={segment?.name} required maxLength={100} />
        </div>
        <Field id="segment-description" name="description" label="Description" defaultValue={segment?.description} maxLength={1000} />
        <div className="grid-2">
          <Field id="segment-included" name="included" label="Always included (targeting keys)" control={keys("included")} />
          <Field id="segment-excluded" name="excluded" label="Never included (targeting keys)" control={keys("excluded")} />
        </div>
        <span id="segment-keys-hint" className="hint">One per line or comma-separated. Excluded wins over included and conditions.</span>
        <FieldRegion name="match" label="Conditions">
          <h3 style={{ margin: 0, fontSize: "1rem" }}>Conditions</h3>
          <ConditionBuilder groups={groups} onChange={setGroups} segments={[]} label="Segment" attributes={attributes}
            emptyText="No conditions: only the included keys are in the segment." />
        </FieldRegion>
    </SettingsFormCard>
  );
}
