// The evaluation Worker (`fluxgate`, wrangler.toml): routes only. Data plane (OFREP incl. its SSE
// event streams, /evaluate, live delivery on /v1/stream), analytics ingestion, operations (/health,
// /ping) and the API's own documentation (/openapi.json, /docs). Its bundle is the engine and the
// data plane: the admin API, the cron jobs and the environment Durable Object's class live in the
// admin Worker (workers/admin/index.ts), reached through the ENVIRONMENTS (script_name) and ADMIN
// bindings; test/node/import-graph.test.ts keeps workers/admin out of this bundle.
import { Hono } from "hono";
import { evaluationCountsRoute } from "./analytics/evaluation-counts-route";
import { trackRoute } from "./analytics/track-route";
import { evaluateRoute } from "./data/evaluate-route";
import { dialectOf } from "./data/errors";
import { unmatchedRequest } from "./data/fallback";
import { healthRoutes } from "./data/health-route";
import { noteLocation } from "./data/location";
import type { DataPlane } from "./data/hono-env";
import { ofrepRoutes } from "./data/ofrep-routes";
import { ofrepSseRoutes } from "./data/ofrep-sse-route";
import { errorResponse } from "./data/request-guard";
import { docsRoutes } from "./openapi/docs-routes";
import type { Env } from "../env";
import { streamRoute } from "./delivery/stream-route";

// RPC for apps' service bindings (entrypoint = "FlagsEntrypoint").
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
app.notFound((c) => unmatchedRequest(c.req.raw));
app.onError((error, c) => errorResponse(error, dialectOf(c.req.path)));

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    noteLocation(request); // names this isolate's location relays (data/location.ts)
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
