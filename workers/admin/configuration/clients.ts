// Clients: the credentials applications evaluate flags with, each bound to one environment of its
// team. The secret (`fg_` + 32 random bytes, base64url) is returned once, at creation and at each
// rotation; D1 keeps only its SHA-256 and a short prefix to recognise it. After every change the
// client's environment is published, so its Durable Object rewrites the KV credential records the
// evaluation Worker reads (a rotated-away, disabled or deleted secret stops working). Team admins
// manage clients; every member sees them, never their secrets.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { CLIENT_KINDS, clients, environments } from "../../../db/schema";
import { clientKvKey } from "../../../protocol/delivery";
import { sha256Hex } from "../../../protocol/secret-hash";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { bytesToBase64Url, randomBytes } from "../core/base64";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput } from "../core/errors";
import type { Connection, PageArgs } from "../core/pagination";
import { teamPage, teamRow } from "../identity/team-rows";
import { parseInput } from "../core/validation";

export type ClientRow = typeof clients.$inferSelect;

export const CLIENT_SECRET_PREFIX = "fg_";
/** Characters of the secret kept to recognise it ("fg_" + 9). */
const SECRET_PREFIX_LENGTH = 12;

/** `scheme://host[:port]` exactly as browsers send it in the Origin header. */
export const originSchema = z.string().max(300).refine((text) => {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === text;
  } catch {
    return false;
  }
}, "must be an origin: http(s)://host[:port], lowercase, without path or trailing slash");

const originsSchema = z.array(originSchema).max(50).transform((origins) => [...new Set(origins)]);
const nameSchema = z.string().trim().min(1, "is required").max(100);

const createInput = z.object({
  teamId: z.string().min(1),
  environmentId: z.string().min(1),
  name: nameSchema,
  description: z.string().trim().max(500).default(""),
  kind: z.enum(CLIENT_KINDS).default("server"),
  webOrigins: originsSchema.default([]),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  name: nameSchema.optional(),
  description: z.string().trim().max(500).optional(),
  enabled: z.boolean().optional(),
  webOrigins: originsSchema.optional(),
}).strict();

export interface ClientWithSecret {
  client: ClientRow;
  /** Shown once; only its hash is stored. */
  secret: string;
}

const duplicateName = "A client with this name already exists in the team";

export const listClients = (deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs): Promise<Connection<ClientRow>> =>
  teamPage(deps, principal, clients, clients.name, teamId, page);

export const getClient = (deps: ControlDeps, principal: Principal, id: string): Promise<ClientRow> =>
  teamRow(deps, principal, "client", clients, id);

export async function createClient(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ClientWithSecret> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const [environment] = await deps.db.select({ teamId: environments.teamId }).from(environments)
    .where(eq(environments.id, input.environmentId)).limit(1);
  if (environment?.teamId !== input.teamId) {
    throw badInput("input.environmentId", "input.environmentId: not an environment of this team");
  }
  assertOriginsFit(input.kind, input.webOrigins);
  const secret = newSecret();
  const client: ClientRow = {
    id: crypto.randomUUID(), teamId: input.teamId, environmentId: input.environmentId, name: input.name,
    description: input.description, kind: input.kind, secretHash: await sha256Hex(secret),
    secretPrefix: secret.slice(0, SECRET_PREFIX_LENGTH), webOrigins: input.webOrigins, enabled: true,
    createdAt: deps.now(), rotatedAt: null,
  };
  await uniqueOrConflict("clients", duplicateName, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(clients).values(client)],
    audit: [{ teamId: client.teamId, action: "client.create", entityType: "client", entityId: client.id, before: null, after: auditView(client) }],
    publish: [client.environmentId],
  }));
  return { client, secret };
}

