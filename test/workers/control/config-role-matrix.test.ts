// The role matrix of docs/ROLES.md for the configuration API: every query and mutation of
// environments, pipelines, contexts, segments, features, variants, prerequisites, stage rules and
// clients, against every demo role, a member of another team (outsider) and an anonymous caller.
// Mutations that consume their target (deletes, rotations) get a fresh target per caller, made by
// the system admin first; creations use a name per caller.
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_PIPELINE_ID, DEMO_SEGMENT_ID, DEMO_TEAM_ID,
  demoRuleId, demoStageId, demoVariantId,
} from "../../../db/seed/demo-data";
import { as, ok, pristine, ROLES } from "./support/config";
import { gql, type GraphQLAnswer } from "./support/graphql";
import type { Role } from "./support/sessions";

type Caller = Role | "anonymous";
type Outcome = "ok" | "FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED";

const CONTEXT_ID = "00000000-0000-4000-8000-000000000cc1";
const DEV = DEMO_ENVIRONMENT_IDS.development;
const DARK_DEV_STAGE = demoStageId("dark_mode", "development");
const DARK_DEV_RULE = demoRuleId("dark_mode", "development");

const outcomes = (allowed: Role[]): Record<Caller, Outcome> => ({
  admin: "ok",
  teamadmin: allowed.includes("teamadmin") ? "ok" : "FORBIDDEN",
  approver: allowed.includes("approver") ? "ok" : "FORBIDDEN",
  requester: allowed.includes("requester") ? "ok" : "FORBIDDEN",
  viewer: allowed.includes("viewer") ? "ok" : "FORBIDDEN",
  outsider: "NOT_FOUND",
  anonymous: "UNAUTHENTICATED",
});
const MEMBERS = outcomes(["teamadmin", "approver", "requester", "viewer"]);
const TEAM_ADMINS = outcomes(["teamadmin"]);
const CONFIGURERS = outcomes(["teamadmin", "requester"]);

const admin = async (query: string, variables: Record<string, unknown> = {}) => ok(await as("admin", query, variables));

interface Operation {
  name: string;
  expected: Record<Caller, Outcome>;
  /** Prepares the target (as the system admin) and returns the operation's query and variables. */
  prepare: (caller: Caller) => Promise<[string, Record<string, unknown>]> | [string, Record<string, unknown>];
}

const newEnvironment = async (caller: Caller) => (await admin(
  `mutation($key: String!) { createEnvironment(input: { teamId: "${DEMO_TEAM_ID}", key: $key, name: "Temp" }) { id } }`,
  { key: `tmp-${caller}-${crypto.randomUUID().slice(0, 8)}` })).createEnvironment.id as string;
const newFeature = async (caller: Caller) => (await admin(
  `mutation($key: String!) { createFeature(input: { teamId: "${DEMO_TEAM_ID}", pipelineId: "${DEMO_PIPELINE_ID}", key: $key, type: BOOLEAN }) { id } }`,
  { key: `tmp_${caller}_${crypto.randomUUID().slice(0, 8)}` })).createFeature.id as string;
const newClient = async (caller: Caller) => (await admin(
  `mutation($name: String!) { createClient(input: { teamId: "${DEMO_TEAM_ID}", environmentId: "${DEV}", name: $name }) { client { id } } }`,
  { name: `tmp ${caller} ${crypto.randomUUID()}` })).createClient.client.id as string;
const unique = (caller: Caller) => `${caller}${crypto.randomUUID().slice(0, 6)}`;

