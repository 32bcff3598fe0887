// The configuration model: the single source of truth for D1. drizzle-kit generates the
// migrations in db/migrations from this file (`npm run db:generate`); never edit them by hand.
import { sql } from "drizzle-orm";
import {
  index, integer, primaryKey, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";
import type { ConditionGroup, EnvironmentType, FlagType, JsonValue, ServeDocument } from "../engine/types";

const id = () => text("id").primaryKey().$defaultFn(() => crypto.randomUUID());
const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().$defaultFn(() => new Date());
const updatedAt = () =>
  integer("updated_at", { mode: "timestamp_ms" }).notNull().$defaultFn(() => new Date()).$onUpdateFn(() => new Date());
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();
const bool = (name: string) => integer(name, { mode: "boolean" });

// ---------------------------------------------------------------- tenancy and identity

export const teams = sqliteTable("teams", {
  id: id(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = sqliteTable("users", {
  id: id(),
  username: text("username").notNull().unique(),
  email: text("email").notNull().unique(),
  displayName: text("display_name").notNull().default(""),
  /** E.164 mobile number for SMS notifications (optional; set by the user or a system admin). */
  mobile: text("mobile"),
  /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null for users who cannot log in yet. */
  passwordHash: text("password_hash"),
  /** A temporary password must be changed before anything else is allowed. */
  mustChangePassword: bool("must_change_password").notNull().default(false),
  isSystemAdmin: bool("is_system_admin").notNull().default(false),
  enabled: bool("enabled").notNull().default(true),
  failedLoginCount: integer("failed_login_count").notNull().default(0),
  lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
  lastLoginAt: integer("last_login_at", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** ES256 keys that sign access tokens. One is active; retired ones still verify until `retireAfter`. */
export const SIGNING_KEY_STATUSES = ["active", "retired"] as const;

export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  algorithm: text("algorithm").notNull().default("ES256"),
  publicJwk: json<JsonWebKey>("public_jwk").notNull(),
  /** `v1.<iv b64url>.<ciphertext b64url>`: the private JWK under AES-GCM with AUTH_ENCRYPTION_KEY. */
  privateJwkEncrypted: text("private_jwk_encrypted").notNull(),
  status: text("status", { enum: SIGNING_KEY_STATUSES }).notNull().default("active"),
  createdAt: createdAt(),
  /** Set on retirement: the key verifies tokens until then (the longest access-token lifetime). */
  retireAfter: integer("retire_after", { mode: "timestamp_ms" }),
}, (t) => [uniqueIndex("signing_keys_one_active_uq").on(t.status).where(sql`status = 'active'`)]);

/**
 * Refresh tokens, stored as SHA-256 hex. A login starts a family (the session, `sid` in access
 * tokens); each refresh replaces the presented token by a new one of the same family. Presenting a
 * replaced token again is reuse: the whole family is revoked.
 */
export const refreshTokens = sqliteTable("refresh_tokens", {
  id: id(),
  userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  familyId: text("family_id").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  /** The token that replaced this one at a refresh; a replaced token is spent. */
  replacedBy: text("replaced_by"),
  createdAt: createdAt(),
}, (t) => [index("refresh_tokens_family_idx").on(t.familyId), index("refresh_tokens_user_idx").on(t.userId)]);

export const TEAM_ROLES = ["team_admin", "approver", "requester", "viewer"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const teamMemberships = sqliteTable("team_memberships", {
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  role: text("role", { enum: TEAM_ROLES }).notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_memberships_user_idx").on(t.userId)]);

// ---------------------------------------------------------------- environments and pipelines

export const ENVIRONMENT_TYPES = ["development", "staging", "production"] as const satisfies readonly EnvironmentType[];

export const environments = sqliteTable("environments", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  /** URL-safe, unique per team ("production"). */
  key: text("key").notNull(),
  name: text("name").notNull(),
  type: text("type", { enum: ENVIRONMENT_TYPES }).notNull().default("development"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("environments_team_key_uq").on(t.teamId, t.key)]);

export const pipelines = sqliteTable("pipelines", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("pipelines_team_name_uq").on(t.teamId, t.name)]);

/** Ordered stages of a pipeline template; a feature copies them into feature_stages. */
export const pipelineStages = sqliteTable("pipeline_stages", {
  id: id(),
  pipelineId: text("pipeline_id").notNull().references(() => pipelines.id, { onDelete: "cascade" }),
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "restrict" }),
  position: integer("position").notNull(),
}, (t) => [
  uniqueIndex("pipeline_stages_env_uq").on(t.pipelineId, t.environmentId),
  uniqueIndex("pipeline_stages_position_uq").on(t.pipelineId, t.position),
]);

// ---------------------------------------------------------------- contexts and segments

export const ATTRIBUTE_TYPES = ["string", "number", "boolean", "date", "semver", "string[]"] as const;
export interface ContextAttribute {
  name: string;
  type: (typeof ATTRIBUTE_TYPES)[number];
  description?: string;
  /** Suggested values for pickers in the admin app. */
  values?: string[];
}

/** A team's dictionary of the attributes its applications send (for pickers and validation). */
export const contexts = sqliteTable("contexts", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  description: text("description").notNull().default(""),
  attributes: json<ContextAttribute[]>("attributes").notNull().default(sql`'[]'`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("contexts_team_key_uq").on(t.teamId, t.key)]);

export const segments = sqliteTable("segments", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  included: json<string[]>("included").notNull().default(sql`'[]'`),
  excluded: json<string[]>("excluded").notNull().default(sql`'[]'`),
  match: json<ConditionGroup[]>("match").notNull().default(sql`'[]'`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("segments_team_key_uq").on(t.teamId, t.key)]);

// ---------------------------------------------------------------- features

export const FLAG_TYPES = ["boolean", "string", "number", "json"] as const satisfies readonly FlagType[];
export const LIFECYCLES = ["draft", "active", "deprecated", "archived"] as const;

export const features = sqliteTable("features", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  name: text("name").notNull(),
  type: text("type", { enum: FLAG_TYPES }).notNull(),
  /** Bucketing salt: the key at creation, so renaming the feature keeps every user's bucket. */
  salt: text("salt").notNull(),
  description: text("description").notNull().default(""),
  lifecycle: text("lifecycle", { enum: LIFECYCLES }).notNull().default("active"),
  owner: text("owner"),
  tags: json<string[]>("tags").notNull().default(sql`'[]'`),
  /** Why the feature exists, and where it is tracked (an http(s) URL). */
  purpose: text("purpose"),
  referenceUrl: text("reference_url"),
  /** When the feature is due for removal (listed as expired afterwards), and why it is to be removed. */
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  cleanupReason: text("cleanup_reason"),
  pipelineId: text("pipeline_id").references(() => pipelines.id, { onDelete: "set null" }),
  killSwitchActive: bool("kill_switch_active").notNull().default(false),
  killSwitchReason: text("kill_switch_reason"),
  killSwitchActivatedAt: integer("kill_switch_activated_at", { mode: "timestamp_ms" }),
  killSwitchActivatedBy: text("kill_switch_activated_by").references(() => users.id, { onDelete: "set null" }),
  /** When set, the environment Durable Objects' alarms re-enable the feature at this time. */
  killSwitchRollbackAt: integer("kill_switch_rollback_at", { mode: "timestamp_ms" }),
  /** The latest feature_versions.version; bumped by every committed change to the feature. */
  version: integer("version").notNull().default(1),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("features_team_key_uq").on(t.teamId, t.key), index("features_team_lifecycle_idx").on(t.teamId, t.lifecycle)]);

export const variants = sqliteTable("variants", {
  id: id(),
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  value: json<JsonValue>("value").notNull(),
  description: text("description").notNull().default(""),
  position: integer("position").notNull().default(0),
}, (t) => [uniqueIndex("variants_feature_key_uq").on(t.featureId, t.key)]);

export const STAGE_STATUSES = [
  "NOT_DEPLOYED", "DEPLOYMENT_REQUESTED", "DEPLOYMENT_REJECTED", "DEPLOYED",
  "ROLLBACK_REQUESTED", "ROLLBACK_REJECTED", "ROLLED_BACK",
] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];
/** Statuses in which a stage serves its rules (a rollback not yet approved keeps it live). */
export const LIVE_STAGE_STATUSES: readonly StageStatus[] = ["DEPLOYED", "ROLLBACK_REQUESTED", "ROLLBACK_REJECTED"];

/** A feature's state in one environment (its pipeline stage). */
export const featureStages = sqliteTable("feature_stages", {
  id: id(),
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "restrict" }),
  position: integer("position").notNull(),
  status: text("status", { enum: STAGE_STATUSES }).notNull().default("NOT_DEPLOYED"),
  defaultVariant: text("default_variant"),
  offVariant: text("off_variant"),
  requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
  requestedAt: integer("requested_at", { mode: "timestamp_ms" }),
  decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
  decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex("feature_stages_env_uq").on(t.featureId, t.environmentId),
  index("feature_stages_environment_idx").on(t.environmentId),
]);

/** Targeting rules of one stage. `match` and `serve` are validated by the shared zod schemas on write. */
export const rules = sqliteTable("rules", {
  id: id(),
  stageId: text("stage_id").notNull().references(() => featureStages.id, { onDelete: "cascade" }),
  /** Lower first. */
  priority: integer("priority").notNull(),
  /** Stable tie-break among equal priorities: the order the admin saved them in. */
  position: integer("position").notNull(),
  name: text("name").notNull().default(""),
  match: json<ConditionGroup[]>("match").notNull().default(sql`'[]'`),
  serve: json<ServeDocument>("serve").notNull(),
  /** A disabled rule is kept (and versioned) but left out of the published snapshot. */
  enabled: bool("enabled").notNull().default(true),
  createdAt: createdAt(),
}, (t) => [index("rules_stage_idx").on(t.stageId, t.priority, t.position)]);

export const prerequisites = sqliteTable("prerequisites", {
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  requiredFeatureId: text("required_feature_id").notNull().references(() => features.id, { onDelete: "restrict" }),
  /** Null: the prerequisite must evaluate to boolean true. */
  variant: text("variant"),
}, (t) => [primaryKey({ columns: [t.featureId, t.requiredFeatureId] })]);

// ---------------------------------------------------------------- clients (evaluation credentials)

export const CLIENT_KINDS = ["server", "web"] as const;

export const clients = sqliteTable("clients", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  /** A client reaches exactly one environment. */
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "restrict" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  kind: text("kind", { enum: CLIENT_KINDS }).notNull().default("server"),
  /** SHA-256 hex of the secret; the secret itself is shown once and never stored. */
  secretHash: text("secret_hash").notNull().unique(),
  /** First characters of the secret, to recognise it in lists. */
  secretPrefix: text("secret_prefix").notNull(),
  webOrigins: json<string[]>("web_origins").notNull().default(sql`'[]'`),
  enabled: bool("enabled").notNull().default(true),
  createdAt: createdAt(),
  rotatedAt: integer("rotated_at", { mode: "timestamp_ms" }),
}, (t) => [uniqueIndex("clients_team_name_uq").on(t.teamId, t.name), index("clients_environment_idx").on(t.environmentId)]);

