// Settings › Pipelines: the ordered environments a new feature gets stages in. Reordering replaces
// the pipeline's stage list (updatePipeline environmentIds); features created earlier keep theirs.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { ConfirmButton } from "~/components/ConfirmButton";
import { FieldProblem, fieldProblem, unplacedError } from "~/components/FieldProblem";
import { FormError } from "~/components/FormError";
import { StageList } from "~/components/StageList";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { pipelineProblems } from "~/lib/config-models";
import { CreatePipelineDoc, DeletePipelineDoc, PipelinesPageDoc, UpdatePipelineDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import { loadShell, requireTeam } from "~/lib/team.server";
import { useFormProblems } from "~/lib/use-form-problems";
import { useHere } from "~/lib/use-here";

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
              {canEdit && <Link className="button" to={`?edit=${p.id}`} aria-label={`Edit ${p.name}`}>Edit</Link>}
              {canEdit && <ConfirmButton label="Delete" ariaLabel={`Delete ${p.name}`} title={<>Delete <span className="mono">{p.name}</span>?</>}
                        fields={{ intent: "delete", id: p.id }} confirmLabel={`Delete ${p.name}`} pendingLabel="Deleting…">
                        <p className="muted">Flags created from it keep their stages; new flags can no longer choose it.</p>
                      </ConfirmButton>}
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
  const result = useActionData<typeof action>();
  const here = useHere();
  const busy = useNavigation().state === "submitting";
  const initial = pipeline ? [...pipeline.stages].sort((a, b) => a.position - b.position).map((s) => s.environment.id) : [];
  const [stages, setStages] = useState<string[]>(initial);
  const { problems, onSubmit } = useFormProblems((form) => pipelineProblems(readForm(form)));
  const error = result && !result.ok ? result.error : null;
  const note = (name: string) => fieldProblem(name, problems, error);
  const stagesNote = problems.stages ?? fieldProblem("environmentIds", {}, error);
  return (
    <section className="card" aria-labelledby="pipeline-form-title" style={{ maxWidth: 760 }}>
      <h2 id="pipeline-form-title">{pipeline ? `Edit ${pipeline.name}` : "New pipeline"}</h2>
      <Form method="post" action={here} className="stack" noValidate onSubmit={onSubmit}
        key={!pipeline && result?.ok ? result.message : undefined}>
        <input type="hidden" name="intent" value={pipeline ? "update" : "create"} />
        {pipeline && <input type="hidden" name="id" value={pipeline.id} />}
        <input type="hidden" name="environmentIds" value={JSON.stringify(stages)} />
        <div className="field">
          <label htmlFor="pipeline-name">Name</label>
          <input id="pipeline-name" name="name" data-field="name" defaultValue={pipeline?.name} required maxLength={100}
            aria-invalid={Boolean(note("name"))} aria-describedby={note("name") ? "pipeline-name-problem" : undefined} />
          <FieldProblem id="pipeline-name-problem" message={note("name")} />
        </div>
        <div className="field">
          <label htmlFor="pipeline-description">Description</label>
          <textarea id="pipeline-description" name="description" data-field="description" defaultValue={pipeline?.description} maxLength={1000}
            aria-invalid={Boolean(note("description"))} aria-describedby={note("description") ? "pipeline-description-problem" : undefined} />
          <FieldProblem id="pipeline-description-problem" message={note("description")} />
        </div>
        <StageList environments={environments} stages={stages} onChange={setStages} problem={stagesNote} problemId="pipeline-stages-problem" />
        <FormError error={unplacedError(error, ["name", "description", "environmentIds"])} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : pipeline ? "Save pipeline" : "Create pipeline"}</button>
          {pipeline && <Link className="button" to=".">Cancel</Link>}
        </div>
      </Form>
    </section>
  );
}
