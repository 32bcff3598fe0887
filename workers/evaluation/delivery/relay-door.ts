// How the Worker reaches a subscriber relay (durable-objects/subscriber-relay/) instead of the
// environment object: region from the caller's request.cf, then shard assignment by filling:
// shard 0 first; a full shard answers 503 RELAY_FULL and the next one is tried, up to
// MAX_RELAY_SHARDS. Deterministic and stateless (any isolate reaches the same shard for the same
// load), so a region's sockets sit on as few relays as their number needs, each under its
// capacity. Each isolate remembers, for a few seconds, the first shard it found not full, so a
// busy region does not retry shard 0 on every connection. Two connections racing for a shard's last
// seat may both get it: the capacity is a soft bound, far below the 32,768-socket hard limit.
import {
  locationHintOf, MAX_RELAY_SHARDS, regionOf, relayName, type PlacementCf, type RelayRegion,
} from "../../../durable-objects/subscriber-relay/naming";

type RelayNamespace = Pick<DurableObjectNamespace, "getByName">;

/** How long an isolate skips shards it found full. */
const FULL_MEMORY_MS = 5_000;
const firstOpen = new Map<string, { shard: number; until: number }>();

/** Hands the upgrade to the first relay shard of the region with room; its answer as is. */
export async function connectToRelay(
  relays: RelayNamespace, environmentId: string, region: RelayRegion, request: Request,
): Promise<Response> {
  const key = `${environmentId}#${region}`;
  const remembered = firstOpen.get(key);
  let shard = remembered && remembered.until > Date.now() ? remembered.shard : 0;
  const locationHint = locationHintOf(region);
  for (;;) {
    const stub = relays.getByName(relayName(environmentId, region, shard), locationHint ? { locationHint } : undefined);
    const response = await stub.fetch(new Request(request));
    if (response.status !== 503 || shard === MAX_RELAY_SHARDS - 1 || !(await isRelayFull(response))) {
      if (shard > 0) firstOpen.set(key, { shard, until: Date.now() + FULL_MEMORY_MS });
      return response;
    }
    shard++;
  }
}

async function isRelayFull(response: Response): Promise<boolean> {
  try {
    const body = await response.clone().json() as { error?: { code?: string } };
    return body.error?.code === "RELAY_FULL";
  } catch {
    return false;
  }
}

/**
 * The relays of one region seen as an environment-object namespace (`getByName(environmentId).fetch`),
 * which is what event-feed.ts opens its socket on.
 */
export function relayNamespace(relays: RelayNamespace, region: RelayRegion) {
  return {
    getByName: (environmentId: string) => ({
      fetch: (request: Request) => connectToRelay(relays, environmentId, region, request),
    }),
  };
}

/** The region of the request's caller (request.cf). */
export const callerRegion = (request: Request): RelayRegion => regionOf(request.cf as PlacementCf | undefined);