export const AUTOMATION_SCOPES = ["admin:read", "flag:write"] as const;
export type AutomationScope = (typeof AUTOMATION_SCOPES)[number];

/**
 * Automation tokens: team-scoped credentials for the admin API (CI, scripts). Each acts through
 * its own service user (no password, no membership), so every user-id column it writes
 * (audit actor, requested_by, created_by) names the token, never a person.
 */
export const automationTokens = sqliteTable("automation_tokens", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  userId: text("user_id").notNull().unique().references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  scopes: json<AutomationScope[]>("scopes").notNull(),
  /** SHA-256 hex of the token; the token itself is shown once and never stored. */
  tokenHash: text("token_hash").notNull().unique(),
  tokenPrefix: text("token_prefix").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  createdBy: text("created_by").references((): AnySQLiteColumn => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
}, (t) => [uniqueIndex("automation_tokens_team_name_uq").on(t.teamId, t.name)]);

// ---------------------------------------------------------------- governance

export const POLICY_SCOPES = ["all", "production_only", "specific"] as const;

export const approvalPolicies = sqliteTable("approval_policies", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  appliesTo: text("applies_to", { enum: POLICY_SCOPES }).notNull(),
  environmentIds: json<string[]>("environment_ids").notNull().default(sql`'[]'`),
  requiredApprovals: integer("required_approvals").notNull().default(1),
  eligibleRoles: json<TeamRole[]>("eligible_roles").notNull().default(sql`'["approver","team_admin"]'`),
  eligibleUserIds: json<string[]>("eligible_user_ids").notNull().default(sql`'[]'`),
  enabled: bool("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  /** A pending request nobody rejected is approved automatically after this many hours; null: never. */
  autoApproveAfterHours: integer("auto_approve_after_hours"),
  /** A team admin may approve a request alone (with a reason), overriding requiredApprovals. */
  allowAdminOverride: bool("allow_admin_override").notNull().default(false),
  /** Holders of eligibleRoles stay eligible when users are listed (covering listed users who left or were disabled). */
  fallbackToRoles: bool("fallback_to_roles").notNull().default(true),
}, (t) => [uniqueIndex("approval_policies_team_name_uq").on(t.teamId, t.name)]);

