// The fixed demo configuration (team Acme, three environments, seven flags, one segment, four
// clients) as plain typed rows. Ids and timestamps are constants so every helper, test and local
// stack refers to the same objects; demo-seed.ts turns these rows into idempotent SQL.
import type {
  clients, contexts, environments, featureStages, features, pipelineStages, pipelines,
  prerequisites, rules, segments, teamMemberships, teams, users, variants,
} from "../schema";
import type { ConditionGroup, ServeDocument } from "../../engine/types";

type Row<T extends { $inferInsert: unknown }> = T["$inferInsert"];

/** A UUID-shaped id whose last group is `tail` (hex), zero-padded: readable and stable. */
const demoId = (tail: string) => `00000000-0000-4000-8000-${tail.padStart(12, "0")}`;

/** Every demo row is created at 2026-01-01T00:00:00Z. */
const CREATED = new Date(Date.UTC(2026, 0, 1));

export const DEMO_TEAM_ID = demoId("a1");

export const DEMO_ENVIRONMENT_KEYS = ["development", "staging", "production"] as const;
export type DemoEnvironmentKey = (typeof DEMO_ENVIRONMENT_KEYS)[number];

export const DEMO_ENVIRONMENT_IDS: Record<DemoEnvironmentKey, string> = {
  development: demoId("e1"),
  staging: demoId("e2"),
  production: demoId("e3"),
};

/** Local-only client secrets; never valid anywhere but a local stack seeded with this file. */
export const DEMO_SECRETS = {
  development: "fg_local_development_demo_secret",
  staging: "fg_local_staging_demo_secret",
  production: "fg_local_production_demo_secret",
  web: "fg_local_web_demo_secret",
} as const;
export type DemoClientName = keyof typeof DEMO_SECRETS;

/**
 * SHA-256 hex of each DEMO_SECRETS entry, precomputed so the seed SQL can be produced
 * synchronously; test/workers/seed-demo.test.ts checks them against sha256Hex.
 */
export const DEMO_SECRET_HASHES: Record<DemoClientName, string> = {
  development: "75246d69499add11e2981c2763a1200d53ae2cbc95c3bc02bf5ed4f51d2fedd2",
  staging: "68966de66c7989bef5221bd8deb74984dc1950c40ee022bad1e24a8b9f4d22ff",
  production: "8bf1a963c4c47f395b8adbcebae756092731e9678e4b3c47eb77a97522bd439d",
  web: "f0bcbfde94ef9f716da131d1c1ed674c5a2e1d40cf9e1a15ccb5fa73e54c9180",
};

export const DEMO_WEB_ORIGINS = ["http://localhost:8787", "http://127.0.0.1:8787", "http://localhost:5173"];

export const DEMO_PIPELINE_ID = demoId("b0");
export const DEMO_SEGMENT_ID = demoId("5e1");

/** Feature ids by key (f1..f7 in the order of COMMON.md). */
export const DEMO_FEATURE_IDS = {
  BetaUsers: demoId("f1"),
  checkout_button_text: demoId("f2"),
  max_upload_mb: demoId("f3"),
  homepage_layout: demoId("f4"),
  new_checkout_flow: demoId("f5"),
  dark_mode: demoId("f6"),
  legacy_search: demoId("f7"),
} as const;
export type DemoFeatureKey = keyof typeof DEMO_FEATURE_IDS;

/** Feature n (1-based) in environment e (1-based): stage tail 5<n><e>, its rules 7<n><e><r>. */
export const demoStageId = (feature: DemoFeatureKey, environment: DemoEnvironmentKey) =>
  demoId(`5${featureIndex(feature)}${environmentIndex(environment)}`);
export const demoRuleId = (feature: DemoFeatureKey, environment: DemoEnvironmentKey, rule = 1) =>
  demoId(`7${featureIndex(feature)}${environmentIndex(environment)}${rule}`);
export const demoVariantId = (feature: DemoFeatureKey, position: number) =>
  demoId(`d${featureIndex(feature)}${position + 1}`);
export const DEMO_CLIENT_IDS: Record<DemoClientName, string> = {
  development: demoId("c1"),
  staging: demoId("c2"),
  production: demoId("c3"),
  web: demoId("c4"),
};

