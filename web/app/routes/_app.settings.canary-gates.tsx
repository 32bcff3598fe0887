// Canary gates of a stage (a flag in an environment): the canary variant must not regress a team
// metric against the baseline variant by more than a threshold over a window; enabled gates are
// analysed every minute and a failure can engage the flag's kill switch. Team admins create, edit
// and delete them here; verdicts and "Analyse now" live on the experiments dashboard.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field, SelectField } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { EditDisclosure } from "~/components/settings/EditDisclosure";
import { SectionError } from "~/components/settings/SectionError";
import { SettingsTable } from "~/components/settings/SettingsTable";
import { CreateGateDoc, DeleteGateDoc, GateChoicesDoc, GatesDoc, UpdateGateDoc } from "~/lib/docs/metrics-gates";
import { text } from "~/lib/form";
import { CANARY_DIRECTIONS, GATE_LIMITS, gateProblems, gateSettings, readGate } from "~/lib/settings-forms/metrics-gates";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { byEnvironmentOrder } from "~/lib/stage-status";
import { loadShell, requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Canary gates · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const [{ me }, choices] = await Promise.all([loadShell(context), context.auth.query(GateChoicesDoc, { teamId: team.id })]);
  const environments = [...choices.team.environments].sort(byEnvironmentOrder);
  const flags = [...choices.features.nodes].sort((a, b) => a.key.localeCompare(b.key)).map((f) => ({
    id: f.id, key: f.key,
    // The API's rule: a boolean flag without variant rows has the variants on and off.
    variants: f.variants.length === 0 && f.type === "BOOLEAN" ? ["on", "off"] : f.variants.map((v) => v.key),
  }));
  const flag = flags.find((f) => f.id === params.get("feature")) ?? flags[0] ?? null;
  const environment = environments.find((e) => e.id === params.get("env")) ?? environments[0] ?? null;
  const base = { canManage: me.isSystemAdmin || choices.team.myRole === "team_admin", flags, environments, metrics: choices.metrics, flag, environment };
  if (!flag || !environment) return { ...base, gates: [] };
  const { canaryGates } = await context.auth.query(GatesDoc, { featureId: flag.id, environmentId: environment.id });
  return { ...base, gates: canaryGates };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const id = text(form, "id");
  const intent = text(form, "intent");
  if (intent === "delete") return perform(() => context.auth.gql(DeleteGateDoc, { id }));
  if (intent !== "create" && intent !== "update") return unknownIntent();
  const values = readGate(form);
  const problem = refusal(gateProblems(values, intent === "create"));
  if (problem) return problem;
  if (intent === "update") return perform(() => context.auth.gql(UpdateGateDoc, { input: { id, ...gateSettings(values) } }));
  return perform(() => context.auth.gql(CreateGateDoc, {
    input: { featureId: text(form, "featureId"), environmentId: text(form, "environmentId"), metricKey: values.metricKey, ...gateSettings(values) },
  }));
}

const createCheck = (form: FormData) => gateProblems(readGate(form), true);
const updateCheck = (form: FormData) => gateProblems(readGate(form), false);

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Gate = Data["gates"][number];

const DIRECTION_LABEL: Record<(typeof CANARY_DIRECTIONS)[number], string> = { higher_is_better: "Higher is better", lower_is_better: "Lower is better" };

function GateFields({ gate, variants }: { gate?: Gate; variants: string[] }) {
  const choices = [{ value: "", label: "Choose…" }, ...variants.map((v) => ({ value: v, label: v }))];
  return (
    <>
      <SelectField name="baselineVariant" label="Baseline variant" defaultValue={gate?.baselineVariant ?? ""} options={choices} />
      <SelectField name="canaryVariant" label="Canary variant" defaultValue={gate?.canaryVariant ?? ""} options={choices} />
      <SelectField name="direction" label="Direction" defaultValue={gate?.direction ?? "higher_is_better"}
        options={CANARY_DIRECTIONS.map((d) => ({ value: d, label: DIRECTION_LABEL[d] }))} />
      <Field name="thresholdPct" label="Threshold (%)" hint="The largest regression allowed, in percent of the baseline." inputMode="decimal"
        defaultValue={gate?.thresholdPct ?? ""} />
      <Field name="minSampleSize" label="Minimum sample size" hint="Below this on either side the analysis is inconclusive." inputMode="numeric"
        defaultValue={gate?.minSampleSize ?? 100} />
      <Field name="windowMinutes" label="Window (minutes)" hint={`The analysed span, 1 to ${GATE_LIMITS.windowMinutes}.`} inputMode="numeric"
        defaultValue={gate?.windowMinutes ?? 60} />
      <Field name="rollbackInMinutes" label="Release the kill switch after (minutes)" hint="Empty: a kill switch engaged by a failure stays."
        inputMode="numeric" defaultValue={gate?.rollbackInMinutes ?? ""} />
      <div className="field">
        <label className="check"><input type="checkbox" name="autoRollbackOnFail" defaultChecked={gate?.autoRollbackOnFail ?? false} /> Engage the kill switch when the gate fails</label>
        <label className="check"><input type="checkbox" name="enabled" defaultChecked={gate?.enabled ?? true} /> Enabled (analysed every minute)</label>
      </div>
    </>
  );
}