export const APPROVAL_ACTIONS = ["deploy", "rollback", "rules_change", "version_rollback"] as const;
export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "cancelled", "applied", "invalidated", "auto_approved"] as const;

export const approvalRequests = sqliteTable("approval_requests", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  policyId: text("policy_id").references(() => approvalPolicies.id, { onDelete: "set null" }),
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "cascade" }),
  action: text("action", { enum: APPROVAL_ACTIONS }).notNull(),
  /** The proposed change, applied as-is once approved. */
  payload: json<JsonValue>("payload").notNull(),
  /** features.version when requested: an edit after that invalidates the approval. */
  baseFeatureVersion: integer("base_feature_version").notNull(),
  requiredApprovals: integer("required_approvals").notNull(),
  /** Eligible approvers frozen at request time (user ids). */
  eligibleUserIds: json<string[]>("eligible_user_ids").notNull().default(sql`'[]'`),
  status: text("status", { enum: APPROVAL_STATUSES }).notNull().default("pending"),
  requestedBy: text("requested_by").notNull().references(() => users.id, { onDelete: "cascade" }),
  comment: text("comment").notNull().default(""),
  createdAt: createdAt(),
  decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
  /** When the policy's autoApproveAfterHours elapses (fixed at request time); null: never. */
  autoApproveAt: integer("auto_approve_at", { mode: "timestamp_ms" }),
}, (t) => [index("approval_requests_team_status_idx").on(t.teamId, t.status)]);

