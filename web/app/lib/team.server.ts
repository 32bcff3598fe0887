// The team the console shows: the one chosen with the team switcher (kept in the session cookie)
// when the user can still see it, else their first team.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { AllTeamsDoc } from "./docs/identity";

export interface TeamChoice {
  teams: { id: string; name: string; myRole: string | null }[];
  current: { id: string; name: string; myRole: string | null } | null;
}

export function loadTeams(context: AppLoadContext): Promise<TeamChoice> {
  return context.auth.memo("teams", async () => {
    const [{ teams }, chosen] = await Promise.all([context.auth.query(AllTeamsDoc, {}), context.auth.teamId()]);
    const nodes = teams.nodes;
    return { teams: nodes, current: nodes.find((t) => t.id === chosen) ?? nodes[0] ?? null };
  });
}

/** The current team, or a 404 page explaining there is none. */
export async function requireTeam(context: AppLoadContext) {
  const { current } = await loadTeams(context);
  if (!current) {
    throw Response.json({ code: "NOT_FOUND", message: "You are not a member of any team yet: ask a system admin to add you to one." }, { status: 404 });
  }
  return current;
}
