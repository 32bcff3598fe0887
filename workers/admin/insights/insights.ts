// Read-only insights over a team's configuration: which features depend on a feature (directly or
// through other prerequisites) and where they are live, and which approval requests await the
// caller's vote. Each answers in a fixed number of D1 round trips whatever the team's size: the
// team's prerequisite edges are loaded once and walked in memory.
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { approvalRequests, approvalVotes, environments, features, featureStages, prerequisites, LIVE_STAGE_STATUSES } from "../../../db/schema";
import { ANY_TEAM_ROLE, requireTeamMember, requireTeamRole, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { notFound } from "../core/errors";
import type { RequestRow } from "../workflow/stage-workflow";
import { inIds } from "../core/sql-in";

/** Stage statuses in which a feature is live in its environment (a pending rollback still is). */

export interface DeployedEnvironment {
  environmentId: string;
  environmentKey: string;
}

export interface Dependent {
  featureId: string;
  key: string;
  /** 1: requires the feature itself; 2: requires a direct dependent; ... (shortest path). */
  depth: number;
  /** Keys of the features on the way (the inspected one excluded) this one requires, sorted. */
  requires: string[];
  deployedIn: DeployedEnvironment[];
}

export interface DependencyImpact {
  featureId: string;
  key: string;
  direct: Dependent[];
  transitive: Dependent[];
}

export interface Edge {
  featureId: string;
  requiredFeatureId: string;
}

/**
 * Breadth-first walk up the reverse prerequisite edges from `rootId`: every feature whose
 * prerequisites reach it, with its shortest distance. Cycles (which setFeaturePrerequisite
 * refuses anyway) cannot loop: each feature is visited once.
 */
export function walkDependents(edges: readonly Edge[], rootId: string): Map<string, number> {
  const dependentsOf = new Map<string, string[]>();
  for (const edge of edges) dependentsOf.set(edge.requiredFeatureId, [...(dependentsOf.get(edge.requiredFeatureId) ?? []), edge.featureId]);
  const depth = new Map<string, number>();
  let frontier = [rootId];
  for (let level = 1; frontier.length; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const dependent of dependentsOf.get(id) ?? []) {
        if (dependent === rootId || depth.has(dependent)) continue;
        depth.set(dependent, level);
        next.push(dependent);
      }
    }
    frontier = next;
  }
  return depth;
}

export async function featureDependencyImpact(deps: ControlDeps, principal: Principal, featureId: string): Promise<DependencyImpact> {
  const { db } = deps;
  const teamOfFeature = sql`(SELECT team_id FROM features WHERE id = ${featureId})`;
  // Round trip 1: the feature and every prerequisite edge of its team.
  const [featureRows, edges] = await db.batch([
    db.select({ id: features.id, key: features.key, teamId: features.teamId }).from(features).where(eq(features.id, featureId)).limit(1),
    db.select({ featureId: prerequisites.featureId, requiredFeatureId: prerequisites.requiredFeatureId }).from(prerequisites)
      .innerJoin(features, eq(features.id, prerequisites.featureId)).where(eq(features.teamId, teamOfFeature)),
  ]);
  const feature = featureRows[0];
  if (!feature) throw notFound("Feature");
  requireTeamRole(principal, feature.teamId, ANY_TEAM_ROLE, "Feature");
  const depths = walkDependents(edges, feature.id);
  if (depths.size === 0) return { featureId: feature.id, key: feature.key, direct: [], transitive: [] };
  // Round trip 2: the dependents' keys and the environments where they are live.
  const ids = [...depths.keys()];
  const [rows, live] = await db.batch([
    db.select({ id: features.id, key: features.key }).from(features).where(inArray(features.id, ids)),
    db.select({ featureId: featureStages.featureId, environmentId: environments.id, environmentKey: environments.key }).from(featureStages)
      .innerJoin(environments, eq(environments.id, featureStages.environmentId))
      .where(and(inIds(featureStages.featureId, ids), inArray(featureStages.status, [...LIVE_STAGE_STATUSES])))
      .orderBy(asc(featureStages.position), asc(environments.key)),
  ]);
  const keyOf = new Map(rows.map((row) => [row.id, row.key]));
  const dependents: Dependent[] = ids.map((id) => ({
    featureId: id,
    key: keyOf.get(id)!,
    depth: depths.get(id)!,
    requires: edges.filter((e) => e.featureId === id && (e.requiredFeatureId === feature.id || depths.has(e.requiredFeatureId)))
      .map((e) => (e.requiredFeatureId === feature.id ? feature.key : keyOf.get(e.requiredFeatureId)!)).sort(),
    deployedIn: live.filter((s) => s.featureId === id).map(({ environmentId, environmentKey }) => ({ environmentId, environmentKey })),
  }));
  dependents.sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key));
  return {
    featureId: feature.id, key: feature.key,
    direct: dependents.filter((d) => d.depth === 1),
    transitive: dependents.filter((d) => d.depth > 1),
  };
}

/** Pending requests of the team the caller may still vote on: frozen in as an approver, not their own, not voted yet. */
export async function pendingApprovalsFor(deps: ControlDeps, principal: Principal, teamId: string): Promise<RequestRow[]> {
  requireTeamMember(principal, teamId);
  return deps.db.select().from(approvalRequests).where(and(
    eq(approvalRequests.teamId, teamId),
    eq(approvalRequests.status, "pending"),
    ne(approvalRequests.requestedBy, principal.userId),
    sql`EXISTS (SELECT 1 FROM json_each(${approvalRequests.eligibleUserIds}) WHERE json_each.value = ${principal.userId})`,
    sql`NOT EXISTS (SELECT 1 FROM ${approvalVotes} WHERE ${approvalVotes.requestId} = ${approvalRequests.id} AND ${approvalVotes.userId} = ${principal.userId})`,
  )).orderBy(asc(approvalRequests.createdAt), asc(approvalRequests.id));
}
