// Clients through /graphql, and their effect on evaluation: the secret is returned once (fg_ +
// 32 random bytes base64url), stored as SHA-256 with a prefix; every change publishes the client's
// environment so the Durable Object rewrites the KV credential records OFREP reads.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRETS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { sha256Hex } from "../../../protocol/secret-hash";
import { clearClientCache } from "../../../workers/evaluation/data/client-auth";
import { call } from "../api-support";
import { as, failure, ok, poll, pristine } from "./support/config";
import { OUTSIDER_TEAM_ID } from "./support/sessions";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const CREATE = `mutation($input: CreateClientInput!) {
  createClient(input: $input) { secret client { id teamId name kind secretPrefix webOrigins enabled rotatedAt environment { key } } }
}`;

const evaluate = (secret: string, headers: Record<string, string> = {}) =>
  call("/ofrep/v1/evaluate/flags/max_upload_mb", { secret, body: { context: { targetingKey: "u1", plan: "pro" } }, headers });
const statusOf = async (secret: string, headers?: Record<string, string>) => (await evaluate(secret, headers)).status;

async function create(input: Record<string, unknown> = {}) {
  return ok(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, environmentId: DEV, name: "checkout service", ...input } })).createClient;
}

beforeEach(pristine);

describe("createClient", { timeout: 20_000 }, () => {
  it("returns the secret once and stores only its SHA-256 and prefix", async () => {
    const { secret, client } = await create({ description: "d" });
    expect(secret).toMatch(/^fg_[A-Za-z0-9_-]{43}$/);
    expect(client).toEqual({
      id: expect.any(String), teamId: DEMO_TEAM_ID, name: "checkout service", kind: "server", secretPrefix: secret.slice(0, 12),
      webOrigins: [], enabled: true, rotatedAt: null, environment: { key: "development" },
    });
    const row = await env.DB.prepare("SELECT secret_hash, secret_prefix FROM clients WHERE id = ?").bind(client.id).first();
    expect(row).toEqual({ secret_hash: await sha256Hex(secret), secret_prefix: secret.slice(0, 12) });
    const audit = await env.DB.prepare("SELECT action, diff FROM audit_log WHERE entity_id = ?").bind(client.id).first<{ action: string; diff: string }>();
    expect(audit!.action).toBe("client.create");
    expect(audit!.diff).not.toContain(secret);
    expect(audit!.diff).not.toContain(await sha256Hex(secret));
  });

  it("the new secret evaluates flags of the client's environment", async () => {
    const { secret } = await create();
    const answer = await poll(() => evaluate(secret), (a) => a.status === 200);
    expect(answer.json).toMatchObject({ key: "max_upload_mb", value: 100, variant: "pro", reason: "TARGETING_MATCH" });
  });

  it("never exposes the secret in reads: Client has no secret field", async () => {
    const answer = await as("teamadmin", `query($id: ID!) { client(id: $id) { secret } }`, { id: DEMO_CLIENT_IDS.development });
    expect(answer.errors?.[0]?.message).toBe('Cannot query field "secret" on type "Client".');
  });

  it("refuses an environment of another team as if it did not exist", async () => {
    const now = Date.now();
    await env.DB.prepare("INSERT INTO environments (id, team_id, key, name, type, created_at, updated_at) VALUES ('globex-dev', ?, 'development', 'Dev', 'development', ?, ?)")
      .bind(OUTSIDER_TEAM_ID, now, now).run();
    for (const environmentId of ["globex-dev", "no-such-environment"]) {
      const answer = await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, environmentId, name: "x" } });
      expect(failure(answer)).toEqual({ code: "BAD_USER_INPUT", field: "input.environmentId" });
    }
  });

  it.each([
    [{ name: "" }, "input.name"],
    [{ kind: "web", webOrigins: ["http://localhost:5173/"] }, "input.webOrigins.0"],
    [{ kind: "web", webOrigins: ["https://shop.acme.test", "ftp://acme.test"] }, "input.webOrigins.1"],
    [{ kind: "web", webOrigins: ["https://shop.acme.test/path"] }, "input.webOrigins.0"],
    [{ kind: "web", webOrigins: ["not an origin"] }, "input.webOrigins.0"],
    [{ kind: "server", webOrigins: ["https://shop.acme.test"] }, "input.webOrigins"],
  ])("rejects %j at %s", async (input, field) => {
    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, environmentId: DEV, name: "x", ...input } })))
      .toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("refuses a duplicate name in the team with CONFLICT", async () => {
    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, environmentId: DEV, name: "development server" } })))
      .toEqual({ code: "CONFLICT" });
  });

  it("a web client's origins gate browsers", async () => {
    const { secret } = await create({ kind: "web", name: "shop", webOrigins: ["https://shop.acme.test:8443"] });
    expect((await poll(() => evaluate(secret, { origin: "https://shop.acme.test:8443" }), (a) => a.status === 200)).status).toBe(200);
    expect(await statusOf(secret, { origin: "https://evil.test" })).toBe(403);
  });
});