/** The demo users' password (local only). */
export const DEMO_PASSWORD = "fluxgate-demo";

export const DEMO_USER_NAMES = ["admin", "teamadmin", "approver", "requester", "viewer"] as const;
export type DemoUserName = (typeof DEMO_USER_NAMES)[number];

export const DEMO_USER_IDS: Record<DemoUserName, string> = {
  admin: demoId("1001"),
  teamadmin: demoId("1002"),
  approver: demoId("1003"),
  requester: demoId("1004"),
  viewer: demoId("1005"),
};

/** Each demo user's role in Acme; the admin is a system admin and no member. */
export const DEMO_USER_ROLES: Record<Exclude<DemoUserName, "admin">, "team_admin" | "approver" | "requester" | "viewer"> = {
  teamadmin: "team_admin", approver: "approver", requester: "requester", viewer: "viewer",
};

/**
 * PBKDF2 hashes of DEMO_PASSWORD with a fixed salt per user ("fg-demo-<name>", zero-padded to 16
 * bytes), precomputed so the seed SQL stays synchronous; test/workers/control/demo-users.test.ts
 * verifies each one against DEMO_PASSWORD.
 */
export const DEMO_PASSWORD_HASHES: Record<DemoUserName, string> = {
  admin: "pbkdf2-sha256$100000$ZmctZGVtby1hZG1pbgAAAA==$zQbWGIUlXHbCVLbTEs4ShXDK+eCM/Qy6xbpyLlnllbc=",
  teamadmin: "pbkdf2-sha256$100000$ZmctZGVtby10ZWFtYWRtaQ==$KdFATY2O7xXZ5baxfr7jeI158euveaD2JlpwxnwH3oM=",
  approver: "pbkdf2-sha256$100000$ZmctZGVtby1hcHByb3Zlcg==$BiAMlANXP+uk2uPD8xRGCLSPBYw5M1JkMVC8BErcJN4=",
  requester: "pbkdf2-sha256$100000$ZmctZGVtby1yZXF1ZXN0ZQ==$PIF4qtRnoCVsGcn+SB5K0lhD+rx8ooVbv7MKav9iZlQ=",
  viewer: "pbkdf2-sha256$100000$ZmctZGVtby12aWV3ZXIAAA==$49ba+p0nkVjjCcXf/cb8l9yyueKQrTQH1q3J1Zh6wcY=",
};

const DEMO_DISPLAY_NAMES: Record<DemoUserName, string> = {
  admin: "Ada Admin", teamadmin: "Tess Teamadmin", approver: "Abel Approver", requester: "Rita Requester", viewer: "Vic Viewer",
};

function featureIndex(key: DemoFeatureKey): number {
  return Object.keys(DEMO_FEATURE_IDS).indexOf(key) + 1;
}
function environmentIndex(key: DemoEnvironmentKey): number {
  return DEMO_ENVIRONMENT_KEYS.indexOf(key) + 1;
}

// ---------------------------------------------------------------- rows

export const demoTeams: Row<typeof teams>[] = [
  { id: DEMO_TEAM_ID, name: "Acme", description: "Demo team", createdAt: CREATED, updatedAt: CREATED },
];

export const demoUsers: Row<typeof users>[] = DEMO_USER_NAMES.map((name) => ({
  id: DEMO_USER_IDS[name], username: name, email: `${name}@acme.test`, displayName: DEMO_DISPLAY_NAMES[name],
  passwordHash: DEMO_PASSWORD_HASHES[name], mustChangePassword: false, isSystemAdmin: name === "admin", enabled: true,
  failedLoginCount: 0, createdAt: CREATED, updatedAt: CREATED,
}));

export const demoMemberships: Row<typeof teamMemberships>[] = Object.entries(DEMO_USER_ROLES).map(([name, role]) => ({
  teamId: DEMO_TEAM_ID, userId: DEMO_USER_IDS[name as DemoUserName], role, createdAt: CREATED,
}));

const ENVIRONMENT_NAMES: Record<DemoEnvironmentKey, string> = {
  development: "Development", staging: "Staging", production: "Production",
};

