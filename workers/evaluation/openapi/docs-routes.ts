// GET /openapi.json (OpenAPI 3.1) and GET /docs (Swagger UI). The document is generated at build
// time (document.ts -> openapi.json, `npm run build:openapi`; npm run dev and npm run deploy run it
// first) and imported as JSON, so the evaluation Worker carries no OpenAPI generator. Swagger UI's
// script and styles load from a CDN (jsDelivr), so /docs needs internet access in the browser;
// /openapi.json itself is self-contained and works offline with any OpenAPI viewer.
import { swaggerUI } from "@hono/swagger-ui";
import { Hono } from "hono";
import document from "./openapi.json";

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

export const docsRoutes = new Hono();

docsRoutes.get(OPENAPI_PATH, (c) => c.json(document));
docsRoutes.get(DOCS_PATH, swaggerUI({ url: OPENAPI_PATH, title: "FluxGate evaluation API" }));
