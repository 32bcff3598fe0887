// Whose counts an analytics read covers. `environmentId` takes an environment's id or its key
// ("production"); a key is looked up only within the caller's teams (every team for a system
// admin), so environments of other teams stay invisible: NOT_FOUND, as if they did not exist. A key
// used by several of the caller's teams is ambiguous: BAD_USER_INPUT with reason
// AMBIGUOUS_ENVIRONMENT_KEY, naming the teams. Without an environment the read covers a team
// (`teamId`, or the caller's only team).
import { canSeeTeam, requireTeamMember, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { badInput, ControlError, notFound } from "../../core/errors";
import type { CountFilter } from "./evaluation-store";

export interface ScopedEnvironment {
  id: string;
  key: string;
  name: string;
  teamId: string;
}

export interface AnalyticsScope {
  teamId: string;
  /** The one environment read, or null for the whole team. */
  environment: ScopedEnvironment | null;
  filter: CountFilter["scope"];
}

interface EnvironmentMatch extends ScopedEnvironment {
  teamName: string;
}

export async function resolveEnvironment(
  deps: ControlDeps, principal: Principal, idOrKey: string, field = "environmentId",
): Promise<ScopedEnvironment> {
  const d1 = (deps.db as typeof deps.db & { $client: D1Database }).$client;
  const { results } = await d1.prepare(`
    SELECT e.id, e.key, e.name, e.team_id AS teamId, t.name AS teamName
    FROM environments e JOIN teams t ON t.id = e.team_id WHERE e.id = ?1 OR e.key = ?1 ORDER BY t.name`)
    .bind(idOrKey).all<EnvironmentMatch>();
  const visible = results.filter((row) => canSeeTeam(principal, row.teamId));
  const byId = visible.find((row) => row.id === idOrKey);
  const matches = byId ? [byId] : visible;
  if (matches.length === 0) throw notFound("Environment");
  if (matches.length > 1) {
    const teams = matches.map((row) => `${row.teamName} (${row.teamId})`).join(", ");
    throw new ControlError("BAD_USER_INPUT",
      `${field}: the key ${JSON.stringify(idOrKey)} names an environment in several of your teams: ${teams}; pass the environment's id`,
      { field, reason: "AMBIGUOUS_ENVIRONMENT_KEY" });
  }
  const { teamName: _teamName, ...environment } = matches[0]!;
  requireTeamMember(principal, environment.teamId, "Environment");
  return environment;
}

export async function resolveAnalyticsScope(
  deps: ControlDeps, principal: Principal,
  input: { environmentId?: string | null; teamId?: string | null }, prefix = "",
): Promise<AnalyticsScope> {
  if (input.environmentId && input.teamId) {
    throw badInput(`${prefix}teamId`, `${prefix}teamId: give either teamId or environmentId, not both`);
  }
  if (input.environmentId) {
    const environment = await resolveEnvironment(deps, principal, input.environmentId, `${prefix}environmentId`);
    return { teamId: environment.teamId, environment, filter: { environmentIds: [environment.id] } };
  }
  let teamId = input.teamId ?? null;
  if (!teamId) {
    const teams = [...principal.memberships.keys()];
    if (teams.length !== 1) {
      throw badInput(`${prefix}environmentId`, `${prefix}environmentId: give environmentId (an id or key) or teamId; you belong to ${teams.length} teams`);
    }
    teamId = teams[0]!;
  }
  requireTeamMember(principal, teamId);
  return { teamId, environment: null, filter: { teamId } };
}