export const demoEnvironments: Row<typeof environments>[] = DEMO_ENVIRONMENT_KEYS.map((key) => ({
  id: DEMO_ENVIRONMENT_IDS[key], teamId: DEMO_TEAM_ID, key, name: ENVIRONMENT_NAMES[key], type: key,
  createdAt: CREATED, updatedAt: CREATED,
}));

export const demoPipelines: Row<typeof pipelines>[] = [{
  id: DEMO_PIPELINE_ID, teamId: DEMO_TEAM_ID, name: "Default", description: "development -> staging -> production",
  createdAt: CREATED, updatedAt: CREATED,
}];

export const demoPipelineStages: Row<typeof pipelineStages>[] = DEMO_ENVIRONMENT_KEYS.map((key, position) => ({
  id: demoId(`b${position + 1}`), pipelineId: DEMO_PIPELINE_ID, environmentId: DEMO_ENVIRONMENT_IDS[key], position,
}));

export const demoContexts: Row<typeof contexts>[] = [{
  id: demoId("cc1"), teamId: DEMO_TEAM_ID, key: "user", description: "A signed-in user of the Acme shop",
  attributes: [
    { name: "targetingKey", type: "string", description: "User id" },
    { name: "email", type: "string" },
    { name: "role", type: "string", values: ["admin", "member"] },
    { name: "plan", type: "string", values: ["free", "pro"] },
  ],
  createdAt: CREATED, updatedAt: CREATED,
}];

const condition = (attribute: string, operator: "equals" | "ends_with" | "in_segment", value: string): ConditionGroup[] =>
  [{ operator: "and", conditions: [{ attribute, operator, value }] }];

export const demoSegments: Row<typeof segments>[] = [{
  id: DEMO_SEGMENT_ID, teamId: DEMO_TEAM_ID, key: "beta_testers", name: "Beta testers",
  description: "Acme staff and hand-picked users", included: ["user-42"], excluded: [],
  match: condition("email", "ends_with", "@acme.test"), createdAt: CREATED, updatedAt: CREATED,
}];

/** One flag as COMMON.md describes it; expanded below into features/variants/stages/rules rows. */
interface DemoFlag {
  key: DemoFeatureKey;
  type: "boolean" | "string" | "number" | "json";
  description: string;
  /** Empty for boolean flags: they get on=true / off=false. */
  variants: [string, unknown][];
  defaultVariant: string;
  offVariant: string | null;
  rule?: { name: string; match: ConditionGroup[]; serve: ServeDocument };
  prerequisite?: DemoFeatureKey;
  killed?: boolean;
}

const DEMO_FLAGS: DemoFlag[] = [
  {
    key: "BetaUsers", type: "boolean", description: "Admins see beta features", variants: [],
    defaultVariant: "off", offVariant: "off",
    rule: { name: "Admins", match: condition("role", "equals", "admin"), serve: { kind: "variant", variant: "on" } },
  },
  {
    key: "checkout_button_text", type: "string", description: "A/B test of the checkout button label",
    variants: [["control", "Buy now"], ["variant-a", "Complete purchase"]], defaultVariant: "control", offVariant: null,
    rule: {
      name: "50/50 experiment", match: [],
      serve: { kind: "split", allocations: [{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }] },
    },
  },
  {
    key: "max_upload_mb", type: "number", description: "Upload size limit in MB",
    variants: [["standard", 10], ["pro", 100]], defaultVariant: "standard", offVariant: null,
    rule: { name: "Pro plan", match: condition("plan", "equals", "pro"), serve: { kind: "variant", variant: "pro" } },
  },
  {
    key: "homepage_layout", type: "json", description: "Homepage layout configuration",
    variants: [["classic", { hero: "banner", columns: 2 }], ["modern", { hero: "video", columns: 3 }]],
    defaultVariant: "classic", offVariant: null,
    rule: {
      name: "Beta testers", match: condition("targetingKey", "in_segment", "beta_testers"),
      serve: { kind: "variant", variant: "modern" },
    },
  },
  {
    key: "new_checkout_flow", type: "boolean", description: "The new checkout, for beta users only", variants: [],
    defaultVariant: "off", offVariant: "off", prerequisite: "BetaUsers",
    rule: { name: "Everyone", match: [], serve: { kind: "variant", variant: "on" } },
  },
  {
    key: "dark_mode", type: "boolean", description: "Dark theme, rolled out to a quarter of users", variants: [],
    defaultVariant: "off", offVariant: "off",
    rule: { name: "25% rollout", match: [], serve: { kind: "rollout", variant: "on", percentage: 25 } },
  },
  {
    key: "legacy_search", type: "boolean", description: "Old search backend, switched off after an incident",
    variants: [], defaultVariant: "on", offVariant: "off", killed: true,
  },
];