export const approvalVotes = sqliteTable("approval_votes", {
  id: id(),
  requestId: text("request_id").notNull().references(() => approvalRequests.id, { onDelete: "cascade" }),
  userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  vote: text("vote", { enum: ["approve", "reject"] }).notNull(),
  comment: text("comment").notNull().default(""),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("approval_votes_request_user_uq").on(t.requestId, t.userId)]);

export const FREEZE_RECURRENCES = ["NONE", "DAILY", "WEEKLY"] as const;

export const freezeWindows = sqliteTable("freeze_windows", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  /** Either a specific environment or every environment of a type. */
  environmentId: text("environment_id").references(() => environments.id, { onDelete: "cascade" }),
  environmentType: text("environment_type", { enum: ENVIRONMENT_TYPES }),
  startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
  endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
  /** IANA zone whose wall clock a recurring window follows (start and end local times). */
  timezone: text("timezone").notNull().default("UTC"),
  recurrence: text("recurrence", { enum: FREEZE_RECURRENCES }).notNull().default("NONE"),
  reason: text("reason").notNull().default(""),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
}, (t) => [index("freeze_windows_team_idx").on(t.teamId, t.endsAt)]);

export const auditLog = sqliteTable("audit_log", {
  id: id(),
  teamId: text("team_id").references(() => teams.id, { onDelete: "cascade" }),
  actorId: text("actor_id").references((): AnySQLiteColumn => users.id, { onDelete: "set null" }),
  actorName: text("actor_name").notNull(),
  action: text("action").notNull(),
  entityType: text("entity_type").notNull(),
  entityId: text("entity_id").notNull(),
  /** `{ before, after }` of the changed entity. */
  diff: json<{ before: JsonValue; after: JsonValue }>("diff").notNull(),
  reason: text("reason"),
  createdAt: createdAt(),
}, (t) => [index("audit_log_team_time_idx").on(t.teamId, t.createdAt), index("audit_log_entity_idx").on(t.entityType, t.entityId)]);

