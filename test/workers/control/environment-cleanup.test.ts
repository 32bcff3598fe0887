// Deleting an environment erases what delivery kept for it once D1 has committed the deletion:
// its Durable Object's storage and alarm and its KV copy. A failed cleanup leaves the mutation
// successful and is logged.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import type { FlagSetDocument } from "../../../engine/types";
import { flagSetKvKey } from "../../../protocol/delivery";
import type { Principal } from "../../../workers/admin/identity/authz";
import { controlDeps } from "../../../workers/admin/core/deps";
import { createEnvironment, deleteEnvironment } from "../../../workers/admin/configuration/environments";
import { as, ok, pristine } from "./support/config";

const CREATE_ENV = `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { id key } }`;
const DELETE_ENV = `mutation($id: ID!) { deleteEnvironment(id: $id) { key } }`;
const kvDocument = (id: string) => env.FLAGS_KV.get<FlagSetDocument>(flagSetKvKey(id), "json");
/** Rows in the object's snapshot and schedule tables, and its alarm. */
const objectState = (id: string) => runInDurableObject(env.ENVIRONMENTS.getByName(id), async (_instance, state) => ({
  snapshots: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM snapshot_state").one().n,
  schedule: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM schedule").one().n,
  alarm: await state.storage.getAlarm(),
}));

beforeEach(pristine);

describe("deleteEnvironment cleans up delivery state", { timeout: 20_000 }, () => {
  it("erases the environment object's storage and alarm and its KV copy", async () => {
    const created = ok(await as("teamadmin", CREATE_ENV, { input: { teamId: DEMO_TEAM_ID, key: "qa", name: "QA" } })).createEnvironment;
    // Creation publishes: the object holds version 1 and KV has the copy.
    expect((await kvDocument(created.id))?.environment).toMatchObject({ id: created.id, key: "qa" });
    await runInDurableObject(env.ENVIRONMENTS.getByName(created.id),
      (instance) => instance.schedule({ id: "scheduled-change", runAt: Date.now() + 3_600_000 }));
    expect(await objectState(created.id)).toEqual({ snapshots: 1, schedule: 1, alarm: expect.any(Number) });

    expect(ok(await as("teamadmin", DELETE_ENV, { id: created.id })).deleteEnvironment).toEqual({ key: "qa" });
    expect(await kvDocument(created.id)).toBeNull();
    expect(await objectState(created.id)).toEqual({ snapshots: 0, schedule: 0, alarm: null });
  });

  it("still succeeds, and logs, when the cleanup fails", async () => {
    const logged: { message: string; detail: unknown }[] = [];
    const deps = controlDeps(env, {
      retireEnvironment: async () => { throw new Error("object unreachable"); },
      log: { warn() {}, error: (message, detail) => void logged.push({ message, detail }) },
    });
    const principal: Principal = {
      userId: DEMO_USER_IDS.teamadmin, username: "teamadmin", isSystemAdmin: false, mustChangePassword: false,
      sessionId: "session", memberships: new Map([[DEMO_TEAM_ID, "team_admin"]]),
    };
    const created = await createEnvironment(deps, principal, { teamId: DEMO_TEAM_ID, key: "qa", name: "QA" });

    expect(await deleteEnvironment(deps, principal, created.id)).toMatchObject({ id: created.id, key: "qa" });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM environments WHERE id = ?").bind(created.id).first("n")).toBe(0);
    expect(logged).toEqual([{
      message: "deleted environment's object storage and KV entries were not erased",
      detail: { environmentId: created.id, error: new Error("object unreachable") },
    }]);
    // What the failed cleanup left behind is only storage: the KV copy is still there.
    expect((await kvDocument(created.id))?.environment.id).toBe(created.id);
  });
});