const OPERATIONS: Operation[] = [
  // environments
  { name: "environment", expected: MEMBERS, prepare: () => [`query($id: ID!) { environment(id: $id) { id } }`, { id: DEV }] },
  { name: "environments", expected: MEMBERS, prepare: () => [`query($t: ID!) { environments(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }] },
  {
    name: "createEnvironment", expected: TEAM_ADMINS,
    prepare: (c) => [`mutation($t: ID!, $k: String!) { createEnvironment(input: { teamId: $t, key: $k, name: "QA" }) { id } }`, { t: DEMO_TEAM_ID, k: `qa-${unique(c)}` }],
  },
  { name: "updateEnvironment", expected: TEAM_ADMINS, prepare: () => [`mutation($id: ID!) { updateEnvironment(input: { id: $id, name: "Development" }) { id } }`, { id: DEV }] },
  { name: "deleteEnvironment", expected: TEAM_ADMINS, prepare: async (c) => [`mutation($id: ID!) { deleteEnvironment(id: $id) { id } }`, { id: await newEnvironment(c) }] },
  // pipelines
  { name: "pipeline", expected: MEMBERS, prepare: () => [`query($id: ID!) { pipeline(id: $id) { id stages { environment { key } } } }`, { id: DEMO_PIPELINE_ID }] },
  { name: "pipelines", expected: MEMBERS, prepare: () => [`query($t: ID!) { pipelines(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }] },
  {
    name: "createPipeline", expected: TEAM_ADMINS,
    prepare: (c) => [`mutation($t: ID!, $n: String!, $e: [ID!]!) { createPipeline(input: { teamId: $t, name: $n, environmentIds: $e }) { id } }`, { t: DEMO_TEAM_ID, n: unique(c), e: [DEV] }],
  },
  { name: "updatePipeline", expected: TEAM_ADMINS, prepare: () => [`mutation($id: ID!) { updatePipeline(input: { id: $id, description: "d" }) { id } }`, { id: DEMO_PIPELINE_ID }] },
  {
    name: "deletePipeline", expected: TEAM_ADMINS,
    prepare: async (c) => [`mutation($id: ID!) { deletePipeline(id: $id) { id } }`, {
      id: (await admin(`mutation($n: String!) { createPipeline(input: { teamId: "${DEMO_TEAM_ID}", name: $n, environmentIds: ["${DEV}"] }) { id } }`, { n: unique(c) })).createPipeline.id,
    }],
  },
  // contexts
  { name: "context", expected: MEMBERS, prepare: () => [`query($id: ID!) { context(id: $id) { id } }`, { id: CONTEXT_ID }] },
  { name: "contexts", expected: MEMBERS, prepare: () => [`query($t: ID!) { contexts(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }] },
  {
    name: "createContext", expected: TEAM_ADMINS,
    prepare: (c) => [`mutation($t: ID!, $k: String!) { createContext(input: { teamId: $t, key: $k }) { id } }`, { t: DEMO_TEAM_ID, k: unique(c) }],
  },
  { name: "updateContext", expected: TEAM_ADMINS, prepare: () => [`mutation($id: ID!) { updateContext(input: { id: $id, description: "d" }) { id } }`, { id: CONTEXT_ID }] },
  {
    name: "deleteContext", expected: TEAM_ADMINS,
    prepare: async (c) => [`mutation($id: ID!) { deleteContext(id: $id) { id } }`, {
      id: (await admin(`mutation($k: String!) { createContext(input: { teamId: "${DEMO_TEAM_ID}", key: $k }) { id } }`, { k: unique(c) })).createContext.id,
    }],
  },
  // segments
  { name: "segment", expected: MEMBERS, prepare: () => [`query($id: ID!) { segment(id: $id) { id } }`, { id: DEMO_SEGMENT_ID }] },
  { name: "segments", expected: MEMBERS, prepare: () => [`query($t: ID!) { segments(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }] },
  {
    name: "createSegment", expected: CONFIGURERS,
    prepare: (c) => [`mutation($t: ID!, $k: String!) { createSegment(input: { teamId: $t, key: $k, name: "S" }) { id } }`, { t: DEMO_TEAM_ID, k: unique(c) }],
  },
  { name: "updateSegment", expected: CONFIGURERS, prepare: () => [`mutation($id: ID!) { updateSegment(input: { id: $id, description: "d" }) { id } }`, { id: DEMO_SEGMENT_ID }] },
  {
    name: "deleteSegment", expected: CONFIGURERS,
    prepare: async (c) => [`mutation($id: ID!) { deleteSegment(id: $id) { id } }`, {
      id: (await admin(`mutation($k: String!) { createSegment(input: { teamId: "${DEMO_TEAM_ID}", key: $k, name: "S" }) { id } }`, { k: unique(c) })).createSegment.id,
    }],
  },
  // features, variants, prerequisites
  { name: "feature", expected: MEMBERS, prepare: () => [`query($id: ID!) { feature(id: $id) { id } }`, { id: DEMO_FEATURE_IDS.dark_mode }] },
  { name: "features", expected: MEMBERS, prepare: () => [`query($t: ID!) { features(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }] },
  {
    name: "createFeature", expected: CONFIGURERS,
    prepare: (c) => [`mutation($t: ID!, $p: ID!, $k: String!) { createFeature(input: { teamId: $t, pipelineId: $p, key: $k, type: BOOLEAN }) { id } }`, { t: DEMO_TEAM_ID, p: DEMO_PIPELINE_ID, k: `f_${unique(c)}` }],
  },
  { name: "updateFeature", expected: CONFIGURERS, prepare: () => [`mutation($id: ID!) { updateFeature(input: { id: $id, description: "d" }) { id } }`, { id: DEMO_FEATURE_IDS.max_upload_mb }] },
  { name: "archiveFeature", expected: CONFIGURERS, prepare: async (c) => [`mutation($id: ID!) { archiveFeature(id: $id) { id } }`, { id: await newFeature(c) }] },
  { name: "deleteFeature", expected: CONFIGURERS, prepare: async (c) => [`mutation($id: ID!) { deleteFeature(id: $id) { id } }`, { id: await newFeature(c) }] },
  {
    name: "createFeatureVariant", expected: CONFIGURERS,
    prepare: (c) => [`mutation($f: ID!, $k: String!) { createFeatureVariant(input: { featureId: $f, control: $k, value: "\\"x\\"", valueType: STRING }) { id } }`, { f: DEMO_FEATURE_IDS.checkout_button_text, k: unique(c) }],
  },
  {
    name: "updateFeatureVariant", expected: CONFIGURERS,
    prepare: () => [`mutation($id: ID!) { updateFeatureVariant(input: { id: $id, description: "d" }) { id } }`, { id: demoVariantId("max_upload_mb", 0) }],
  },
  {
    name: "deleteFeatureVariant", expected: CONFIGURERS,
    prepare: async (c) => [`mutation($id: ID!) { deleteFeatureVariant(id: $id) { id } }`, {
      id: (await admin(`mutation($k: String!) { createFeatureVariant(input: { featureId: "${DEMO_FEATURE_IDS.max_upload_mb}", control: $k, value: "5", valueType: NUMBER }) { id } }`, { k: unique(c) })).createFeatureVariant.id,
    }],
  },
  {
    name: "setFeaturePrerequisite", expected: CONFIGURERS,
    prepare: () => [`mutation($f: ID!, $r: ID!) { setFeaturePrerequisite(input: { featureId: $f, requiredFeatureId: $r }) { id } }`, { f: DEMO_FEATURE_IDS.dark_mode, r: DEMO_FEATURE_IDS.BetaUsers }],
  },
  {
    name: "removeFeaturePrerequisite", expected: CONFIGURERS,
    prepare: async () => {
      await admin(`mutation { setFeaturePrerequisite(input: { featureId: "${DEMO_FEATURE_IDS.dark_mode}", requiredFeatureId: "${DEMO_FEATURE_IDS.BetaUsers}" }) { id } }`);
      return [`mutation($f: ID!, $r: ID!) { removeFeaturePrerequisite(featureId: $f, requiredFeatureId: $r) { id } }`, { f: DEMO_FEATURE_IDS.dark_mode, r: DEMO_FEATURE_IDS.BetaUsers }];
    },
  },
  // what a stage serves
  { name: "featureStage", expected: MEMBERS, prepare: () => [`query($id: ID!) { featureStage(id: $id) { id rules { id } } }`, { id: DARK_DEV_STAGE }] },
  {
    name: "setStageRules", expected: CONFIGURERS,
    prepare: () => [`mutation($s: ID!) { setStageRules(stageId: $s, rules: [{ id: "${DARK_DEV_RULE}", serve: { kind: rollout, variant: "on", percentage: 25 } }]) { id } }`, { s: DARK_DEV_STAGE }],
  },
  { name: "reorderStageRules", expected: CONFIGURERS, prepare: () => [`mutation($s: ID!, $r: [ID!]!) { reorderStageRules(stageId: $s, ruleIds: $r) { id } }`, { s: DARK_DEV_STAGE, r: [DARK_DEV_RULE] }] },
  { name: "updateStageCriteria", expected: CONFIGURERS, prepare: () => [`mutation($id: ID!) { updateStageCriteria(input: { id: $id, enabled: true }) { id } }`, { id: DARK_DEV_RULE }] },
  { name: "setStageVariants", expected: CONFIGURERS, prepare: () => [`mutation($s: ID!) { setStageVariants(input: { stageId: $s, defaultVariant: "off" }) { id } }`, { s: DARK_DEV_STAGE }] },
  // clients
  { name: "client", expected: MEMBERS, prepare: () => [`query($id: ID!) { client(id: $id) { id secretPrefix } }`, { id: DEMO_CLIENT_IDS.development }] },
  { name: "clients", expected: MEMBERS, prepare: () => [`query($t: ID!) { clients(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }] },
  {
    name: "createClient", expected: TEAM_ADMINS,
    prepare: (c) => [`mutation($t: ID!, $e: ID!, $n: String!) { createClient(input: { teamId: $t, environmentId: $e, name: $n }) { secret } }`, { t: DEMO_TEAM_ID, e: DEV, n: unique(c) }],
  },
  { name: "rotateClientSecret", expected: TEAM_ADMINS, prepare: async (c) => [`mutation($id: ID!) { rotateClientSecret(id: $id) { secret } }`, { id: await newClient(c) }] },
  { name: "updateClient", expected: TEAM_ADMINS, prepare: async (c) => [`mutation($id: ID!) { updateClient(input: { id: $id, description: "d" }) { id } }`, { id: await newClient(c) }] },
  { name: "disableClient", expected: TEAM_ADMINS, prepare: async (c) => [`mutation($id: ID!) { disableClient(id: $id) { id } }`, { id: await newClient(c) }] },
  { name: "enableClient", expected: TEAM_ADMINS, prepare: async (c) => [`mutation($id: ID!) { enableClient(id: $id) { id } }`, { id: await newClient(c) }] },
  { name: "deleteClient", expected: TEAM_ADMINS, prepare: async (c) => [`mutation($id: ID!) { deleteClient(id: $id) { id } }`, { id: await newClient(c) }] },
];

const CALLERS: Caller[] = [...ROLES, "anonymous"];

async function outcomeOf(answer: GraphQLAnswer): Promise<Outcome | string> {
  if (!answer.errors?.length) return "ok";
  return answer.errors.map((e) => e.extensions?.code).join(",");
}

beforeAll(pristine);

describe("configuration role matrix (docs/ROLES.md)", () => {
  for (const operation of OPERATIONS) {
    it(operation.name, async () => {
      const actual: Record<string, Outcome | string> = {};
      for (const caller of CALLERS) {
        const [query, variables] = await operation.prepare(caller);
        const answer = caller === "anonymous" ? await gql(query, variables) : await as(caller, query, variables);
        actual[caller] = await outcomeOf(answer);
      }
      expect(actual).toEqual(operation.expected);
    });
  }
});
