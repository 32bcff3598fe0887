// The principal a scheduled stage_change / archive_feature runs as: its creator, loaded fresh when it
// runs (no session: the change was authorised when scheduled, and is authorised again now with the
// creator's current roles, so a creator who left the team or was disabled cannot act through it).
import { eq } from "drizzle-orm";
import { teamMemberships, users } from "../../../db/schema";
import type { Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";

/** Null when the user is gone or disabled. One D1 round trip. */
export async function scheduledPrincipal(deps: ControlDeps, userId: string | null): Promise<Principal | null> {
  if (!userId) return null;
  const { db } = deps;
  const [userRows, membershipRows] = await db.batch([
    db.select({ id: users.id, username: users.username, isSystemAdmin: users.isSystemAdmin, enabled: users.enabled })
      .from(users).where(eq(users.id, userId)),
    db.select({ teamId: teamMemberships.teamId, role: teamMemberships.role }).from(teamMemberships).where(eq(teamMemberships.userId, userId)),
  ]);
  const user = userRows[0];
  if (!user || !user.enabled) return null;
  return {
    userId: user.id, username: user.username, isSystemAdmin: user.isSystemAdmin, mustChangePassword: false, sessionId: "",
    memberships: new Map(membershipRows.map((m) => [m.teamId, m.role])),
  };
}
