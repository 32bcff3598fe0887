// Variants of a feature: key (the seed's `control`), a value checked against the feature's type,
// a description. A boolean feature without variant rows serves the implicit on=true / off=false;
// adding its first variant stores those two as well, so rules serving on/off keep working.
// A variant something still serves (a stage's default/off, a rule, another feature's prerequisite)
// cannot be deleted.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { FLAG_TYPES, features, prerequisites, variants } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { authorizeEntity, type Principal } from "../identity/authz";
import type { Statement } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, conflict } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import {
  commitFeatureChange, guardFeatureWide, IMPLICIT_BOOLEAN_VARIANTS, loadFeatureState, type FeatureState, type VariantRow,
} from "./feature-state";
import { servedVariants } from "./rule-schema";
import { parseInput } from "../core/validation";
import { parseVariantValue, VARIANT_KEY, VARIANT_KEY_MESSAGE } from "./variant-values";

const createInput = z.object({
  featureId: z.string().min(1),
  control: z.string().regex(VARIANT_KEY, VARIANT_KEY_MESSAGE),
  /** JSON-encoded. */
  value: z.string().max(100_000),
  /** Must be the feature's type (the type is the feature's; stating it guards against mistakes). */
  valueType: z.enum(FLAG_TYPES),
  description: z.string().trim().max(500).default(""),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  value: z.string().max(100_000).optional(),
  description: z.string().trim().max(500).optional(),
  freezeOverrideReason: z.string().nullable().optional(),
}).strict();

export async function createVariant(deps: ControlDeps, principal: Principal, raw: unknown): Promise<VariantRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "feature", input.featureId, CONFIGURE_FEATURES);
  const before = await loadFeatureState(deps, input.featureId);
  const type = before.feature.type;
  if (input.valueType !== type) {
    throw badInput("input.valueType", `input.valueType: the feature ${before.feature.key} is of type ${type.toUpperCase()}`);
  }
  const value = parseVariantValue(input.value, type, "input.value");
  if (before.variants.some((v) => v.key === input.control)) {
    throw conflict(`The feature already has a variant ${input.control}`);
  }
  let position = before.variants.reduce((last, v) => Math.max(last, v.position), -1) + 1;
  const added: VariantRow[] = [];
  if (type === "boolean" && before.variants.length === 0) {
    for (const [key, implicit] of Object.entries(IMPLICIT_BOOLEAN_VARIANTS)) {
      if (key !== input.control) added.push({ id: crypto.randomUUID(), featureId: before.feature.id, key, value: implicit, description: "", position: position++ });
    }
  }
  const row: VariantRow = { id: crypto.randomUUID(), featureId: before.feature.id, key: input.control, value, description: input.description, position };
  added.push(row);
  const after: FeatureState = { ...before, variants: [...before.variants, ...added] };
  await uniqueOrConflict("variants", `The feature already has a variant ${input.control}`, () => commitFeatureChange(deps, {
    actor: principal, before, after,
    statements: added.map((v) => deps.db.insert(variants).values(v)),
    audit: { action: "variant.create", entityType: "variant", entityId: row.id, before: null, after: variantView(row) },
    summary: `variant ${row.key} added`,
  }));
  return row;
}

export async function updateVariant(deps: ControlDeps, principal: Principal, raw: unknown): Promise<VariantRow> {
  const input = parseInput(updateInput, raw);
  await authorizeEntity(deps, principal, "variant", input.id, CONFIGURE_FEATURES);
  const featureId = await featureOfVariant(deps, input.id);
  const before = await loadFeatureState(deps, featureId);
  const old = before.variants.find((v) => v.id === input.id)!;
  const row: VariantRow = {
    ...old,
    value: input.value === undefined ? old.value : parseVariantValue(input.value, before.feature.type, "input.value"),
    description: input.description ?? old.description,
  };
  const after: FeatureState = { ...before, variants: before.variants.map((v) => (v.id === row.id ? row : v)) };
  // A new value changes what every stage serving the variant serves; a description does not.
  const valueChanged = JSON.stringify(row.value) !== JSON.stringify(old.value);
  const reason = valueChanged ? await guardFeatureWide(deps, principal, before, input.freezeOverrideReason) : null;
  await commitFeatureChange(deps, {
    actor: principal, before, after,
    statements: [deps.db.update(variants).set({ value: row.value, description: row.description }).where(eq(variants.id, row.id))],
    audit: { action: "variant.update", entityType: "variant", entityId: row.id, before: variantView(old), after: variantView(row), reason },
    summary: `variant ${row.key} changed`,
  });
  return row;
}

export async function deleteVariant(deps: ControlDeps, principal: Principal, id: string): Promise<VariantRow> {
  await authorizeEntity(deps, principal, "variant", id, CONFIGURE_FEATURES);
  const featureId = await featureOfVariant(deps, id);
  const before = await loadFeatureState(deps, featureId);
  const row = before.variants.find((v) => v.id === id)!;
  const users = usesOf(before, row.key);
  const dependents = await deps.db.select({ key: features.key }).from(prerequisites)
    .innerJoin(features, eq(features.id, prerequisites.featureId))
    .where(and(eq(prerequisites.requiredFeatureId, featureId), eq(prerequisites.variant, row.key)));
  users.push(...dependents.map((d) => `the prerequisite of ${d.key}`));
  if (users.length) throw conflict(`Variant ${row.key} is still served by ${users.join(", ")}; change those first`);
  const after: FeatureState = { ...before, variants: before.variants.filter((v) => v.id !== id) };
  const statements: Statement[] = [deps.db.delete(variants).where(eq(variants.id, id))];
  await commitFeatureChange(deps, {
    actor: principal, before, after, statements,
    audit: { action: "variant.delete", entityType: "variant", entityId: id, before: variantView(row), after: null },
    summary: `variant ${row.key} removed`,
  });
  return row;
}

/** Where the feature's own stages serve `key` (e.g. `development default`, `production rule 2`). */
function usesOf(state: FeatureState, key: string): string[] {
  const uses: string[] = [];
  for (const stage of state.stages) {
    if (stage.defaultVariant === key) uses.push(`the ${stage.environmentKey} default`);
    if (stage.offVariant === key) uses.push(`the ${stage.environmentKey} off variant`);
    stage.rules.forEach((rule, index) => {
      if (servedVariants(rule.serve).some((s) => s.variant === key)) uses.push(`${stage.environmentKey} rule ${index + 1}`);
    });
  }
  return uses;
}

async function featureOfVariant(deps: ControlDeps, id: string): Promise<string> {
  const [row] = await deps.db.select({ featureId: variants.featureId }).from(variants).where(eq(variants.id, id)).limit(1);
  return row!.featureId;
}

export function variantView(row: VariantRow): JsonValue {
  return { id: row.id, featureId: row.featureId, key: row.key, value: row.value, description: row.description, position: row.position };
}
