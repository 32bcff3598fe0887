// Pipelines: a team's ordered list of environments (development -> staging -> production), the
// template a new feature copies its stages from. Changing a pipeline never changes existing
// features, so pipelines publish nothing. Team admins change them; every member reads them.
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { environments, pipelines, pipelineStages } from "../../../db/schema";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit, type Statement } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput } from "../core/errors";
import type { Connection, PageArgs } from "../core/pagination";
import { teamPage, teamRow } from "../identity/team-rows";
import { parseInput } from "../core/validation";

export type PipelineRow = typeof pipelines.$inferSelect;
export type PipelineStageRow = typeof pipelineStages.$inferSelect;

const nameSchema = z.string().trim().min(1, "is required").max(100);
const descriptionSchema = z.string().trim().max(1000);
const stagesSchema = z.array(z.string().min(1)).min(1, "a pipeline needs at least one environment").max(20)
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: "custom", path: [index], message: "appears twice" });
    });
  });

const createInput = z.object({
  teamId: z.string().min(1),
  name: nameSchema,
  description: descriptionSchema.default(""),
  environmentIds: stagesSchema,
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  /** Replaces the stages: their new order is this list's order. */
  environmentIds: stagesSchema.optional(),
}).strict();

const duplicateName = "A pipeline with this name already exists in the team";

export const listPipelines = (deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs): Promise<Connection<PipelineRow>> =>
  teamPage(deps, principal, pipelines, pipelines.name, teamId, page);

export const getPipeline = (deps: ControlDeps, principal: Principal, id: string): Promise<PipelineRow> =>
  teamRow(deps, principal, "pipeline", pipelines, id);

export async function createPipeline(deps: ControlDeps, principal: Principal, raw: unknown): Promise<PipelineRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  await assertTeamEnvironments(deps, input.teamId, input.environmentIds);
  const now = deps.now();
  const row: PipelineRow = { id: crypto.randomUUID(), teamId: input.teamId, name: input.name, description: input.description, createdAt: now, updatedAt: now };
  await uniqueOrConflict("pipelines", duplicateName, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(pipelines).values(row), ...stageStatements(deps, row.id, input.environmentIds)],
    audit: [{ teamId: row.teamId, action: "pipeline.create", entityType: "pipeline", entityId: row.id, before: null, after: { ...auditView(row), environmentIds: input.environmentIds } }],
  }));
  return row;
}

export async function updatePipeline(deps: ControlDeps, principal: Principal, raw: unknown): Promise<PipelineRow> {
  const input = parseInput(updateInput, raw);
  const teamId = await authorizeEntity(deps, principal, "pipeline", input.id, TEAM_ADMIN);
  if (input.environmentIds) await assertTeamEnvironments(deps, teamId, input.environmentIds);
  const [[before], stages] = await deps.db.batch([
    deps.db.select().from(pipelines).where(eq(pipelines.id, input.id)).limit(1),
    deps.db.select().from(pipelineStages).where(eq(pipelineStages.pipelineId, input.id)).orderBy(asc(pipelineStages.position)),
  ]);
  const after: PipelineRow = { ...before!, name: input.name ?? before!.name, description: input.description ?? before!.description, updatedAt: deps.now() };
  const statements: Statement[] = [
    deps.db.update(pipelines).set({ name: after.name, description: after.description, updatedAt: after.updatedAt }).where(eq(pipelines.id, after.id)),
  ];
  if (input.environmentIds) {
    statements.push(deps.db.delete(pipelineStages).where(eq(pipelineStages.pipelineId, after.id)), ...stageStatements(deps, after.id, input.environmentIds));
  }
  const beforeIds = stages.map((stage) => stage.environmentId);
  await uniqueOrConflict("pipelines", duplicateName, () => commit(deps, {
    actor: principal,
    statements,
    audit: [{
      teamId, action: "pipeline.update", entityType: "pipeline", entityId: after.id,
      before: { ...auditView(before!), environmentIds: beforeIds },
      after: { ...auditView(after), environmentIds: input.environmentIds ?? beforeIds },
    }],
  }));
  return after;
}

/** Features created from the pipeline keep their stages (their pipelineId becomes null). */
export async function deletePipeline(deps: ControlDeps, principal: Principal, id: string): Promise<PipelineRow> {
  const teamId = await authorizeEntity(deps, principal, "pipeline", id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(pipelines).where(eq(pipelines.id, id)).limit(1);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(pipelines).where(eq(pipelines.id, id))],
    audit: [{ teamId, action: "pipeline.delete", entityType: "pipeline", entityId: id, before: auditView(before!), after: null }],
  });
  return before!;
}

/** BAD_USER_INPUT at the first id that is not an environment of the team (others' ids look absent). */
async function assertTeamEnvironments(deps: ControlDeps, teamId: string, ids: string[]): Promise<void> {
  const rows = await deps.db.select({ id: environments.id }).from(environments)
    .where(and(inArray(environments.id, ids), eq(environments.teamId, teamId)));
  const own = new Set(rows.map((row) => row.id));
  ids.forEach((id, index) => {
    if (!own.has(id)) throw badInput(`input.environmentIds.${index}`, `input.environmentIds.${index}: not an environment of this team`);
  });
}

function stageStatements(deps: ControlDeps, pipelineId: string, environmentIds: string[]): Statement[] {
  return environmentIds.map((environmentId, position) =>
    deps.db.insert(pipelineStages).values({ id: crypto.randomUUID(), pipelineId, environmentId, position }));
}

function auditView(row: PipelineRow) {
  return { id: row.id, teamId: row.teamId, name: row.name, description: row.description };
}
