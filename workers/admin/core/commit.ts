// The one way a control-plane mutation writes: its statements, its audit rows and (for a feature)
// the next feature_versions row go to D1 in ONE `db.batch` (D1 runs a batch as a transaction; it has
// no interactive transactions). Only after the batch committed are the affected environments
// published. A publish failure is logged, not raised: the change is committed and the next publish
// (the Durable Object rebuilds from D1) repairs it.
//
// Optimistic concurrency for features: the caller passes the feature version it read
// (`expectedVersion`). The batch inserts feature_versions (feature_id, expectedVersion + 1), unique
// per feature, and sets features.version to it; versions are contiguous, so a concurrent writer that
// already used that number makes the whole batch fail, and the caller gets CONFLICT.
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditLog, featureVersions, features, VERSION_SOURCES } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import type { Principal } from "../identity/authz";
import type { ControlDeps } from "./deps";
import { isUniqueViolation } from "./constraints";
import { conflict } from "./errors";
import type { NotificationEvent } from "../notifications/event";
import { deliverAfterCommit, outboxStatements } from "../notifications/outbox";

export type Statement = BatchItem<"sqlite">;

/** Who made the change: a user, or the system itself (alarms, scheduled changes). */
export type Actor = Pick<Principal, "userId" | "username"> | { userId: null; username: string };

export const SYSTEM_ACTOR: Actor = { userId: null, username: "system" };

export interface AuditEntry {
  /** Null for changes outside any team (users, signing keys). */
  teamId: string | null;
  /** `<entity>.<verb>` in snake case, e.g. `feature.update`, `user.create`, `team_membership.remove`. */
  action: string;
  entityType: string;
  entityId: string;
  before: JsonValue;
  after: JsonValue;
  reason?: string | null;
}

export interface FeatureVersionEntry {
  featureId: string;
  /** The features.version the change was computed from; 0 when the feature is created in this batch. */
  expectedVersion: number;
  /** The feature after the change (metadata, variants, stages, rules, prerequisites). */
  snapshot: JsonValue;
  summary: string;
  source: (typeof VERSION_SOURCES)[number];
}

export interface CommitInput {
  actor: Actor;
  statements: Statement[];
  audit: AuditEntry[];
  featureVersion?: FeatureVersionEntry;
  /** Environments whose snapshots the change affects. */
  publish?: Iterable<string>;
  /** Events to notify: queued in the same batch (the outbox), first sent after it commits. */
  notifications?: NotificationEvent[];
}

export interface CommitResult {
  /** Results of `statements`, in order (e.g. rows of `.returning()`). */
  results: unknown[];
  /** The feature's new version when `featureVersion` was given. */
  featureVersion: number | null;
}

export async function commit(deps: ControlDeps, input: CommitInput): Promise<CommitResult> {
  const { db } = deps;
  const now = deps.now();
  const batch: Statement[] = [...input.statements];
  const version = input.featureVersion ? input.featureVersion.expectedVersion + 1 : null;
  if (input.featureVersion && version !== null) {
    const entry = input.featureVersion;
    batch.push(
      db.insert(featureVersions).values({
        featureId: entry.featureId, version, snapshot: entry.snapshot, summary: entry.summary, source: entry.source,
        actorId: input.actor.userId, createdAt: now,
      }),
      db.update(features).set({ version, updatedAt: now }).where(eq(features.id, entry.featureId)),
    );
  }
  for (const entry of input.audit) {
    batch.push(db.insert(auditLog).values({
      teamId: entry.teamId, actorId: input.actor.userId, actorName: input.actor.username, action: entry.action,
      entityType: entry.entityType, entityId: entry.entityId, diff: { before: entry.before, after: entry.after },
      reason: entry.reason ?? null, createdAt: now,
    }));
  }
  const outboxAt = batch.length;
  batch.push(...outboxStatements(deps, input.notifications ?? [], now));
  let results: unknown[];
  try {
    results = batch.length ? await db.batch(batch as [Statement, ...Statement[]]) : [];
  } catch (error) {
    if (input.featureVersion && isUniqueViolation(error, "feature_versions")) {
      throw conflict("The feature was changed by someone else meanwhile; reload it and try again");
    }
    throw error;
  }
  const environmentIds = [...new Set(input.publish ?? [])];
  if (environmentIds.length) {
    try {
      await deps.publish(environmentIds);
    } catch (error) {
      deps.log.error("publish after commit failed; the next publish repairs the snapshot", { environmentIds, error });
    }
  }
  deliverAfterCommit(deps, input.notifications ?? [], results.slice(outboxAt));
  return { results: results.slice(0, input.statements.length), featureVersion: version };
}