describe("rotating, disabling and deleting", { timeout: 20_000 }, () => {
  it("rotateClientSecret returns a new secret once; the old one is refused", async () => {
    const old = DEMO_SECRETS.development;
    expect(await statusOf(old)).toBe(200);
    const { secret, client } = ok(await as("teamadmin", `mutation($id: ID!) { rotateClientSecret(id: $id) { secret client { id secretPrefix rotatedAt } } }`,
      { id: DEMO_CLIENT_IDS.development })).rotateClientSecret;
    expect(secret).toMatch(/^fg_[A-Za-z0-9_-]{43}$/);
    expect(client).toEqual({ id: DEMO_CLIENT_IDS.development, secretPrefix: secret.slice(0, 12), rotatedAt: expect.any(String) });
    expect((await poll(() => evaluate(secret), (a) => a.status === 200)).status).toBe(200);
    clearClientCache(); // the isolate remembers a verified credential for 10 s (client-auth.ts)
    expect(await statusOf(old)).toBe(401);
    expect(await env.FLAGS_KV.get(`client:${await sha256Hex(old)}`)).toBeNull();
  });

  it("disableClient makes evaluation answer 403; enableClient restores it", async () => {
    const { secret, client } = await create();
    await as("teamadmin", `mutation($id: ID!) { disableClient(id: $id) { enabled } }`, { id: client.id });
    expect(await statusOf(secret)).toBe(403);
    const enabled = ok(await as("teamadmin", `mutation($id: ID!) { enableClient(id: $id) { enabled } }`, { id: client.id })).enableClient;
    expect(enabled).toEqual({ enabled: true });
    clearClientCache();
    expect(await statusOf(secret)).toBe(200);
  });

  it("deleteClient removes the credential: evaluation answers 401", async () => {
    const { secret, client } = await create();
    const deleted = ok(await as("teamadmin", `mutation($id: ID!) { deleteClient(id: $id) { id name } }`, { id: client.id })).deleteClient;
    expect(deleted).toEqual({ id: client.id, name: "checkout service" });
    expect(await statusOf(secret)).toBe(401);
    expect(failure(await as("teamadmin", `query($id: ID!) { client(id: $id) { id } }`, { id: client.id }))).toEqual({ code: "NOT_FOUND" });
  });

  it("updateClient changes name, description and origins and validates them", async () => {
    const updated = ok(await as("teamadmin", `mutation($input: UpdateClientInput!) { updateClient(input: $input) { name description webOrigins } }`,
      { input: { id: DEMO_CLIENT_IDS.web, name: "web", description: "shop", webOrigins: ["https://shop.acme.test"] } })).updateClient;
    expect(updated).toEqual({ name: "web", description: "shop", webOrigins: ["https://shop.acme.test"] });
    const bad = await as("teamadmin", `mutation($input: UpdateClientInput!) { updateClient(input: $input) { name } }`,
      { input: { id: DEMO_CLIENT_IDS.web, webOrigins: ["https://shop.acme.test/"] } });
    expect(failure(bad)).toEqual({ code: "BAD_USER_INPUT", field: "input.webOrigins.0" });
  });

  it("lists the team's clients by name with their prefixes, paginated", async () => {
    const page = ok(await as("viewer", `query($t: ID!) { clients(teamId: $t, first: 3) { nodes { name secretPrefix } pageInfo { hasNextPage endCursor } } }`,
      { t: DEMO_TEAM_ID })).clients;
    expect(page.nodes).toEqual([
      { name: "development server", secretPrefix: "fg_local_dev" },
      { name: "development web", secretPrefix: "fg_local_web" },
      { name: "production server", secretPrefix: "fg_local_pro" },
    ]);
    const next = ok(await as("viewer", `query($t: ID!, $a: String) { clients(teamId: $t, first: 3, after: $a) { nodes { name } pageInfo { hasNextPage } } }`,
      { t: DEMO_TEAM_ID, a: page.pageInfo.endCursor })).clients;
    expect(next).toEqual({ nodes: [{ name: "staging server" }], pageInfo: { hasNextPage: false } });
  });
});
