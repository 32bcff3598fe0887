// The reads every team-owned configuration entity shares: one by id (any member of the owning
// team) and a page of the team's rows in a fixed order.
import { asc, eq } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { clients, contexts, environments, pipelines, segments } from "../../../db/schema";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal, type TeamOwnedEntity } from "./authz";
import type { ControlDeps } from "../core/deps";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";

type TeamTable = typeof environments | typeof pipelines | typeof contexts | typeof segments | typeof clients;

/** A page of the team's rows ordered by `order`; NOT_FOUND for non-members. */
export async function teamPage<T extends TeamTable>(
  deps: ControlDeps, principal: Principal, table: T, order: AnySQLiteColumn, teamId: string, page: PageArgs,
): Promise<Connection<T["$inferSelect"]>> {
  await authorizeEntity(deps, principal, "team", teamId, ANY_TEAM_ROLE);
  const window = pageWindow(page);
  const source = table as typeof environments;
  const rows = await deps.db.select().from(source).where(eq(source.teamId, teamId))
    .orderBy(asc(order)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows as T["$inferSelect"][], window);
}

/** The row, for any member of its owning team (NOT_FOUND otherwise). */
export async function teamRow<T extends TeamTable>(
  deps: ControlDeps, principal: Principal, entity: TeamOwnedEntity, table: T, id: string,
): Promise<T["$inferSelect"]> {
  await authorizeEntity(deps, principal, entity, id, ANY_TEAM_ROLE);
  const source = table as typeof environments;
  const [row] = await deps.db.select().from(source).where(eq(source.id, id)).limit(1);
  return row as T["$inferSelect"];
}
