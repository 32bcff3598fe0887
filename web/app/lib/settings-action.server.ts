// The settings screens' actions: run the form's checks again on the server (a browser without
// JavaScript skips them), then the API call; a refusal becomes data the form shows, a success { ok: true }.
import { redirect } from "@remix-run/cloudflare";
import { attempt, isFailure } from "./action.server";
import { failure, type ActionFailure } from "./api-error";
import type { Problems } from "./form-problems";

/** The first problem as a BAD_USER_INPUT failure naming its field, or null when there is none. */
export function refusal(problems: Problems): ActionFailure | null {
  const [first] = Object.entries(problems);
  return first ? failure({ code: "BAD_USER_INPUT", field: first[0], message: first[1] }) : null;
}

/** Runs the API call; `{ ok: true, ...extra(result) }` or the API's refusal. */
export async function perform<T, E extends object = object>(run: () => Promise<T>, extra?: (result: T) => E): Promise<({ ok: true } & E) | ActionFailure> {
  const result = await attempt(run);
  if (isFailure(result)) return result;
  return { ok: true as const, ...(extra?.(result) ?? ({} as E)) };
}

export const unknownIntent = (): ActionFailure => failure({ code: "BAD_USER_INPUT", field: "intent", message: "Unknown action." });

/**
 * A create / edit form's save: the form's check again, then the API call. An edit goes back to the
 * list (`listPath`, which closes the form); a creation answers `created`, the form's note.
 */
export async function saveForm(intent: "create" | "update", problems: Problems, save: () => Promise<unknown>, done: { listPath: string; created: string }) {
  const refused = refusal(problems);
  if (refused) return refused;
  const result = await attempt(save);
  if (isFailure(result)) return result;
  if (intent === "update") throw redirect(done.listPath);
  return { ok: true as const, message: done.created };
}
