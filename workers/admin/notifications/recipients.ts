// Who an event's email and SMS go to: its audience (listed users and roles) among the team's
// enabled members, read when sending, so membership changes since the event apply.
import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import { teamMemberships, users } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";
import type { Audience } from "./event";
import type { Recipient } from "./senders";

export async function resolveRecipients(deps: ControlDeps, teamId: string, audience: Audience): Promise<Recipient[]> {
  const userIds = audience.userIds ?? [];
  const roles = audience.roles ?? [];
  const columns = { id: users.id, email: users.email, mobile: users.mobile };
  if (audience.direct) {
    if (!userIds.length) return [];
    return deps.db.select(columns).from(users).where(and(inArray(users.id, userIds), eq(users.enabled, true))).orderBy(users.email);
  }
  const wanted: SQL[] = [];
  if (userIds.length) wanted.push(inArray(users.id, userIds));
  if (roles.length) wanted.push(inArray(teamMemberships.role, roles));
  if (!wanted.length) return [];
  return deps.db.select(columns).from(teamMemberships).innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(and(eq(teamMemberships.teamId, teamId), eq(users.enabled, true), or(...wanted))).orderBy(users.email);
}
