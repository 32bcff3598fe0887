// GET-only resource route: one SSE stream for "something in the team changed" — approval requests,
// kill switches and the published flags of every environment of the session's current team — so a
// dashboard needs a single connection (browsers allow six per origin over HTTP/1.1) instead of one
// per environment. The API's subscriptions are merged event by event (lib/sse-merge.ts).
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { ApprovalsLiveDoc, FeaturesLiveDoc, KillSwitchesLiveDoc } from "~/lib/docs/live";
import { TeamEnvironmentsDoc } from "~/lib/docs/rollout-dashboard";
import { GRAPHQL_URL } from "~/lib/graphql.server";
import { mergeEventStreams } from "~/lib/sse-merge";
import { requireTeam } from "~/lib/team.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = await context.auth.accessToken();
  if (!token) return Response.json({ code: "UNAUTHENTICATED", message: "Sign in first." }, { status: 401 });
  const team = await requireTeam(context);
  const { team: { environments } } = await context.auth.query(TeamEnvironmentsDoc, { teamId: team.id });
  const subscriptions: { query: string; variables: Record<string, string> }[] = [
    { query: ApprovalsLiveDoc.toString(), variables: { teamId: team.id } },
    { query: KillSwitchesLiveDoc.toString(), variables: { teamId: team.id } },
    ...environments.map((e) => ({ query: FeaturesLiveDoc.toString(), variables: { environmentId: e.id } })),
  ];
  const abort = new AbortController();
  request.signal.addEventListener("abort", () => abort.abort());
  const upstreams = await Promise.all(subscriptions.map((s) => {
    const url = new URL(GRAPHQL_URL);
    url.searchParams.set("query", s.query);
    url.searchParams.set("variables", JSON.stringify(s.variables));
    return context.cloudflare.env.API.fetch(url.toString(), {
      headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
  }));
  const failed = upstreams.find((u) => !u.ok || !u.body);
  if (failed) {
    abort.abort();
    return Response.json({ code: "API_UNAVAILABLE", message: `The live feed answered ${failed.status}.` }, { status: 502 });
  }
  const merged = mergeEventStreams(upstreams.map((u) => u.body!), () => abort.abort());
  return new Response(merged, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
