// GET /health: which environment snapshots this isolate holds, how long since the Durable Object
// confirmed each, and whether it is stale. Reads memory only (no KV, DO or D1 calls), so it is as
// cheap as the evaluation path and reports exactly what evaluation is serving from.
// GET /ping: a pure no-op, the HTTP benchmark's baseline.
import { Hono } from "hono";
import type { DataPlane } from "./hono-env";
import { jsonResponse } from "./json-response";
import { snapshotSettings } from "./settings";
import { snapshotCache } from "./snapshot-cache";

export const healthRoutes = new Hono<DataPlane>();

healthRoutes.get("/health", (c) => {
  const settings = snapshotSettings(c.env);
  const environments = snapshotCache.describe(settings);
  return jsonResponse({
    status: environments.some((e) => e.stale) ? "degraded" : "ok",
    isolate: { snapshotRevalidateMs: settings.revalidateMs, snapshotStaleAfterMs: settings.staleAfterMs },
    environments,
  });
});

healthRoutes.get("/ping", () => new Response("pong"));
