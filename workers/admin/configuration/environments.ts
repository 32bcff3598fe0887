// Environments of a team: development / staging / production, key unique per team. Team admins
// change them; every member reads them. An environment referenced by feature stages, pipeline stages
// or clients cannot be deleted (CONFLICT naming what still uses it). Once deleted, its Durable Object
// storage and KV entries are erased (EnvironmentDO.retire).
import { count, eq } from "drizzle-orm";
import { z } from "zod";
import { clients, ENVIRONMENT_TYPES, environments, featureStages, pipelineStages } from "../../../db/schema";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import { isForeignKeyViolation, uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { conflict } from "../core/errors";
import type { Connection, PageArgs } from "../core/pagination";
import { teamPage, teamRow } from "../identity/team-rows";
import { parseInput } from "../core/validation";

export type EnvironmentRow = typeof environments.$inferSelect;

export const environmentKeySchema = z.string().trim()
  .regex(/^[a-z][a-z0-9_-]{0,49}$/, "must be 1-50 characters: lowercase letters, digits, '_' or '-', starting with a letter");
const nameSchema = z.string().trim().min(1, "is required").max(100);

const createInput = z.object({
  teamId: z.string().min(1),
  key: environmentKeySchema,
  name: nameSchema,
  type: z.enum(ENVIRONMENT_TYPES).default("development"),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  key: environmentKeySchema.optional(),
  name: nameSchema.optional(),
  type: z.enum(ENVIRONMENT_TYPES).optional(),
}).strict();

const duplicateKey = "An environment with this key already exists in the team";

export const listEnvironments = (deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs): Promise<Connection<EnvironmentRow>> =>
  teamPage(deps, principal, environments, environments.key, teamId, page);

export const getEnvironment = (deps: ControlDeps, principal: Principal, id: string): Promise<EnvironmentRow> =>
  teamRow(deps, principal, "environment", environments, id);

export async function createEnvironment(deps: ControlDeps, principal: Principal, raw: unknown): Promise<EnvironmentRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const now = deps.now();
  const row: EnvironmentRow = { id: crypto.randomUUID(), ...input, createdAt: now, updatedAt: now };
  await uniqueOrConflict("environments", duplicateKey, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(environments).values(row)],
    audit: [{ teamId: row.teamId, action: "environment.create", entityType: "environment", entityId: row.id, before: null, after: auditView(row) }],
    publish: [row.id],
  }));
  return row;
}

export async function updateEnvironment(deps: ControlDeps, principal: Principal, raw: unknown): Promise<EnvironmentRow> {
  const input = parseInput(updateInput, raw);
  await authorizeEntity(deps, principal, "environment", input.id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(environments).where(eq(environments.id, input.id)).limit(1);
  const after: EnvironmentRow = {
    ...before!, key: input.key ?? before!.key, name: input.name ?? before!.name, type: input.type ?? before!.type, updatedAt: deps.now(),
  };
  await uniqueOrConflict("environments", duplicateKey, () => commit(deps, {
    actor: principal,
    statements: [deps.db.update(environments).set({ key: after.key, name: after.name, type: after.type, updatedAt: after.updatedAt })
      .where(eq(environments.id, after.id))],
    audit: [{ teamId: after.teamId, action: "environment.update", entityType: "environment", entityId: after.id, before: auditView(before!), after: auditView(after) }],
    publish: [after.id],
  }));
  return after;
}

/**
 * Deletes an unused environment, then erases its delivery state; CONFLICT while features,
 * pipelines or clients reference it.
 */
export async function deleteEnvironment(deps: ControlDeps, principal: Principal, id: string): Promise<EnvironmentRow> {
  await authorizeEntity(deps, principal, "environment", id, TEAM_ADMIN);
  const { db } = deps;
  const [envRows, stageCount, pipelineCount, clientCount] = await db.batch([
    db.select().from(environments).where(eq(environments.id, id)).limit(1),
    db.select({ n: count() }).from(featureStages).where(eq(featureStages.environmentId, id)),
    db.select({ n: count() }).from(pipelineStages).where(eq(pipelineStages.environmentId, id)),
    db.select({ n: count() }).from(clients).where(eq(clients.environmentId, id)),
  ]);
  const before = envRows[0]!;
  const users = [
    [stageCount[0]!.n, "feature stage"], [pipelineCount[0]!.n, "pipeline stage"], [clientCount[0]!.n, "client"],
  ] as const;
  const inUse = users.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n === 1 ? "" : "s"}`);
  if (inUse.length) throw inUseConflict(before.key, inUse.join(", "));
  try {
    await commit(deps, {
      actor: principal,
      statements: [db.delete(environments).where(eq(environments.id, id))],
      audit: [{ teamId: before.teamId, action: "environment.delete", entityType: "environment", entityId: id, before: auditView(before), after: null }],
    });
  } catch (error) {
    // Something started using it between the check and the delete (ON DELETE RESTRICT).
    if (isForeignKeyViolation(error)) throw inUseConflict(before.key, "new references");
    throw error;
  }
  // The deletion is committed; leftovers (object storage, KV copy) only cost storage, so a failed
  // cleanup is logged rather than failing the mutation.
  try {
    await deps.retireEnvironment(id);
  } catch (error) {
    deps.log.error("deleted environment's object storage and KV entries were not erased", { environmentId: id, error });
  }
  return before;
}

const inUseConflict = (key: string, what: string) =>
  conflict(`Environment ${key} is still used by ${what}; remove them first`);

function auditView(row: EnvironmentRow) {
  return { id: row.id, teamId: row.teamId, key: row.key, name: row.name, type: row.type };
}
