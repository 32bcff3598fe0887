// Who is calling, and what they may do. The principal is loaded fresh from D1 on every request
// (user, memberships, live session), so a role change, a disabled user or a revoked session takes
// effect at once, unlike tokens that freeze roles.
//
// Team isolation, one rule everywhere: a caller who is not a member of the entity's OWNING team (and
// not a system admin) gets NOT_FOUND, exactly as if the entity did not exist, so ids of other teams
// reveal nothing. A member whose role is not allowed gets FORBIDDEN. Always look the owning team up
// from the entity (`teamOf`), never trust a teamId argument for an existing entity.
import { and, eq, gt, isNull } from "drizzle-orm";
import {
  approvalPolicies, approvalRequests, clients, contexts, environments, features, featureStages, freezeWindows,
  pipelines, pipelineStages, refreshTokens, rules, scheduledChanges, segments, teamMemberships, teams, users,
  variants, type AutomationScope, type TeamRole,
} from "../../../db/schema";
import type { ControlDeps } from "../core/deps";
import { forbidden, notFound, passwordChangeRequired, unauthenticated } from "../core/errors";

export interface Principal {
  userId: string;
  username: string;
  isSystemAdmin: boolean;
  mustChangePassword: boolean;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId: string;
  memberships: ReadonlyMap<string, TeamRole>;
  /** Set when the caller is an automation token (services/automation-tokens.ts), not a person. */
  automation?: { tokenId: string; scopes: readonly AutomationScope[] };
}

export const ANY_TEAM_ROLE: readonly TeamRole[] = ["team_admin", "approver", "requester", "viewer"];
export const TEAM_ADMIN: readonly TeamRole[] = ["team_admin"];

/**
 * The principal of a verified access token, or null when the user is gone or disabled or the
 * session was revoked (logout, password change, refresh-token reuse). One D1 round trip.
 */
export async function loadPrincipal(deps: ControlDeps, userId: string, sessionId: string): Promise<Principal | null> {
  const { db } = deps;
  const [userRows, membershipRows, sessionRows] = await db.batch([
    db.select({
      id: users.id, username: users.username, isSystemAdmin: users.isSystemAdmin,
      mustChangePassword: users.mustChangePassword, enabled: users.enabled,
    }).from(users).where(eq(users.id, userId)),
    db.select({ teamId: teamMemberships.teamId, role: teamMemberships.role }).from(teamMemberships)
      .where(eq(teamMemberships.userId, userId)),
    db.select({ id: refreshTokens.id }).from(refreshTokens).where(and(
      eq(refreshTokens.familyId, sessionId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt),
      gt(refreshTokens.expiresAt, deps.now()),
    )).limit(1),
  ]);
  const user = userRows[0];
  if (!user || !user.enabled || sessionRows.length === 0) return null;
  return {
    userId: user.id,
    username: user.username,
    isSystemAdmin: user.isSystemAdmin,
    mustChangePassword: user.mustChangePassword,
    sessionId,
    memberships: new Map(membershipRows.map((m) => [m.teamId, m.role])),
  };
}

export interface AuthenticationOptions {
  /** changePassword, logout and me stay reachable while a temporary password is pending. */
  allowPendingPasswordChange?: boolean;
}

/** The caller, or UNAUTHENTICATED; PASSWORD_CHANGE_REQUIRED while a temporary password is pending. */
export function requirePrincipal(principal: Principal | null, options: AuthenticationOptions = {}): Principal {
  if (!principal) throw unauthenticated();
  if (principal.mustChangePassword && !options.allowPendingPasswordChange) throw passwordChangeRequired();
  return principal;
}

export function requireSystemAdmin(principal: Principal): void {
  if (!principal.isSystemAdmin) throw forbidden("Only a system admin may do this");
}

/** The caller's role in the team (null for a system admin who is not a member). */
export function roleIn(principal: Principal, teamId: string): TeamRole | null {
  return principal.memberships.get(teamId) ?? null;
}

export function canSeeTeam(principal: Principal, teamId: string): boolean {
  return principal.isSystemAdmin || principal.memberships.has(teamId);
}

/**
 * Allows system admins and members of `teamId` holding one of `allowed`. Non-members get NOT_FOUND
 * (`entity` names what they asked for); members with another role get FORBIDDEN.
 */
export function requireTeamRole(principal: Principal, teamId: string, allowed: readonly TeamRole[], entity = "Team"): void {
  if (principal.isSystemAdmin) return;
  const role = principal.memberships.get(teamId);
  if (!role) throw notFound(entity);
  if (!allowed.includes(role)) throw forbidden(`Requires one of the roles ${allowed.join(", ")} in this team`);
}

