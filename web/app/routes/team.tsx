import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { safeNext, text } from "~/lib/form";
import { loadShell } from "~/lib/team.server";

export const loader = () => redirect("/flags");

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const teamId = text(form, "teamId");
  const { teams } = await loadShell(context);
  if (!teams.some((t) => t.id === teamId)) {
    throw Response.json({ code: "NOT_FOUND", message: "No such team among yours." }, { status: 404 });
  }
  await context.auth.setTeamId(teamId);
  // Entity pages belong to the previous team: land on the list of the same screen.
  const next = safeNext(text(form, "next")).replace(/^\/(flags|approvals|kill-switches|audit)\/.*$/, "/$1");
  throw redirect(next);
}
