import { graphql } from "~/gql";

/** One page of the team's flags with their prerequisites (the dependency graph's edges). */
export const DependencyGraphDoc = graphql(`
  query DependencyGraph($teamId: ID!, $after: String) {
    team(id: $teamId) { myRole }
    features(teamId: $teamId, first: 100, after: $after) {
      nodes { id key name killSwitchEnabled prerequisites { variant feature { id key } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
