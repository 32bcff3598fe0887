// The flags list's bulk intents: check the selection and the change as the form did (the API checks
// again), call bulkUpdateFeatures or bulkArchiveFeatures, and report each flag's outcome by key.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { attempt } from "./action.server";
import { failure, type ActionFailure } from "./api-error";
import { bulkArchiveProblems, bulkReport, bulkUpdateProblems, bulkUpdateVariables, readSelection, type BulkReport } from "./bulk-flags";
import type { Problems } from "./form-problems";
import { BulkArchiveFeaturesDoc, BulkUpdateFeaturesDoc } from "./docs/flags-bulk";
import { optionalText, text } from "./form";

export type BulkActionResult = ({ ok: true; intent: "bulkUpdate" | "bulkArchive" } & BulkReport) | ActionFailure;

const refused = (problems: Problems): ActionFailure => {
  const [field, message] = Object.entries(problems)[0]!;
  return failure({ code: "BAD_USER_INPUT", field, message });
};

/** Runs the form's `intent` if it is a bulk one; null when it is something else. */
export async function runBulkIntent(context: AppLoadContext, teamId: string, form: FormData): Promise<BulkActionResult | null> {
  const intent = text(form, "intent");
  if (intent !== "bulkUpdate" && intent !== "bulkArchive") return null;
  const flags = readSelection(form.get("selection"));
  const keys = new Map(flags.map((f) => [f.id, f.key]));
  if (intent === "bulkUpdate") {
    const input = { flags, action: text(form, "action"), owner: text(form, "owner"), tags: text(form, "tags"), lifecycle: text(form, "lifecycle") };
    const problems = bulkUpdateProblems(input);
    if (Object.keys(problems).length) return refused(problems);
    const result = await attempt(() => context.auth.gql(BulkUpdateFeaturesDoc, bulkUpdateVariables(teamId, input)));
    if ("ok" in result) return result;
    return { ok: true, intent, ...bulkReport("Updated", result.bulkUpdateFeatures, keys) };
  }
  const problems = bulkArchiveProblems(flags);
  if (Object.keys(problems).length) return refused(problems);
  const result = await attempt(() => context.auth.gql(BulkArchiveFeaturesDoc, {
    teamId, featureIds: flags.map((f) => f.id),
    confirmDependents: form.get("confirmDependents") === "on",
    freezeOverrideReason: optionalText(form, "freezeOverrideReason") ?? null,
  }));
  if ("ok" in result) return result;
  return { ok: true, intent, ...bulkReport("Archived", result.bulkArchiveFeatures, keys) };
}
