import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { BulkFlagActions } from "~/components/BulkFlagActions";
import { KillSwitchButton } from "~/components/KillSwitchButton";
import { ReEnableButton } from "~/components/ReEnableButton";
import { FormError } from "~/components/FormError";
import type { FeatureFilter, Lifecycle, ValueType } from "~/gql/graphql";
import { keepOnPage, selectionStatus, toggleAll, toggleOne } from "~/lib/bulk-flags";
import { runBulkIntent } from "~/lib/bulk-flags.server";
import { FlagsListDoc } from "~/lib/docs/flags";
import { runStageIntent, type StageActionResult } from "~/lib/stage-actions.server";
import { byEnvironmentOrder, isLive, stageBadge } from "~/lib/stage-status";
import { requireTeam } from "~/lib/team.server";
import { useLive } from "~/lib/use-live";

export const meta: MetaFunction = () => [{ title: "Flags · FluxGate" }];
const PAGE_SIZE = 25;
const TYPES: ValueType[] = ["BOOLEAN", "STRING", "NUMBER", "JSON"];
const LIFECYCLES: Lifecycle[] = ["draft", "active", "deprecated", "archived"];

export function filterFromSearch(params: URLSearchParams): FeatureFilter {
  const filter: FeatureFilter = {};
  const q = params.get("q")?.trim();
  if (q) filter.name = q;
  const type = params.get("type");
  if (type && (TYPES as string[]).includes(type)) filter.type = type as ValueType;
  const lifecycle = params.get("lifecycle");
  if (lifecycle && (LIFECYCLES as string[]).includes(lifecycle)) filter.lifecycle = lifecycle as Lifecycle;
  const tag = params.get("tag")?.trim();
  if (tag) filter.tag = tag;
  const owner = params.get("owner")?.trim();
  if (owner) filter.owner = owner;
  if (params.get("stale") === "true") filter.stale = true;
  return filter;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const params = new URL(request.url).searchParams;
  const data = await context.auth.query(FlagsListDoc, {
    teamId: team.id, filter: filterFromSearch(params), first: PAGE_SIZE, after: params.get("after") || null,
  });
  return { team: { ...data.team, environments: [...data.team.environments].sort(byEnvironmentOrder) }, features: data.features.nodes, pageInfo: data.features.pageInfo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const result = await runStageIntent(context, form) ?? await runBulkIntent(context, (await requireTeam(context)).id, form);
  return result ?? { ok: false as const, error: { code: "BAD_USER_INPUT", message: "Unknown action." } };
}

export default function FlagsList() {
  const { team, features, pageInfo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const loading = useNavigation().state === "loading";
  useLive("kill-switches");
  useLive("approvals");
  const isAdmin = team.myRole === "team_admin" || team.myRole === null;
  // Who may change flags (the API's CONFIGURE_FEATURES): only they see the selection and the bulk bar.
  const canEdit = isAdmin || team.myRole === "requester";
  const pageIds = features.map((f) => f.id);
  const [picked, setPicked] = useState<string[]>([]);
  // The selection covers this page only: flags that leave it (archived, filtered out) drop out, and
  // another page or filter clears it, saying so, so no action reaches flags the admin cannot see.
  const selected = keepOnPage(picked, pageIds);
  const pageKey = [...params].filter(([k]) => k !== "deleted").map(([k, v]) => `${k}=${v}`).join("&");
  const [seenPage, setSeenPage] = useState(pageKey);
  const [cleared, setCleared] = useState(false);
  if (seenPage !== pageKey) {
    setSeenPage(pageKey);
    if (selected.length) setCleared(true);
    setPicked([]);
  }
  const pick = (next: string[]) => { setPicked(next); setCleared(false); };
  const allPicked = pageIds.length > 0 && selected.length === pageIds.length;
  // "deleted" names the flag just deleted from its page (a notice, not a filter).
  const filtered = [...params.keys()].some((k) => k !== "after" && k !== "deleted");
  const nextPage = new URLSearchParams(params);
  if (pageInfo.endCursor) nextPage.set("after", pageInfo.endCursor);
  return (
    <>
      <div className="toolbar">
        <h1>Flags</h1>
        <Link className="button primary" to="/flags/new">New flag</Link>
      </div>
      {params.get("deleted") && <p className="notice" role="status">Flag <span className="mono">{params.get("deleted")}</span> deleted.</p>}
      <Form method="get" className="filters" role="search" aria-label="Filter flags">
        <div className="field"><label htmlFor="q">Search</label><input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Key or name" /></div>
        <div className="field"><label htmlFor="type">Type</label>
          <select id="type" name="type" defaultValue={params.get("type") ?? ""}><option value="">Any</option>{TYPES.map((t) => <option key={t} value={t}>{t.toLowerCase()}</option>)}</select></div>
        <div className="field"><label htmlFor="lifecycle">Lifecycle</label>
          <select id="lifecycle" name="lifecycle" defaultValue={params.get("lifecycle") ?? ""}><option value="">Any</option>{LIFECYCLES.map((l) => <option key={l} value={l}>{l}</option>)}</select></div>
        <div className="field"><label htmlFor="tag">Tag</label><input id="tag" name="tag" defaultValue={params.get("tag") ?? ""} /></div>
        <div className="field"><label htmlFor="owner">Owner</label><input id="owner" name="owner" defaultValue={params.get("owner") ?? ""} /></div>
        <div className="field"><label htmlFor="stale">Staleness</label>
          <select id="stale" name="stale" defaultValue={params.get("stale") ?? ""}><option value="">Any</option><option value="true">Stale (30 days unevaluated)</option></select></div>
        <button type="submit">Apply</button>
        {filtered && <Link to="/flags">Clear</Link>}
      </Form>
      {result && !result.ok && <FormError error={result.error} />}
      {result?.ok && "message" in result && <p className="notice" role="status">{result.message}</p>}
      {canEdit && (
        <BulkFlagActions selected={features.filter((f) => selected.includes(f.id)).map((f) => ({ id: f.id, key: f.key }))}
          status={cleared && selected.length === 0 ? "Selection cleared: the page or its filters changed." : selectionStatus(selected.length)} />
      )}
      <div className="table-wrap" aria-busy={loading}>
        <table>
          <caption className="sr-only">Flags of the team with their state per environment</caption>
          <thead>
            <tr>
              {canEdit && (
                <th scope="col" className="select-cell">
                  <input type="checkbox" aria-label="Select all flags on this page" checked={allPicked} disabled={pageIds.length === 0}
                    ref={(box) => { if (box) box.indeterminate = selected.length > 0 && !allPicked; }}
                    onChange={() => pick(toggleAll(selected, pageIds))} />
                </th>
              )}
              <th scope="col">Flag</th>
              <th scope="col">Type</th>
              {team.environments.map((env) => <th scope="col" key={env.id}>{env.name}</th>)}
              <th scope="col"><span className="sr-only">Kill switch</span></th>
            </tr>
          </thead>
          <tbody>
            {features.length === 0 && (
              <tr><td colSpan={(canEdit ? 4 : 3) + team.environments.length} className="empty">
                {filtered ? "No flag matches these filters." : <>No flags yet. <Link to="/flags/new">Create the first one</Link>.</>}
              </td></tr>
            )}
            {features.map((feature) => (
              <tr key={feature.id}>
                {canEdit && (
                  <td className="select-cell">
                    <input type="checkbox" aria-label={`Select ${feature.key}`} checked={selected.includes(feature.id)}
                      onChange={() => pick(toggleOne(selected, feature.id, pageIds))} />
                  </td>
                )}
                <td>
                  <Link to={`/flags/${feature.id}`} className="mono">{feature.key}</Link>
                  <div className="small muted">
                    {feature.name !== feature.key && <>{feature.name} · </>}{feature.lifecycle}
                    {feature.owner && <> · {feature.owner}</>}
                    {feature.tags.map((t) => <span key={t} className="badge" style={{ marginLeft: 4 }}>{t}</span>)}
                  </div>
                </td>
                <td data-label="Type" className="small">{feature.type.toLowerCase()}</td>
                {team.environments.map((env) => {
                  const stage = feature.stages.find((s) => s.environment.id === env.id);
                  return <td key={env.id} data-label={env.name}>{stage ? <StageToggle stage={stage} envName={env.name} featureKey={feature.key} killed={feature.killSwitchEnabled} /> : <span className="muted">—</span>}</td>;
                })}
                <td>
                  {feature.killSwitchEnabled
                    ? <ReEnableButton featureId={feature.id} featureKey={feature.key} disabled={isAdmin ? undefined : "Only team admins release kill switches."} />
                    : <KillSwitchButton featureId={feature.id} featureKey={feature.key} disabled={isAdmin ? undefined : "Only team admins engage kill switches."} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="row" aria-label="Pages" style={{ marginTop: "0.75rem" }}>
        {params.get("after") && <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "after"))}`}>First page</Link>}
        {pageInfo.hasNextPage && <Link to={`?${nextPage}`}>Next page</Link>}
      </nav>
    </>
  );
}

function StageToggle({ stage, envName, featureKey, killed }: { stage: { id: string; status: string }; envName: string; featureKey: string; killed: boolean }) {
  const fetcher = useFetcher<StageActionResult>();
  const badge = stageBadge(stage.status, killed);
  const live = isLive(stage.status);
  const pending = stage.status.endsWith("_REQUESTED");
  return (
    <fetcher.Form method="post" className="env-cell">
      <input type="hidden" name="stageId" value={stage.id} />
      <span className={`badge ${badge.tone}`}>{badge.label}</span>
      <button type="submit" name="intent" value={live ? "rollback" : "deploy"} disabled={pending || fetcher.state !== "idle"}
        aria-label={`${live ? "Turn off" : "Turn on"} ${featureKey} in ${envName}`} className="small">
        {live ? "Turn off" : "Turn on"}
      </button>
      {fetcher.data && !fetcher.data.ok && <span className="field-error" role="alert">{fetcher.data.error.message}</span>}
      {fetcher.data?.ok && <span className="small muted" role="status">{fetcher.data.message}</span>}
    </fetcher.Form>
  );
}
