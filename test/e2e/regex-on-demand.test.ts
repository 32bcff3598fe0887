// The evaluation Worker loads RE2JS only once a flag set uses `matches` (engine/regex-demand.ts,
// awaited by the snapshot cache before it compiles a snapshot). In the real split stack nothing
// else in the evaluation Worker's isolates installs it, so a matches rule published through the
// admin API while the Worker serves a set without one must reach OFREP with RE2's answers.
import { expect, it } from "vitest";
import { demoStageId } from "../../db/seed/demo-data";
import { DEV_SERVER_SECRET } from "./support/demo";
import { adminToken, graphql, waitFor } from "./support/sdk-stack";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();

async function betaUsersFor(email: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.baseUrl}/ofrep/v1/evaluate/flags/BetaUsers`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${DEV_SERVER_SECRET}` },
    body: JSON.stringify({ context: { targetingKey: "user-1", email } }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

it("evaluates a matches rule published while the Worker serves a set without one", async () => {
  expect(await betaUsersFor("ada@acme.test")).toMatchObject({ value: false, reason: "DEFAULT" });

  const token = await adminToken(stack.adminUrl);
  const staff = { operator: "and", conditions: [{ attribute: "email", operator: "matches", value: "^[a-z]+@acme\\.test$" }] };
  await graphql(stack.adminUrl, "mutation($stageId: ID!, $rules: [RuleInput!]!) { setStageRules(stageId: $stageId, rules: $rules) { id } }",
    { stageId: demoStageId("BetaUsers", "development"), rules: [{ name: "Acme staff", match: [staff], serve: { kind: "variant", variant: "on" } }] },
    token);

  const matched = await waitFor("the matches rule to reach OFREP", async () => {
    const answer = await betaUsersFor("ada@acme.test");
    return answer["value"] === true && answer;
  });
  expect(matched).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
  expect(await betaUsersFor("ada@other.test")).toMatchObject({ value: false, reason: "DEFAULT" });
  expect(await betaUsersFor("Ada@acme.test")).toMatchObject({ value: false, reason: "DEFAULT" }); // case-sensitive, as RE2
  // Beyond the bounded JavaScript fast path (inputs over 256 characters), RE2JS itself answers.
  expect(await betaUsersFor(`${"a".repeat(300)}@acme.test`)).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
});
