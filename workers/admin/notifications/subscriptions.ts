// The admin API's live views, fed by the environment objects' event feeds (ControlDeps
// openEventFeed; never an in-memory pub/sub, which would miss changes made in other isolates):
// - featureChanges(environmentId): each new snapshot version with the changed flag keys;
// - killSwitchChanges(teamId): kill switches engaged/released in the team (announced to every
//   environment of the feature, so deduplicated here);
// - approvalRequests(teamId): approval requests created or changing status in the team.
// Authorised like queries when the subscription starts: members of the owning team (system
// admins too); NOT_FOUND for everyone else.
import { and, eq, inArray } from "drizzle-orm";
import { approvalRequests, environments, features } from "../../../db/schema";
import type { ApprovalRequestEvent, KillSwitchEvent } from "../../../protocol/stream";
import type { EventFeed, FeedItem } from "../../evaluation/delivery/event-feed";
import { feedChannel, firstSeen } from "../../evaluation/delivery/event-channel";
import { ANY_TEAM_ROLE, authorizeEntity, requireTeamMember, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import type { FeatureRow } from "../configuration/feature-state";

export interface FeatureChange {
  environmentId: string;
  teamId: string;
  version: number;
  flagKeys: string[];
  /** True when made up after a reconnect (versions were missed): flagKeys is then empty, re-read everything. */
  resynced: boolean;
  at: Date;
}

export type KillSwitchChange = Omit<KillSwitchEvent, "type" | "environmentId" | "at" | "rollbackAt"> & {
  teamId: string;
  rollbackAt: Date | null;
  at: Date;
};

export type ApprovalRequestChange = Omit<ApprovalRequestEvent, "type" | "at"> & { at: Date };

function feedsOf(deps: ControlDeps, principal: Principal, environmentIds: string[], signal?: AbortSignal): EventFeed[] {
  return environmentIds.map((id) => deps.openEventFeed(id, { subscriber: { type: "user", userId: principal.userId }, signal }));
}

async function teamEnvironmentIds(deps: ControlDeps, teamId: string): Promise<string[]> {
  const rows = await deps.db.select({ id: environments.id }).from(environments).where(eq(environments.teamId, teamId));
  return rows.map((row) => row.id);
}

export async function featureChanges(
  deps: ControlDeps, principal: Principal, environmentId: string, signal?: AbortSignal,
): Promise<AsyncIterableIterator<FeatureChange>> {
  const teamId = await authorizeEntity(deps, principal, "environment", environmentId, ANY_TEAM_ROLE);
  return feedChannel(feedsOf(deps, principal, [environmentId], signal), (item: FeedItem) => {
    if (item.type !== "event" || item.event.type !== "flags_changed") return null;
    const event = item.event;
    return { environmentId, teamId, version: event.version, flagKeys: event.flags, resynced: item.resynced === true, at: new Date(event.at) };
  });
}

export async function killSwitchChanges(
  deps: ControlDeps, principal: Principal, teamId: string, signal?: AbortSignal,
): Promise<AsyncIterableIterator<KillSwitchChange>> {
  requireTeamMember(principal, teamId);
  const fresh = firstSeen();
  return feedChannel(feedsOf(deps, principal, await teamEnvironmentIds(deps, teamId), signal), (item) => {
    if (item.type !== "event" || item.event.type !== "kill_switch") return null;
    const { featureId, featureKey, engaged, rollbackAt, at } = item.event;
    if (!fresh(`${featureId}|${engaged}|${at}`)) return null;
    return { teamId, featureId, featureKey, engaged, rollbackAt: rollbackAt === null ? null : new Date(rollbackAt), at: new Date(at) };
  });
}

export async function approvalRequestChanges(
  deps: ControlDeps, principal: Principal, teamId: string, signal?: AbortSignal,
): Promise<AsyncIterableIterator<ApprovalRequestChange>> {
  requireTeamMember(principal, teamId);
  const fresh = firstSeen();
  return feedChannel(feedsOf(deps, principal, await teamEnvironmentIds(deps, teamId), signal), (item) => {
    if (item.type !== "event" || item.event.type !== "approval_request" || item.event.teamId !== teamId) return null;
    const { type: _type, at, ...event } = item.event;
    if (!fresh(`${event.requestId}|${event.status}|${at}`)) return null;
    return { ...event, at: new Date(at) };
  });
}

/** The team's features behind flag keys (flag keys are feature keys). */
export async function featuresByKeys(deps: ControlDeps, teamId: string, keys: string[]): Promise<FeatureRow[]> {
  if (keys.length === 0) return [];
  return deps.db.select().from(features).where(and(eq(features.teamId, teamId), inArray(features.key, keys))).orderBy(features.key);
}

export async function featureById(deps: ControlDeps, id: string): Promise<FeatureRow | null> {
  const [row] = await deps.db.select().from(features).where(eq(features.id, id)).limit(1);
  return row ?? null;
}

export async function approvalRequestById(deps: ControlDeps, id: string) {
  const [row] = await deps.db.select().from(approvalRequests).where(eq(approvalRequests.id, id)).limit(1);
  return row ?? null;
}
