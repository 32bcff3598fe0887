// Reads one environment's configuration from D1 and shapes it into the FlagSetDocument content
// the engine evaluates. Pure data mapping around a single D1 round trip: six SELECTs sent as one
// `db.batch` (environment, stages+features, variants, rules, prerequisites, segments), whatever the
// number of flags.
import { and, asc, eq, ne } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { alias } from "drizzle-orm/sqlite-core";
import {
  environments, features, featureStages, prerequisites, rules, segments, variants, type StageStatus,
  LIVE_STAGE_STATUSES,
} from "../db/schema";
import {
  FLAG_SET_SCHEMA_VERSION, type FlagDocument, type FlagSetDocument, type JsonValue, type RuleDocument,
} from "../engine/types";
import { DeliveryError } from "./delivery-error";

/** A FlagSetDocument before the Durable Object stamps it with a version, a time and its hash. */
export type FlagSetContent = Omit<FlagSetDocument, "version" | "generatedAt" | "contentHash">;

/** Stage statuses in which the flag is live: a pending or rejected rollback leaves it deployed. */
const LIVE_STATUSES: ReadonlySet<StageStatus> = new Set(LIVE_STAGE_STATUSES);

const BOOLEAN_VARIANTS: Record<string, JsonValue> = { on: true, off: false };

export async function buildFlagSet(db: DrizzleD1Database<Record<string, unknown>>, environmentId: string): Promise<FlagSetContent> {
  const required = alias(features, "required");
  const [envRows, stageRows, variantRows, ruleRows, prerequisiteRows, segmentRows] = await db.batch([
    db.select().from(environments).where(eq(environments.id, environmentId)),
    db.select({
      featureId: features.id, key: features.key, type: features.type, salt: features.salt,
      killed: features.killSwitchActive, status: featureStages.status,
      defaultVariant: featureStages.defaultVariant, offVariant: featureStages.offVariant,
    }).from(featureStages)
      .innerJoin(features, eq(features.id, featureStages.featureId))
      .innerJoin(environments, eq(environments.id, featureStages.environmentId))
      .where(and(
        eq(featureStages.environmentId, environmentId),
        eq(features.teamId, environments.teamId),
        ne(features.lifecycle, "archived"),
      ))
      .orderBy(asc(features.key)),
    db.select({ featureId: variants.featureId, key: variants.key, value: variants.value }).from(variants)
      .innerJoin(featureStages, eq(featureStages.featureId, variants.featureId))
      .where(eq(featureStages.environmentId, environmentId))
      .orderBy(asc(variants.featureId), asc(variants.position), asc(variants.key)),
    db.select({
      featureId: featureStages.featureId, id: rules.id, priority: rules.priority, name: rules.name,
      match: rules.match, serve: rules.serve,
    }).from(rules)
      .innerJoin(featureStages, eq(featureStages.id, rules.stageId))
      // A disabled rule stays in D1 (and in feature versions) but is not evaluated.
      .where(and(eq(featureStages.environmentId, environmentId), eq(rules.enabled, true)))
      .orderBy(asc(rules.priority), asc(rules.position), asc(rules.id)),
    db.select({ featureId: prerequisites.featureId, key: required.key, variant: prerequisites.variant })
      .from(prerequisites)
      .innerJoin(featureStages, eq(featureStages.featureId, prerequisites.featureId))
      .innerJoin(required, eq(required.id, prerequisites.requiredFeatureId))
      .where(eq(featureStages.environmentId, environmentId))
      .orderBy(asc(required.key)),
    db.select({ key: segments.key, included: segments.included, excluded: segments.excluded, match: segments.match })
      .from(segments)
      .innerJoin(environments, eq(environments.teamId, segments.teamId))
      .where(eq(environments.id, environmentId))
      .orderBy(asc(segments.key)),
  ]);

  const environment = envRows[0];
  if (!environment) throw new DeliveryError("ENVIRONMENT_NOT_FOUND", `no environment ${environmentId}`);

  const variantsOf = groupBy(variantRows, (v) => v.featureId);
  const rulesOf = groupBy(ruleRows, (r) => r.featureId);
  const prerequisitesOf = groupBy(prerequisiteRows, (p) => p.featureId);

  const flags = stageRows.map((stage): FlagDocument => {
    const own = variantsOf.get(stage.featureId) ?? [];
    const isBoolean = stage.type === "boolean";
    return {
      key: stage.key,
      type: stage.type,
      salt: stage.salt,
      variants: own.length === 0 && isBoolean
        ? { ...BOOLEAN_VARIANTS }
        : Object.fromEntries(own.map((v) => [v.key, v.value])),
      offVariant: stage.offVariant ?? (isBoolean ? "off" : null),
      defaultVariant: stage.defaultVariant ?? (isBoolean ? "off" : null),
      deployed: LIVE_STATUSES.has(stage.status),
      killed: stage.killed,
      prerequisites: (prerequisitesOf.get(stage.featureId) ?? []).map((p) => ({ key: p.key, variant: p.variant })),
      rules: (rulesOf.get(stage.featureId) ?? []).map(toRuleDocument),
    };
  });

  return {
    schemaVersion: FLAG_SET_SCHEMA_VERSION,
    environment: { id: environment.id, key: environment.key, name: environment.name, type: environment.type },
    flags,
    segments: segmentRows.map((s) => ({ key: s.key, included: s.included, excluded: s.excluded, match: s.match })),
  };
}

function toRuleDocument(rule: { id: string; priority: number; name: string } & Pick<RuleDocument, "match" | "serve">): RuleDocument {
  const document: RuleDocument = { id: rule.id, priority: rule.priority, match: rule.match, serve: rule.serve };
  return rule.name ? { id: rule.id, priority: rule.priority, name: rule.name, match: rule.match, serve: rule.serve } : document;
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
