import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { AuditDoc } from "~/lib/docs/delivery";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Audit log · FluxGate" }];
const ENTITY_TYPES = ["feature", "feature_stage", "rule", "variant", "approval_request", "environment", "segment", "client", "team", "user"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const { auditLog } = await context.auth.query(AuditDoc, {
    teamId: team.id, entityType: params.get("entityType") || null, entityId: params.get("entityId") || null, after: params.get("after") || null,
  });
  return { entries: auditLog.nodes, pageInfo: auditLog.pageInfo };
}

export default function Audit() {
  const { entries, pageInfo } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (pageInfo.endCursor) next.set("after", pageInfo.endCursor);
  return (
    <div className="stack">
      <h1>Audit log</h1>
      <Form method="get" className="filters" aria-label="Filter the audit log">
        <div className="field"><label htmlFor="entityType">Entity type</label>
          <select id="entityType" name="entityType" defaultValue={params.get("entityType") ?? ""}><option value="">Any</option>{ENTITY_TYPES.map((t) => <option key={t}>{t}</option>)}</select></div>
        <div className="field"><label htmlFor="entityId">Entity id</label><input id="entityId" name="entityId" defaultValue={params.get("entityId") ?? ""} className="mono" /></div>
        <button type="submit">Apply</button>
      </Form>
      <div className="table-wrap">
        <table>
          <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Entity</th><th scope="col">Change</th></tr></thead>
          <tbody>
            {entries.length === 0 && <tr><td colSpan={5} className="empty">No entries.</td></tr>}
            {entries.map((e) => (
              <tr key={e.id}>
                <td data-label="When (UTC)" className="small">{new Date(e.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })}</td>
                <td data-label="Who">{e.actorName}</td>
                <td data-label="Action">{e.action}{e.reason && <div className="small muted">“{e.reason}”</div>}</td>
                <td data-label="Entity" className="small">{e.entityType}<div className="mono muted">{e.entityId.slice(0, 8)}…</div></td>
                <td data-label="Change"><details><summary className="small">diff</summary><pre className="mono small" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxWidth: "40rem" }}>{JSON.stringify(e.diff, null, 2)}</pre></details></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pageInfo.hasNextPage && <Link to={`?${next}`}>Older entries</Link>}
    </div>
  );
}
