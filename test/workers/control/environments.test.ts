// Environments, pipelines and contexts through /graphql: CRUD, validation with field paths,
// uniqueness per team (CONFLICT), deletion refused while in use, audit rows.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_PIPELINE_ID, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { as, failure, ok, pristine } from "./support/config";
import { OUTSIDER_TEAM_ID } from "./support/sessions";

const ENV_FIELDS = "id teamId key name type";
const CREATE_ENV = `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { ${ENV_FIELDS} } }`;
const UPDATE_ENV = `mutation($input: UpdateEnvironmentInput!) { updateEnvironment(input: $input) { ${ENV_FIELDS} } }`;
const DELETE_ENV = `mutation($id: ID!) { deleteEnvironment(id: $id) { key } }`;

beforeEach(pristine);

describe("environments", { timeout: 20_000 }, () => {
  it("creates, reads, updates and lists environments; type defaults to development", async () => {
    const created = ok(await as("teamadmin", CREATE_ENV, { input: { teamId: DEMO_TEAM_ID, key: "qa", name: "QA" } })).createEnvironment;
    expect(created).toEqual({ id: expect.any(String), teamId: DEMO_TEAM_ID, key: "qa", name: "QA", type: "development" });
    const updated = ok(await as("teamadmin", UPDATE_ENV, { input: { id: created.id, name: "Quality", type: "staging" } })).updateEnvironment;
    expect(updated).toEqual({ ...created, name: "Quality", type: "staging" });
    const read = ok(await as("viewer", `query($id: ID!) { environment(id: $id) { ${ENV_FIELDS} } }`, { id: created.id })).environment;
    expect(read).toEqual(updated);
    const list = ok(await as("viewer", `query($t: ID!) { environments(teamId: $t) { nodes { key type } pageInfo { hasNextPage } } }`, { t: DEMO_TEAM_ID })).environments;
    expect(list).toEqual({
      nodes: [{ key: "development", type: "development" }, { key: "production", type: "production" }, { key: "qa", type: "staging" }, { key: "staging", type: "staging" }],
      pageInfo: { hasNextPage: false },
    });
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at, action").bind(created.id).all();
    expect(audit.results).toEqual([{ action: "environment.create" }, { action: "environment.update" }]);
  });

  it.each([
    [{ key: "QA" }, "input.key"],
    [{ key: "1qa" }, "input.key"],
    [{ key: "q a" }, "input.key"],
    [{ key: "qa", name: " " }, "input.name"],
  ])("rejects %j at %s", async (input, field) => {
    expect(failure(await as("teamadmin", CREATE_ENV, { input: Object.assign({ teamId: DEMO_TEAM_ID, key: "qa", name: "QA" }, input) })))
      .toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("keys are unique per team (CONFLICT), not across teams", async () => {
    expect(failure(await as("teamadmin", CREATE_ENV, { input: { teamId: DEMO_TEAM_ID, key: "staging", name: "S" } }))).toEqual({ code: "CONFLICT" });
    expect(failure(await as("teamadmin", UPDATE_ENV, { input: { id: DEMO_ENVIRONMENT_IDS.staging, key: "production" } }))).toEqual({ code: "CONFLICT" });
    const other = ok(await as("outsider", CREATE_ENV, { input: { teamId: OUTSIDER_TEAM_ID, key: "staging", name: "S", type: "staging" } })).createEnvironment;
    expect(other).toMatchObject({ teamId: OUTSIDER_TEAM_ID, key: "staging" });
  });

  it("refuses to delete an environment still used, naming the uses", async () => {
    const answer = await as("teamadmin", DELETE_ENV, { id: DEMO_ENVIRONMENT_IDS.development });
    expect(failure(answer)).toEqual({ code: "CONFLICT" });
    expect(answer.errors![0]!.message).toBe("Environment development is still used by 7 feature stages, 1 pipeline stage, 2 clients; remove them first");
  });

  it("Team.environments lists each visible team's environments", async () => {
    const answer = ok(await as("admin", `{ teams { nodes { name environments { key } } } }`)).teams;
    expect(answer.nodes).toEqual([
      { name: "Acme", environments: [{ key: "development" }, { key: "production" }, { key: "staging" }] },
      { name: "Globex", environments: [] },
    ]);
  });

  it("deletes an unused environment", async () => {
    const created = ok(await as("teamadmin", CREATE_ENV, { input: { teamId: DEMO_TEAM_ID, key: "temp", name: "Temp" } })).createEnvironment;
    expect(ok(await as("teamadmin", DELETE_ENV, { id: created.id })).deleteEnvironment).toEqual({ key: "temp" });
    expect(failure(await as("teamadmin", `query($id: ID!) { environment(id: $id) { id } }`, { id: created.id }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("pipelines", { timeout: 20_000 }, () => {
  const PIPELINE_FIELDS = "id name description stages { position environment { key } }";

  it("creates a pipeline with ordered stages and reorders them by replacing the list", async () => {
    const { development, staging, production } = DEMO_ENVIRONMENT_IDS;
    const created = ok(await as("teamadmin", `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { ${PIPELINE_FIELDS} } }`,
      { input: { teamId: DEMO_TEAM_ID, name: "Fast lane", environmentIds: [development, production] } })).createPipeline;
    expect(created).toEqual({
      id: expect.any(String), name: "Fast lane", description: "",
      stages: [{ position: 0, environment: { key: "development" } }, { position: 1, environment: { key: "production" } }],
    });
    const reordered = ok(await as("teamadmin", `mutation($input: UpdatePipelineInput!) { updatePipeline(input: $input) { ${PIPELINE_FIELDS} } }`,
      { input: { id: created.id, description: "d", environmentIds: [staging, development, production] } })).updatePipeline;
    expect(reordered.stages.map((s: { environment: { key: string } }) => s.environment.key)).toEqual(["staging", "development", "production"]);
    const feature = ok(await as("requester", `mutation($input: CreateFeatureInput!) { createFeature(input: $input) { stages { environment { key } } } }`,
      { input: { teamId: DEMO_TEAM_ID, pipelineId: created.id, key: "fast", type: "BOOLEAN" } })).createFeature;
    expect(feature.stages.map((s: { environment: { key: string } }) => s.environment.key)).toEqual(["staging", "development", "production"]);
  });

  it.each([
    [{ environmentIds: [] }, "input.environmentIds"],
    [{ environmentIds: [DEMO_ENVIRONMENT_IDS.staging, DEMO_ENVIRONMENT_IDS.staging] }, "input.environmentIds.1"],
    [{ environmentIds: [DEMO_ENVIRONMENT_IDS.staging, "other-team-env"] }, "input.environmentIds.1"],
    [{ name: "" }, "input.name"],
  ])("rejects %j at %s", async (input, field) => {
    const answer = await as("teamadmin", `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }`,
      { input: { teamId: DEMO_TEAM_ID, name: "P", environmentIds: [DEMO_ENVIRONMENT_IDS.development], ...input } });
    expect(failure(answer)).toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("names are unique per team; deleting a pipeline keeps its features' stages", async () => {
    expect(failure(await as("teamadmin", `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }`,
      { input: { teamId: DEMO_TEAM_ID, name: "Default", environmentIds: [DEMO_ENVIRONMENT_IDS.development] } }))).toEqual({ code: "CONFLICT" });
    ok(await as("teamadmin", `mutation($id: ID!) { deletePipeline(id: $id) { id } }`, { id: DEMO_PIPELINE_ID }));
    const feature = ok(await as("viewer", `query { features(teamId: "${DEMO_TEAM_ID}", first: 1) { nodes { pipelineId stages { id } } } }`)).features.nodes[0];
    expect(feature).toEqual({ pipelineId: null, stages: [{ id: expect.any(String) }, { id: expect.any(String) }, { id: expect.any(String) }] });
  });
});

describe("contexts", { timeout: 20_000 }, () => {
  const CONTEXT_FIELDS = "id key description attributes { name type description values }";

  it("creates, updates, lists and deletes attribute dictionaries", async () => {
    const created = ok(await as("teamadmin", `mutation($input: CreateContextInput!) { createContext(input: $input) { ${CONTEXT_FIELDS} } }`, {
      input: { teamId: DEMO_TEAM_ID, key: "device", attributes: [{ name: "os", type: "string", values: ["ios", "android"] }, { name: "appVersion", type: "semver" }, { name: "groups", type: "string_list" }] },
    })).createContext;
    expect(created).toEqual({
      id: expect.any(String), key: "device", description: "",
      attributes: [
        { name: "os", type: "string", description: null, values: ["ios", "android"] },
        { name: "appVersion", type: "semver", description: null, values: null },
        { name: "groups", type: "string_list", description: null, values: null },
      ],
    });
    const updated = ok(await as("teamadmin", `mutation($input: UpdateContextInput!) { updateContext(input: $input) { key description attributes { name } } }`,
      { input: { id: created.id, description: "Mobile devices", attributes: [{ name: "os", type: "string" }] } })).updateContext;
    expect(updated).toEqual({ key: "device", description: "Mobile devices", attributes: [{ name: "os" }] });
    const list = ok(await as("viewer", `query($t: ID!) { contexts(teamId: $t) { nodes { key } } }`, { t: DEMO_TEAM_ID })).contexts;
    expect(list.nodes).toEqual([{ key: "device" }, { key: "user" }]);
    ok(await as("teamadmin", `mutation($id: ID!) { deleteContext(id: $id) { id } }`, { id: created.id }));
    expect(failure(await as("viewer", `query($id: ID!) { context(id: $id) { id } }`, { id: created.id }))).toEqual({ code: "NOT_FOUND" });
  });

  it("rejects a repeated attribute name at its path and a duplicate key with CONFLICT", async () => {
    const CREATE = `mutation($input: CreateContextInput!) { createContext(input: $input) { id } }`;
    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, key: "x", attributes: [{ name: "a", type: "number" }, { name: "a", type: "date" }] } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "input.attributes.1.name" });
    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, key: "user" } }))).toEqual({ code: "CONFLICT" });
  });
});