export const VERSION_SOURCES = ["create", "update", "rollback", "kill_switch", "schedule"] as const;

/** A full snapshot of a feature (metadata, variants, stages, rules, prerequisites) per change. */
export const featureVersions = sqliteTable("feature_versions", {
  id: id(),
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  snapshot: json<JsonValue>("snapshot").notNull(),
  summary: text("summary").notNull().default(""),
  source: text("source", { enum: VERSION_SOURCES }).notNull(),
  actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("feature_versions_feature_version_uq").on(t.featureId, t.version)]);

export const SCHEDULED_ACTIONS = ["enable", "disable", "set_rollout", "kill_switch_rollback", "stage_change", "archive_feature"] as const;
/** blocked: refused at run time by a rule of the domain (dependents, approval), not an error. */
export const SCHEDULE_STATUSES = ["pending", "done", "cancelled", "failed", "blocked"] as const;

export const scheduledChanges = sqliteTable("scheduled_changes", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  /** Null: every environment of the feature. */
  environmentId: text("environment_id").references(() => environments.id, { onDelete: "cascade" }),
  action: text("action", { enum: SCHEDULED_ACTIONS }).notNull(),
  payload: json<JsonValue>("payload").notNull().default(sql`'{}'`),
  runAt: integer("run_at", { mode: "timestamp_ms" }).notNull(),
  /** The IANA zone the creator chose runAt in, for display only: runAt is the instant that runs. */
  timezone: text("timezone"),
  status: text("status", { enum: SCHEDULE_STATUSES }).notNull().default("pending"),
  result: text("result"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  executedAt: integer("executed_at", { mode: "timestamp_ms" }),
}, (t) => [index("scheduled_changes_due_idx").on(t.status, t.runAt)]);

// ---------------------------------------------------------------- analytics (docs/ANALYTICS.md)

/**
 * Evaluation counts per minute: the live rollups the analytics queries read (Analytics Engine is the
 * long-term sink). `minute` is whole minutes since the Unix epoch; `variant` is '' when none was
 * served (NULL would defeat the primary key's upsert). Upserted with count = count + excluded.count.
 */
export const evaluationRollups = sqliteTable("evaluation_rollups", {
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "cascade" }),
  minute: integer("minute").notNull(),
  flagKey: text("flag_key").notNull(),
  variant: text("variant").notNull().default(""),
  reason: text("reason").notNull(),
  /** The client credential that evaluated; "" when not known (rows written before clients were counted). */
  clientId: text("client_id").notNull().default(""),
  count: integer("count").notNull(),
  /** Of `count`, how many were answered from the evaluator's in-memory snapshot (docs/ANALYTICS.md). */
  cacheHits: integer("cache_hits").notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.environmentId, t.minute, t.flagKey, t.variant, t.reason, t.clientId] }),
  index("evaluation_rollups_flag_idx").on(t.environmentId, t.flagKey, t.minute),
  index("evaluation_rollups_minute_idx").on(t.minute),
]);

/**
 * Count batches already added to evaluation_rollups, by batch id: a flush retried after its D1 write
 * succeeded (the writer restarted before it could forget the batch) is recognised and not added twice.
 */
export const rollupBatches = sqliteTable("rollup_batches", {
  id: text("id").primaryKey(),
  appliedAt: integer("applied_at").notNull(),
}, (t) => [index("rollup_batches_applied_idx").on(t.appliedAt)]);

export const METRIC_TYPES = ["conversion", "numeric", "duration"] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** A business metric of a team, tracked with POST /v1/track and compared across variants. */
export const metrics = sqliteTable("metrics", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  type: text("type", { enum: METRIC_TYPES }).notNull(),
  unit: text("unit"),
  successCriteria: json<JsonValue>("success_criteria"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("metrics_team_key_uq").on(t.teamId, t.key)]);

/**
 * One tracked event. For conversion metrics there is one row per (metric, flag, environment, user,
 * variant): `converted` is 0 for an exposure and 1 once the user converted (never back to 0).
 */
