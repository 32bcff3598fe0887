// The audit trail of a team, newest first (insertion order within a millisecond), for its
// members; filterable by entity.
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditLog } from "../../../db/schema";
import { requireTeamMember, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { parseInput } from "../core/validation";

export type AuditRow = typeof auditLog.$inferSelect;

const filterInput = z.object({
  entityType: z.string().max(100).nullish(),
  entityId: z.string().max(100).nullish(),
});

export async function listAuditLog(
  deps: ControlDeps, principal: Principal, teamId: string, filter: { entityType?: string | null; entityId?: string | null }, page: PageArgs,
): Promise<Connection<AuditRow>> {
  requireTeamMember(principal, teamId);
  const { entityType, entityId } = parseInput(filterInput, filter, "");
  const window = pageWindow(page);
  const conditions: SQL[] = [eq(auditLog.teamId, teamId)];
  if (entityType) conditions.push(eq(auditLog.entityType, entityType));
  if (entityId) conditions.push(eq(auditLog.entityId, entityId));
  const rows = await deps.db.select().from(auditLog).where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(sql`rowid`)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows, window);
}
