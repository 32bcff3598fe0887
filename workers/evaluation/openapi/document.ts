// The evaluation API's OpenAPI 3.1 document, generated from the route definitions (routes.ts), the
// zod schemas the routes validate with (request-components.ts) and the response schemas
// (response-schemas.ts). BUILD TIME ONLY: scripts/build-openapi.ts writes it to openapi.json, which the Worker
// serves (docs-routes.ts). @hono/zod-openapi and its generator would add about 70 KiB gzip to the
// evaluation Worker and a share of its startup CPU for a document that only changes with the code
// (docs/BENCHMARKS.md "Worker size and startup"); test/node/openapi-document.test.ts keeps the
// committed file equal to what this module generates.
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestComponents } from "./request-components";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_SUBPROTOCOL } from "../../../protocol/stream";
import { documentedRoutes } from "./routes";

const docsRoutes = new OpenAPIHono();

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
for (const [name, schema] of Object.entries(requestComponents())) {
  docsRoutes.openAPIRegistry.registerComponent("schemas", name, schema);
}
for (const route of documentedRoutes) docsRoutes.openAPIRegistry.registerPath(route);

export function openApiDocument(): unknown {
  return docsRoutes.getOpenAPI31Document({
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
}
