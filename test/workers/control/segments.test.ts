// Segments through /graphql: conditions validated like rules' (code and field path), key unique
// per team and fixed, deletion refused while a rule references it, and every change published to
// all of the team's environments.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_SECRETS, DEMO_SEGMENT_ID, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { as, failure, ok, poll, pristine } from "./support/config";

const FIELDS = "id key name description included excluded match { operator conditions { attribute operator value caseInsensitive } }";
const CREATE = `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdateSegmentInput!) { updateSegment(input: $input) { ${FIELDS} } }`;

const layoutFor = (secret: string, context: Record<string, unknown>) =>
  call("/ofrep/v1/evaluate/flags/homepage_layout", { secret, body: { context } });

beforeEach(pristine);

describe("segments", { timeout: 30_000 }, () => {
  it("creates a segment and lists the team's segments by key", async () => {
    const created = ok(await as("requester", CREATE, { input: {
      teamId: DEMO_TEAM_ID, key: "vips", name: "VIPs", included: ["u-1"], excluded: ["u-2"],
      match: [{ operator: "or", conditions: [{ attribute: "plan", operator: "in", value: ["gold", "platinum"] }, { attribute: "email", operator: "ends_with", value: "@vip.test", caseInsensitive: true }] }],
    } })).createSegment;
    expect(created).toEqual({
      id: expect.any(String), key: "vips", name: "VIPs", description: "", included: ["u-1"], excluded: ["u-2"],
      match: [{ operator: "or", conditions: [
        { attribute: "plan", operator: "in", value: ["gold", "platinum"], caseInsensitive: null },
        { attribute: "email", operator: "ends_with", value: "@vip.test", caseInsensitive: true },
      ] }],
    });
    const list = ok(await as("viewer", `query($t: ID!) { segments(teamId: $t) { nodes { key } } }`, { t: DEMO_TEAM_ID })).segments;
    expect(list.nodes).toEqual([{ key: "beta_testers" }, { key: "vips" }]);
  });

  it("an update is published to every environment of the team", async () => {
    const context = { targetingKey: "user-7", email: "ann@globex.test" };
    for (const secret of [DEMO_SECRETS.development, DEMO_SECRETS.production]) {
      expect((await poll(() => layoutFor(secret, context), (a) => a.json?.variant === "classic")).json.variant).toBe("classic");
    }
    ok(await as("requester", UPDATE, { input: { id: DEMO_SEGMENT_ID, match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@globex.test" }] }] } }));
    for (const secret of [DEMO_SECRETS.development, DEMO_SECRETS.staging, DEMO_SECRETS.production]) {
      const answer = await poll(() => layoutFor(secret, context), (a) => a.json?.variant === "modern");
      expect(answer.json).toMatchObject({ value: { hero: "video", columns: 3 }, variant: "modern", reason: "TARGETING_MATCH" });
    }
  });

  it.each([
    [{ key: "1x" }, "input.key"],
    [{ match: [{ operator: "and", conditions: [{ attribute: "age", operator: "gt", value: "old" }] }] }, "input.match.0.conditions.0.value"],
    [{ match: [{ operator: "and", conditions: [{ attribute: "plan", operator: "in", value: "gold" }] }] }, "input.match.0.conditions.0.value"],
    [{ match: [{ operator: "and", conditions: [{ attribute: "id", operator: "matches", value: "(?<=a)b" }] }] }, "input.match.0.conditions.0.value"],
    [{ match: [{ operator: "or", conditions: [{ attribute: "a", operator: "exists" }, { attribute: "targetingKey", operator: "in_segment", value: "beta_testers" }] }] }, "input.match.0.conditions.1.operator"],
    [{ included: [""] }, "input.included.0"],
  ])("rejects %j at %s", async (input, field) => {
    expect(failure(await as("requester", CREATE, { input: { teamId: DEMO_TEAM_ID, key: "seg", name: "S", ...input } }))).toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("keys are unique per team", async () => {
    expect(failure(await as("requester", CREATE, { input: { teamId: DEMO_TEAM_ID, key: "beta_testers", name: "again" } }))).toEqual({ code: "CONFLICT" });
  });

  it("refuses to delete a segment a rule references, naming the features; deletes an unused one", async () => {
    const refused = await as("teamadmin", `mutation($id: ID!) { deleteSegment(id: $id) { key } }`, { id: DEMO_SEGMENT_ID });
    expect(failure(refused)).toEqual({ code: "CONFLICT" });
    expect(refused.errors![0]!.message).toBe("Segment beta_testers is still used by rules of homepage_layout; change those rules first");
    const created = ok(await as("requester", CREATE, { input: { teamId: DEMO_TEAM_ID, key: "unused", name: "U" } })).createSegment;
    expect(ok(await as("requester", `mutation($id: ID!) { deleteSegment(id: $id) { key } }`, { id: created.id })).deleteSegment).toEqual({ key: "unused" });
  });

  it("lists the features whose rules use a segment, and none for an unused one", async () => {
    const created = ok(await as("requester", CREATE, { input: { teamId: DEMO_TEAM_ID, key: "nobody_yet", name: "N" } })).createSegment;
    const USED = `query($t: ID!) { segments(teamId: $t) { nodes { key usedBy { featureId featureKey } } } }`;
    const list = ok(await as("viewer", USED, { t: DEMO_TEAM_ID })).segments.nodes;
    expect(list).toEqual([
      { key: "beta_testers", usedBy: [{ featureId: expect.any(String), featureKey: "homepage_layout" }] },
      { key: "nobody_yet", usedBy: [] },
    ]);
    expect(created.key).toBe("nobody_yet");
  });
});
