import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormError } from "~/components/FormError";
import type { ApprovalStatus } from "~/gql/graphql";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { RequestActions } from "~/components/RequestActions";
import { ApprovalsDoc, ApproveDoc, RejectDoc } from "~/lib/docs/delivery";
import { ApplyRequestDoc, ApprovalsRoleDoc, CancelRequestDoc, OverrideRequestDoc } from "~/lib/docs/governance";
import { freezeReason, overrideProblems } from "~/lib/request-actions";
import { describeRequestedChange, type RequestedChange as Change } from "~/lib/request-change";
import { perform, refusal } from "~/lib/settings-action.server";
import { optionalText, text } from "~/lib/form";
import { requireTeam } from "~/lib/team.server";
import { useLive } from "~/lib/use-live";

export const meta: MetaFunction = () => [{ title: "Approvals · FluxGate" }];
const STATUSES: ApprovalStatus[] = ["pending", "approved", "applied", "auto_approved", "rejected", "cancelled", "invalidated"];
const VIEWS = { mine: "Waiting for me", requested: "My requests", all: "All" } as const;
type View = keyof typeof VIEWS;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const view = (params.get("view") ?? "mine") as View;
  const statusParam = params.get("status");
  const status = view === "mine" ? "pending" : STATUSES.includes(statusParam as ApprovalStatus) ? (statusParam as ApprovalStatus) : null;
  const [data, role] = await Promise.all([
    context.auth.query(ApprovalsDoc, { teamId: team.id, status }),
    context.auth.query(ApprovalsRoleDoc, { teamId: team.id }),
  ]);
  const isAdmin = role.me.isSystemAdmin || role.team.myRole === "team_admin";
  // Policies that let a team admin approve alone (adminOverrideApprove refuses the others).
  const overridable = role.approvalPolicies.filter((p) => p.allowAdminOverride).map((p) => p.id);
  const waiting = new Set(data.pendingApprovals.map((r) => r.id));
  const requests = data.approvalRequests.nodes.filter((r) =>
    view === "mine" ? waiting.has(r.id) : view === "requested" ? r.requestedBy === data.me.id : true);
  const users = Object.fromEntries(data.team.members.nodes.map((m) => [m.user.id, m.user.username]));
  const features = Object.fromEntries(data.features.nodes.map((f) => [f.id, f.key]));
  const environments = Object.fromEntries(data.team.environments.map((e) => [e.id, e.name]));
  return { view: VIEWS[view] ? view : "mine", status, requests, waiting: [...waiting], me: data.me.id, users, features, environments, isAdmin, overridable };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const requestId = text(form, "requestId");
  const comment = optionalText(form, "comment");
  const intent = text(form, "intent");
  if (intent === "apply") {
    return perform(() => context.auth.gql(ApplyRequestDoc, { requestId, freezeOverrideReason: freezeReason(form) }));
  }
  if (intent === "cancel") return perform(() => context.auth.gql(CancelRequestDoc, { id: requestId }));
  if (intent === "override") {
    return refusal(overrideProblems(form)) ?? perform(() => context.auth.gql(OverrideRequestDoc, {
      requestId, reason: text(form, "reason"), freezeOverrideReason: freezeReason(form),
    }));
  }
  if (intent !== "approve" && intent !== "reject") return failure({ code: "BAD_USER_INPUT", message: "Approve or reject." });
  const result = await attempt(() => intent === "approve"
    ? context.auth.gql(ApproveDoc, { requestId, comment }).then((r) => r.approveRequest)
    : context.auth.gql(RejectDoc, { requestId, comment }).then((r) => r.rejectRequest));
  return isFailure(result) ? result : { ok: true as const, message: `Request ${result.status}.` };
}

