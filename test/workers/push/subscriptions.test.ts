// GraphQL subscriptions over SSE (graphql-yoga's default transport) through the real Worker:
// each one receives the right event after the right real mutation, fed by the environment
// objects, and refuses callers outside the owning team like queries do.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { relayName } from "../../../durable-objects/subscriber-relay/naming";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS, demoRuleId, demoStageId } from "../../../db/seed/demo-data";
import { eventually, freshStart, runSchedule, tokenOf } from "../control/support/actors";
import { gql, ok } from "../control/support/graphql";
import { REJECT, REQUEST_ROLLBACK } from "../control/support/governance";
import type { Role } from "../control/support/sessions";
import { cancelOpenReaders, SseReader } from "./support/sse-reader";

const DEVELOPMENT = DEMO_ENVIRONMENT_IDS.development;

const FEATURE_CHANGES = /* GraphQL */ `subscription($id: ID!) {
  featureChanges(environmentId: $id) { environmentId version flagKeys resynced at features { id key } }
}`;
const KILL_SWITCH_CHANGES = /* GraphQL */ `subscription($teamId: ID!) {
  killSwitchChanges(teamId: $teamId) { featureId featureKey engaged rollbackAt at feature { killSwitchEnabled } }
}`;
const APPROVAL_REQUESTS = /* GraphQL */ `subscription($teamId: ID!) {
  approvalRequests(teamId: $teamId) { requestId featureId featureKey environmentId status request { action status } }
}`;

interface Subscription {
  sse: SseReader;
  /** The next `next` payload (GraphQL execution result). */
  next(timeoutMs?: number): Promise<{ data?: any; errors?: { extensions?: { code?: string } }[] }>;
}

