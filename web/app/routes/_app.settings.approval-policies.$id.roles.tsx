// The custom roles an approval policy makes eligible approvers (members of those roles may approve
// its requests). A resource route for components/PolicyCustomRoles.tsx: the loader lists the team's
// roles and the policy's choice, the action replaces the choice (setApprovalPolicyCustomRoles).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { failure } from "~/lib/api-error";
import { PolicyRolesDoc, SetPolicyRolesDoc } from "~/lib/docs/governance";
import { perform } from "~/lib/settings-action.server";
import { requireTeam } from "~/lib/team.server";

const MAX_POLICY_ROLES = 20;

export async function loader({ params, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const data = await context.auth.query(PolicyRolesDoc, { teamId: team.id });
  const policy = data.approvalPolicies.find((p) => p.id === params.id);
  if (!policy) throw Response.json({ code: "NOT_FOUND", message: "No such approval policy in this team." }, { status: 404 });
  return { roles: data.customRoles, selected: policy.eligibleCustomRoles.map((r) => r.id) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const roleIds = [...new Set(form.getAll("roleId").map(String).filter(Boolean))];
  if (roleIds.length > MAX_POLICY_ROLES) return failure({ code: "BAD_USER_INPUT", field: "roleId", message: `Choose at most ${MAX_POLICY_ROLES} roles.` });
  return perform(() => context.auth.gql(SetPolicyRolesDoc, { policyId: params.id!, roleIds }),
    (r) => ({ selected: r.setApprovalPolicyCustomRoles.eligibleCustomRoles.map((role) => role.id) }));
}
