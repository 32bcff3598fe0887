// The team the console shows: the one chosen with the team switcher (kept in the session cookie),
// else the user's first team. Loaders use the cookie's choice directly, so they query in parallel
// with the shell; the API authorises every team id anyway (a team the user left answers NOT_FOUND),
// and the shell drops a choice the user can no longer see.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { ShellDoc } from "./docs/identity";

type Team = { id: string; name: string; myRole: string | null };

export interface Shell {
  me: { id: string; username: string; displayName: string; email: string; isSystemAdmin: boolean; mustChangePassword: boolean };
  teams: Team[];
  current: Team | null;
}

/** The user and their teams, once per request. */
export function loadShell(context: AppLoadContext): Promise<Shell> {
  return context.auth.memo("shell", async () => {
    const [{ me, teams }, chosen] = await Promise.all([context.auth.query(ShellDoc, {}), context.auth.teamId()]);
    const current = teams.nodes.find((t) => t.id === chosen) ?? teams.nodes[0] ?? null;
    if (current && current.id !== chosen) await context.auth.setTeamId(current.id);
    return { me, teams: teams.nodes, current };
  });
}

/** The current team's id (the cookie's choice without waiting for the shell), or a 404 page. */
export async function requireTeam(context: AppLoadContext): Promise<{ id: string }> {
  const chosen = await context.auth.teamId();
  if (chosen) return { id: chosen };
  const { current } = await loadShell(context);
  if (!current) {
    throw Response.json({ code: "NOT_FOUND", message: "You are not a member of any team yet: ask a system admin to add you to one." }, { status: 404 });
  }
  return current;
}
