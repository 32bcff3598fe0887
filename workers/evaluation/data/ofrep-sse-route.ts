// GET /ofrep/v1/events?token=...: the environment's OFREP event stream (Server-Sent Events), the
// URL the bulk evaluation response offers in `eventStreams`. Authenticated by the URL's token
// (EventSource cannot send headers; see ofrep-sse-token.ts), CORS like the evaluation routes.
import { Hono } from "hono";
import { openEventFeed } from "../delivery/event-feed";
import { callerRegion, relayNamespace } from "../delivery/relay-door";
import { sharedEventFeed } from "../delivery/shared-feed";
import { applyCors } from "./cors";
import type { DataPlane } from "./hono-env";
import { authorizeStream, loadStreamClient, OFREP_EVENTS_PATH } from "./ofrep-sse-auth";
import { ofrepEventStream } from "./ofrep-sse-stream";
import { refusalResponse } from "./request-guard";
import { eventStreamKey } from "./settings";

export const ofrepSseRoutes = new Hono<DataPlane>();

ofrepSseRoutes.get(OFREP_EVENTS_PATH, async (c) => {
  const request = c.req.raw;
  const origin = request.headers.get("Origin");
  let client;
  try {
    client = await authorizeStream(c.env.DB, eventStreamKey(c.env), c.req.query("token") ?? null, origin, Date.now());
  } catch (error) {
    return refusalResponse(error, "ofrep", origin);
  }
  // The isolate's shared feed of this environment and client, on a relay near the caller.
  const relays = relayNamespace(c.env.RELAYS, callerRegion(request));
  const feed = sharedEventFeed((id, options) => openEventFeed(relays, id, options), client.environmentId, {
    subscriber: { type: "client", clientId: client.clientId, secretHash: client.secretHash },
    signal: request.signal,
  });
  const body = ofrepEventStream(feed, {
    // EventSource's own resume point first; on a first connection, the version the URL was issued at.
    lastEventId: request.headers.get("Last-Event-ID") ?? c.req.query("v") ?? null,
    stillAllowed: async () => {
      const now = await loadStreamClient(c.env.DB, client.clientId);
      return now !== null && now.enabled && now.secretHash === client.secretHash && now.environmentId === client.environmentId;
    },
  });
  const headers = new Headers({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
  });
  // authorizeStream refused every origin the client does not list: a remaining Origin may read.
  applyCors(headers, origin, true);
  return new Response(body, { status: 200, headers });
});
