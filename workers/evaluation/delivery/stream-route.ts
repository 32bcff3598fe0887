// GET /v1/stream: the live-delivery WebSocket (protocol/stream.ts). The Worker only authenticates
// (stream-auth.ts) and hands the upgrade to a relay of the environment near the caller
// (relay-door.ts), which holds the socket (hibernation API, durable-objects/socket-hub.ts). Errors are JSON before the upgrade:
// 426 without an upgrade, 401 no/unknown credential, 403 disabled client, 404 unknown environment
// or another team's (the same answer: no existence oracle), 429 throttled guesses.
import { Hono } from "hono";
import { offeredSubprotocols, sdkSocketRequest } from "../../../durable-objects/subscriber";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_PATH } from "../../../protocol/stream";
import { ApiError } from "../data/errors";
import type { DataPlane } from "../data/hono-env";
import { refusalResponse } from "../data/request-guard";
import type { Env } from "../../env";
import { callerRegion, connectToRelay } from "./relay-door";
import { authenticateSubscriber } from "./stream-auth";

export const streamRoute = new Hono<DataPlane>();

streamRoute.get(STREAM_PATH, async (c) => {
  try {
    return await openStream(c.env, c.req.raw);
  } catch (error) {
    // CORS as the evaluation routes: non-browser clients (the `ws` package) read the body; browsers
    // never see a refused upgrade's status or body, so the SDK asks OFREP for the reason.
    return refusalResponse(error, "fluxgate", c.req.header("Origin") ?? null);
  }
});

async function openStream(env: Env, request: Request): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", `${STREAM_PATH} is a WebSocket endpoint; send Upgrade: websocket`,
      undefined, { Upgrade: "websocket" });
  }
  const { environmentId, principal } = await authenticateSubscriber(env, request);
  // The object never sees the secret: credentials are dropped from what it receives.
  const forwarded = sdkSocketRequest(request, principal);
  forwarded.headers.delete("Authorization");
  forwarded.headers.delete("X-API-Key");
  const protocols = offeredSubprotocols(request.headers).filter((p) => !p.startsWith(CREDENTIAL_SUBPROTOCOL_PREFIX));
  if (protocols.length > 0) forwarded.headers.set("Sec-WebSocket-Protocol", protocols.join(", "));
  else forwarded.headers.delete("Sec-WebSocket-Protocol");
  return connectToRelay(env.RELAYS, environmentId, callerRegion(request), forwarded);
}