/** Starts a subscription as `role` (null: anonymous); resolves once the stream is open. */
async function subscribe(role: Role | null, query: string, variables: Record<string, unknown>): Promise<Subscription> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (role) headers.authorization = `Bearer ${await tokenOf(role)}`;
  const response = await exports.default.fetch("http://fluxgate.test/graphql", {
    method: "POST", headers, body: JSON.stringify({ query, variables }),
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const sse = new SseReader(response);
  return {
    sse,
    next: async (timeoutMs = 3000) => JSON.parse((await sse.next((f) => f.event === "next", timeoutMs)).data!),
  };
}


beforeEach(freshStart);
afterEach(cancelOpenReaders);

/** Events sockets the environment's relay holds open (the admin Worker's feeds use region "any"). */
const eventsSockets = (environmentId: string) =>
  runInDurableObject(env.RELAYS.getByName(relayName(environmentId, "any", 0)), (_instance, state) => state.getWebSockets("events").length);

/**
 * Waits until the subscription's feeds reached their objects (they open asynchronously, and an
 * event published before would only show as the feed's starting point).
 */
async function settle(environmentIds: string[] = Object.values(DEMO_ENVIRONMENT_IDS)): Promise<void> {
  for (const id of environmentIds) await eventually(() => eventsSockets(id), (n) => n >= 1);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the feed reads the object's `current` first
}

describe("featureChanges(environmentId)", () => {
  it("delivers the new version and the changed flag keys after a rule change", async () => {
    const sub = await subscribe("viewer", FEATURE_CHANGES, { id: DEVELOPMENT });
    await settle([DEVELOPMENT]);
    ok(await gql(`mutation($input: UpdateStageCriteriaInput!) { updateStageCriteria(input: $input) { id } }`,
      { input: { id: demoRuleId("dark_mode", "development"), rolloutPercentage: 100 } }, await tokenOf("teamadmin")));
    const { data } = await sub.next();
    expect(data.featureChanges).toMatchObject({
      environmentId: DEVELOPMENT, flagKeys: ["dark_mode"], resynced: false,
      features: [{ id: DEMO_FEATURE_IDS.dark_mode, key: "dark_mode" }],
    });
    expect(data.featureChanges.version).toBeGreaterThan(1);
    await sub.sse.cancel();
  });
});

describe("killSwitchChanges(teamId)", () => {
  it("delivers each engage and release once, although the feature lives in three environments", async () => {
    const sub = await subscribe("viewer", KILL_SWITCH_CHANGES, { teamId: DEMO_TEAM_ID });
    await settle();
    const admin = await tokenOf("teamadmin");
    ok(await gql(`mutation($id: ID!) { emergencyDisableFeature(id: $id, rollbackInMinutes: 30) { id } }`, { id: DEMO_FEATURE_IDS.BetaUsers }, admin));
    const engaged = (await sub.next()).data.killSwitchChanges;
    expect(engaged).toMatchObject({ featureId: DEMO_FEATURE_IDS.BetaUsers, featureKey: "BetaUsers", engaged: true, feature: { killSwitchEnabled: true } });
    expect(Date.parse(engaged.rollbackAt) - Date.parse(engaged.at)).toBe(30 * 60_000);
    ok(await gql(`mutation($id: ID!) { emergencyEnableFeature(id: $id) { id } }`, { id: DEMO_FEATURE_IDS.BetaUsers }, admin));
    expect((await sub.next()).data.killSwitchChanges).toMatchObject({ featureKey: "BetaUsers", engaged: false, rollbackAt: null });
    await expect(sub.next(500)).rejects.toThrow(/no matching frame/);
    await sub.sse.cancel();
  });
});

describe("killSwitchChanges(teamId) and the alarm", () => {
  it("delivers the automatic rollback the environment object's alarm runs", async () => {
    const admin = await tokenOf("teamadmin");
    ok(await gql(`mutation($id: ID!) { emergencyDisableFeature(id: $id, rollbackInMinutes: 1) { id } }`, { id: DEMO_FEATURE_IDS.dark_mode }, admin));
    const sub = await subscribe("viewer", KILL_SWITCH_CHANGES, { teamId: DEMO_TEAM_ID });
    await settle();
    for (const id of Object.values(DEMO_ENVIRONMENT_IDS)) {
      await runSchedule(id);
    }
    expect((await sub.next()).data.killSwitchChanges).toMatchObject({ featureKey: "dark_mode", engaged: false, feature: { killSwitchEnabled: false } });
    await sub.sse.cancel();
  });
});

describe("approvalRequests(teamId)", () => {
  it("delivers a request when it is created and again when it is rejected", async () => {
    const sub = await subscribe("approver", APPROVAL_REQUESTS, { teamId: DEMO_TEAM_ID });
    await settle([DEMO_ENVIRONMENT_IDS.production]);
    const stageId = demoStageId("dark_mode", "production");
    const created = ok(await gql(REQUEST_ROLLBACK, { stageId }, await tokenOf("requester"))).requestRollback.request;
    expect((await sub.next()).data.approvalRequests).toEqual({
      requestId: created.id, featureId: DEMO_FEATURE_IDS.dark_mode, featureKey: "dark_mode",
      environmentId: DEMO_ENVIRONMENT_IDS.production, status: "pending", request: { action: "rollback", status: "pending" },
    });
    ok(await gql(REJECT, { id: created.id }, await tokenOf("teamadmin")));
    expect((await sub.next()).data.approvalRequests).toMatchObject({ requestId: created.id, status: "rejected" });
    await sub.sse.cancel();
  });
});

describe("lifetime", () => {
  it("ends (event: complete) when the subscriber is removed from the team, and its sockets close", async () => {
    const sub = await subscribe("viewer", FEATURE_CHANGES, { id: DEVELOPMENT });
    await settle([DEVELOPMENT]);
    ok(await gql(`mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) }`,
      { t: DEMO_TEAM_ID, u: DEMO_USER_IDS.viewer }, await tokenOf("teamadmin")));
    expect((await sub.sse.next((f) => f.event === "complete", 5000)).event).toBe("complete");
    expect(await eventually(() => eventsSockets(DEVELOPMENT), (n) => n === 0)).toBe(0);
  });

  it("closes its events sockets when the subscriber goes away", async () => {
    const before = await eventsSockets(DEVELOPMENT);
    const sub = await subscribe("viewer", KILL_SWITCH_CHANGES, { teamId: DEMO_TEAM_ID });
    expect(await eventually(() => eventsSockets(DEVELOPMENT), (n) => n === before + 1)).toBe(before + 1);
    await sub.sse.cancel();
    expect(await eventually(() => eventsSockets(DEVELOPMENT), (n) => n === before)).toBe(before);
  });
});

describe("query limits", () => {
  it("apply to subscriptions: a selection nested deeper than the maximum is refused before anything runs", async () => {
    const nest = (depth: number): string => (depth === 0 ? "key" : `prerequisites { feature { ${nest(depth - 1)} } }`);
    const sub = await subscribe("viewer", `subscription($id: ID!) { featureChanges(environmentId: $id) { features { ${nest(5)} } } }`, { id: DEVELOPMENT });
    const answer = await sub.next();
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(["QUERY_TOO_DEEP"]);
  });
});

describe("authorisation", () => {
  it.each([
    ["featureChanges", FEATURE_CHANGES, { id: DEVELOPMENT }],
    ["killSwitchChanges", KILL_SWITCH_CHANGES, { teamId: DEMO_TEAM_ID }],
    ["approvalRequests", APPROVAL_REQUESTS, { teamId: DEMO_TEAM_ID }],
  ])("%s: NOT_FOUND for a member of another team, UNAUTHENTICATED without a token", async (_name, query, variables) => {
    const outsider = await subscribe("outsider", query, variables);
    expect((await outsider.next()).errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    expect(await outsider.sse.endsWithin(2000)).toBe(true);
    const anonymous = await subscribe(null, query, variables);
    expect((await anonymous.next()).errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
  });

  it("featureChanges: another team's environment and an unknown id answer identically (no existence oracle)", async () => {
    const errorsOf = async (id: string) => {
      const sub = await subscribe("outsider", FEATURE_CHANGES, { id });
      const errors = (await sub.next()).errors?.map((e: any) => ({ message: e.message, code: e.extensions?.code }));
      await sub.sse.cancel();
      return errors;
    };
    const foreign = await errorsOf(DEVELOPMENT);
    expect(foreign).toEqual([{ message: "Environment not found", code: "NOT_FOUND" }]);
    expect(await errorsOf("00000000-0000-4000-8000-0000000000ff")).toEqual(foreign);
  });
});
