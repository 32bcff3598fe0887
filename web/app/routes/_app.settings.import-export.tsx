// Settings › Import and export: the team's features as one JSON file (exportFeatures), and a file
// of that format imported onto a pipeline (importFeatures). Before sending, the page previews the
// file: which keys are new and which the team already has (the API skips those, never overwrites).
// After, it lists each feature's outcome with the API's notes and errors.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState, type ChangeEvent } from "react";
import { FormError } from "~/components/FormError";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { parseImportDocument, type ImportDocument } from "~/lib/config-models";
import { ImportExportPageDoc, ImportFeaturesDoc } from "~/lib/docs/config";
import { text } from "~/lib/form";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Import and export · Settings · FluxGate" }];
const IMPORTERS = new Set(["team_admin", "requester"]);

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(ImportExportPageDoc, { teamId: team.id });
  return { pipelines: data.pipelines.nodes, features: data.features.nodes, canImport: IMPORTERS.has(data.team.myRole ?? "") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const file = form.get("file");
  const pipelineId = text(form, "pipelineId");
  if (!pipelineId) return failure({ code: "BAD_USER_INPUT", field: "pipelineId", message: "Choose the pipeline the features get their stages from." });
  if (typeof file !== "object" || file === null || file.size === 0) return failure({ code: "BAD_USER_INPUT", field: "file", message: "Choose an export file (.json)." });
  const parsed = parseImportDocument(await file.text());
  if ("problem" in parsed) return failure({ code: "BAD_USER_INPUT", field: "file", message: parsed.problem });
  const result = await attempt(() => context.auth.gql(ImportFeaturesDoc, { teamId: team.id, pipelineId, document: parsed.document }));
  return isFailure(result) ? result : { ok: true as const, ...result.importFeatures };
}

