// The bindings and variables the Workers and the Durable Objects receive (see wrangler.toml and
// workers/admin/wrangler.toml). One interface for both Workers: each binds what its routes use.
import type { EnvironmentObject } from "../durable-objects/environment-do";
import type { LocationRelay } from "../durable-objects/location-relay/relay";
import type { SubscriberRelay } from "../durable-objects/subscriber-relay/relay";
import type { StreamAccessRpc } from "../protocol/stream-access";

export interface Env {
  DB: D1Database;
  FLAGS_KV: KVNamespace;
  /** Defined by the admin Worker; the evaluation Worker binds it with script_name = "fluxgate-admin". */
  ENVIRONMENTS: DurableObjectNamespace<EnvironmentObject>;
  /**
   * One relay per (environment, location) between the isolates and the environment object
   * (durable-objects/location-relay/): revalidation and counts. Defined by the admin Worker.
   */
  LOCATION_RELAYS: DurableObjectNamespace<LocationRelay>;
  /**
   * The relays holding subscriber sockets (durable-objects/subscriber-relay/), named
   * `${environmentId}#${region}:${shard}`; defined by the admin Worker, bound by script_name here.
   */
  RELAYS: DurableObjectNamespace<SubscriberRelay>;
  /** Sockets per relay shard before the next shard is used (default 5,000). */
  RELAY_SHARD_CAPACITY?: string;
  /** Evaluation Worker only: the admin Worker's StreamAccess entrypoint (user tokens on /v1/stream). */
  ADMIN: Service<StreamAccessRpc & Rpc.WorkerEntrypointBranded>;
  EVALS?: AnalyticsEngineDataset;
  /** Milliseconds between revalidations of an isolate's snapshot against the Durable Object. */
  SNAPSHOT_REVALIDATE_MS?: string;
  /** Milliseconds without confirmation after which a snapshot is reported stale. */
  SNAPSHOT_STALE_AFTER_MS?: string;
  /** "development" enables GraphiQL on /graphql; production sets "production". */
  FLUXGATE_ENV?: string;
  /** Base64 of 32 bytes: the AES-GCM key that encrypts the signing keys' private JWKs in D1. */
  AUTH_ENCRYPTION_KEY?: string;
  /**
   * One-time secret the first system admin's bootstrap must present outside development (set with
   * `wrangler secret put FLUXGATE_SETUP_SECRET`; services/setup-secret.ts).
   */
  FLUXGATE_SETUP_SECRET?: string;
  /** Where analytics queries read counts: "d1" (default, the rollups) or "engine" (Analytics Engine's SQL API). */
  ANALYTICS_SOURCE?: string;
  /** Secrets for ANALYTICS_SOURCE=engine: the Cloudflare account id and an API token with Account Analytics Read. */
  ANALYTICS_ACCOUNT_ID?: string;
  ANALYTICS_API_TOKEN?: string;
  /** The Analytics Engine dataset to query (default fluxgate_evaluations). */
  ANALYTICS_DATASET?: string;
  /** Longest pause in ms between two payloads of a live analytics subscription (default 30000). */
  ANALYTICS_HEARTBEAT_MS?: string;
}
