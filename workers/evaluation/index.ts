// The evaluation Worker (`fluxgate`, wrangler.toml): routes only. Data plane (OFREP incl. its SSE
// event streams, /evaluate, live delivery on /v1/stream), analytics ingestion, operations (/health,
// /ping) and the API's own documentation (/openapi.json, /docs). Its bundle is the engine and the
// data plane: the admin API, the cron jobs and the environment Durable Object's class live in the
// admin Worker (workers/admin/index.ts), reached through the ENVIRONMENTS (script_name) and ADMIN
// bindings; test/node/import-graph.test.ts keeps workers/admin out of this bundle.
import { Hono, type ErrorHandler, type NotFoundHandler } from "hono";
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
import { lazyRoutes } from "./lazy-routes";

// RPC for apps' service bindings (entrypoint = "FlagsEntrypoint").
export { FlagsEntrypoint } from "./data/flags-entrypoint";

const notFound: NotFoundHandler<DataPlane> = (c) => unmatchedRequest(c.req.raw);
const onError: ErrorHandler<DataPlane> = (error, c) => errorResponse(error, dialectOf(c.req.path));

const app = new Hono<DataPlane>();
app.route("/", ofrepRoutes);
app.route("/", ofrepSseRoutes);
app.route("/", evaluateRoute);
// Analytics ingestion loads on its first request: its zod schemas are the largest part of what the
// bundle's top level would otherwise build at every isolate's startup (docs/BENCHMARKS.md).
app.route("/", lazyRoutes({
  paths: ["/v1/evaluation-counts"],
  load: async () => (await import("./analytics/evaluation-counts-route")).evaluationCountsRoute,
  onError,
  notFound,
}));
app.route("/", lazyRoutes({
  paths: ["/v1/track"],
  load: async () => (await import("./analytics/track-route")).trackRoute,
  onError,
  notFound,
}));
app.route("/", healthRoutes);
app.route("/", docsRoutes);
app.route("/", streamRoute); // live delivery: GET /v1/stream (WebSocket)
app.notFound(notFound);
app.onError(onError);

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    noteLocation(request); // names this isolate's location relays (data/location.ts)
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
