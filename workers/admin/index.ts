// The admin Worker (`fluxgate-admin`, workers/admin/wrangler.toml): the admin API (GraphQL at
// /graphql, incl. subscriptions over SSE and WebSocket), the cron jobs, and the environment Durable Object's class,
// which the evaluation Worker binds by script_name. The console binds this Worker as API; the
// evaluation Worker binds its StreamAccess entrypoint as ADMIN (user tokens on /v1/stream).
import { Hono } from "hono";
import { errorResponse } from "../evaluation/data/request-guard";
import { ApiError } from "../evaluation/data/errors";
import type { Env } from "../env";
import { graphqlBodyLimit } from "./graphql/body-limit";
import { graphqlWebSocket, isWebSocketUpgrade } from "./graphql/websocket";
import { controlYoga, GRAPHQL_PATH } from "./graphql/yoga";
import { runScheduledJobs } from "./jobs/scheduled";

export { EnvironmentDO } from "./environment-do";
// The per-location relays between evaluation isolates and the environment objects (no control-plane wiring).
export { LocationRelay } from "../../durable-objects/location-relay/relay";
export { SubscriberRelay } from "../../durable-objects/subscriber-relay/relay";
export { StreamAccess } from "./identity/stream-access";

const app = new Hono<{ Bindings: Env }>();
// waitUntil: the request's own, so background work (notification delivery) outlives the response.
// GET with Upgrade: websocket is GraphQL over WebSocket (graphql-transport-ws; graphql/websocket.ts).
app.get(GRAPHQL_PATH, (c, next) => (isWebSocketUpgrade(c.req.raw) ? graphqlWebSocket(c.req.raw, c.env, c.executionCtx) : next()));
app.on(["GET", "POST", "OPTIONS"], GRAPHQL_PATH, graphqlBodyLimit, (c) =>
  controlYoga().fetch(c.req.raw, { env: c.env, executionCtx: c.executionCtx }));
// Liveness only (npm run dev waits for it); the evaluation Worker's /health reports snapshots.
app.get("/health", (c) => c.json({ status: "ok", worker: "fluxgate-admin" }));
app.notFound((c) => errorResponse(new ApiError(404, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}; the admin API is POST ${GRAPHQL_PATH}`), "fluxgate"));
app.onError((error) => errorResponse(error, "fluxgate"));

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(runScheduledJobs(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
