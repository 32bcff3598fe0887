// A live socket (an SDK stream opened with a user's token, or a GraphQL subscription's event feed)
// checks its user only when it opens. When a user loses access, the environments' objects close
// that user's sockets with CREDENTIAL_REVOKED. Like announcing, this follows the committed change:
// a failure is logged, never fails the mutation (the socket would end at its next reconnect).
import { eq, notInArray } from "drizzle-orm";
import { environments, teamMemberships, users } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";

/** Where the user lost access: one team's environments, everywhere, or beyond the user's own teams. */
export type LostAccess = { teamId: string } | "everywhere" | "outside-own-teams";

export async function closeUserSockets(deps: ControlDeps, userId: string, lost: LostAccess): Promise<void> {
  if (typeof lost === "object") {
    // A system admin keeps access to every environment without a membership.
    const [user] = await deps.db.select({ isSystemAdmin: users.isSystemAdmin }).from(users).where(eq(users.id, userId)).limit(1);
    if (!user || user.isSystemAdmin) return;
  }
  const rows = lost === "everywhere"
    ? await deps.db.select({ id: environments.id }).from(environments)
    : lost === "outside-own-teams"
      ? await deps.db.select({ id: environments.id }).from(environments).where(notInArray(environments.teamId,
        deps.db.select({ teamId: teamMemberships.teamId }).from(teamMemberships).where(eq(teamMemberships.userId, userId))))
      : await deps.db.select({ id: environments.id }).from(environments).where(eq(environments.teamId, lost.teamId));
  const settled = await Promise.allSettled(rows.map((row) => deps.revokeUser(row.id, userId)));
  for (const result of settled) {
    if (result.status === "rejected") deps.log.warn("closing a user's sockets failed (the change itself is committed)", { userId, error: String(result.reason) });
  }
}
