// A real admin change of the development environment for push tests: dark_mode's rollout (25% in
// the demo data) set to `percentage` through GraphQL, as a team admin would.
import { demoRuleId } from "../../../../db/seed/demo-data";
import { tokenOf } from "../../control/support/actors";
import { gql, ok } from "../../control/support/graphql";

export const rolloutDarkMode = async (percentage = 100) => ok(await gql(
  `mutation($input: UpdateStageCriteriaInput!) { updateStageCriteria(input: $input) { id } }`,
  { input: { id: demoRuleId("dark_mode", "development"), rolloutPercentage: percentage } }, await tokenOf("teamadmin")));
