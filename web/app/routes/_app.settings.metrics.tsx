// Team metrics: the measures experiments and canary gates compare across variants. Applications
// send events under a metric's key to POST /v1/track; the experiments dashboard shows them per
// variant. Team admins create, edit and delete them (key and type are fixed once created: tracked
// events depend on both); every member reads them.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field, SelectField } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { EditDisclosure } from "~/components/settings/EditDisclosure";
import { SectionError } from "~/components/settings/SectionError";
import { SettingsTable } from "~/components/settings/SettingsTable";
import { CreateMetricDoc, DeleteMetricDoc, MetricsDoc, UpdateMetricDoc } from "~/lib/docs/metrics-gates";
import { text } from "~/lib/form";
import { criteriaOf, METRIC_TYPE_LABEL, METRIC_TYPES, metricProblems, readMetric } from "~/lib/settings-forms/metrics-gates";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Metrics · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const [{ me }, data] = await Promise.all([loadShell(context), context.auth.query(MetricsDoc, { teamId: team.id })]);
  return { canManage: me.isSystemAdmin || data.team.myRole === "team_admin", metrics: data.metrics };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const id = text(form, "id");
  const intent = text(form, "intent");
  if (intent === "delete") return perform(() => context.auth.gql(DeleteMetricDoc, { id }));
  if (intent !== "create" && intent !== "update") return unknownIntent();
  const values = readMetric(form);
  const problem = refusal(metricProblems(values, intent === "create"));
  if (problem) return problem;
  const fields = { name: values.name, description: values.description, unit: values.unit || null, successCriteria: criteriaOf(values.successCriteria) };
  if (intent === "update") return perform(() => context.auth.gql(UpdateMetricDoc, { input: { id, ...fields } }));
  const team = await requireTeam(context);
  return perform(() => context.auth.gql(CreateMetricDoc, { input: { teamId: team.id, key: values.key, type: values.type as (typeof METRIC_TYPES)[number], ...fields } }));
}

const createCheck = (form: FormData) => metricProblems(readMetric(form), true);
const updateCheck = (form: FormData) => metricProblems(readMetric(form), false);

/** A labelled JSON textarea. */
function CriteriaField({ defaultValue }: { defaultValue?: string }) {
  return (
    <Field name="successCriteria" label="Success criteria" hint={<>Optional JSON your team reads the results against, e.g. {"{\"minLift\": 0.05}"}.</>}
      control={(props) => <textarea {...props} rows={2} defaultValue={defaultValue} />} />
  );
}

type Metric = ReturnType<typeof useLoaderData<typeof loader>>["metrics"][number];

function MetricFields({ metric }: { metric?: Metric }) {
  return (
    <>
      <Field name="name" label="Name" defaultValue={metric?.name} required maxLength={200} />
      <Field name="unit" label="Unit" hint="Optional, e.g. EUR or ms." defaultValue={metric?.unit ?? ""} maxLength={50} />
      <Field name="description" label="Description" defaultValue={metric?.description} maxLength={1000} />
      <CriteriaField defaultValue={metric?.successCriteria == null ? "" : JSON.stringify(metric.successCriteria)} />
    </>
  );
}

export default function Metrics() {
  const { canManage, metrics } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Metrics</h1>
      <p className="muted">
        Applications report conversions and values to <code>POST /v1/track</code> under a metric's key; the{" "}
        <Link to="/dashboards/experiments">experiments dashboard</Link> compares them per variant and{" "}
        <Link to="/settings/canary-gates">canary gates</Link> watch them. The key and type are fixed once created.
      </p>
      {!canManage && <p className="notice">Only team admins create, edit or delete metrics.</p>}
      <SettingsTable label="Metrics of the team" columns={["Key", "Name", "Type", "Unit"]} empty="No metrics yet."
        rows={metrics.map((m) => (
          <tr key={m.id} data-metric={m.key}>
            <td className="mono">{m.key}</td>
            <td data-label="Name"><strong>{m.name}</strong>{m.description && <div className="small muted">{m.description}</div>}</td>
            <td data-label="Type">{m.type}</td>
            <td data-label="Unit">{m.unit ?? "—"}</td>
            <td>{canManage && (
              <div className="row settings-actions">
                <EditDisclosure label={`Edit ${m.key}`}>
                  {(close) => (
                    <FetcherForm intent="update" fields={{ id: m.id }} check={updateCheck} label={`Edit ${m.key}`}
                      submitLabel="Save metric" pendingLabel="Saving…" onSuccess={close}>
                      <MetricFields metric={m} />
                    </FetcherForm>
                  )}
                </EditDisclosure>
                <ConfirmButton fields={{ intent: "delete", id: m.id }} label="Delete" ariaLabel={`Delete ${m.key}`}
                  title={`Delete the metric ${m.key}?`} confirmLabel="Delete metric" pendingLabel="Deleting…">
                  <p>Its tracked events and every canary gate watching it are deleted too; events sent under its key are refused from now on.</p>
                </ConfirmButton>
              </div>
            )}</td>
          </tr>
        ))} />
      {canManage && (
        <section className="card stack" aria-labelledby="new-metric">
          <h2 id="new-metric">New metric</h2>
          <FetcherForm intent="create" check={createCheck} label="New metric" submitLabel="Create metric" pendingLabel="Creating…" resetOnSuccess
            success={() => <p className="notice" role="status">Metric created. Applications can now send events under its key.</p>}>
            <div className="grid-2">
              <Field name="key" label="Key" hint="Sent as `metric` to POST /v1/track, e.g. checkout.completed." required maxLength={100} />
              <SelectField name="type" label="Type" defaultValue="" options={[{ value: "", label: "Choose…" }, ...METRIC_TYPES.map((t) => ({ value: t, label: METRIC_TYPE_LABEL[t] }))]} />
              <MetricFields />
            </div>
          </FetcherForm>
        </section>
      )}
    </div>
  );
}
