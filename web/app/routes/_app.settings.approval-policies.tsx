// Approval policies: which environments need approvals, how many and from whom; with the API's
// preview of what a change in an environment would require right now (the workflow's own rules,
// freeze windows included).
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { Field, FieldGroup } from "~/components/Field";
import { EditDeleteActions } from "~/components/settings/EditDeleteActions";
import { PolicyCustomRoles } from "~/components/PolicyCustomRoles";
import { SettingsFormCard } from "~/components/SettingsFormCard";
import type { ApprovalChangeType } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { policyProblems, readPolicy, POLICY_SCOPES, TEAM_ROLES, type PolicyScope } from "~/lib/settings-forms/approval-policies";
import {
  ApprovalPoliciesDoc, ApprovalPreviewDoc, CreateApprovalPolicyDoc, DeleteApprovalPolicyDoc, UpdateApprovalPolicyDoc,
} from "~/lib/docs/settings-delivery";
import { text } from "~/lib/form";
import { perform, saveForm } from "~/lib/settings-action.server";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Approval policies · Settings · FluxGate" }];

const CHANGE_TYPES: ApprovalChangeType[] = ["deploy", "rollback", "rules_change", "version_rollback"];
const SCOPE_LABEL: Record<PolicyScope, string> = { all: "All environments", production_only: "Production environments", specific: "Specific environments" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const previewEnvironment = params.get("previewEnvironment");
  const changeType = (CHANGE_TYPES.find((t) => t === params.get("changeType")) ?? "deploy") as ApprovalChangeType;
  const [data, preview] = await Promise.all([
    context.auth.query(ApprovalPoliciesDoc, { teamId: team.id }),
    previewEnvironment
      ? perform(() => context.auth.gql(ApprovalPreviewDoc, { teamId: team.id, environmentId: previewEnvironment, changeType }), (r) => ({ preview: r.approvalPolicyPreview }))
      : null,
  ]);
  return {
    policies: data.approvalPolicies, environments: data.team.environments, role: data.team.myRole,
    members: data.team.members.nodes.map((m) => ({ id: m.user.id, name: m.user.displayName || m.user.username, role: m.role })),
    preview, previewEnvironment, changeType,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = text(form, "id");
  if (intent === "delete") {
    const result = await attempt(() => context.auth.gql(DeleteApprovalPolicyDoc, { id }));
    return isFailure(result) ? result : { ok: true as const, message: `Policy ${result.deleteApprovalPolicy.name} deleted.` };
  }
  if (intent !== "create" && intent !== "update") return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  const values = readPolicy(form);
  return saveForm(intent, policyProblems(values), () => intent === "create"
    ? context.auth.gql(CreateApprovalPolicyDoc, { input: { teamId: team.id, ...values } })
    : context.auth.gql(UpdateApprovalPolicyDoc, { input: { id, ...values } }), { listPath: "/settings/approval-policies", created: `Policy ${values.name} created.` });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Policy = Data["policies"][number];

export default function ApprovalPolicies() {
  const data = useLoaderData<typeof loader>();
  const { policies, environments, members, role } = data;
  const [params] = useSearchParams();
  const editing = policies.find((p) => p.id === params.get("edit")) ?? null;
  const canManage = role === null || role === "team_admin";
  const envName = (id: string) => environments.find((e) => e.id === id)?.name ?? id;
  const userName = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  return (
    <div className="stack">
      <h1>Approval policies</h1>
      <p className="muted">A policy protects the environments it covers: deploys, rollbacks and rule changes there become approval requests. The most specific enabled policy governs an environment (specific, then production, then all).</p>
      {!canManage && <p className="notice">Only team admins change approval policies.</p>}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Approval policies of the team</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Covers</th><th scope="col">Approvals</th><th scope="col">Eligible</th><th scope="col">Auto-approve</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {policies.length === 0 && <tr><td colSpan={7} className="empty">No approval policy: every change applies at once.</td></tr>}
            {policies.map((p) => (
              <tr key={p.id} data-policy={p.name}>
                <td><strong>{p.name}</strong></td>
                <td data-label="Covers">{p.appliesTo === "specific" ? p.environmentIds.map(envName).join(", ") : SCOPE_LABEL[p.appliesTo as PolicyScope]}</td>
                <td data-label="Approvals">{p.requiredApprovals}</td>
                <td data-label="Eligible" className="small">{[...p.eligibleRoles.map((r) => r.replace("_", " ")), ...p.eligibleUserIds.map(userName)].join(", ")}
                  {p.allowAdminOverride && <div className="muted">team admins may override</div>}</td>
                <td data-label="Auto-approve">{p.autoApproveAfterHours ? `after ${p.autoApproveAfterHours} h` : "never"}</td>
                <td data-label="Status"><span className={`badge ${p.enabled ? "on" : "off"}`}>{p.enabled ? "enabled" : "disabled"}</span></td>
                <td>{canManage && (
                  <div className="row settings-actions">
                    <EditDeleteActions id={p.id} name={p.name} title={<>Delete the policy {p.name}?</>} confirmLabel="Delete policy">
                      <p>Its environments are no longer protected by it. Pending requests keep their approvers and stay decidable.</p>
                    </EditDeleteActions>
                  </div>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Preview data={data} />
      {canManage && <PolicyForm key={editing?.id ?? "new"} editing={editing} environments={environments} members={members} />}
      {canManage && editing && <section className="card"><PolicyCustomRoles key={editing.id} policyId={editing.id} policyName={editing.name} /></section>}
    </div>
  );
}

const OUTCOME: Record<string, string> = {
  NOT_REQUIRED: "No approval needed", REQUIRES_APPROVAL: "Requires approval", AUTO_APPROVED: "Approved automatically", BLOCKED: "Blocked",
};

function Preview({ data }: { data: Data }) {
  const { preview, previewEnvironment, changeType, environments, members } = data;
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location?.search.includes("previewEnvironment");
  const userName = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  return (
    <section className="card stack" aria-labelledby="preview-title">
      <h2 id="preview-title">What would a change require?</h2>
      <Form method="get" className="filters">
        <div className="field"><label htmlFor="preview-environment">Environment</label>
          <select id="preview-environment" name="previewEnvironment" defaultValue={previewEnvironment ?? environments[0]?.id}>
            {environments.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
          </select></div>
        <div className="field"><label htmlFor="preview-change">Change</label>
          <select id="preview-change" name="changeType" defaultValue={changeType}>
            {CHANGE_TYPES.map((t) => <option key={t} value={t}>{t.replace("_", " ")}</option>)}
          </select></div>
        <div><button type="submit" disabled={loading}>{loading ? "Checking…" : "Preview"}</button></div>
      </Form>
      <div aria-live="polite">
        {preview && !preview.ok && <p className="error" role="alert">{preview.error.message}</p>}
        {preview?.ok && (
          <div className="stack settings-preview" data-outcome={preview.preview.outcome}>
            <p><span className={`badge ${preview.preview.outcome === "NOT_REQUIRED" ? "on" : preview.preview.outcome === "BLOCKED" ? "killed" : "pending"}`}>{OUTCOME[preview.preview.outcome]}</span> {preview.preview.reason}</p>
            {preview.preview.policy && <p className="small">Policy: <strong>{preview.preview.policy.name}</strong> · {preview.preview.requiredApprovals} approval{preview.preview.requiredApprovals === 1 ? "" : "s"} needed</p>}
            {preview.preview.eligibleApproverIds.length > 0 && <p className="small">Who would be asked: {preview.preview.eligibleApproverIds.map(userName).join(", ")}</p>}
            {preview.preview.freezeWindows.map((f) => <p key={f.window.id} className="small">Frozen by {f.window.name} until {new Date(f.endsAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</p>)}
          </div>
        )}
      </div>
    </section>
  );
}

function PolicyForm({ editing, environments, members }: { editing: Policy | null; environments: Data["environments"]; members: Data["members"] }) {
  const [scope, setScope] = useState<PolicyScope>((editing?.appliesTo as PolicyScope | undefined) ?? "production_only");
  const roles = editing?.eligibleRoles ?? ["approver", "team_admin"];
  return (
    <SettingsFormCard idPrefix="policy" title={editing ? `Edit ${editing.name}` : "New approval policy"} editingId={editing?.id ?? null} check={(data) => policyProblems(readPolicy(data))}
      submitLabel={editing ? "Save policy" : "Create policy"} cancelTo="/settings/approval-policies">
        <div className="grid-2">
          <Field id="policy-name" name="name" label="Name" defaultValue={editing?.name} maxLength={100} />
          <Field id="policy-scope" name="appliesTo" label="Covers" control={(props) => (
            <select {...props} value={scope} onChange={(e) => setScope(e.target.value as PolicyScope)}>
              {POLICY_SCOPES.map((s) => <option key={s} value={s}>{SCOPE_LABEL[s]}</option>)}
            </select>
          )} />
          <Field id="policy-approvals" name="requiredApprovals" label="Approvals needed" hint="1 to 10." type="number" min={1} max={10} defaultValue={editing?.requiredApprovals ?? 1} />
          <Field id="policy-auto" name="autoApproveAfterHours" label="Approve automatically after (hours)" hint="Blank: never. 1 to 720." type="number" min={1} max={720} defaultValue={editing?.autoApproveAfterHours ?? ""} />
        </div>
        {scope === "specific" && (
          <FieldGroup name="environmentIds" legend="Environments">
            {environments.map((e) => (
              <label key={e.id} className="check"><input type="checkbox" name="environmentIds" value={e.id} defaultChecked={editing?.environmentIds.includes(e.id)} /> {e.name}</label>
            ))}
          </FieldGroup>
        )}
        <FieldGroup name="eligibleRoles" legend="Eligible roles">
          {TEAM_ROLES.map((r) => (
            <label key={r} className="check"><input type="checkbox" name="eligibleRoles" value={r} defaultChecked={(roles as string[]).includes(r)} /> {r.replace("_", " ")}</label>
          ))}
        </FieldGroup>
        <FieldGroup name="eligibleUserIds" legend="Eligible users" hint="Optional: these members may approve too.">
          {members.map((m) => (
            <label key={m.id} className="check"><input type="checkbox" name="eligibleUserIds" value={m.id} defaultChecked={editing?.eligibleUserIds.includes(m.id)} /> {m.name}</label>
          ))}
        </FieldGroup>
        <div className="row">
          <label className="check"><input type="checkbox" name="fallbackToRoles" defaultChecked={editing?.fallbackToRoles ?? true} /> Roles stay eligible when users are listed</label>
          <label className="check"><input type="checkbox" name="allowAdminOverride" defaultChecked={editing?.allowAdminOverride ?? false} /> A team admin may approve alone, with a reason</label>
          <label className="check"><input type="checkbox" name="enabled" defaultChecked={editing?.enabled ?? true} /> Enabled</label>
        </div>
    </SettingsFormCard>
  );
}
