// Where a subscriber's socket lives: relay objects named `${environmentId}#${region}:${shard}`.
// The region is a Durable Object location hint derived from the caller's request.cf, so a relay
// is created (on first use) near the subscribers it serves; "any" when the request carries no
// location (local runs, the admin Worker's GraphQL subscriptions). Pure: no platform state here.

/** Where relays may be placed (the location hints of DurableObjectNamespace.get). */
export type RelayRegion = "wnam" | "enam" | "sam" | "weur" | "eeur" | "apac" | "oc" | "afr" | "me" | "any";

/**
 * Sockets one relay shard accepts before the next shard is used. Far below the 32,768 WebSockets
 * a Durable Object may hold, so that one change (one send per socket, from one thread) reaches a
 * full shard well within a second. Overridable with the RELAY_SHARD_CAPACITY variable.
 */
export const DEFAULT_SHARD_CAPACITY = 5_000;

/** Shards per region and environment: 8 x 5,000 = 40,000 subscribers of one environment in one region. */
export const MAX_RELAY_SHARDS = 8;

/** Middle East countries Cloudflare places under the "me" hint rather than "apac". */
const MIDDLE_EAST = new Set(["AE", "BH", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE"]);

/** The part of request.cf placement reads (all optional: local requests may carry none). */
export interface PlacementCf {
  continent?: unknown;
  country?: unknown;
  longitude?: unknown;
}

/** The region of a caller, from its request.cf. */
export function regionOf(cf: PlacementCf | undefined | null): RelayRegion {
  const continent = typeof cf?.continent === "string" ? cf.continent : "";
  const longitude = Number(cf?.longitude);
  switch (continent) {
    case "NA":
      // West of the Great Plains (about 100 degrees W) is closer to the western hint's data centres.
      return Number.isFinite(longitude) && longitude < -100 ? "wnam" : "enam";
    case "SA":
      return "sam";
    case "EU":
      return Number.isFinite(longitude) && longitude > 20 ? "eeur" : "weur";
    case "AS":
      return typeof cf?.country === "string" && MIDDLE_EAST.has(cf.country) ? "me" : "apac";
    case "OC":
      return "oc";
    case "AF":
      return "afr";
    default:
      return "any";
  }
}

/** The location hint to create a relay of this region with (none for "any"). */
export function locationHintOf(region: RelayRegion): DurableObjectLocationHint | undefined {
  return region === "any" ? undefined : region;
}

export function relayName(environmentId: string, region: RelayRegion, shard: number): string {
  return `${environmentId}#${region}:${shard}`;
}

/** The environment a relay serves, from its name (null when the name is not a relay's). */
export function relayEnvironment(name: string | undefined): string | null {
  const match = name ? /^(.+)#[a-z]+:\d+$/.exec(name) : null;
  return match ? match[1]! : null;
}

/** RELAY_SHARD_CAPACITY as a positive integer, else the default. */
export function shardCapacity(configured: string | undefined): number {
  const value = Number(configured);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_SHARD_CAPACITY;
}
