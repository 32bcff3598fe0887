// The FluxGate Worker: routes only. Data plane (OFREP, /evaluate), operations (/health, /ping),
// the API's own documentation (/openapi.json, /docs) and the admin API (/graphql).
// The environment Durable Object lives beside it.
import { Hono } from "hono";
import { evaluationCountsRoute } from "./analytics/evaluation-counts-route";
import { trackRoute } from "./analytics/track-route";
import { evaluateRoute } from "./data/evaluate-route";
import { dialectOf } from "./data/errors";
import { unmatchedRequest } from "./data/fallback";
import { healthRoutes } from "./data/health-route";
import type { DataPlane } from "./data/hono-env";
import { ofrepRoutes } from "./data/ofrep-routes";
import { ofrepSseRoutes } from "./data/ofrep-sse-route";
import { errorResponse } from "./data/request-guard";
import { graphqlBodyLimit } from "./control/graphql/body-limit";
import { controlYoga, GRAPHQL_PATH } from "./control/graphql/yoga";
import { docsRoutes } from "./openapi/docs-routes";
import type { Env } from "./env";
import { runScheduledJobs } from "./jobs/scheduled";
import { streamRoute } from "./delivery/stream-route";

export { EnvironmentDO } from "../durable-objects/environment-do";
// RPC for apps' service bindings (entrypoint = "FlagsEntrypoint"); moves with the evaluation Worker.
export { FlagsEntrypoint } from "./data/flags-entrypoint";

const app = new Hono<DataPlane>();
app.route("/", ofrepRoutes);
app.route("/", ofrepSseRoutes);
app.route("/", evaluateRoute);
app.route("/", evaluationCountsRoute);
app.route("/", trackRoute);
app.route("/", healthRoutes);
app.route("/", docsRoutes);
app.route("/", streamRoute); // live delivery: GET /v1/stream (WebSocket)
// The control plane (admin API): GraphQL, see workers/control/graphql/schema.ts.
// waitUntil: the request's own, so background work (notification delivery) outlives the response.
app.on(["GET", "POST", "OPTIONS"], GRAPHQL_PATH, graphqlBodyLimit, (c) =>
  controlYoga().fetch(c.req.raw, { env: c.env, executionCtx: c.executionCtx }));
app.notFound((c) => unmatchedRequest(c.req.raw));
app.onError((error, c) => errorResponse(error, dialectOf(c.req.path)));

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(runScheduledJobs(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