export default function Approvals() {
  const { view, status, requests, waiting, me, users, features, environments, isAdmin, overridable } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  useLive("approvals");
  return (
    <div className="stack">
      <h1>Approvals</h1>
      <nav className="row" aria-label="Inbox">
        {(Object.keys(VIEWS) as View[]).map((v) => (
          <Link key={v} to={`?view=${v}`} className={`button${v === view ? " primary" : ""}`} aria-current={v === view ? "page" : undefined}>{VIEWS[v]}</Link>
        ))}
      </nav>
      {view !== "mine" && (
        <Form method="get" className="row">
          <input type="hidden" name="view" value={view} />
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={status ?? ""}><option value="">Any</option>{STATUSES.map((s) => <option key={s}>{s}</option>)}</select>
          <button type="submit">Filter</button>
        </Form>
      )}
      {requests.length === 0 && <p className="empty card">{view === "mine" ? "Nothing is waiting for you." : "No requests."}</p>}
      <ul className="stack" style={{ listStyle: "none", padding: 0 }} aria-label="Approval requests">
        {requests.map((r) => {
          const own = r.requestedBy === me;
          const eligible = waiting.includes(r.id);
          const why = own ? "You made this request: someone else must approve it." : !eligible ? "You are not among this request's approvers (or already voted)." : undefined;
          return (
            <li key={r.id} className="card stack" data-request={r.id}>
              <div className="row">
                <strong className="mono">{features[r.featureId] ?? r.featureId}</strong>
                <span>{r.action.replace(/_/g, " ")} in {environments[r.environmentId] ?? "?"}</span>
                <span className={`badge ${r.status === "pending" ? "pending" : r.status === "applied" || r.status === "approved" ? "on" : "off"}`}>{r.status}</span>
                <span className="small muted">by {users[r.requestedBy] ?? "unknown"} · {new Date(r.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC · {r.votes.filter((v) => v.vote === "approve").length}/{r.requiredApprovals} approvals</span>
              </div>
              {r.comment && <p>“{r.comment}”</p>}
              <RequestedChange change={describeRequestedChange(r.action, r.payload, environments[r.environmentId] ?? "?", environments)} />
              {r.votes.length > 0 && <p className="small muted" data-votes>Votes: {r.votes.map((v) =>
                `${users[v.userId] ?? "a former member"} ${v.vote === "approve" ? "approved" : "rejected"}${v.comment ? ` (“${v.comment}”)` : ""}`).join("; ")}</p>}
              {r.status === "pending" && <Vote requestId={r.id} disabledReason={why} />}
              <RequestActions requestId={r.id} status={r.status} mayCancel={own || isAdmin} mayOverride={isAdmin && !own && r.policyId !== null && overridable.includes(r.policyId)}
                mayApply={isAdmin || own || r.eligibleUserIds.includes(me)} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** What applying the request does, in words; the proposed rules as a numbered list. */
function RequestedChange({ change }: { change: Change }) {
  return (
    <div className="stack small" data-change>
      <p>{change.summary}</p>
      {change.rules.length > 0 && <ol aria-label="Proposed rules">{change.rules.map((rule, i) => <li key={i}>{rule}</li>)}</ol>}
      {change.raw !== null && (
        <details>
          <summary>Requested change (JSON)</summary>
          <pre className="mono" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{change.raw}</pre>
        </details>
      )}
    </div>
  );
}

function Vote({ requestId, disabledReason }: { requestId: string; disabledReason?: string }) {
  const fetcher = useFetcher<typeof action>();
  const hint = `why-${requestId}`;
  const voting = fetcher.state !== "idle" ? fetcher.formData?.get("intent") : undefined;
  return (
    <fetcher.Form method="post" className="row">
      <input type="hidden" name="requestId" value={requestId} />
      <label htmlFor={`c-${requestId}`} className="sr-only">Comment</label>
      <input id={`c-${requestId}`} name="comment" placeholder="Comment (optional)" disabled={Boolean(disabledReason)} />
      <button type="submit" name="intent" value="approve" className="primary" disabled={Boolean(disabledReason) || fetcher.state !== "idle"} aria-describedby={disabledReason ? hint : undefined}>{voting === "approve" ? "Approving…" : "Approve"}</button>
      <button type="submit" name="intent" value="reject" disabled={Boolean(disabledReason) || fetcher.state !== "idle"} aria-describedby={disabledReason ? hint : undefined}>{voting === "reject" ? "Rejecting…" : "Reject"}</button>
      {disabledReason && <span id={hint} className="small muted">{disabledReason}</span>}
      {fetcher.data && !fetcher.data.ok && <FormError error={fetcher.data.error} />}
    </fetcher.Form>
  );
}