export default function CanaryGates() {
  const { canManage, flags, environments, metrics, flag, environment, gates } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Canary gates</h1>
      <p className="muted">
        A gate fails when the canary variant regresses a <Link to="/settings/metrics">metric</Link> against the baseline variant by more than
        the threshold over the window. Verdicts and “Analyse now” are on the{" "}
        <Link to={`/dashboards/experiments${flag && environment ? `?feature=${flag.id}&env=${environment.id}` : ""}`}>experiments dashboard</Link>.
      </p>
      {!canManage && <p className="notice">Only team admins create, edit or delete canary gates.</p>}
      {!flag || !environment ? <p className="empty card">No flags or environments yet: <Link to="/flags/new">create a flag</Link>.</p> : (
        <>
          <Form method="get" className="filters" aria-label="Stage">
            <div className="field"><label htmlFor="g-feature">Flag</label>
              <select id="g-feature" name="feature" defaultValue={flag.id} key={flag.id}>
                {flags.map((f) => <option key={f.id} value={f.id}>{f.key}</option>)}</select></div>
            <div className="field"><label htmlFor="g-env">Environment</label>
              <select id="g-env" name="env" defaultValue={environment.id} key={environment.id}>
                {environments.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}</select></div>
            <button type="submit">Show</button>
          </Form>
          <SettingsTable label={`Canary gates of ${flag.key} in ${environment.name}`} columns={["Metric", "Compares", "Fails when", "On failure", "Status"]}
            empty={<>No canary gate watches <span className="mono">{flag.key}</span> in {environment.name}.</>}
            rows={gates.map((g) => (
              <tr key={g.id} data-gate={g.metric.key}>
                <td><strong>{g.metric.name}</strong> <span className="small muted mono">{g.metric.key}</span></td>
                <td data-label="Compares"><span className="mono">{g.canaryVariant}</span> vs <span className="mono">{g.baselineVariant}</span></td>
                <td data-label="Fails when">{g.direction === "higher_is_better" ? "drops" : "rises"} more than {g.thresholdPct}% over {g.windowMinutes} min (min. {g.minSampleSize} samples)</td>
                <td data-label="On failure">{g.autoRollbackOnFail ? `kill switch${g.rollbackInMinutes ? `, released after ${g.rollbackInMinutes} min` : ""}` : "reported only"}</td>
                <td data-label="Status">{g.enabled ? "enabled" : "disabled"}</td>
                <td>{canManage && (
                  <div className="row settings-actions">
                    <EditDisclosure label={`Edit the gate on ${g.metric.key}`}>
                      {(close) => (
                        <FetcherForm intent="update" fields={{ id: g.id }} check={updateCheck} label={`Edit the gate on ${g.metric.key}`}
                          submitLabel="Save gate" pendingLabel="Saving…" onSuccess={close}>
                          <GateFields gate={g} variants={flag.variants} />
                        </FetcherForm>
                      )}
                    </EditDisclosure>
                    <ConfirmButton fields={{ intent: "delete", id: g.id }} label="Delete" ariaLabel={`Delete the gate on ${g.metric.key}`}
                      title={`Delete the canary gate on ${g.metric.key}?`} confirmLabel="Delete gate" pendingLabel="Deleting…">
                      <p>{flag.key} in {environment.name} is no longer analysed against {g.metric.key}, and its past verdicts are deleted.</p>
                    </ConfirmButton>
                  </div>
                )}</td>
              </tr>
            ))} />
          {canManage && (
            <section className="card stack" aria-labelledby="new-gate">
              <h2 id="new-gate">New canary gate on {flag.key} in {environment.name}</h2>
              {metrics.length === 0 ? <p className="muted">A gate watches a metric: <Link to="/settings/metrics">create one first</Link>.</p> : (
                <FetcherForm key={`${flag.id}-${environment.id}`} intent="create" fields={{ featureId: flag.id, environmentId: environment.id }} check={createCheck}
                  label="New canary gate" submitLabel="Create gate" pendingLabel="Creating…" resetOnSuccess
                  success={() => <p className="notice" role="status">Gate created. Enabled gates are analysed every minute.</p>}>
                  <div className="grid-2">
                    <SelectField name="metricKey" label="Metric" defaultValue=""
                      options={[{ value: "", label: "Choose…" }, ...metrics.map((m) => ({ value: m.key, label: `${m.name} (${m.key})` }))]} />
                    <GateFields variants={flag.variants} />
                  </div>
                </FetcherForm>
              )}
            </section>
          )}
        </>
      )}
    </div>
  );
}