export const metricEvents = sqliteTable("metric_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  metricId: text("metric_id").notNull().references(() => metrics.id, { onDelete: "cascade" }),
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "cascade" }),
  flagKey: text("flag_key").notNull(),
  variant: text("variant").notNull(),
  targetingKey: text("targeting_key").notNull(),
  value: real("value").notNull(),
  /** Conversion metrics: 1 converted, 0 exposed only; null for numeric and duration metrics. */
  converted: integer("converted"),
  occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  uniqueIndex("metric_events_conversion_uq").on(t.metricId, t.flagKey, t.environmentId, t.targetingKey, t.variant)
    .where(sql`converted IS NOT NULL`),
  index("metric_events_experiment_idx").on(t.metricId, t.environmentId, t.flagKey, t.occurredAt),
]);

export const CANARY_DIRECTIONS = ["higher_is_better", "lower_is_better"] as const;

/** A canary gate of a stage (feature + environment): the canary variant must not regress the metric. */
export const canaryGates = sqliteTable("canary_gates", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  featureId: text("feature_id").notNull().references(() => features.id, { onDelete: "cascade" }),
  environmentId: text("environment_id").notNull().references(() => environments.id, { onDelete: "cascade" }),
  metricId: text("metric_id").notNull().references(() => metrics.id, { onDelete: "cascade" }),
  baselineVariant: text("baseline_variant").notNull(),
  canaryVariant: text("canary_variant").notNull(),
  direction: text("direction", { enum: CANARY_DIRECTIONS }).notNull(),
  thresholdPct: real("threshold_pct").notNull(),
  minSampleSize: integer("min_sample_size").notNull(),
  windowMinutes: integer("window_minutes").notNull(),
  autoRollbackOnFail: bool("auto_rollback_on_fail").notNull().default(false),
  /** Minutes after which the kill switch engaged by a failure is released again; null: it stays. */
  rollbackInMinutes: integer("rollback_in_minutes"),
  enabled: bool("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex("canary_gates_stage_metric_uq").on(t.featureId, t.environmentId, t.metricId),
  index("canary_gates_enabled_idx").on(t.enabled),
]);

export const CANARY_OUTCOMES = ["passed", "failed", "inconclusive"] as const;

/** One analysis of a canary gate (manual or by the cron job). */
export const canaryResults = sqliteTable("canary_results", {
  id: id(),
  gateId: text("gate_id").notNull().references(() => canaryGates.id, { onDelete: "cascade" }),
  analyzedAt: integer("analyzed_at", { mode: "timestamp_ms" }).notNull(),
  outcome: text("outcome", { enum: CANARY_OUTCOMES }).notNull(),
  reason: text("reason").notNull(),
  baselineSampleSize: integer("baseline_sample_size").notNull(),
  canarySampleSize: integer("canary_sample_size").notNull(),
  baselineValue: real("baseline_value"),
  canaryValue: real("canary_value"),
  regressionPct: real("regression_pct"),
  rollbackTriggered: bool("rollback_triggered").notNull().default(false),
  rollbackError: text("rollback_error"),
  trigger: text("trigger", { enum: ["manual", "scheduled"] }).notNull(),
}, (t) => [index("canary_results_gate_idx").on(t.gateId, t.analyzedAt), index("canary_results_time_idx").on(t.analyzedAt)]);

// ---------------------------------------------------------------- rollout templates and custom roles

export const ROLLOUT_TEMPLATE_TYPES = ["simple_on_off", "canary", "approval_gated_production", "experiment", "kill_switch_guarded"] as const;
export type RolloutTemplateType = (typeof ROLLOUT_TEMPLATE_TYPES)[number];

/**
 * A team's own rollout template: one of the system template types with its own name and default
 * variables (services/templates). The five system templates live in code, not here.
 */
export const rolloutTemplates = sqliteTable("rollout_templates", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  type: text("type", { enum: ROLLOUT_TEMPLATE_TYPES }).notNull(),
  /** Default variables (validated by the template service); the caller's variables override them. */
  defaults: json<Record<string, JsonValue>>("defaults").notNull().default(sql`'{}'`),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("rollout_templates_team_name_uq").on(t.teamId, t.name)]);

