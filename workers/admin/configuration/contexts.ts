// Contexts: a team's dictionaries of the attributes its applications send (name, type, suggested
// values), used by the admin app for pickers. The engine does not read them, so nothing is
// published. Team admins change them; every member reads them.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { ATTRIBUTE_TYPES, contexts } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import type { Connection, PageArgs } from "../core/pagination";
import { teamPage, teamRow } from "../identity/team-rows";
import { parseInput } from "../core/validation";

export type ContextRow = typeof contexts.$inferSelect;

const keySchema = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, "must be 1-100 characters: letters, digits, '_', '.' or '-', starting with a letter");
const attributesSchema = z.array(z.object({
  name: z.string().trim().min(1, "is required").max(200),
  type: z.enum(ATTRIBUTE_TYPES),
  description: z.string().trim().max(500).optional(),
  values: z.array(z.string().max(200)).max(200).optional(),
}).strict()).max(200).superRefine((attributes, ctx) => {
  const names = attributes.map((a) => a.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) ctx.addIssue({ code: "custom", path: [index, "name"], message: `attribute ${name} appears twice` });
  });
});

const createInput = z.object({
  teamId: z.string().min(1),
  key: keySchema,
  description: z.string().trim().max(1000).default(""),
  attributes: attributesSchema.default([]),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  key: keySchema.optional(),
  description: z.string().trim().max(1000).optional(),
  attributes: attributesSchema.optional(),
}).strict();

const duplicateKey = "A context with this key already exists in the team";

export const listContexts = (deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs): Promise<Connection<ContextRow>> =>
  teamPage(deps, principal, contexts, contexts.key, teamId, page);

export const getContext = (deps: ControlDeps, principal: Principal, id: string): Promise<ContextRow> =>
  teamRow(deps, principal, "context", contexts, id);

export async function createContext(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ContextRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const now = deps.now();
  const row: ContextRow = { id: crypto.randomUUID(), ...input, createdAt: now, updatedAt: now };
  await uniqueOrConflict("contexts", duplicateKey, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(contexts).values(row)],
    audit: [{ teamId: row.teamId, action: "context.create", entityType: "context", entityId: row.id, before: null, after: auditView(row) }],
  }));
  return row;
}

export async function updateContext(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ContextRow> {
  const input = parseInput(updateInput, raw);
  const teamId = await authorizeEntity(deps, principal, "context", input.id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(contexts).where(eq(contexts.id, input.id)).limit(1);
  const after: ContextRow = {
    ...before!, key: input.key ?? before!.key, description: input.description ?? before!.description,
    attributes: input.attributes ?? before!.attributes, updatedAt: deps.now(),
  };
  await uniqueOrConflict("contexts", duplicateKey, () => commit(deps, {
    actor: principal,
    statements: [deps.db.update(contexts).set({ key: after.key, description: after.description, attributes: after.attributes, updatedAt: after.updatedAt })
      .where(eq(contexts.id, after.id))],
    audit: [{ teamId, action: "context.update", entityType: "context", entityId: after.id, before: auditView(before!), after: auditView(after) }],
  }));
  return after;
}

export async function deleteContext(deps: ControlDeps, principal: Principal, id: string): Promise<ContextRow> {
  const teamId = await authorizeEntity(deps, principal, "context", id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(contexts).where(eq(contexts.id, id)).limit(1);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(contexts).where(eq(contexts.id, id))],
    audit: [{ teamId, action: "context.delete", entityType: "context", entityId: id, before: auditView(before!), after: null }],
  });
  return before!;
}

function auditView(row: ContextRow) {
  return { id: row.id, teamId: row.teamId, key: row.key, description: row.description, attributes: row.attributes as unknown as JsonValue };
}
