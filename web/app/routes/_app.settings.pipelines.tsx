// Settings › Pipelines: the ordered environments a new feature gets stages in. Reordering replaces
// the pipeline's stage list (updatePipeline environmentIds); features created earlier keep theirs.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { Field } from "~/components/Field";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import { StageList } from "~/components/StageList";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { pipelineProblems } from "~/lib/config-models";
import { CreatePipelineDoc, DeletePipelineDoc, PipelinesPageDoc, UpdatePipelineDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Pipelines · Settings · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const [data, shell] = await Promise.all([context.auth.query(PipelinesPageDoc, { teamId: team.id }), loadShell(context)]);
  return { pipelines: data.pipelines.nodes, environments: data.environments.nodes, canEdit: data.team.myRole === "team_admin" || shell.me.isSystemAdmin };
}

function readForm(form: FormData) {
  let environmentIds: string[] = [];
  try {
    const parsed: unknown = JSON.parse(text(form, "environmentIds") || "[]");
    if (Array.isArray(parsed)) environmentIds = parsed.map(String);
  } catch {
    // an unreadable list counts as empty: the check below says a stage is needed
  }
  return { name: text(form, "name"), description: text(form, "description"), environmentIds };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  if (intent === "delete") {
    const result = await attempt(() => context.auth.gql(DeletePipelineDoc, { id: text(form, "id") }));
    return isFailure(result) ? result : { ok: true as const, message: `Pipeline ${result.deletePipeline.name} deleted.` };
  }
  const input = readForm(form);
  const problems = pipelineProblems(input);
  const [field] = Object.keys(problems);
  if (field) return failure({ code: "BAD_USER_INPUT", field: field === "stages" ? "input.environmentIds" : `input.${field}`, message: problems[field]! });
  if (intent === "create") {
    const result = await attempt(() => context.auth.gql(CreatePipelineDoc, { input: { teamId: team.id, ...input } }));
    return isFailure(result) ? result : { ok: true as const, message: `Pipeline ${input.name} created.` };
  }
  if (intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const result = await attempt(() => context.auth.gql(UpdatePipelineDoc, { input: { id: text(form, "id"), ...input } }));
  return isFailure(result) ? result : { ok: true as const, message: `Pipeline ${input.name} saved.` };
}

type Pipeline = ReturnType<typeof useLoaderData<typeof loader>>["pipelines"][number];

export default function Pipelines() {
  const { pipelines, environments, canEdit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editing = pipelines.find((p) => p.id === params.get("edit"));
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="row"><h1>Pipelines</h1><span className="spacer" />
        {canEdit && editing && <Link className="button" to=".">New pipeline</Link>}</div>
      <p className="muted">A new flag gets one stage per environment of its pipeline, in this order; it is deployed stage by stage.</p>
      {result?.ok && <p className="notice" role="status">{result.message}</p>}
      {pipelines.length === 0 && <p className="empty card">No pipelines yet: create one below before creating flags.</p>}
      <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Pipelines">
        {pipelines.map((p) => (
          <li key={p.id} className="card stack" data-pipeline={p.name} aria-current={p.id === editing?.id ? "true" : undefined}>
            <div className="row">
              <h2 style={{ margin: 0, fontSize: "1.05rem" }}>{p.name}</h2>
              <span className="spacer" />
              {canEdit && (
                <EditDeleteActions id={p.id} name={p.name} title={<>Delete <span className="mono">{p.name}</span>?</>} confirmLabel={`Delete ${p.name}`}>
                  <p className="muted">Flags created from it keep their stages; new flags can no longer choose it.</p>
                </EditDeleteActions>
              )}
            </div>
            {p.description && <p className="muted" style={{ margin: 0 }}>{p.description}</p>}
            <ol className="pipeline-flow" aria-label={`Stages of ${p.name}`}>
              {p.stages.map((s) => <li key={s.id}><span className={`badge env-${s.environment.type}`}>{s.environment.name}</span></li>)}
            </ol>
          </li>
        ))}
      </ul>
      {canEdit ? <PipelineForm key={editing?.id ?? (result?.ok ? `new:${result.message}` : "new")} pipeline={editing} environments={environments} /> : <p className="small muted">Only team admins change pipelines.</p>}
    </div>
  );
}

function PipelineForm({ pipeline, environments }: { pipeline?: Pipeline; environments: { id: string; key: string; name: string; type: string }[] }) {
  const initial = pipeline ? [...pipeline.stages].sort((a, b) => a.position - b.position).map((s) => s.environment.id) : [];
  const [stages, setStages] = useState<string[]>(initial);
  return (
    <SettingsFormCard idPrefix="pipeline" title={pipeline ? `Edit ${pipeline.name}` : "New pipeline"} editingId={pipeline?.id ?? null} announce={false}
      check={(form) => pipelineProblems(readForm(form))} submitLabel={pipeline ? "Save pipeline" : "Create pipeline"} cancelTo="." style={{ maxWidth: 760 }}>
        <input type="hidden" name="environmentIds" value={JSON.stringify(stages)} />
        <Field id="pipeline-name" name="name" label="Name" defaultValue={pipeline?.name} required maxLength={100} />
        <Field id="pipeline-description" name="description" label="Description"
          control={(props) => <textarea {...props} defaultValue={pipeline?.description} maxLength={1000} />} />
        <StageList environments={environments} stages={stages} onChange={setStages} />
    </SettingsFormCard>
  );
}
