// GET /openapi.json (OpenAPI 3.1, generated from the route definitions) and GET /docs (Swagger UI).
// Swagger UI's script and styles load from a CDN (jsDelivr), so /docs needs internet access in the
// browser; /openapi.json itself is self-contained and works offline with any OpenAPI viewer.
import { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_SUBPROTOCOL } from "../../../protocol/stream";
import { documentedRoutes } from "./routes";

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

export const docsRoutes = new OpenAPIHono();

docsRoutes.openAPIRegistry.registerComponent("securitySchemes", "BearerAuth", {
  type: "http",
  scheme: "bearer",
  description: "Client secret as `Authorization: Bearer <secret>` (GET /v1/stream also takes a user's access " +
    "token or an automation token).",
});
docsRoutes.openAPIRegistry.registerComponent("securitySchemes", "ApiKeyAuth", {
  type: "apiKey",
  in: "header",
  name: "X-API-Key",
  description: "Client secret as `X-API-Key: <secret>` (GET /v1/stream: also a token, as for BearerAuth).",
});
docsRoutes.openAPIRegistry.registerComponent("securitySchemes", "SubprotocolAuth", {
  type: "apiKey",
  in: "header",
  name: "Sec-WebSocket-Protocol",
  description: "GET /v1/stream only, for browsers (which cannot set headers on a WebSocket): the subprotocol " +
    `list \`${STREAM_SUBPROTOCOL}, ${CREDENTIAL_SUBPROTOCOL_PREFIX}<secret>\`.`,
});
for (const route of documentedRoutes) docsRoutes.openAPIRegistry.registerPath(route);

let document: unknown;

docsRoutes.get(OPENAPI_PATH, (c) => {
  document ??= docsRoutes.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "FluxGate evaluation API",
      version: "1.0.0",
      description: "Feature-flag evaluation at the edge: OFREP (OpenFeature Remote Evaluation Protocol " +
        "v0.3.0), FluxGate's own /evaluate, analytics ingestion (/v1/evaluation-counts, /v1/track) and live " +
        "delivery over a WebSocket (/v1/stream). Authenticate with a client secret. Bodies up to 64 KiB (analytics ingestion: 256 KiB); " +
        "JSON only (a body without Content-Type is read as JSON). Repeated unknown credentials from one " +
        "client address are answered 429 with Retry-After.",
    },
    servers: [{ url: "/" }],
  });
  return c.json(document);
});

docsRoutes.get(DOCS_PATH, swaggerUI({ url: OPENAPI_PATH, title: "FluxGate evaluation API" }));