export const demoFeatures: Row<typeof features>[] = DEMO_FLAGS.map((flag) => ({
  id: DEMO_FEATURE_IDS[flag.key], teamId: DEMO_TEAM_ID, key: flag.key, name: flag.key, type: flag.type,
  salt: flag.key, description: flag.description, lifecycle: "active", owner: null, tags: [],
  pipelineId: DEMO_PIPELINE_ID, killSwitchActive: flag.killed === true,
  killSwitchReason: flag.killed ? "Demo: incident in the legacy search backend" : null,
  killSwitchActivatedAt: flag.killed ? CREATED : null, killSwitchActivatedBy: null, killSwitchRollbackAt: null,
  version: 1, createdAt: CREATED, updatedAt: CREATED,
}));

export const demoVariants: Row<typeof variants>[] = DEMO_FLAGS.flatMap((flag) =>
  flag.variants.map(([key, value], position) => ({
    id: demoVariantId(flag.key, position), featureId: DEMO_FEATURE_IDS[flag.key], key,
    value: value as Row<typeof variants>["value"], description: "", position,
  })));

export const demoFeatureStages: Row<typeof featureStages>[] = DEMO_FLAGS.flatMap((flag) =>
  DEMO_ENVIRONMENT_KEYS.map((environment, position) => ({
    id: demoStageId(flag.key, environment), featureId: DEMO_FEATURE_IDS[flag.key],
    environmentId: DEMO_ENVIRONMENT_IDS[environment], position, status: "DEPLOYED" as const,
    defaultVariant: flag.defaultVariant, offVariant: flag.offVariant,
    requestedBy: null, requestedAt: null, decidedBy: null, decidedAt: null, updatedAt: CREATED,
  })));

export const demoRules: Row<typeof rules>[] = DEMO_FLAGS.flatMap((flag) => {
  const rule = flag.rule;
  if (!rule) return [];
  return DEMO_ENVIRONMENT_KEYS.map((environment) => ({
    id: demoRuleId(flag.key, environment), stageId: demoStageId(flag.key, environment), priority: 10, position: 0,
    name: rule.name, match: rule.match, serve: rule.serve, createdAt: CREATED,
  }));
});

export const demoPrerequisites: Row<typeof prerequisites>[] = DEMO_FLAGS.flatMap((flag) =>
  flag.prerequisite
    ? [{ featureId: DEMO_FEATURE_IDS[flag.key], requiredFeatureId: DEMO_FEATURE_IDS[flag.prerequisite], variant: null }]
    : []);

const serverClient = (environment: DemoEnvironmentKey): Row<typeof clients> => ({
  id: DEMO_CLIENT_IDS[environment], teamId: DEMO_TEAM_ID, environmentId: DEMO_ENVIRONMENT_IDS[environment],
  name: `${environment} server`, description: "Demo server-side client", kind: "server",
  secretHash: DEMO_SECRET_HASHES[environment], secretPrefix: DEMO_SECRETS[environment].slice(0, 12),
  webOrigins: [], enabled: true, createdAt: CREATED, rotatedAt: null,
});

export const demoClients: Row<typeof clients>[] = [
  ...DEMO_ENVIRONMENT_KEYS.map(serverClient),
  {
    id: DEMO_CLIENT_IDS.web, teamId: DEMO_TEAM_ID, environmentId: DEMO_ENVIRONMENT_IDS.development,
    name: "development web", description: "Demo browser client", kind: "web",
    secretHash: DEMO_SECRET_HASHES.web, secretPrefix: DEMO_SECRETS.web.slice(0, 12),
    webOrigins: DEMO_WEB_ORIGINS, enabled: true, createdAt: CREATED, rotatedAt: null,
  },
];
