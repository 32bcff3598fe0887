// The command palette's flag index (resource route, loaded when the palette opens).
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { graphql } from "~/gql";
import { requireTeam } from "~/lib/team.server";

const PaletteFlagsDoc = graphql(`
  query PaletteFlags($teamId: ID!) { features(teamId: $teamId, first: 100) { nodes { id key name } } }
`);

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const { features } = await context.auth.query(PaletteFlagsDoc, { teamId: team.id });
  return { flags: features.nodes };
}