/**
 * A team's named group of members (e.g. "Security reviewers"). It grants no permission by itself:
 * approval policies name it to make its members eligible approvers (the original's approver roles,
 * but per team).
 */
export const customRoles = sqliteTable("custom_roles", {
  id: id(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("custom_roles_team_name_uq").on(t.teamId, t.name)]);

export const customRoleMembers = sqliteTable("custom_role_members", {
  roleId: text("role_id").notNull().references(() => customRoles.id, { onDelete: "cascade" }),
  userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  assignedBy: text("assigned_by").references(() => users.id, { onDelete: "set null" }),
  assignedAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.roleId, t.userId] }), index("custom_role_members_user_idx").on(t.userId)]);

/** Custom roles an approval policy makes eligible (members are resolved when a request is made). */
export const approvalPolicyCustomRoles = sqliteTable("approval_policy_custom_roles", {
  policyId: text("policy_id").notNull().references(() => approvalPolicies.id, { onDelete: "cascade" }),
  roleId: text("role_id").notNull().references(() => customRoles.id, { onDelete: "cascade" }),
}, (t) => [primaryKey({ columns: [t.policyId, t.roleId] }), index("approval_policy_custom_roles_role_idx").on(t.roleId)]);

// ---------------------------------------------------------------- notifications

export const NOTIFICATION_CHANNELS = ["webhook", "email", "sms"] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const NOTIFICATION_TYPES = [
  "feature_created", "stage_change_requested", "stage_change_approved", "approval_rejected", "feature_deployed",
  "feature_rolled_back", "team_created", "user_added_to_team", "kill_switch_activated", "kill_switch_deactivated",
  // A Team Admin's test send (sendTestNotification); no preference applies to it.
  "test",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const DELIVERY_STATUSES = ["queued", "sent", "failed", "skipped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * A team's delivery channel (one per kind). Non-secret settings in `settings`; the secrets (API key,
 * auth token, signing secret) only as AES-GCM ciphertext under AUTH_ENCRYPTION_KEY, never readable.
 */
export const notificationChannels = sqliteTable("notification_channels", {
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  channel: text("channel", { enum: NOTIFICATION_CHANNELS }).notNull(),
  enabled: bool("enabled").notNull().default(true),
  settings: json<Record<string, string>>("settings").notNull().default(sql`'{}'`),
  /** `v1.<iv b64url>.<ciphertext b64url>` of the JSON object of the channel's secrets. */
  secretsEncrypted: text("secrets_encrypted").notNull(),
  /** Masked previews of the secrets (last 4 characters), the only form ever shown. */
  secretPreviews: json<Record<string, string>>("secret_previews").notNull().default(sql`'{}'`),
  updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.teamId, t.channel] })]);

/** Per team, notification type and channel: off when a row says so; no row means on. */
export const notificationPreferences = sqliteTable("notification_preferences", {
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
  channel: text("channel", { enum: NOTIFICATION_CHANNELS }).notNull(),
  enabled: bool("enabled").notNull(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.teamId, t.type, t.channel] })]);

/**
 * The outbox: one row per event and enabled channel, written in the same D1 batch as the change
 * that caused it, then sent (right after the commit, and retried by the cron job with backoff).
 * A runner claims a row (claim token + lease) before sending, so two runners never both send it.
 */
export const notificationDeliveries = sqliteTable("notification_deliveries", {
  /** `<eventId>:<channel>`. */
  id: text("id").primaryKey(),
  eventId: text("event_id").notNull(),
  teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
  type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
  channel: text("channel", { enum: NOTIFICATION_CHANNELS }).notNull(),
  /** The event: subject, text, entity ids and its audience (who email/SMS go to). */
  payload: json<JsonValue>("payload").notNull(),
  status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("queued"),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
  claimToken: text("claim_token"),
  claimedUntil: integer("claimed_until", { mode: "timestamp_ms" }),
  /** Why the last attempt failed or the row was skipped (never contains a secret). */
  lastError: text("last_error"),
  /** Addresses (email) or numbers (SMS) the last attempt went to. */
  recipients: json<string[]>("recipients"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  sentAt: integer("sent_at", { mode: "timestamp_ms" }),
}, (t) => [
  index("notification_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  index("notification_deliveries_team_idx").on(t.teamId, t.createdAt),
]);