export const requireTeamMember = (principal: Principal, teamId: string, entity = "Team") =>
  requireTeamRole(principal, teamId, ANY_TEAM_ROLE, entity);

// ---------------------------------------------------------------- owning team of an entity

/** Entities whose owning team the control plane resolves from their id. */
export type TeamOwnedEntity =
  | "team" | "environment" | "pipeline" | "pipelineStage" | "context" | "segment" | "feature" | "variant"
  | "featureStage" | "rule" | "client" | "approvalPolicy" | "approvalRequest" | "freezeWindow" | "scheduledChange";

const ENTITY_LABELS: Record<TeamOwnedEntity, string> = {
  team: "Team", environment: "Environment", pipeline: "Pipeline", pipelineStage: "Pipeline stage",
  context: "Context", segment: "Segment", feature: "Feature", variant: "Variant", featureStage: "Stage",
  rule: "Rule", client: "Client", approvalPolicy: "Approval policy", approvalRequest: "Approval request",
  freezeWindow: "Freeze window", scheduledChange: "Scheduled change",
};

/** The id of the team owning the entity, or null when it does not exist. One query. */
export async function teamOf(deps: ControlDeps, entity: TeamOwnedEntity, id: string): Promise<string | null> {
  const { db } = deps;
  const direct = async (table: typeof environments | typeof pipelines | typeof contexts | typeof segments
    | typeof features | typeof clients | typeof approvalPolicies | typeof approvalRequests | typeof freezeWindows
    | typeof scheduledChanges) => {
    const [row] = await db.select({ teamId: table.teamId }).from(table).where(eq(table.id, id)).limit(1);
    return row?.teamId ?? null;
  };
  switch (entity) {
    case "team": {
      const [row] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).limit(1);
      return row?.id ?? null;
    }
    case "environment": return direct(environments);
    case "pipeline": return direct(pipelines);
    case "context": return direct(contexts);
    case "segment": return direct(segments);
    case "feature": return direct(features);
    case "client": return direct(clients);
    case "approvalPolicy": return direct(approvalPolicies);
    case "approvalRequest": return direct(approvalRequests);
    case "freezeWindow": return direct(freezeWindows);
    case "scheduledChange": return direct(scheduledChanges);
    case "pipelineStage": {
      const [row] = await db.select({ teamId: pipelines.teamId }).from(pipelineStages)
        .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId)).where(eq(pipelineStages.id, id)).limit(1);
      return row?.teamId ?? null;
    }
    case "variant": {
      const [row] = await db.select({ teamId: features.teamId }).from(variants)
        .innerJoin(features, eq(features.id, variants.featureId)).where(eq(variants.id, id)).limit(1);
      return row?.teamId ?? null;
    }
    case "featureStage": {
      const [row] = await db.select({ teamId: features.teamId }).from(featureStages)
        .innerJoin(features, eq(features.id, featureStages.featureId)).where(eq(featureStages.id, id)).limit(1);
      return row?.teamId ?? null;
    }
    case "rule": {
      const [row] = await db.select({ teamId: features.teamId }).from(rules)
        .innerJoin(featureStages, eq(featureStages.id, rules.stageId))
        .innerJoin(features, eq(features.id, featureStages.featureId)).where(eq(rules.id, id)).limit(1);
      return row?.teamId ?? null;
    }
  }
}

/**
 * Resolves the entity's owning team and applies `requireTeamRole` to it: NOT_FOUND when the entity
 * does not exist or the caller is outside its team, FORBIDDEN for a member without an allowed role.
 * Returns the team id.
 */
export async function authorizeEntity(
  deps: ControlDeps, principal: Principal, entity: TeamOwnedEntity, id: string, allowed: readonly TeamRole[],
): Promise<string> {
  // A member's team exists: memberships were read in this request and are deleted with their team
  // (ON DELETE CASCADE), so the lookup is skipped (one D1 round trip less on most team queries).
  if (entity === "team" && principal.memberships.has(id)) {
    requireTeamRole(principal, id, allowed, ENTITY_LABELS[entity]);
    return id;
  }
  const teamId = await teamOf(deps, entity, id);
  if (!teamId) throw notFound(ENTITY_LABELS[entity]);
  requireTeamRole(principal, teamId, allowed, ENTITY_LABELS[entity]);
  return teamId;
}
