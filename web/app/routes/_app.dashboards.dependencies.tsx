// Dependency graph of prerequisites: every flag that requires or is required by another, laid out
// automatically (dagre), each box a link to its flag, with the same edges as a list. Prerequisites
// can be added and removed here; one that would close a cycle is refused before it is sent (the
// cycle named), and by the API, whose message is shown as it is worded, should the graph have
// changed since it was read. Live: any published change in the team re-reads the graph.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useMemo, useState, type FormEvent } from "react";
import { DependencyGraph } from "~/components/DependencyGraph";
import { FormError } from "~/components/FormError";
import { LiveStatus } from "~/components/LiveStatus";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { layoutDependencies, prerequisiteCycle, requiredBy, type FlagNode } from "~/lib/dependency-graph";
import { DependencyGraphDoc } from "~/lib/docs/dependencies";
import { RemovePrerequisiteDoc, SetPrerequisiteDoc } from "~/lib/docs/flag";
import { optionalText, text } from "~/lib/form";
import { pageAll } from "~/lib/page-all.server";
import { requireTeam } from "~/lib/team.server";
import { useLiveTeam } from "~/lib/use-live";

export const meta: MetaFunction = () => [{ title: "Dependency graph · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  let role: string | null = null;
  const { nodes, truncated } = await pageAll(async (after) => {
    const data = await context.auth.query(DependencyGraphDoc, { teamId: team.id, after });
    role = data.team.myRole;
    return data.features;
  });
  return { flags: nodes, truncated, role };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const featureId = text(form, "featureId");
  const requiredFeatureId = text(form, "requiredFeatureId");
  const intent = text(form, "intent");
  if (!featureId || !requiredFeatureId) return failure({ code: "BAD_USER_INPUT", field: "featureId", message: "Choose the flag and the flag it requires." });
  if (intent === "add") {
    if (featureId === requiredFeatureId) return failure({ code: "BAD_USER_INPUT", field: "requiredFeatureId", message: "A flag cannot require itself." });
    const result = await attempt(() => context.auth.gql(SetPrerequisiteDoc, { input: { featureId, requiredFeatureId, variant: optionalText(form, "variant") } }));
    return isFailure(result) ? result : { ok: true as const, message: "Prerequisite added." };
  }
  if (intent === "remove") {
    const result = await attempt(() => context.auth.gql(RemovePrerequisiteDoc, { featureId, requiredFeatureId }));
    return isFailure(result) ? result : { ok: true as const, message: "Prerequisite removed." };
  }
  return failure({ code: "BAD_USER_INPUT", message: `Unknown action ${intent || "(none)"}.` });
}

const CAN_EDIT = new Set(["team_admin", "requester"]);
const CHANGE = "dependency-change";

export default function DependenciesDashboard() {
  const { flags, truncated, role } = useLoaderData<typeof loader>();
  // One fetcher shared by every form here (by key): its answer outlives the list item that sent it
  // and, unlike action data, survives the live re-reads.
  // Shown once the graph has been re-read too (the fetcher reloads the page's data after its action).
  const change = useFetcher<typeof action>({ key: CHANGE });
  const result = change.state === "idle" ? change.data : undefined;
  const live = useLiveTeam();
  const graph = useMemo(() => layoutDependencies(flags), [flags]);
  const dependents = useMemo(() => requiredBy(flags), [flags]);
  const canEdit = role === null || CAN_EDIT.has(role);
  const withEdges = [...flags].filter((f) => f.prerequisites.length > 0 || dependents.has(f.id)).sort((a, b) => a.key.localeCompare(b.key));
  return (
    <div className="stack">
      <div className="toolbar"><h1>Dependency graph</h1><LiveStatus state={live} /></div>
      <p className="muted">A flag with prerequisites is on only while each of them serves the variant named (or true). Arrows point from a prerequisite to the flags that require it.</p>
      {truncated && <p className="notice" role="status">Showing the first 1000 flags of the team.</p>}
      {result && !result.ok && <FormError error={result.error} />}
      {result?.ok && <p className="notice" role="status">{result.message}</p>}
      <section className="card stack" aria-labelledby="graph-title">
        <h2 id="graph-title">Prerequisites</h2>
        {graph.nodes.length === 0
          ? <p className="empty">No flag has a prerequisite yet.</p>
          : <DependencyGraph graph={graph} label="Prerequisite graph: each box links to its flag" />}
        {graph.unconnected > 0 && <p className="small muted">{graph.unconnected} other {graph.unconnected === 1 ? "flag has" : "flags have"} neither prerequisites nor dependents.</p>}
      </section>

      <section className="card stack" aria-labelledby="list-title">
        <h2 id="list-title">As a list</h2>
        {withEdges.length === 0 ? <p className="muted">Nothing depends on anything.</p> : (
          <ul className="dep-list" aria-label="Flags and their prerequisites">
            {withEdges.map((f) => (
              <li key={f.id} data-flag={f.key}>
                <Link className="mono" to={`/flags/${f.id}`}>{f.key}</Link>{f.killSwitchEnabled && <> <span className="badge killed">killed</span></>}
                {f.prerequisites.length > 0 && (
                  <ul>
                    {f.prerequisites.map((p) => (
                      <li key={p.feature.id} className="row">
                        <span>requires <Link className="mono" to={`/flags/${p.feature.id}`}>{p.feature.key}</Link> serving {p.variant ? <code>{p.variant}</code> : "true"}</span>
                        {canEdit && <RemoveEdge featureId={f.id} featureKey={f.key} requiredId={p.feature.id} requiredKey={p.feature.key} />}
                      </li>
                    ))}
                  </ul>
                )}
                {dependents.has(f.id) && <p className="small muted">Required by {dependents.get(f.id)!.join(", ")}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>

      {canEdit && <AddPrerequisite flags={flags} />}
    </div>
  );
}

function RemoveEdge({ featureId, featureKey, requiredId, requiredKey }: { featureId: string; featureKey: string; requiredId: string; requiredKey: string }) {
  const fetcher = useFetcher<typeof action>({ key: CHANGE });
  const confirmRemoval = (event: FormEvent) => {
    if (!window.confirm(`Remove the prerequisite ${requiredKey} from ${featureKey}? ${featureKey} no longer waits for it in any environment.`)) event.preventDefault();
  };
  const pending = fetcher.state !== "idle" && fetcher.formData?.get("intent") === "remove"
    && fetcher.formData.get("featureId") === featureId && fetcher.formData.get("requiredFeatureId") === requiredId;
  return (
    <fetcher.Form method="post" onSubmit={confirmRemoval}>
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="featureId" value={featureId} />
      <input type="hidden" name="requiredFeatureId" value={requiredId} />
      <button type="submit" disabled={pending} aria-busy={pending || undefined} aria-label={`Remove prerequisite ${requiredKey} from ${featureKey}`}>{pending ? "Removing…" : "Remove"}</button>
    </fetcher.Form>
  );
}

function AddPrerequisite({ flags }: { flags: FlagNode[] }) {
  const fetcher = useFetcher<typeof action>({ key: CHANGE });
  const sorted = [...flags].sort((a, b) => a.key.localeCompare(b.key));
  const [flag, setFlag] = useState("");
  const [required, setRequired] = useState("");
  const cycle = flag !== "" && required !== "" ? prerequisiteCycle(flags, flag, required) : null;
  const problem = flag !== "" && flag === required ? "A flag cannot require itself."
    : cycle ? `${cycle[0]} requiring ${cycle[1]} would close the cycle ${cycle.join(" → ")}: remove one of its prerequisites first.` : null;
  const same = problem !== null;
  const pending = fetcher.state !== "idle" && fetcher.formData?.get("intent") === "add";
  return (
    <section className="card stack" aria-labelledby="add-title">
      <h2 id="add-title">Add a prerequisite</h2>
      <fetcher.Form method="post" className="filters">
        <input type="hidden" name="intent" value="add" />
        <div className="field"><label htmlFor="dep-flag">Flag</label>
          <select id="dep-flag" name="featureId" required value={flag} onChange={(e) => setFlag(e.target.value)}>
            <option value="" disabled>Choose…</option>{sorted.map((f) => <option key={f.id} value={f.id}>{f.key}</option>)}</select></div>
        <div className="field"><label htmlFor="dep-required">Requires</label>
          <select id="dep-required" name="requiredFeatureId" required value={required} onChange={(e) => setRequired(e.target.value)}
            aria-invalid={same || undefined} aria-describedby={same ? "dep-same" : undefined}>
            <option value="" disabled>Choose…</option>{sorted.map((f) => <option key={f.id} value={f.id}>{f.key}</option>)}</select></div>
        <div className="field"><label htmlFor="dep-variant">Serving variant <span className="hint">(empty: true)</span></label><input id="dep-variant" name="variant" maxLength={100} /></div>
        <button type="submit" className="primary" disabled={same || pending} aria-busy={pending || undefined}>{pending ? "Adding…" : "Add prerequisite"}</button>
      </fetcher.Form>
      {problem && <p id="dep-same" className="field-error" role="alert">{problem}</p>}
    </section>
  );
}