export default function ImportExport() {
  const { pipelines, features, canImport } = useLoaderData<typeof loader>();
  const [chosen, setChosen] = useState<string[]>([]);
  const query = chosen.map((id) => `featureId=${encodeURIComponent(id)}`).join("&");
  return (
    <div className="stack">
      <h1>Import and export</h1>
      <section className="card stack" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p className="muted">A JSON file (format fluxgate.features/v1) with each feature's metadata, variants, prerequisites and, per environment, its default and off variants and rules. Import takes up to 100 features per file.</p>
        {features.length === 0 ? <p className="empty">The team has no flags to export.</p> : (
          <fieldset className="stack">
            <legend>Features to export <span className="hint">(none chosen: all {features.length})</span></legend>
            <div className="export-choices">
              {features.map((f) => (
                <label key={f.id} className="small" style={{ fontWeight: 400 }}>
                  <input type="checkbox" checked={chosen.includes(f.id)}
                    onChange={(e) => setChosen((list) => (e.target.checked ? [...list, f.id] : list.filter((id) => id !== f.id)))} />{" "}
                  <span className="mono">{f.key}</span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <div className="row">
          <a className="button primary" href={`/settings/import-export/download${query ? `?${query}` : ""}`} download>
            {chosen.length ? `Download ${chosen.length} feature${chosen.length === 1 ? "" : "s"}` : "Download all features"}
          </a>
          {chosen.length > 0 && <button type="button" onClick={() => setChosen([])}>Clear selection</button>}
        </div>
      </section>
      {canImport ? <ImportForm pipelines={pipelines} existing={features.map((f) => f.key)} /> : <p className="small muted">Team admins and requesters import features.</p>}
    </div>
  );
}

function ImportForm({ pipelines, existing }: { pipelines: { id: string; name: string }[]; existing: string[] }) {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [preview, setPreview] = useState<{ document: ImportDocument } | { problem: string } | null>(null);
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    setPreview(file ? parseImportDocument(await file.text()) : null);
  };
  const error = result && !result.ok ? result.error : null;
  const fileProblem = preview && "problem" in preview ? preview.problem : error?.field === "file" ? error.message : undefined;
  const taken = new Set(existing);
  return (
    <section className="card stack" aria-labelledby="import-title">
      <h2 id="import-title">Import</h2>
      <p className="muted">Creates the file's features the team does not have yet, on the pipeline you choose, through the ordinary checks. Existing keys are skipped, never overwritten; deploy states are not restored (imported flags start not deployed), and a protected environment's rules need an approved request.</p>
      {pipelines.length === 0 ? <p className="empty">Create a <Link to="/settings/pipelines">pipeline</Link> first: imported features get their stages from one.</p> : (
        <Form method="post" encType="multipart/form-data" className="stack" noValidate
          onSubmit={(e) => { if (!preview || "problem" in preview) { e.preventDefault(); if (!preview) setPreview({ problem: "Choose an export file (.json)." }); } }}>
          <div className="grid-2">
            <div className="field">
              <label htmlFor="import-file">Export file</label>
              <input id="import-file" name="file" type="file" accept="application/json,.json" onChange={onFile}
                aria-invalid={Boolean(fileProblem)} aria-describedby={fileProblem ? "import-file-problem" : undefined} />
              {fileProblem && <span id="import-file-problem" className="field-error">{fileProblem}</span>}
            </div>
            <div className="field">
              <label htmlFor="import-pipeline">Pipeline</label>
              <select id="import-pipeline" name="pipelineId">{pipelines.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select>
            </div>
          </div>
          {preview && "document" in preview && (
            <div className="stack" aria-labelledby="preview-title">
              <h3 id="preview-title" style={{ margin: 0, fontSize: "1rem" }}>Preview</h3>
              <p className="small">{preview.document.features.filter((f) => !taken.has(f.key)).length} new, {preview.document.features.filter((f) => taken.has(f.key)).length} already in the team (will be skipped).</p>
              <ul className="inline-list" aria-label="Features in the file">
                {preview.document.features.map((f, i) => (
                  <li key={`${f.key}-${i}`}><span className="mono">{f.key}</span> <span className={`badge ${taken.has(f.key) ? "off" : "on"}`}>{taken.has(f.key) ? "exists" : "new"}</span></li>
                ))}
              </ul>
            </div>
          )}
          <FormError error={error?.field === "file" ? null : error} />
          <div><button type="submit" className="primary" disabled={busy}>{busy ? "Importing…" : "Import features"}</button></div>
        </Form>
      )}
      {result?.ok && <ImportOutcome result={result} />}
    </section>
  );
}

type Outcome = Extract<ReturnType<typeof useActionData<typeof action>>, { ok: true }>;

function ImportOutcome({ result }: { result: Outcome }) {
  return (
    <div className="stack" role="status" aria-labelledby="outcome-title">
      <h3 id="outcome-title" style={{ margin: 0, fontSize: "1rem" }}>Imported: {result.created} created, {result.skipped} skipped, {result.failed} failed</h3>
      <div className="table-wrap">
        <table aria-label="Import results">
          <thead><tr><th scope="col">Feature</th><th scope="col">Outcome</th><th scope="col">Details</th></tr></thead>
          <tbody>
            {result.results.map((r, i) => (
              <tr key={`${r.key}-${i}`} data-import={r.key}>
                <td data-label="Feature" className="mono">{r.featureId ? <Link to={`/flags/${r.featureId}`}>{r.key}</Link> : r.key}</td>
                <td data-label="Outcome"><span className={`badge ${r.status === "CREATED" ? "on" : r.status === "FAILED" ? "killed" : "off"}`}>{r.status.toLowerCase()}</span></td>
                <td data-label="Details" className="small">
                  {r.error && <p className="error" style={{ margin: 0 }}>{r.error.message}</p>}
                  {r.status === "SKIPPED" && !r.error && <span>The team already has this key.</span>}
                  {r.notes.length > 0 && <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>{r.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
