// Bulk actions on the flags list: what the selection holds, what bulkUpdateFeatures and
// bulkArchiveFeatures accept (checked before submit, and again by the route's action), and how their
// per-flag outcomes read. The limits mirror workers/admin/configuration/{bulk-actions,features}.ts.
import type { Problems } from "./form-problems";

export const MAX_BULK_FLAGS = 100;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
export const MAX_OWNER_LENGTH = 200;

/** bulkUpdateFeatures' actions, as the menu offers them. Archiving is its own action (with confirmation). */
export const BULK_UPDATE_ACTIONS = [
  ["update_owner", "Set owner"],
  ["add_tags", "Add tags"],
  ["remove_tags", "Remove tags"],
  ["set_lifecycle", "Set lifecycle"],
] as const;
export type BulkUpdateAction = (typeof BULK_UPDATE_ACTIONS)[number][0];
/** set_lifecycle cannot archive (the API refuses it): these are the lifecycles it can set. */
export const SETTABLE_LIFECYCLES = ["draft", "active", "deprecated"] as const;
export type SettableLifecycle = (typeof SETTABLE_LIFECYCLES)[number];

export interface SelectedFlag {
  id: string;
  key: string;
}

export interface BulkUpdateInput {
  flags: SelectedFlag[];
  action: string;
  owner: string;
  tags: string;
  lifecycle: string;
}

/** "a, b ,, a" -> ["a", "b"]: the tags field takes a comma-separated list. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()).filter(Boolean))];
}

function selectionProblem(flags: readonly SelectedFlag[]): string | null {
  if (flags.length === 0) return "Select at least one flag.";
  if (flags.length > MAX_BULK_FLAGS) return `Select at most ${MAX_BULK_FLAGS} flags at a time.`;
  return null;
}

/** The problems of a bulk update by field (selection, action, owner, tags, lifecycle); {} when it may be sent. */
export function bulkUpdateProblems(input: BulkUpdateInput): Problems {
  const problems: Problems = {};
  const selection = selectionProblem(input.flags);
  if (selection) problems.selection = selection;
  const action = BULK_UPDATE_ACTIONS.find(([value]) => value === input.action)?.[0];
  if (!action) {
    problems.action = "Choose what to change.";
  } else if (action === "update_owner") {
    if (input.owner.trim().length > MAX_OWNER_LENGTH) problems.owner = `At most ${MAX_OWNER_LENGTH} characters.`;
  } else if (action === "add_tags" || action === "remove_tags") {
    const tags = parseTags(input.tags);
    if (tags.length === 0) problems.tags = "Enter at least one tag.";
    else if (tags.length > MAX_TAGS) problems.tags = `At most ${MAX_TAGS} tags.`;
    else if (tags.some((tag) => tag.length > MAX_TAG_LENGTH)) problems.tags = `Each tag has at most ${MAX_TAG_LENGTH} characters.`;
  } else if (!(SETTABLE_LIFECYCLES as readonly string[]).includes(input.lifecycle)) {
    problems.lifecycle = "Choose draft, active or deprecated (archive with the Archive button).";
  }
  return problems;
}

/** The problems of a bulk archive; {} when it may be sent. */
export function bulkArchiveProblems(flags: readonly SelectedFlag[]): Problems {
  const selection = selectionProblem(flags);
  return selection ? { selection } : {};
}

/** The bulkUpdateFeatures variables for a checked input (owner "" clears it). */
export function bulkUpdateVariables(teamId: string, input: BulkUpdateInput) {
  const base = { teamId, featureIds: input.flags.map((f) => f.id), action: input.action as BulkUpdateAction };
  switch (base.action) {
    case "update_owner": return { ...base, owner: input.owner.trim() || null };
    case "add_tags":
    case "remove_tags": return { ...base, tags: parseTags(input.tags) };
    case "set_lifecycle": return { ...base, lifecycle: input.lifecycle as SettableLifecycle };
  }
}

// ---------------------------------------------------------------- selection

/** The selection after the page re-read its flags: only flags still on the page stay selected, in page order. */
export function keepOnPage(selected: readonly string[], pageIds: readonly string[]): string[] {
  const chosen = new Set(selected);
  return pageIds.filter((id) => chosen.has(id));
}

/** "Select all on this page": selects every flag of the page, or clears the selection when all are selected. */
export function toggleAll(selected: readonly string[], pageIds: readonly string[]): string[] {
  return pageIds.length > 0 && pageIds.every((id) => selected.includes(id)) ? [] : [...pageIds];
}

export function toggleOne(selected: readonly string[], id: string, pageIds: readonly string[]): string[] {
  return selected.includes(id) ? selected.filter((s) => s !== id) : keepOnPage([...selected, id], pageIds);
}

export const flagCount = (n: number) => `${n} flag${n === 1 ? "" : "s"}`;

export function selectionStatus(n: number): string {
  return n === 0 ? "No flag selected." : `${flagCount(n)} selected.`;
}

// ---------------------------------------------------------------- outcomes

export interface BulkOutcome {
  featureId: string;
  ok: boolean;
  error?: string | null;
  message?: string | null;
}

export interface BulkReport {
  /** One sentence: how many flags the action changed, and how many it could not. */
  summary: string;
  /** The flags the API refused, by key, with its message. */
  failures: { key: string; message: string }[];
}

/** The API's per-flag results as a report; `keys` names the flags (an id it does not know stays an id). */
export function bulkReport(done: string, result: { succeeded: number; failed: number; results: readonly BulkOutcome[] }, keys: ReadonlyMap<string, string>): BulkReport {
  const total = result.succeeded + result.failed;
  const summary = result.failed === 0
    ? `${done} ${flagCount(result.succeeded)}.`
    : `${done} ${result.succeeded} of ${flagCount(total)}; ${result.failed} refused.`;
  const failures = result.results.filter((r) => !r.ok)
    .map((r) => ({ key: keys.get(r.featureId) ?? r.featureId, message: r.message ?? r.error ?? "Refused." }));
  return { summary, failures };
}

/** The selection as posted by the bulk forms (one JSON field, ids with their keys); [] when malformed. */
export function readSelection(value: unknown): SelectedFlag[] {
  if (typeof value !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((f): f is SelectedFlag => typeof f?.id === "string" && typeof f?.key === "string" && f.id !== "")
      .map(({ id, key }) => ({ id, key }));
  } catch {
    return [];
  }
}
