// GET /openapi.json (OpenAPI 3.1) and GET /docs (Swagger UI). The document is generated at build
// time (document.ts -> openapi.json, `npm run build:openapi`; npm run dev and npm run deploy run it
// first) and imported as JSON, so the evaluation Worker carries no OpenAPI generator. The import is
// dynamic: the bundler then builds the 57 KB document's objects on the first request for it, not
// at every isolate's startup (docs/BENCHMARKS.md "Worker size and startup"). Swagger UI's script
// and styles load from a CDN (jsDelivr), so /docs needs internet access in the browser;
// /openapi.json itself is self-contained and works offline with any OpenAPI viewer.
import { swaggerUI } from "@hono/swagger-ui";
import { Hono } from "hono";

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

export const docsRoutes = new Hono();

docsRoutes.get(OPENAPI_PATH, async (c) => c.json((await import("./openapi.json")).default));
docsRoutes.get(DOCS_PATH, swaggerUI({ url: OPENAPI_PATH, title: "FluxGate evaluation API" }));
