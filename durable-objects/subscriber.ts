// How the Worker hands a WebSocket subscriber to an environment object. The object is not
// publicly reachable: only the Worker calls stub.fetch, after authenticating the caller, so the
// object trusts the subscriber header it receives. Two kinds of socket:
//   - "sdk" (path /stream): speaks protocol/stream.ts (hello -> snapshot | current | deltas).
//   - "events" (path /events): internal feeds (SSE bridge, GraphQL subscriptions). On connect the
//     object sends {type:"current",version,contentHash}, then one {type:"event"} per DeliveryEvent.

/** Object paths (the host is ignored; any origin works, e.g. https://environment.internal). */
export const SDK_SOCKET_PATH = "/stream";
export const EVENTS_SOCKET_PATH = "/events";

/**
 * JSON of a SubscriberPrincipal: required on an "sdk" upgrade (set by workers/evaluation/delivery/stream-route.ts),
 * optional on an "events" one (a feed serving one client sets it, so the client's revocation closes it).
 */
export const SUBSCRIBER_HEADER = "X-FluxGate-Subscriber";

/** Who opened an "sdk" socket: a client credential (by its secret hash) or a signed-in user. */
export type SubscriberPrincipal =
  | { type: "client"; clientId: string; secretHash: string }
  | { type: "user"; userId: string };

/** The request that opens an events socket: pass it to env.ENVIRONMENTS.getByName(id).fetch. */
export function eventsSocketRequest(): Request {
  return new Request(`https://environment.internal${EVENTS_SOCKET_PATH}`, { headers: { Upgrade: "websocket" } });
}

/** The request that hands an authenticated SDK upgrade to the object. */
export function sdkSocketRequest(original: Request, principal: SubscriberPrincipal): Request {
  const headers = new Headers(original.headers);
  headers.set(SUBSCRIBER_HEADER, JSON.stringify(principal));
  return new Request(`https://environment.internal${SDK_SOCKET_PATH}`, { method: "GET", headers });
}

/** The principal of a forwarded upgrade, or null when the header is missing or malformed. */
export function readSubscriber(headers: Headers): SubscriberPrincipal | null {
  const raw = headers.get(SUBSCRIBER_HEADER);
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<Record<string, unknown>>;
    if (value.type === "client" && typeof value.clientId === "string" && typeof value.secretHash === "string") {
      return { type: "client", clientId: value.clientId, secretHash: value.secretHash };
    }
    if (value.type === "user" && typeof value.userId === "string") return { type: "user", userId: value.userId };
  } catch {
    // fall through: malformed
  }
  return null;
}

/** The subprotocols a WebSocket upgrade offers, in order. */
export function offeredSubprotocols(headers: Headers): string[] {
  return headers.get("Sec-WebSocket-Protocol")?.split(",").map((p) => p.trim()).filter((p) => p !== "") ?? [];
}
