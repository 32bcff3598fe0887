// GET-only resource route: streams one of the API's GraphQL subscriptions (SSE) to the browser on the
// console's own origin, authorised with the session's access token (which never leaves the server).
// Only these fixed documents can be subscribed to; the team is the session's current team.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { dashboardInput, isLiveWindow, MAX_LIVE_HOURS, parseFilters } from "~/lib/dashboard-filters";
import { EvaluationDashboardLiveDoc } from "~/lib/docs/dashboards";
import { ApprovalsLiveDoc, FeaturesLiveDoc, KillSwitchesLiveDoc } from "~/lib/docs/live";
import { GRAPHQL_URL } from "~/lib/graphql.server";
import { requireTeam } from "~/lib/team.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const topic = url.searchParams.get("topic");
  const token = await context.auth.accessToken();
  if (!token) return Response.json({ code: "UNAUTHENTICATED", message: "Sign in first." }, { status: 401 });
  const team = await requireTeam(context);
  let subscription: { query: string; variables: Record<string, unknown> };
  if (topic === "approvals") subscription = { query: ApprovalsLiveDoc.toString(), variables: { teamId: team.id } };
  else if (topic === "kill-switches") subscription = { query: KillSwitchesLiveDoc.toString(), variables: { teamId: team.id } };
  else if (topic === "features" && url.searchParams.get("environmentId")) {
    subscription = { query: FeaturesLiveDoc.toString(), variables: { environmentId: url.searchParams.get("environmentId")! } };
  } else if (topic === "evaluation-dashboard") {
    // The evaluation dashboard's filters, as its page's URL carries them (env, feature, client, hours, interval).
    const { filters, problems } = parseFilters(url.searchParams);
    const problem = Object.values(problems)[0] ?? (isLiveWindow(filters.hours) ? null : `Live updates cover windows up to ${MAX_LIVE_HOURS} hours.`);
    if (problem) return Response.json({ code: "BAD_USER_INPUT", message: problem }, { status: 400 });
    subscription = { query: EvaluationDashboardLiveDoc.toString(), variables: { input: dashboardInput(filters, team.id) } };
  } else {
    return Response.json({ code: "BAD_USER_INPUT", message: "topic must be approvals, kill-switches, features (with environmentId) or evaluation-dashboard." }, { status: 400 });
  }
  const upstreamUrl = new URL(GRAPHQL_URL);
  upstreamUrl.searchParams.set("query", subscription.query);
  upstreamUrl.searchParams.set("variables", JSON.stringify(subscription.variables));
  const upstream = await context.cloudflare.env.API.fetch(upstreamUrl.toString(), {
    headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
    signal: request.signal,
  });
  if (!upstream.ok || !upstream.body) {
    return Response.json({ code: "API_UNAVAILABLE", message: `The live feed answered ${upstream.status}.` }, { status: 502 });
  }
  return new Response(upstream.body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
