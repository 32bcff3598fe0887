// Team-wide lookups shared by the configuration services.
import { eq } from "drizzle-orm";
import { environments, segments } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";

/** Every environment of the team: a change to team-wide data (segments) republishes them all. */
export async function teamEnvironmentIds(deps: ControlDeps, teamId: string): Promise<string[]> {
  const rows = await deps.db.select({ id: environments.id }).from(environments).where(eq(environments.teamId, teamId));
  return rows.map((row) => row.id);
}

export async function teamSegmentKeys(deps: ControlDeps, teamId: string): Promise<Set<string>> {
  const rows = await deps.db.select({ key: segments.key }).from(segments).where(eq(segments.teamId, teamId));
  return new Set(rows.map((row) => row.key));
}