/** A new secret replaces the old one, which stops working once the environment is published. */
export async function rotateClientSecret(deps: ControlDeps, principal: Principal, id: string): Promise<ClientWithSecret> {
  const before = await loadForChange(deps, principal, id);
  const secret = newSecret();
  const client: ClientRow = { ...before, secretHash: await sha256Hex(secret), secretPrefix: secret.slice(0, SECRET_PREFIX_LENGTH), rotatedAt: deps.now() };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(clients).set({ secretHash: client.secretHash, secretPrefix: client.secretPrefix, rotatedAt: client.rotatedAt })
      .where(eq(clients.id, id))],
    audit: [{ teamId: client.teamId, action: "client.rotate_secret", entityType: "client", entityId: id, before: auditView(before), after: auditView(client) }],
    publish: [client.environmentId],
  });
  await forgetCredential(deps, before.secretHash);
  return { client, secret };
}

export async function updateClient(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ClientRow> {
  const input = parseInput(updateInput, raw);
  const before = await loadForChange(deps, principal, input.id);
  const client: ClientRow = {
    ...before, name: input.name ?? before.name, description: input.description ?? before.description,
    enabled: input.enabled ?? before.enabled, webOrigins: input.webOrigins ?? before.webOrigins,
  };
  if (input.webOrigins) assertOriginsFit(client.kind, client.webOrigins);
  const action = input.enabled === undefined || input.enabled === before.enabled ? "client.update" : input.enabled ? "client.enable" : "client.disable";
  await uniqueOrConflict("clients", duplicateName, () => commit(deps, {
    actor: principal,
    statements: [deps.db.update(clients).set({ name: client.name, description: client.description, enabled: client.enabled, webOrigins: client.webOrigins })
      .where(eq(clients.id, client.id))],
    audit: [{ teamId: client.teamId, action, entityType: "client", entityId: client.id, before: auditView(before), after: auditView(client) }],
    publish: [client.environmentId],
  }));
  return client;
}

export async function deleteClient(deps: ControlDeps, principal: Principal, id: string): Promise<ClientRow> {
  const before = await loadForChange(deps, principal, id);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(clients).where(eq(clients.id, id))],
    audit: [{ teamId: before.teamId, action: "client.delete", entityType: "client", entityId: id, before: auditView(before), after: null }],
    publish: [before.environmentId],
  });
  await forgetCredential(deps, before.secretHash);
  return before;
}

async function loadForChange(deps: ControlDeps, principal: Principal, id: string): Promise<ClientRow> {
  await authorizeEntity(deps, principal, "client", id, TEAM_ADMIN);
  const [row] = await deps.db.select().from(clients).where(eq(clients.id, id)).limit(1);
  return row!;
}

/** Origins only restrict browsers, which only web clients serve; a server client refuses browsers. */
function assertOriginsFit(kind: ClientRow["kind"], origins: string[]): void {
  if (kind === "server" && origins.length > 0) {
    throw badInput("input.webOrigins", "input.webOrigins: only web clients have origins (server clients refuse browsers)");
  }
}

/**
 * Deletes the KV record of a secret that no longer exists. The environment object deletes the
 * records it wrote itself when it publishes; this also covers records it never wrote (a seed, an
 * object whose storage was reset). A failure is logged: the object's next publish is the backstop.
 */
async function forgetCredential(deps: ControlDeps, secretHash: string): Promise<void> {
  try {
    await deps.kv.delete(clientKvKey(secretHash));
  } catch (error) {
    deps.log.error("could not delete a retired client credential from KV", { error });
  }
}

function newSecret(): string {
  return CLIENT_SECRET_PREFIX + bytesToBase64Url(randomBytes(32));
}

/** Never the hash: what an audit reader needs to follow the client's history. */
function auditView(row: ClientRow) {
  return {
    id: row.id, teamId: row.teamId, environmentId: row.environmentId, name: row.name, description: row.description,
    kind: row.kind, secretPrefix: row.secretPrefix, webOrigins: row.webOrigins, enabled: row.enabled,
    rotatedAt: row.rotatedAt ? row.rotatedAt.toISOString() : null,
  };
}
