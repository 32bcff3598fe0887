// The stage and kill-switch intents shared by the flags list, the flag page and the monitor.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { attempt } from "./action.server";
import { failure, type ActionFailure } from "./api-error";
import { KillDoc, ReEnableDoc, RequestDeployDoc, RequestRollbackDoc } from "./docs/flags";
import { optionalText, text } from "./form";

export const KILL_MIN_MINUTES = 5;
export const KILL_MAX_MINUTES = 60;

export type StageActionResult = { ok: true; message: string } | ActionFailure;

/** Runs the form's `intent` if it is a stage or kill-switch one; null when it is something else. */
export async function runStageIntent(context: AppLoadContext, form: FormData): Promise<StageActionResult | null> {
  const intent = text(form, "intent");
  const comment = optionalText(form, "comment");
  if (intent === "deploy" || intent === "rollback") {
    const stageId = text(form, "stageId");
    const result = await attempt(async () => {
      if (intent === "deploy") return (await context.auth.gql(RequestDeployDoc, { stageId, comment })).requestDeploy;
      return (await context.auth.gql(RequestRollbackDoc, { stageId, comment })).requestRollback;
    });
    if ("ok" in result) return result;
    const verb = intent === "deploy" ? "Deploy" : "Rollback";
    return { ok: true, message: result.request ? `${verb} requested: waiting for approval.` : `${verb} done (${result.status}).` };
  }
  if (intent === "kill") {
    const minutes = Number(text(form, "rollbackInMinutes"));
    if (!Number.isInteger(minutes) || minutes < KILL_MIN_MINUTES || minutes > KILL_MAX_MINUTES) {
      return failure({ code: "BAD_USER_INPUT", field: "rollbackInMinutes", message: `The automatic re-enable must be ${KILL_MIN_MINUTES} to ${KILL_MAX_MINUTES} minutes away.` });
    }
    const reason = text(form, "reason");
    if (!reason) return failure({ code: "BAD_USER_INPUT", field: "reason", message: "Say why you engage the kill switch." });
    const result = await attempt(() => context.auth.gql(KillDoc, { id: text(form, "featureId"), reason, rollbackInMinutes: minutes }));
    if ("ok" in result) return result;
    return { ok: true, message: `Kill switch engaged: re-enables automatically in ${minutes} minutes.` };
  }
  if (intent === "enable") {
    const result = await attempt(() => context.auth.gql(ReEnableDoc, { id: text(form, "featureId") }));
    if ("ok" in result) return result;
    return { ok: true, message: "Re-enabled." };
  }
  return null;
}
