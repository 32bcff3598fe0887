// The Cloudflare location (colo) this isolate serves from, which names its location relays. An
// isolate lives in one location, so the first request that carries request.cf.colo decides;
// "local" under wrangler dev and in tests without cf, and for RPC calls before any HTTP request.
import { LOCAL } from "../../../durable-objects/location-relay/relay-name";

let location = LOCAL;

/** Called per request: one property read when the colo is already known. */
export function noteLocation(request: Request): void {
  const colo = (request as { cf?: { colo?: unknown } }).cf?.colo;
  if (typeof colo === "string" && colo !== "" && colo !== location) location = colo;
}

export const currentLocation = (): string => location;
