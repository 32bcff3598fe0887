import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useHere } from "~/lib/use-here";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import type { RuleInput } from "~/gql/graphql";
import { FlagLifecycleActions } from "~/components/FlagLifecycleActions";
import { FormError } from "~/components/FormError";
import { KillSwitchButton } from "~/components/KillSwitchButton";
import { RulesEditor } from "~/components/RulesEditor";
import { ScheduledChanges } from "~/components/ScheduledChanges";
import { SubmitButton } from "~/components/SubmitButton";
import { VariantList } from "~/components/VariantList";
import { VariantValueInput } from "~/components/VariantValueInput";
import { attempt, isFailure } from "~/lib/action.server";
import { attributeHints } from "~/lib/attribute-hints";
import { failure } from "~/lib/api-error";
import {
  CancelScheduledChangeDoc, CreateScheduledChangeDoc, CreateVariantDoc, DiffDoc, ScheduledChangesDoc, EvaluateDoc, FlagPageDoc, RemovePrerequisiteDoc, RequestRulesChangeDoc, RescheduleScheduledChangeDoc, RollbackVersionDoc,
  SetPrerequisiteDoc, SetStageRulesDoc, SetStageVariantsDoc, UpdateFeatureDoc, VersionsDoc,
} from "~/lib/docs/flag";
import { ArchiveFeatureDoc, DeleteFeatureDoc, DeleteVariantDoc, UpdateVariantDoc } from "~/lib/docs/flag-lifecycle";
import { optionalText, text } from "~/lib/form";
import { rescheduleInstant, rescheduleProblems } from "~/lib/reschedule";
import { refusal } from "~/lib/settings-action.server";
import { runStageIntent } from "~/lib/stage-actions.server";
import { byEnvironmentOrder, isLive, stageBadge } from "~/lib/stage-status";
import { requireTeam } from "~/lib/team.server";
import { useLive } from "~/lib/use-live";
import type { ValueTypeName } from "~/lib/variant-values";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.feature.key ?? "Flag"} · FluxGate` }];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const url = new URL(request.url);
  const [page, versions, schedules] = await Promise.all([
    context.auth.query(FlagPageDoc, { id: params.id!, teamId: team.id }),
    context.auth.query(VersionsDoc, { featureId: params.id! }),
    context.auth.query(ScheduledChangesDoc, { teamId: team.id, featureId: params.id! }),
  ]);
  const diffVersion = Number(url.searchParams.get("diff"));
  const diff = Number.isInteger(diffVersion) && diffVersion > 1
    ? (await context.auth.query(DiffDoc, { featureId: params.id!, from: diffVersion - 1, to: diffVersion })).diffFeatureVersions
    : null;
  const stages = [...page.feature.stages].sort((a, b) => byEnvironmentOrder(a.environment, b.environment));
  return {
    feature: { ...page.feature, stages }, role: page.team.myRole, segments: page.segments.nodes.map((s) => s.key),
    attributes: attributeHints(page.contexts.nodes),
    otherFlags: page.features.nodes.filter((f) => f.id !== params.id), versions: versions.featureVersions.nodes, diff, diffVersion,
    schedules: schedules.scheduledChanges,
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // "Promote to <next>" deploys the next stage along the pipeline.
  const promote = text(form, "promoteStageId");
  if (promote) {
    form.set("intent", "deploy");
    form.set("stageId", promote);
  }
  const stageResult = await runStageIntent(context, form);
  if (stageResult) return stageResult;
  const featureId = params.id!;
  const intent = text(form, "intent");
  const ok = (message: string) => ({ ok: true as const, message });
  switch (intent) {
    case "saveRules": {
      let rules: unknown;
      try {
        rules = JSON.parse(String(form.get("rules")));
      } catch {
        return failure({ code: "BAD_USER_INPUT", field: "rules", message: "The rules could not be read." });
      }
      const stageId = text(form, "stageId");
      const expectedVersion = Number(text(form, "expectedVersion")) || undefined;
      const input = rules as RuleInput[];
      const saved = await attempt(() => context.auth.gql(SetStageRulesDoc, { stageId, rules: input, expectedVersion }));
      if (!isFailure(saved)) return ok("Rules saved.");
      if (saved.error.reason !== "APPROVAL_REQUIRED") return saved;
      // A protected environment: the same list goes through an approval request.
      // A request proposes the whole list afresh: the API takes no rule ids there.
      const proposed = input.map(({ id: _id, ...rule }) => rule);
      const requested = await attempt(() => context.auth.gql(RequestRulesChangeDoc, { stageId, rules: proposed, comment: optionalText(form, "comment") }));
      return isFailure(requested) ? requested : ok("This environment is protected: the rules change is waiting for approval.");
    }
    case "stageVariants": {
      const result = await attempt(() => context.auth.gql(SetStageVariantsDoc, { input: {
        stageId: text(form, "stageId"), defaultVariant: optionalText(form, "defaultVariant") ?? null, offVariant: optionalText(form, "offVariant") ?? null,
      } }));
      return isFailure(result) ? result : ok("Default and off variants saved.");
    }
    case "overview": {
      const result = await attempt(() => context.auth.gql(UpdateFeatureDoc, { input: {
        id: featureId, expectedVersion: Number(text(form, "version")) || undefined,
        name: text(form, "name"), description: text(form, "description"), owner: optionalText(form, "owner") ?? null,
        tags: text(form, "tags").split(",").map((t) => t.trim()).filter(Boolean),
        lifecycle: text(form, "lifecycle") as "draft" | "active" | "deprecated", purpose: optionalText(form, "purpose") ?? null,
        expiresAt: optionalText(form, "expiresAt") ? new Date(text(form, "expiresAt")).toISOString() : null,
      } }));
      return isFailure(result) ? result : ok("Overview saved.");
    }
    case "addVariant": {
      const result = await attempt(() => context.auth.gql(CreateVariantDoc, { input: {
        featureId, control: text(form, "key"), value: text(form, "value"), valueType: text(form, "type") as ValueTypeName, description: optionalText(form, "description"),
      } }));
      return isFailure(result) ? result : ok("Variant added.");
    }
    case "updateVariant": {
      const result = await attempt(() => context.auth.gql(UpdateVariantDoc, { input: {
        id: text(form, "variantId"), value: text(form, "value"), description: text(form, "description"),
      } }));
      return isFailure(result) ? result : ok(`Variant ${result.updateFeatureVariant.key} saved.`);
    }
    case "deleteVariant": {
      const result = await attempt(() => context.auth.gql(DeleteVariantDoc, { id: text(form, "variantId") }));
      return isFailure(result) ? result : ok(`Variant ${result.deleteFeatureVariant.key} deleted.`);
    }
    case "archiveFeature": {
      const result = await attempt(() => context.auth.gql(ArchiveFeatureDoc, { id: featureId, freezeOverrideReason: optionalText(form, "freezeOverrideReason") }));
      return isFailure(result) ? result : ok("Flag archived.");
    }
    case "deleteFeature": {
      const result = await attempt(() => context.auth.gql(DeleteFeatureDoc, { id: featureId, freezeOverrideReason: optionalText(form, "freezeOverrideReason") }));
      return isFailure(result) ? result : redirect(`/flags?${new URLSearchParams({ deleted: result.deleteFeature.key })}`);
    }
    case "addPrerequisite": {
      const result = await attempt(() => context.auth.gql(SetPrerequisiteDoc, { input: {
        featureId, requiredFeatureId: text(form, "requiredFeatureId"), variant: optionalText(form, "variant"),
      } }));
      return isFailure(result) ? result : ok("Prerequisite saved.");
    }
    case "removePrerequisite": {
      const result = await attempt(() => context.auth.gql(RemovePrerequisiteDoc, { featureId, requiredFeatureId: text(form, "requiredFeatureId") }));
      return isFailure(result) ? result : ok("Prerequisite removed.");
    }
    case "evaluate": {
      let evaluationContext: unknown;
      try {
        evaluationContext = JSON.parse(text(form, "context") || "{}");
      } catch {
        return failure({ code: "BAD_USER_INPUT", field: "context", message: "The context is not valid JSON." });
      }
      const result = await attempt(() => context.auth.gql(EvaluateDoc, { environmentId: text(form, "environmentId"), featureKey: text(form, "featureKey"), context: evaluationContext }));
      return isFailure(result) ? result : { ok: true as const, message: "Evaluated.", evaluation: result.evaluateFeature };
    }
    case "schedule": {
      const runAt = runAtOf(form);
      if (!runAt) return failure({ code: "BAD_USER_INPUT", field: "runAt", message: "Choose when the change runs." });
      const action = text(form, "action") as "stage_change" | "set_rollout" | "enable" | "disable";
      const result = await attempt(() => context.auth.gql(CreateScheduledChangeDoc, { input: {
        featureId, action, runAt, timezone: optionalText(form, "timezone"),
        ...(action === "stage_change" ? { stageId: text(form, "stageId"), stageChange: text(form, "stageChange") as "deploy" | "rollback" } : {}),
        ...(action === "set_rollout" ? { ruleId: text(form, "ruleId"), percentage: Number(text(form, "percentage")) } : {}),
      } }));
      return isFailure(result) ? result : ok("Change scheduled.");
    }
    case "reschedule": {
      const refused = refusal(rescheduleProblems(form, Date.now()));
      if (refused) return refused;
      const result = await attempt(() => context.auth.gql(RescheduleScheduledChangeDoc, {
        id: text(form, "scheduleId"), scheduledAt: rescheduleInstant(form)!.toISOString(), timezone: optionalText(form, "timezone"),
      }));
      return isFailure(result) ? result : ok("Change rescheduled.");
    }
    case "cancelSchedule": {
      const result = await attempt(() => context.auth.gql(CancelScheduledChangeDoc, { id: text(form, "scheduleId") }));
      return isFailure(result) ? result : ok("Scheduled change cancelled.");
    }
    case "rollbackVersion": {
      const result = await attempt(() => context.auth.gql(RollbackVersionDoc, { featureId, version: Number(text(form, "version")), comment: optionalText(form, "comment") }));
      if (isFailure(result)) return result;
      return ok(result.rollbackFeatureToVersion.request ? "Rollback to that version is waiting for approval." : `Restored as version ${result.rollbackFeatureToVersion.version}.`);
    }
    default:
      return failure({ code: "BAD_USER_INPUT", message: `Unknown action ${intent || "(none)"}.` });
  }
}

// datetime-local is wall time in the browser's zone; offsetMinutes (getTimezoneOffset) makes it an instant.
function runAtOf(form: FormData): string | null {
  const local = Date.parse(`${text(form, "runAt")}:00Z`);
  return Number.isNaN(local) ? null : new Date(local + Number(text(form, "offsetMinutes") || 0) * 60_000).toISOString();
}

const CAN_EDIT = new Set(["team_admin", "requester"]);

export default function FlagPage() {
  const here = useHere();
  const { feature, role, segments, attributes, otherFlags, versions, diff, diffVersion, schedules } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params, setParams] = useSearchParams();
  const stage = feature.stages.find((s) => s.environment.key === params.get("env")) ?? feature.stages[0];
  useLive("features", stage ? { environmentId: stage.environment.id } : {});
  useLive("approvals");
  const canEdit = role === null || CAN_EDIT.has(role);
  // Promotion: the next environment along the pipeline order.
  const nextStage = stage ? feature.stages[feature.stages.indexOf(stage) + 1] : undefined;
  const isAdmin = role === null || role === "team_admin";
  const variantKeys = feature.variants.length ? feature.variants.map((v) => v.key) : feature.type === "BOOLEAN" ? ["on", "off"] : [];
  return (
    <div className="stack">
      <div className="toolbar">
        <div>
          <p className="small"><Link to="/flags">Flags</Link> /</p>
          <h1 className="mono">{feature.key}</h1>
          <p className="muted small">{feature.name} · {feature.type.toLowerCase()} · {feature.lifecycle} · version {feature.version}</p>
        </div>
        <div className="row">
          {feature.killSwitchEnabled
            ? <span className="badge killed">killed{feature.killSwitchReason ? `: ${feature.killSwitchReason}` : ""}</span>
            : <KillSwitchButton featureId={feature.id} featureKey={feature.key} disabled={isAdmin ? undefined : "Only team admins engage kill switches."} />}
          <FlagLifecycleActions featureId={feature.id} featureKey={feature.key} archived={feature.lifecycle === "archived"} canEdit={canEdit} />
        </div>
      </div>
      {result && !result.ok && <FormError error={result.error} />}
      {result?.ok && result.message !== "Evaluated." && <p className="notice" role="status">{result.message}</p>}

      <section className="card" aria-labelledby="env-title">
        <h2 id="env-title">Environments</h2>
        <div className="row" role="tablist" aria-label="Environment">
          {feature.stages.map((s) => {
            const badge = stageBadge(s.status, feature.killSwitchEnabled);
            const selected = s.id === stage?.id;
            return (
              <button key={s.id} type="button" role="tab" aria-selected={selected} className={selected ? "primary" : ""}
                onClick={() => setParams((p) => { p.set("env", s.environment.key); return p; }, { preventScrollReset: true })}>
                {s.environment.name} <span className={`badge ${badge.tone}`}>{badge.label}</span>
              </button>
            );
          })}
        </div>
        {stage && (
          <div className="stack" role="tabpanel" aria-label={stage.environment.name} style={{ marginTop: "0.75rem" }}>
            <Form method="post" action={here} className="row">
              <input type="hidden" name="stageId" value={stage.id} />
              <label htmlFor="stage-comment" className="sr-only">Comment for the deploy or rollback</label>
              <input id="stage-comment" name="comment" placeholder="Comment (optional)" />
              {isLive(stage.status) && nextStage && !isLive(nextStage.status) && (
                <SubmitButton name="promoteStageId" value={nextStage.id} match={{ promoteStageId: nextStage.id }} pendingLabel="Promoting…"
                  className="primary" disabled={!canEdit || nextStage.status === "DEPLOYMENT_REQUESTED"}>
                  Promote to {nextStage.environment.name}
                </SubmitButton>
              )}
              {isLive(stage.status)
                ? <SubmitButton name="intent" value="rollback" match={{ intent: "rollback", stageId: stage.id }} pendingLabel="Requesting…" disabled={!canEdit}>Request rollback in {stage.environment.name}</SubmitButton>
                : <SubmitButton name="intent" value="deploy" match={{ intent: "deploy", stageId: stage.id }} pendingLabel="Requesting…" className="primary" disabled={!canEdit || stage.status === "DEPLOYMENT_REQUESTED"}>Request deploy to {stage.environment.name}</SubmitButton>}
            </Form>
            <h3>Rules</h3>
            <RulesEditor key={stage.id} stageId={stage.id} stageVersion={feature.version} rules={stage.rules} variants={variantKeys}
              segments={segments} attributes={attributes} canEdit={canEdit} envName={stage.environment.name} />
            <h3>Default and off variants</h3>
            <Form method="post" action={here} className="row" key={`v-${stage.id}`}>
              <input type="hidden" name="intent" value="stageVariants" />
              <input type="hidden" name="stageId" value={stage.id} />
              <div className="field"><label htmlFor="defaultVariant">Default (no rule matched)</label>
                <select id="defaultVariant" name="defaultVariant" defaultValue={stage.defaultVariant ?? ""}><option value="">—</option>{variantKeys.map((v) => <option key={v}>{v}</option>)}</select></div>
              <div className="field"><label htmlFor="offVariant">Off (not deployed, killed)</label>
                <select id="offVariant" name="offVariant" defaultValue={stage.offVariant ?? ""}><option value="">— (caller's default)</option>{variantKeys.map((v) => <option key={v}>{v}</option>)}</select></div>
              <SubmitButton match={{ intent: "stageVariants" }} pendingLabel="Saving…" disabled={!canEdit}>Save variants</SubmitButton>
            </Form>
            <TryIt featureKey={feature.key} environmentId={stage.environment.id} envName={stage.environment.name} />
          </div>
        )}
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="overview-title">
          <h2 id="overview-title">Overview</h2>
          <Form method="post" action={here} className="stack" key={`o-${feature.version}`}>
            <input type="hidden" name="intent" value="overview" />
            <input type="hidden" name="version" value={feature.version} />
            <div className="field"><label htmlFor="ov-name">Name</label><input id="ov-name" name="name" defaultValue={feature.name} /></div>
            <div className="field"><label htmlFor="ov-desc">Description</label><textarea id="ov-desc" name="description" defaultValue={feature.description} /></div>
            <div className="field"><label htmlFor="ov-purpose">Purpose</label><input id="ov-purpose" name="purpose" defaultValue={feature.purpose ?? ""} /></div>
            <div className="field"><label htmlFor="ov-owner">Owner</label><input id="ov-owner" name="owner" defaultValue={feature.owner ?? ""} /></div>
            <div className="field"><label htmlFor="ov-tags">Tags (comma-separated)</label><input id="ov-tags" name="tags" defaultValue={feature.tags.join(", ")} /></div>
            <div className="field"><label htmlFor="ov-lifecycle">Lifecycle</label>
              <select id="ov-lifecycle" name="lifecycle" defaultValue={feature.lifecycle === "archived" ? "deprecated" : feature.lifecycle}>
                <option value="draft">draft</option><option value="active">active</option><option value="deprecated">deprecated</option></select></div>
            <div className="field"><label htmlFor="ov-expires">Expires</label><input id="ov-expires" name="expiresAt" type="date" defaultValue={feature.expiresAt?.slice(0, 10) ?? ""} /></div>
            <div><SubmitButton match={{ intent: "overview" }} pendingLabel="Saving…" disabled={!canEdit}>Save overview</SubmitButton></div>
          </Form>
        </section>

        <section className="card stack" aria-labelledby="variants-title">
          <h2 id="variants-title">Variants</h2>
          {feature.variants.length === 0
            ? <p className="muted">{feature.type === "BOOLEAN" ? "Implicit on = true, off = false." : "No variants yet."}</p>
            : <VariantList variants={feature.variants} type={feature.type as ValueTypeName} canEdit={canEdit} />}
          {canEdit && (
            <Form method="post" action={here} className="stack">
              <input type="hidden" name="intent" value="addVariant" />
              <input type="hidden" name="type" value={feature.type} />
              <div className="field"><label htmlFor="nv-key">New variant key</label><input id="nv-key" name="key" required className="mono" /></div>
              <VariantValueInput id="nv-value" name="value" type={feature.type as ValueTypeName} label="Value (JSON)" />
              <div><SubmitButton match={{ intent: "addVariant" }} pendingLabel="Adding…">Add variant</SubmitButton></div>
            </Form>
          )}
          <h2>Prerequisites</h2>
          {feature.prerequisites.length === 0 && <p className="muted">None: this flag does not depend on another.</p>}
          <ul>
            {feature.prerequisites.map((p) => (
              <li key={p.feature.id} className="row">
                <Link className="mono" to={`/flags/${p.feature.id}`}>{p.feature.key}</Link> must serve {p.variant ? <code>{p.variant}</code> : "true"}
                {canEdit && <Form method="post" action={here}><input type="hidden" name="intent" value="removePrerequisite" /><input type="hidden" name="requiredFeatureId" value={p.feature.id} /><SubmitButton match={{ intent: "removePrerequisite", requiredFeatureId: p.feature.id }} pendingLabel="Removing…" aria-label={`Remove prerequisite ${p.feature.key}`}>Remove</SubmitButton></Form>}
              </li>
            ))}
          </ul>
          {canEdit && (
            <Form method="post" action={here} className="row">
              <input type="hidden" name="intent" value="addPrerequisite" />
              <div className="field"><label htmlFor="pr-flag">Requires flag</label>
                <select id="pr-flag" name="requiredFeatureId" required>{otherFlags.map((f) => <option key={f.id} value={f.id}>{f.key}</option>)}</select></div>
              <div className="field"><label htmlFor="pr-variant">Serving variant <span className="hint">(empty: true)</span></label><input id="pr-variant" name="variant" /></div>
              <SubmitButton match={{ intent: "addPrerequisite" }} pendingLabel="Adding…">Add prerequisite</SubmitButton>
            </Form>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="schedule-title">
        <h2 id="schedule-title">Scheduled changes</h2>
        <ScheduledChanges changes={schedules} stages={feature.stages} canEdit={canEdit} />
      </section>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {versions.length === 0 ? <p className="muted">No versions yet.</p> : (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Version</th><th scope="col">When</th><th scope="col">Change</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version}>
                    <td data-label="Version">{v.version}</td>
                    <td data-label="When" className="small">{new Date(v.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</td>
                    <td data-label="Change">{v.summary} <span className="muted small">({v.source})</span></td>
                    <td className="row">
                      {v.version > 1 && <Link to={`?${new URLSearchParams({ ...Object.fromEntries(params), diff: String(v.version) })}#history-title`} preventScrollReset>Diff</Link>}
                      {v.version !== feature.version && canEdit && (
                        <Form method="post" action={here}><input type="hidden" name="intent" value="rollbackVersion" /><input type="hidden" name="version" value={v.version} />
                          <SubmitButton match={{ intent: "rollbackVersion", version: String(v.version) }} pendingLabel="Rolling back…" aria-label={`Roll back to version ${v.version}`}>Roll back to this</SubmitButton></Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {diff && (
          <div className="stack" style={{ marginTop: "0.75rem" }}>
            <h3>Changes in version {diffVersion}</h3>
            {diff.length === 0 ? <p className="muted">No configuration change.</p> : (
              <div className="table-wrap"><table>
                <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
                <tbody>{diff.map((d) => <tr key={d.path}><td className="mono">{d.path}</td><td data-label="Before"><code>{show(d.before)}</code></td><td data-label="After"><code>{show(d.after)}</code></td></tr>)}</tbody>
              </table></div>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

const show = (value: unknown) => (value === undefined || value === null ? "—" : typeof value === "string" ? value : JSON.stringify(value));

function TryIt({ featureKey, environmentId, envName }: { featureKey: string; environmentId: string; envName: string }) {
  const fetcher = useFetcher<typeof action>();
  const [attributes, setAttributes] = useState<{ name: string; type: "string" | "number" | "boolean"; value: string }[]>([]);
  const [targetingKey, setTargetingKey] = useState("user-1");
  const contextValue = Object.fromEntries([["targetingKey", targetingKey], ...attributes.filter((a) => a.name).map((a) => [a.name,
    a.type === "number" ? Number(a.value) : a.type === "boolean" ? a.value === "true" : a.value])]);
  const data = fetcher.data;
  const evaluation = data && data.ok && "evaluation" in data ? data.evaluation : null;
  return (
    <fetcher.Form method="post" className="stack card" style={{ background: "var(--surface-2)" }} aria-labelledby="try-title">
      <h3 id="try-title">Try it in {envName}</h3>
      <input type="hidden" name="intent" value="evaluate" />
      <input type="hidden" name="environmentId" value={environmentId} />
      <input type="hidden" name="featureKey" value={featureKey} />
      <input type="hidden" name="context" value={JSON.stringify(contextValue)} />
      <div className="field"><label htmlFor="try-key">targetingKey</label><input id="try-key" value={targetingKey} onChange={(e) => setTargetingKey(e.target.value)} /></div>
      {attributes.map((a, i) => (
        <div className="row" key={i}>
          <label className="sr-only" htmlFor={`try-n${i}`}>Attribute {i + 1} name</label>
          <input id={`try-n${i}`} placeholder="attribute" value={a.name} onChange={(e) => setAttributes(attributes.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
          <label className="sr-only" htmlFor={`try-t${i}`}>Attribute {i + 1} type</label>
          <select id={`try-t${i}`} value={a.type} onChange={(e) => setAttributes(attributes.map((x, j) => (j === i ? { ...x, type: e.target.value as "string" } : x)))}>
            <option value="string">string</option><option value="number">number</option><option value="boolean">boolean</option></select>
          <label className="sr-only" htmlFor={`try-v${i}`}>Attribute {i + 1} value</label>
          {a.type === "boolean"
            ? <select id={`try-v${i}`} value={a.value} onChange={(e) => setAttributes(attributes.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}><option>true</option><option>false</option></select>
            : <input id={`try-v${i}`} type={a.type === "number" ? "number" : "text"} placeholder="value" value={a.value} onChange={(e) => setAttributes(attributes.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />}
          <button type="button" onClick={() => setAttributes(attributes.filter((_, j) => j !== i))} aria-label={`Remove attribute ${i + 1}`}>×</button>
        </div>
      ))}
      <div className="row">
        <button type="button" onClick={() => setAttributes([...attributes, { name: "", type: "string", value: "" }])}>Add attribute</button>
        <button type="submit" className="primary" disabled={fetcher.state !== "idle"}>{fetcher.state !== "idle" ? "Evaluating…" : "Evaluate"}</button>
      </div>
      {data && !data.ok && <FormError error={data.error} />}
      {evaluation && (
        <dl className="row" aria-live="polite" data-testid="try-result">
          <dt>Value</dt><dd className="mono">{JSON.stringify(evaluation.value)}</dd>
          <dt>Variant</dt><dd className="mono">{evaluation.variant ?? "—"}</dd>
          <dt>Reason</dt><dd>{evaluation.reason ?? evaluation.errorCode}</dd>
          <dt>Rule</dt><dd>{String((evaluation.metadata as unknown as Record<string, unknown> | null)?.ruleId ?? "—")}</dd>
        </dl>
      )}
    </fetcher.Form>
  );
}
