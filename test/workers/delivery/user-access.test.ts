// Sockets opened with a user's token are checked only when they open: once the user loses access
// (removed from the team, disabled, no longer a system admin) the environment objects close them.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import type { SnapshotMessage } from "../../../protocol/stream";
import { freshStart, tokenOf } from "../control/support/actors";
import { gql, ok } from "../control/support/graphql";
import { SocketClient } from "./support/socket-client";
import { DEVELOPMENT, hello, subscribed, upgrade } from "./support/stream";

beforeEach(freshStart);

async function userSocket(name: "viewer" | "requester" | "admin", environmentId: string = DEVELOPMENT): Promise<SocketClient> {
  const socket = await SocketClient.from(await upgrade({ Authorization: `Bearer ${await tokenOf(name)}` }, `?environment=${environmentId}`));
  hello(socket);
  expect((await socket.next<SnapshotMessage>()).type).toBe("snapshot");
  return socket;
}

describe("a user's sockets end when the user loses access", () => {
  it("closes the removed member's sockets in every environment of the team with CREDENTIAL_REVOKED (4003), and no one else's", async () => {
    const development = await userSocket("viewer");
    const production = await userSocket("viewer", DEMO_ENVIRONMENT_IDS.production);
    const other = await userSocket("requester");
    const client = await subscribed();
    ok(await gql(`mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) }`,
      { t: DEMO_TEAM_ID, u: DEMO_USER_IDS.viewer }, await tokenOf("teamadmin")));
    for (const socket of [development, production]) {
      expect(await socket.next()).toMatchObject({ type: "error", code: "CREDENTIAL_REVOKED" });
      expect(await socket.closeFrame()).toEqual({ code: 4003, reason: "CREDENTIAL_REVOKED" });
    }
    expect(other.closedWith).toBeNull();
    expect(client.socket.closedWith).toBeNull();
  });

  it("closes a disabled user's sockets", async () => {
    const socket = await userSocket("requester");
    ok(await gql(`mutation($id: ID!) { disableUser(id: $id) { id } }`, { id: DEMO_USER_IDS.requester }, await tokenOf("admin")));
    expect(await socket.next()).toMatchObject({ type: "error", code: "CREDENTIAL_REVOKED" });
    expect(await socket.closeFrame()).toEqual({ code: 4003, reason: "CREDENTIAL_REVOKED" });
  });

  it("keeps a system admin's sockets when a team membership of theirs is removed (they keep access)", async () => {
    const socket = await userSocket("admin");
    ok(await gql(`mutation($t: ID!, $u: String!) { addTeamMember(input: { teamId: $t, user: $u, role: viewer }) { role } }`,
      { t: DEMO_TEAM_ID, u: DEMO_USER_IDS.admin }, await tokenOf("teamadmin")));
    ok(await gql(`mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) }`,
      { t: DEMO_TEAM_ID, u: DEMO_USER_IDS.admin }, await tokenOf("teamadmin")));
    await expect(socket.next(300)).rejects.toThrow();
    expect(socket.closedWith).toBeNull();
  });
});
