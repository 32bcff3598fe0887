// Who hears about what: the events of the approval workflow and of team membership, queued on the
// email channel and resolved to recipients when sent (the team's enabled members only).
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { controlDeps } from "../../../workers/admin/core/deps";
import { deliverOne, type Send } from "../../../workers/admin/notifications/delivery";
import { ADD_MEMBER, CONFIGURE_EMAIL, EMAIL_API_KEY, outbox } from "./notifications-support";
import { as, ok, pristine } from "./support/config";
import { APPROVE, REJECT, REQUEST_DEPLOY, REQUEST_ROLLBACK } from "./support/governance";

beforeEach(async () => {
  await pristine();
  ok(await as("teamadmin", CONFIGURE_EMAIL, {
    teamId: DEMO_TEAM_ID, input: { endpoint: "https://mail.example.test/emails", from: "flags@acme.test", apiKey: EMAIL_API_KEY },
  }));
});

const accept: Send = async () => new Response(null, { status: 202 });

/** The email recipients of the queued `type` event (sending it through the seam), with its audience. */
async function emailOf(type: string): Promise<{ audience: unknown; recipients: string[] | null; subject: string }> {
  const [row] = await outbox(type);
  if (!row) throw new Error(`no ${type} row; have ${(await outbox()).map((r) => r.type).join(", ")}`);
  const payload = JSON.parse(row.payload);
  // The post-commit attempt may already have run (it cannot reach mail.example.test): retry now.
  await env.DB.prepare("UPDATE notification_deliveries SET status = 'queued', next_attempt_at = 0, claimed_until = NULL WHERE id = ?").bind(row.id).run();
  const sent = await deliverOne(controlDeps(env), row.id, { send: accept });
  return { audience: payload.audience, recipients: sent?.recipients ?? null, subject: payload.subject };
}

describe("approval workflow notifications", () => {
  it("a request goes to its eligible approvers; the decision to the requester; the rollback to admins and the requester", async () => {
    const stageId = demoStageId("dark_mode", "production");
    const requested = ok(await as("requester", REQUEST_ROLLBACK, { stageId })).requestRollback;
    expect(await emailOf("stage_change_requested")).toEqual({
      audience: { userIds: [DEMO_USER_IDS.teamadmin] }, recipients: ["teamadmin@acme.test"],
      subject: "requester requests rollback of dark_mode in production",
    });
    ok(await as("teamadmin", APPROVE, { id: requested.request.id }));
    expect(await emailOf("stage_change_approved")).toEqual({
      audience: { userIds: [DEMO_USER_IDS.requester] }, recipients: ["requester@acme.test"],
      subject: "teamadmin approved the rollback of dark_mode in production",
    });
    expect(await emailOf("feature_rolled_back")).toEqual({
      audience: { roles: ["team_admin"], userIds: [DEMO_USER_IDS.requester] }, recipients: ["requester@acme.test", "teamadmin@acme.test"],
      subject: "dark_mode was rolled back in production by teamadmin",
    });
  });

  it("a rejection goes to the requester", async () => {
    const stageId = demoStageId("dark_mode", "production");
    const rollback = ok(await as("requester", REQUEST_ROLLBACK, { stageId })).requestRollback;
    ok(await as("teamadmin", APPROVE, { id: rollback.request.id }));
    const deploy = ok(await as("requester", REQUEST_DEPLOY, { stageId })).requestDeploy;
    ok(await as("teamadmin", REJECT, { id: deploy.request.id }));
    expect(await emailOf("approval_rejected")).toEqual({
      audience: { userIds: [DEMO_USER_IDS.requester] }, recipients: ["requester@acme.test"],
      subject: "teamadmin rejected the deploy of dark_mode in production",
    });
  });

  it("a direct deploy by a team admin notifies the admins", async () => {
    const stageId = demoStageId("dark_mode", "development");
    ok(await as("teamadmin", REQUEST_ROLLBACK, { stageId }));
    expect(await emailOf("feature_rolled_back")).toMatchObject({ recipients: ["teamadmin@acme.test"], subject: "dark_mode was rolled back in development by teamadmin" });
  });
});

describe("membership notifications", () => {
  it("the added user and the team admins hear about it; a disabled user does not", async () => {
    ok(await as("teamadmin", ADD_MEMBER, { teamId: DEMO_TEAM_ID, user: "admin@acme.test", role: "viewer" }));
    expect(await emailOf("user_added_to_team")).toMatchObject({
      recipients: ["admin@acme.test", "teamadmin@acme.test"], subject: "teamadmin added admin@acme.test to the team as viewer",
    });
    await env.DB.prepare("UPDATE users SET enabled = 0 WHERE id = ?").bind(DEMO_USER_IDS.admin).run();
    expect((await emailOf("user_added_to_team")).recipients).toEqual(["teamadmin@acme.test"]);
  });
});
