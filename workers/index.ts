// The FluxGate Worker: routes only. Data plane (OFREP, /evaluate), operations (/health, /ping) and
// the API's own documentation (/openapi.json, /docs). The environment Durable Object lives beside it.
import { Hono } from "hono";
import { evaluateRoute } from "./data/evaluate-route";
import { dialectOf } from "./data/errors";
import { unmatchedRequest } from "./data/fallback";
import { healthRoutes } from "./data/health-route";
import type { DataPlane } from "./data/hono-env";
import { ofrepRoutes } from "./data/ofrep-routes";
import { errorResponse } from "./data/request-guard";
import { docsRoutes } from "./openapi/docs-routes";

export { EnvironmentDO } from "../durable-objects/environment-do";

const app = new Hono<DataPlane>();
app.route("/", ofrepRoutes);
app.route("/", evaluateRoute);
app.route("/", healthRoutes);
app.route("/", docsRoutes);
app.notFound((c) => unmatchedRequest(c.req.raw));
app.onError((error, c) => errorResponse(error, dialectOf(c.req.path)));

export default app;
