// Rollout templates: the five system templates and the team's own (created, edited, deleted here),
// previewed on a feature (what each environment would get: rules, ramp steps, approvals, deploys;
// nothing written), then applied from that preview.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { ExperimentWeights } from "~/components/ExperimentWeights";
import { Field, FieldGroup } from "~/components/Field";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { describeWeights, readExperimentWeights, withWeightsProblem } from "~/lib/experiment-weights";
import { describeServe } from "~/lib/splits";
import { readTemplate, TEMPLATE_TYPES, templateProblems, type TemplateDefaultsValues } from "~/lib/settings-forms/templates";
import {
  ApplyRolloutDoc, CreateRolloutTemplateDoc, DeleteRolloutTemplateDoc, PreviewRolloutDoc, RolloutTemplatesDoc, UpdateRolloutTemplateDoc,
} from "~/lib/docs/settings-delivery";
import { text } from "~/lib/form";
import { perform, saveForm } from "~/lib/settings-action.server";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Rollout templates · Settings · FluxGate" }];

/** The variables a preview or apply sends: the environments chosen (else the template's defaults) and an optional variant. */
function variablesOf(params: URLSearchParams | FormData) {
  const environmentIds = params.getAll("env").map(String).filter(Boolean);
  const variant = String(params.get("variant") ?? "").trim();
  return { ...(environmentIds.length ? { environmentIds } : {}), ...(variant ? { variant } : {}) };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const featureId = params.get("feature");
  const templateId = params.get("template");
  const [data, preview] = await Promise.all([
    context.auth.query(RolloutTemplatesDoc, { teamId: team.id }),
    featureId && templateId
      ? perform(() => context.auth.gql(PreviewRolloutDoc, { featureId, templateId, variables: variablesOf(params) }), (r) => ({ preview: r.previewRolloutTemplate }))
      : null,
  ]);
  return {
    templates: data.rolloutTemplates, environments: data.team.environments, features: data.features.nodes, role: data.team.myRole,
    preview, chosen: { featureId, templateId, env: params.getAll("env"), variant: params.get("variant") ?? "" },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = text(form, "id");
  if (intent === "delete") {
    const result = await attempt(() => context.auth.gql(DeleteRolloutTemplateDoc, { id }));
    return isFailure(result) ? result : { ok: true as const, message: `Template ${result.deleteRolloutTemplate.name} deleted.` };
  }
  if (intent === "apply") {
    const result = await attempt(() => context.auth.gql(ApplyRolloutDoc, {
      featureId: text(form, "feature"), templateId: text(form, "template"), variables: variablesOf(form),
    }));
    return isFailure(result) ? result : { ok: true as const, application: result.applyRolloutTemplate };
  }
  if (intent !== "create" && intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const values = readTemplate(form);
  const weights = readExperimentWeights(form);
  const fields = { name: values.name, description: values.description, type: values.type, defaults: { ...values.defaults, ...weights.defaults } };
  return saveForm(intent, withWeightsProblem(templateProblems(values), form), () => intent === "create"
    ? context.auth.gql(CreateRolloutTemplateDoc, { input: { teamId: team.id, ...fields } })
    : context.auth.gql(UpdateRolloutTemplateDoc, { input: { id, ...fields } }), { listPath: "/settings/templates", created: `Template ${values.name} created.` });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Template = Data["templates"][number];

/** A template's defaults in words, e.g. "steps 10, 50, 100 % · every 60 min". */
function describeDefaults(defaults: TemplateDefaultsValues, envName: (id: string) => string): string {
  const parts: string[] = [];
  if (defaults.environmentIds?.length) parts.push(`in ${defaults.environmentIds.map(envName).join(" → ")}`);
  if (defaults.variant) parts.push(`variant ${defaults.variant}`);
  if (defaults.percentages?.length) parts.push(`steps ${defaults.percentages.join(", ")} %`);
  if (defaults.intervalMinutes) parts.push(`every ${defaults.intervalMinutes} min`);
  if (defaults.segmentKey) parts.push(`segment ${defaults.segmentKey} first`);
  if (defaults.safeVariant) parts.push(`safe variant ${defaults.safeVariant}`);
  if ("weights" in defaults && Array.isArray(defaults.weights)) parts.push(`split ${describeWeights(defaults.weights)}`);
  if (defaults.deploy !== undefined) parts.push(defaults.deploy ? "deploys" : "no deploy");
  return parts.join(" · ") || "no defaults";
}

export default function Templates() {
  const data = useLoaderData<typeof loader>();
  const { templates, environments, role } = data;
  const [params] = useSearchParams();
  const editing = templates.find((t) => t.id === params.get("edit") && !t.system) ?? null;
  const canManage = role === null || role === "team_admin";
  const envName = (id: string) => environments.find((e) => e.id === id)?.name ?? id;
  return (
    <div className="stack">
      <h1>Rollout templates</h1>
      <p className="muted">A template writes a rollout onto a feature's stages: its rules, ramp steps as scheduled changes, approval requests where a policy (or the template, in production) requires them. Preview first: nothing is written until you apply.</p>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Rollout templates</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Defaults</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {templates.map((t) => (
              <tr key={t.id} data-template={t.name}>
                <td><strong>{t.name}</strong> {t.system && <span className="badge">system</span>}{t.description && <div className="small muted">{t.description}</div>}</td>
                <td data-label="Type" className="mono small">{t.type}</td>
                <td data-label="Defaults" className="small">{describeDefaults((t.defaults ?? {}) as unknown as TemplateDefaultsValues, envName)}</td>
                <td>{canManage && !t.system && (
                  <div className="row settings-actions">
                    <EditDeleteActions id={t.id} name={t.name} title={<>Delete the template {t.name}?</>} confirmLabel="Delete template">
                      <p>Rollouts it already applied stay as they are.</p>
                    </EditDeleteActions>
                  </div>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PreviewAndApply data={data} />
      {canManage && <TemplateForm key={editing?.id ?? "new"} editing={editing} environments={environments} />}
    </div>
  );
}

const STATUS_BADGE: Record<string, string> = { APPLIED: "on", REQUESTED: "pending", FAILED: "killed", SKIPPED: "off" };

function PreviewAndApply({ data }: { data: Data }) {
  const { templates, features, environments, preview, chosen } = data;
  const navigation = useNavigation();
  const apply = useFetcher<typeof action>();
  const loading = navigation.state === "loading" && navigation.location?.search.includes("template=");
  const applied = apply.data?.ok && "application" in apply.data ? apply.data.application : null;
  const applyError = apply.data && !apply.data.ok ? apply.data.error : null;
  return (
    <section className="card stack" aria-labelledby="apply-title">
      <h2 id="apply-title">Preview, then apply to a feature</h2>
      <Form method="get" className="stack">
        <div className="grid-2">
          <div className="field"><label htmlFor="apply-template">Template</label>
            <select id="apply-template" name="template" defaultValue={chosen.templateId ?? templates[0]?.id}>
              {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select></div>
          <div className="field"><label htmlFor="apply-feature">Feature</label>
            <select id="apply-feature" name="feature" defaultValue={chosen.featureId ?? features[0]?.id}>
              {features.map((f) => <option key={f.id} value={f.id}>{f.key}</option>)}
            </select></div>
          <div className="field"><label htmlFor="apply-variant">Variant</label>
            <input id="apply-variant" name="variant" defaultValue={chosen.variant} />
            <span className="hint">Optional: default on for a boolean feature (or the template's).</span></div>
        </div>
        <fieldset className="field settings-group">
          <legend>Environments, in rollout order</legend>
          <div className="row">{environments.map((e) => (
            <label key={e.id} className="check"><input type="checkbox" name="env" value={e.id} defaultChecked={chosen.env.includes(e.id)} /> {e.name}</label>
          ))}</div>
          <span className="hint">None checked: the template's default environments.</span>
        </fieldset>
        <div><button type="submit" disabled={loading}>{loading ? "Previewing…" : "Preview"}</button></div>
      </Form>
      <div aria-live="polite" className="stack">
        {preview && !preview.ok && <p className="error" role="alert">{preview.error.message}</p>}
        {preview?.ok && (
          <div className="stack settings-preview">
            <h3>{preview.preview.template.name} on <span className="mono">{preview.preview.featureKey}</span></h3>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">What each environment would get</caption>
                <thead><tr><th scope="col">Environment</th><th scope="col">How</th><th scope="col">Rules</th><th scope="col">Ramp</th><th scope="col">Deploy</th><th scope="col">Notes</th></tr></thead>
                <tbody>
                  {preview.preview.environments.map((e) => (
                    <tr key={e.environmentId} data-plan={e.environmentKey}>
                      <td><strong>{e.environmentKey}</strong> {e.frozen && <span className="badge killed">frozen</span>}</td>
                      <td data-label="How">{e.mode === "DIRECT" ? "written at once" : `approval request${e.approvalReason ? `: ${e.approvalReason}` : ""}`}</td>
                      <td data-label="Rules" className="small">{e.rules.map((r) => `${r.name}: ${describeServe(r.serve)}`).join("; ")}{e.replacedRuleCount > 0 && <div className="muted">replaces {e.replacedRuleCount} rule{e.replacedRuleCount === 1 ? "" : "s"}</div>}</td>
                      <td data-label="Ramp" className="small">{[...e.scheduledSteps.map((s) => `${s.percentage}% at ${new Date(s.runAt).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "short", timeStyle: "short" })} UTC`), ...e.manualSteps.map((s) => `${s.percentage}% (manual)`)].join(", ") || "—"}</td>
                      <td data-label="Deploy">{e.deploy.toLowerCase().replace("_", " ")}</td>
                      <td data-label="Notes" className="small">{[...e.notes, ...(e.offVariant ? [`off variant ${e.offVariant}`] : [])].join(" ") || "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <apply.Form method="post" className="row">
              <input type="hidden" name="intent" value="apply" />
              <input type="hidden" name="template" value={chosen.templateId ?? ""} />
              <input type="hidden" name="feature" value={chosen.featureId ?? ""} />
              <input type="hidden" name="variant" value={chosen.variant} />
              {chosen.env.map((id) => <input key={id} type="hidden" name="env" value={id} />)}
              <button type="submit" className="primary" disabled={apply.state !== "idle"}>{apply.state !== "idle" ? "Applying…" : "Apply this rollout"}</button>
            </apply.Form>
          </div>
        )}
        {applyError && <p className="error" role="alert">{applyError.message}</p>}
        {applied && (
          <div className="notice stack" role="status">
            <p>Applied to {applied.featureKey}:</p>
            <ul className="small">{applied.environments.map((e) => (
              <li key={e.plan.environmentKey} data-applied={e.plan.environmentKey}>
                {e.plan.environmentKey}: <span className={`badge ${STATUS_BADGE[e.status] ?? ""}`}>{e.status.toLowerCase()}</span>
                {e.deployed && " · deployed"}{e.approvalRequestId && <> · <Link to="/approvals?view=all">approval requested</Link></>}
                {e.error && ` · ${e.error.message}`}
              </li>
            ))}</ul>
          </div>
        )}
      </div>
    </section>
  );
}

function TemplateForm({ editing, environments }: { editing: Template | null; environments: Data["environments"] }) {
  const defaults = (editing?.defaults ?? {}) as unknown as TemplateDefaultsValues;
  return (
    <SettingsFormCard idPrefix="template" title={editing ? `Edit ${editing.name}` : "New rollout template"} editingId={editing?.id ?? null} check={(data) => withWeightsProblem(templateProblems(readTemplate(data)), data)}
      submitLabel={editing ? "Save template" : "Create template"} cancelTo="/settings/templates">
      <div className="grid-2">
        <Field id="template-name" name="name" label="Name" defaultValue={editing?.name} maxLength={100} />
        <Field id="template-type" name="type" label="Type" hint="What the template writes; its defaults below preset the variables." control={(props) => (
          <select {...props} defaultValue={editing?.type ?? "canary"}>
            {TEMPLATE_TYPES.map((t) => <option key={t} value={t}>{t.replace(/_/g, " ")}</option>)}
          </select>
        )} />
        <Field id="template-percentages" name="percentages" label="Ramp steps (%)" hint="Strictly increasing, e.g. 10, 50, 100 (canary, kill-switch guarded)." defaultValue={defaults.percentages?.join(", ")} />
        <Field id="template-interval" name="intervalMinutes" label="Minutes between steps" hint="1 to 10080; blank: 60." type="number" min={1} max={10080} defaultValue={defaults.intervalMinutes} />
        <Field id="template-variant" name="variant" label="Variant rolled out" hint="Blank: on for a boolean feature." defaultValue={defaults.variant} />
        <Field id="template-segment" name="segmentKey" label="Segment first" hint="Optional: this segment gets the variant in full before the ramp." defaultValue={defaults.segmentKey} />
        <Field id="template-safe" name="safeVariant" label="Safe variant" hint="Kill-switch guarded: served while the kill switch is engaged." defaultValue={defaults.safeVariant} />
        <Field id="template-deploy" name="deploy" label="Deploy stages not live yet" control={(props) => (
          <select {...props} defaultValue={defaults.deploy === undefined ? "" : defaults.deploy ? "yes" : "no"}>
            <option value="">default (yes)</option><option value="yes">yes</option><option value="no">no</option>
          </select>
        )} />
      </div>
      <Field id="template-description" name="description" label="Description" control={(props) => <textarea {...props} defaultValue={editing?.description} />} />
      <ExperimentWeights defaults={editing?.defaults} initialType={editing?.type ?? "canary"} />
      <FieldGroup name="environmentIds" legend="Default environments" hint="Optional; in rollout order.">
        {environments.map((e) => (
          <label key={e.id} className="check"><input type="checkbox" name="environmentIds" value={e.id} defaultChecked={defaults.environmentIds?.includes(e.id)} /> {e.name}</label>
        ))}
      </FieldGroup>
    </SettingsFormCard>
  );
}
