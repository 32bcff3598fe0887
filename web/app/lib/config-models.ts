// The configuration screens' models: the checks that mirror the admin API's validation (so a form
// says what to fix before it is sent), and the small conversions between form text and API input.
import type { Problems } from "./form-problems";
import type { ApprovalPolicyScope, AttributeType, EnvironmentType } from "../gql/graphql";

export const ENVIRONMENT_TYPES: EnvironmentType[] = ["development", "staging", "production"];
export const ATTRIBUTE_TYPES: AttributeType[] = ["string", "number", "boolean", "date", "semver", "string_list"];

// environments.ts: environmentKeySchema and nameSchema.
export const ENVIRONMENT_KEY = /^[a-z][a-z0-9_-]{0,49}$/;
// segments.ts and contexts.ts: keySchema.
export const ENTITY_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

function nameProblem(name: string): string | null {
  if (!name.trim()) return "Enter a name.";
  return name.trim().length > 100 ? "At most 100 characters." : null;
}

export function environmentProblems(input: { key: string; name: string; type: string; approvals?: number | null }): Problems {
  const problems: Problems = {};
  if (!ENVIRONMENT_KEY.test(input.key.trim())) problems.key = "1-50 characters: lowercase letters, digits, _ or -, starting with a letter.";
  const name = nameProblem(input.name);
  if (name) problems.name = name;
  if (!ENVIRONMENT_TYPES.includes(input.type as EnvironmentType)) problems.type = "Choose development, staging or production.";
  if (input.approvals != null && !(Number.isInteger(input.approvals) && input.approvals >= 1 && input.approvals <= 10)) {
    problems.approvals = "Between 1 and 10 approvals.";
  }
  return problems;
}

export function pipelineProblems(input: { name: string; description: string; environmentIds: string[] }): Problems {
  const problems: Problems = {};
  const name = nameProblem(input.name);
  if (name) problems.name = name;
  if (input.description.trim().length > 1000) problems.description = "At most 1000 characters.";
  if (input.environmentIds.length === 0) problems.environmentIds = "A pipeline needs at least one environment.";
  else if (input.environmentIds.length > 20) problems.environmentIds = "At most 20 stages.";
  else if (new Set(input.environmentIds).size !== input.environmentIds.length) problems.environmentIds = "Each environment can be a stage once.";
  return problems;
}

export interface AttributeDraft { name: string; type: AttributeType; description: string; values: string }

export const emptyAttribute = (): AttributeDraft => ({ name: "", type: "string", description: "", values: "" });

export const splitValues = (text: string): string[] => text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);

export function contextProblems(input: { key: string; description: string; attributes: AttributeDraft[] }): Problems {
  const problems: Problems = {};
  if (!ENTITY_KEY.test(input.key.trim())) problems.key = "1-100 characters: letters, digits, _ . or -, starting with a letter.";
  if (input.description.trim().length > 1000) problems.description = "At most 1000 characters.";
  const seen = new Set<string>();
  input.attributes.forEach((a, i) => {
    const name = a.name.trim();
    if (!name) problems[`attributes.${i}`] = "Name the attribute.";
    else if (name.length > 200) problems[`attributes.${i}`] = "At most 200 characters.";
    else if (seen.has(name)) problems[`attributes.${i}`] = `"${name}" is listed twice.`;
    else if (a.description.trim().length > 500) problems[`attributes.${i}`] = "Description: at most 500 characters.";
    seen.add(name);
  });
  if (input.attributes.length > 200) problems.attributes = "At most 200 attributes.";
  return problems;
}

export const toAttributeInputs = (drafts: AttributeDraft[]) => drafts.map((a) => {
  const values = splitValues(a.values);
  return { name: a.name.trim(), type: a.type, ...(a.description.trim() ? { description: a.description.trim() } : {}), ...(values.length ? { values } : {}) };
});

export const fromAttributeValues = (values: { name: string; type: AttributeType; description?: string | null; values?: string[] | null }[]): AttributeDraft[] =>
  values.map((a) => ({ name: a.name, type: a.type, description: a.description ?? "", values: (a.values ?? []).join(", ") }));

/** Targeting keys typed one per line or comma-separated, without duplicates. */
export const parseTargetingKeys = (text: string): string[] => [...new Set(splitValues(text))];

export function segmentProblems(input: { key: string; name: string; description: string; included: string[]; excluded: string[] }): Problems {
  const problems: Problems = {};
  if (!ENTITY_KEY.test(input.key.trim())) problems.key = "1-100 characters: letters, digits, _ . or -, starting with a letter.";
  const name = nameProblem(input.name);
  if (name) problems.name = name;
  if (input.description.trim().length > 1000) problems.description = "At most 1000 characters.";
  for (const field of ["included", "excluded"] as const) {
    if (input[field].some((k) => k.length > 256)) problems[field] = "Each targeting key is at most 256 characters.";
    if (input[field].length > 10_000) problems[field] = "At most 10,000 targeting keys.";
  }
  return problems;
}

export interface PolicyView { id: string; name: string; enabled: boolean; appliesTo: ApprovalPolicyScope; environmentIds: string[]; requiredApprovals: number }

/**
 * How an environment is protected: the enabled approval policies covering it (specific ones naming
 * it, production_only for production environments, all). `own` is a policy that covers only this
 * environment, which the environment form may edit or remove; anything broader is changed on the
 * approval policies screen.
 */
export function protectionOf(env: { id: string; type: EnvironmentType }, policies: PolicyView[]) {
  const covering = policies.filter((p) => p.enabled && (
    p.appliesTo === "all" || (p.appliesTo === "production_only" && env.type === "production")
    || (p.appliesTo === "specific" && p.environmentIds.includes(env.id))));
  const own = covering.find((p) => p.appliesTo === "specific" && p.environmentIds.length === 1) ?? null;
  const required = covering.reduce((max, p) => Math.max(max, p.requiredApprovals), 0);
  return { covering, own, broader: covering.filter((p) => p !== own), required };
}

export interface ImportDocument { format: string; features: { key: string }[] }

/** A file's text as an exportFeatures document, or what is wrong with it (checked again by the API). */
export function parseImportDocument(text: string): { document: ImportDocument } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "The file is not JSON." };
  }
  const doc = value as Partial<ImportDocument> | null;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { problem: "The file is not a FluxGate export (expected a JSON object)." };
  if (doc.format !== "fluxgate.features/v1") return { problem: `Unknown format ${JSON.stringify(doc.format ?? null)}: expected "fluxgate.features/v1" (a file from Export).` };
  if (!Array.isArray(doc.features)) return { problem: "The file has no features list." };
  if (doc.features.length === 0) return { problem: "The file lists no features." };
  if (doc.features.length > 100) return { problem: `The file lists ${doc.features.length} features: import at most 100 at a time.` };
  return { document: doc as ImportDocument };
}

/** The export's file name: team and UTC date, e.g. fluxgate-features-acme-2026-12-06.json. */
export function exportFileName(teamName: string, now: Date): string {
  const slug = teamName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "team";
  return `fluxgate-features-${slug}-${now.toISOString().slice(0, 10)}.json`;
}
