// The bindings and variables the Worker and the Durable Objects receive (see wrangler.toml).
import type { EnvironmentDO } from "../durable-objects/environment-do";

export interface Env {
  DB: D1Database;
  FLAGS_KV: KVNamespace;
  ENVIRONMENTS: DurableObjectNamespace<EnvironmentDO>;
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
}
