// What every control-plane service receives: the D1 database (drizzle), publishing to the
// environment Durable Objects, a clock, KV and configuration. Services never read `Env` or
// `cloudflare:*` themselves; tests and the Worker build the deps from an Env with `controlDeps`.
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "../../../db/schema";
import { publishEnvironments, retireEnvironment } from "../../../durable-objects/publish";
import { environmentHub } from "../../../durable-objects/hub";
import { environmentScheduler, type Scheduler } from "../../../durable-objects/schedule-client";
import type { DeliveryEvent } from "../../../protocol/stream";
import { openEventFeed, type EventFeed, type EventFeedOptions } from "../../evaluation/delivery/event-feed";
import { relayNamespace } from "../../evaluation/delivery/relay-door";
import { sharedEventFeed } from "../../evaluation/delivery/shared-feed";
import type { EvaluationStore } from "../insights/analytics/evaluation-store";
import { evaluationStoreFor } from "../insights/analytics/store-choice";
import type { Env } from "../../env";

export type ControlDb = DrizzleD1Database<typeof schema>;

export interface ControlConfig {
  /** "development" or "production" (FLUXGATE_ENV). */
  environment: string;
  /** Base64 of the 32-byte AES-GCM key protecting the signing keys' private JWKs. */
  authEncryptionKey: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** FLUXGATE_SETUP_SECRET: what bootstrapAdmin requires outside development ("" when unset). */
  setupSecret: string;
  /** Longest pause between two payloads of a live analytics subscription (ANALYTICS_HEARTBEAT_MS, default 30 s). */
  analyticsHeartbeatMs: number;
}

export interface ControlLog {
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export interface ControlDeps {
  db: ControlDb;
  /** Rebuilds the snapshots of these environments (their Durable Objects read D1 again). */
  publish(environmentIds: Iterable<string>): Promise<unknown>;
  /** Erases a deleted environment's delivery state: its object's storage and its KV entries. */
  retireEnvironment(environmentId: string): Promise<void>;
  /** Timed work run by an environment Durable Object's alarm (kill-switch rollbacks, scheduled changes). */
  scheduler: Scheduler;
  now(): Date;
  kv: KVNamespace;
  config: ControlConfig;
  log: ControlLog;
  /**
   * State kept for the life of the isolate (e.g. imported signing keys), one map per D1 database so
   * separate databases (tests) never share entries.
   */
  isolateCache: Map<string, unknown>;
  /** Sends an event to the event subscribers of its environment's object (services/announce.ts). */
  announce(event: DeliveryEvent): Promise<void>;
  /** Closes the sockets an environment's object holds for this user (services/socket-access.ts). */
  revokeUser(environmentId: string, userId: string): Promise<void>;
  /**
   * Opens an environment's event feed (GraphQL subscriptions): the isolate's shared feed of the
   * environment and user, on a relay without a location hint (the admin API's callers are few).
   */
  openEventFeed(environmentId: string, options: EventFeedOptions): EventFeed;
  /** Where evaluation counts are read: the D1 rollups or Analytics Engine (ANALYTICS_SOURCE; insights/analytics/store-choice.ts). */
  evaluationStore(): EvaluationStore;
  /** Keeps background work (a notification's first delivery attempt) alive after the response; absent outside requests. */
  waitUntil?(promise: Promise<unknown>): void;
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

type ControlEnv = Pick<Env, "DB" | "FLAGS_KV" | "ENVIRONMENTS" | "RELAYS" | "FLUXGATE_ENV" | "AUTH_ENCRYPTION_KEY" | "FLUXGATE_SETUP_SECRET">
  & Partial<Pick<Env, "ANALYTICS_SOURCE" | "ANALYTICS_ACCOUNT_ID" | "ANALYTICS_API_TOKEN" | "ANALYTICS_DATASET" | "ANALYTICS_HEARTBEAT_MS">>;

export const DEFAULT_ANALYTICS_HEARTBEAT_MS = 30_000;

function heartbeatMs(value: string | undefined): number {
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_ANALYTICS_HEARTBEAT_MS;
}

const isolateCaches = new WeakMap<D1Database, Map<string, unknown>>();

function isolateCacheFor(db: D1Database): Map<string, unknown> {
  let cache = isolateCaches.get(db);
  if (!cache) isolateCaches.set(db, (cache = new Map()));
  return cache;
}

export function controlDeps(env: ControlEnv, overrides: Partial<ControlDeps> = {}): ControlDeps {
  return {
    db: drizzle(env.DB, { schema }),
    publish: (environmentIds) => publishEnvironments(env, environmentIds),
    retireEnvironment: (environmentId) => retireEnvironment(env, environmentId),
    announce: (event) => environmentHub(env, event.environmentId).announce(event),
    revokeUser: (environmentId, userId) => environmentHub(env, environmentId).revokeUser(userId),
    openEventFeed: (environmentId, options) =>
      sharedEventFeed((id, opts) => openEventFeed(relayNamespace(env.RELAYS, "any"), id, opts), environmentId, options),
    scheduler: environmentScheduler(env),
    now: () => new Date(),
    kv: env.FLAGS_KV,
    config: {
      environment: env.FLUXGATE_ENV ?? "production",
      authEncryptionKey: env.AUTH_ENCRYPTION_KEY ?? "",
      accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
      setupSecret: env.FLUXGATE_SETUP_SECRET ?? "",
      analyticsHeartbeatMs: heartbeatMs(env.ANALYTICS_HEARTBEAT_MS),
    },
    evaluationStore: () => evaluationStoreFor(env),
    log: console,
    isolateCache: isolateCacheFor(env.DB),
    ...overrides,
  };
}
