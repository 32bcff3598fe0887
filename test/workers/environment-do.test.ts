import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRET_HASHES, DEMO_TEAM_ID, DEMO_WEB_ORIGINS, demoRuleId, demoStageId,
} from "../../db/seed/demo-data";
import { environmentHub } from "../../durable-objects/hub";
import { compileFlagSet, evaluateFlag, type FlagSetDocument, snapshotText } from "../../engine";
import { clientKvKey, flagSetKvKey, type ClientRecord } from "../../protocol/delivery";
import { sha256Hex } from "../../protocol/secret-hash";
import { resetEnvironmentObjects } from "./support/environment-objects";
import { clearKv, reseedDemo } from "./support/seed-demo";

const { development: DEVELOPMENT, staging: STAGING, production: PRODUCTION } = DEMO_ENVIRONMENT_IDS;
const hub = (environmentId: string) => environmentHub(env, environmentId);
const stubOf = (environmentId: string) => env.ENVIRONMENTS.getByName(environmentId);
const kvText = (environmentId: string) => env.FLAGS_KV.get(flagSetKvKey(environmentId), "text");
/** The KV copy read as any JSON reader sees it, less the layout member its text carries. */
const kvDocument = async (environmentId: string): Promise<FlagSetDocument | null> => {
  const text = await kvText(environmentId);
  if (text === null) return null;
  const { layout: _layout, ...document } = JSON.parse(text) as FlagSetDocument & { layout: unknown };
  return document;
};
const kvClient = (secretHash: string) => env.FLAGS_KV.get<ClientRecord>(clientKvKey(secretHash), "json");
const sql = (query: string, ...params: unknown[]) => env.DB.prepare(query).bind(...params).run();
/** Makes BetaUsers target role "owner" instead of "admin" in production. */
const retargetBetaUsers = () => sql(
  "UPDATE rules SET match = ? WHERE id = ?",
  JSON.stringify([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }]),
  demoRuleId("BetaUsers", "production"),
);

beforeEach(async () => {
  await reseedDemo(env);
  await clearKv(env.FLAGS_KV);
  await resetEnvironmentObjects(env.ENVIRONMENTS, Object.values(DEMO_ENVIRONMENT_IDS));
});

describe("EnvironmentDO snapshot versions", () => {
  it("builds version 1 from D1 on the first getSnapshot and writes it to KV", async () => {
    const document = await hub(PRODUCTION).getSnapshot();
    expect(document.version).toBe(1);
    expect(document.environment).toEqual({ id: PRODUCTION, key: "production", name: "Production", type: "production" });
    expect(document.flags).toHaveLength(7);
    expect(Date.parse(document.generatedAt)).not.toBeNaN();
    expect(await kvDocument(PRODUCTION)).toEqual(document);
    // As snapshot text, whose flags an isolate parses one by one on first use.
    expect(await kvText(PRODUCTION)).toBe(snapshotText(document));
  });

  it("bumps the version when a publish finds a D1 change, and the document shows it", async () => {
    await hub(PRODUCTION).getSnapshot();
    await retargetBetaUsers();
    expect(await hub(PRODUCTION).publish()).toEqual({ environmentId: PRODUCTION, version: 2, changed: true });
    const document = await hub(PRODUCTION).getSnapshot();
    expect(document.version).toBe(2);
    expect(document.flags.find((f) => f.key === "BetaUsers")?.rules[0]?.match)
      .toEqual([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }]);
  });

  it("keeps the version when nothing changed", async () => {
    const first = await hub(PRODUCTION).getSnapshot();
    expect(await hub(PRODUCTION).publish()).toEqual({ environmentId: PRODUCTION, version: 1, changed: false });
    expect(await hub(PRODUCTION).getSnapshot()).toEqual(first);
  });

  it("publishes an environment only for its own changes", async () => {
    await hub(STAGING).getSnapshot();
    await retargetBetaUsers();
    expect(await hub(STAGING).publish()).toEqual({ environmentId: STAGING, version: 1, changed: false });
  });

  it("bumps once for concurrent publishes of one change", async () => {
    await hub(PRODUCTION).getSnapshot();
    await retargetBetaUsers();
    const results = await Promise.all([hub(PRODUCTION).publish(), hub(PRODUCTION).publish(), hub(PRODUCTION).publish()]);
    expect(results.map((r) => r.version)).toEqual([2, 2, 2]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
  });

  it("answers getSnapshotIfChanged with null for the current version and hash, else the document", async () => {
    const current = await hub(PRODUCTION).getSnapshot();
    expect(await hub(PRODUCTION).getSnapshotIfChanged(1, current.contentHash)).toBeNull();
    expect(await hub(PRODUCTION).getSnapshotIfChanged(0, current.contentHash)).toEqual(current);
    expect(await hub(PRODUCTION).getSnapshotIfChanged(1, "0".repeat(64))).toEqual(current);
    await retargetBetaUsers();
    await hub(PRODUCTION).publish();
    const next = await hub(PRODUCTION).getSnapshotIfChanged(1, current.contentHash);
    expect(next?.version).toBe(2);
    expect(next?.contentHash).not.toBe(current.contentHash);
    expect(await hub(PRODUCTION).getSnapshotIfChanged(2, next!.contentHash)).toBeNull();
  });

  it("carries the SHA-256 of its content (without version, time and hash), in KV too", async () => {
    const document = await hub(PRODUCTION).getSnapshot();
    const { version: _version, generatedAt: _generatedAt, contentHash, ...content } = document;
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash).toBe(await sha256Hex(JSON.stringify(content)));
    expect((await kvDocument(PRODUCTION))?.contentHash).toBe(contentHash);
  });

  it("builds on first use from getSnapshotIfChanged too", async () => {
    expect((await hub(STAGING).getSnapshotIfChanged(0, ""))?.version).toBe(1);
  });

  it("names different content differently after its storage is lost and the versions restart", async () => {
    const before = await hub(PRODUCTION).getSnapshot();
    await resetEnvironmentObjects(env.ENVIRONMENTS, [PRODUCTION]);
    await retargetBetaUsers();
    expect(await hub(PRODUCTION).publish()).toEqual({ environmentId: PRODUCTION, version: 1, changed: true });
    // A reader still holding the lost version 1 is handed the new content.
    const after = await hub(PRODUCTION).getSnapshotIfChanged(before.version, before.contentHash);
    expect(after).toMatchObject({ version: 1 });
    expect(after!.contentHash).not.toBe(before.contentHash);
    expect(after!.flags.find((f) => f.key === "BetaUsers")?.rules[0]?.match)
      .toEqual([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }]);
  });

  it("rebuilds a stored document written before documents carried a content hash", async () => {
    const first = await hub(PRODUCTION).getSnapshot();
    await runInDurableObject(stubOf(PRODUCTION), (_instance, state) => {
      const { contentHash: _dropped, ...legacy } = first;
      state.storage.sql.exec("UPDATE snapshot_chunks SET data = ?", JSON.stringify(legacy));
    });
    await evictDurableObject(stubOf(PRODUCTION));
    expect(await hub(PRODUCTION).getSnapshot()).toMatchObject({ version: 2, contentHash: first.contentHash });
  });

  it("keeps its document, version and content hash across restarts", async () => {
    await hub(PRODUCTION).getSnapshot();
    await retargetBetaUsers();
    await hub(PRODUCTION).publish();
    const before = await hub(PRODUCTION).getSnapshot();
    await evictDurableObject(stubOf(PRODUCTION));
    expect(await hub(PRODUCTION).getSnapshot()).toEqual(before);
    await resetEnvironmentObjects(env.ENVIRONMENTS, []); // abortAllDurableObjects: a hard restart
    expect(await hub(PRODUCTION).publish()).toEqual({ environmentId: PRODUCTION, version: 2, changed: false });
  });

  it("rebuilds a stored document of an older schema version before serving it", async () => {
    await hub(PRODUCTION).getSnapshot();
    await runInDurableObject(stubOf(PRODUCTION), (_instance, state) => {
      state.storage.sql.exec("UPDATE snapshot_chunks SET data = replace(data, '\"schemaVersion\":1', '\"schemaVersion\":0')");
    });
    await evictDurableObject(stubOf(PRODUCTION));
    expect(await hub(PRODUCTION).getSnapshot()).toMatchObject({ schemaVersion: 1, version: 2 });
  });

  it("changes what the engine evaluates once published", async () => {
    const admin = { targetingKey: "user-1", role: "admin" };
    const before = evaluateFlag(compileFlagSet(await hub(PRODUCTION).getSnapshot()), "BetaUsers", admin);
    expect(before).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    await retargetBetaUsers();
    await hub(PRODUCTION).publish();
    const after = evaluateFlag(compileFlagSet(await hub(PRODUCTION).getSnapshot()), "BetaUsers", admin);
    expect(after).toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });
    expect(after.metadata.flagSetVersion).toBe(2);
  });

  it("rejects an environment that does not exist and stores nothing", async () => {
    const stub = hub("no-such-environment");
    const failure = await stub.getSnapshot().then(() => null, (error: unknown) => error);
    expect(failure).toMatchObject({ code: "ENVIRONMENT_NOT_FOUND", message: "ENVIRONMENT_NOT_FOUND: no environment no-such-environment" });
    await runInDurableObject(stubOf("no-such-environment"), async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM snapshot_state").one()).toEqual({ n: 0 });
    });
    expect(await kvDocument("no-such-environment")).toBeNull();
  });

  it("refuses to serve when not addressed by an environment id", async () => {
    const stub = env.ENVIRONMENTS.get(env.ENVIRONMENTS.newUniqueId());
    // Over RPC the refusal is an answer, not an exception (hub.ts turns it back into a DeliveryError).
    expect(await stub.publish()).toEqual({
      ok: false, code: "UNNAMED_OBJECT", detail: "address the object with ENVIRONMENTS.getByName(environmentId)",
    });
  });
});

describe("EnvironmentDO KV writes", () => {
  it("writes KV at most once a second and lets the alarm write the latest document", async () => {
    await hub(PRODUCTION).getSnapshot();
    await retargetBetaUsers();
    await hub(PRODUCTION).publish();
    await sql("UPDATE features SET kill_switch_active = 1 WHERE key = 'dark_mode'");
    await hub(PRODUCTION).publish();

    expect((await kvDocument(PRODUCTION))?.version).toBe(1);
    const alarm = await runInDurableObject(stubOf(PRODUCTION), (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();

    expect(await runDurableObjectAlarm(stubOf(PRODUCTION))).toBe(true);
    const written = await kvDocument(PRODUCTION);
    expect(written?.version).toBe(3);
    expect(written).toEqual(await hub(PRODUCTION).getSnapshot());
    expect(await runDurableObjectAlarm(stubOf(PRODUCTION))).toBe(false);
  });

  it("does nothing on a repeated alarm run (at-least-once delivery)", async () => {
    await hub(PRODUCTION).getSnapshot();
    await runInDurableObject(stubOf(PRODUCTION), async (instance) => {
      await instance.alarm();
      await instance.alarm();
    });
    expect((await kvDocument(PRODUCTION))?.version).toBe(1);
  });

  it("an alarm firing after its storage was erased ends quietly (no missing-table failure)", async () => {
    await hub(PRODUCTION).getSnapshot();
    const ran = await runInDurableObject(stubOf(PRODUCTION), async (instance, state) => {
      await state.storage.deleteAll(); // drops the tables this instance set up, as a reset or retirement does
      await instance.alarm();
      return state.storage.sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schedule'").one().n;
    });
    expect(ran).toBe(0); // ended without touching (or recreating) anything
  });

  it("takes a schedule after its storage was erased under it (a reset racing the call): a fresh table, the alarm armed", async () => {
    await hub(PRODUCTION).getSnapshot();
    const runAt = Date.now() + 60_000;
    const stored = await runInDurableObject(stubOf(PRODUCTION), async (instance, state) => {
      await state.storage.deleteAll();
      await instance.schedule({ id: "after-erase", runAt });
      return { rows: state.storage.sql.exec("SELECT id, run_at FROM schedule").toArray(), alarm: await state.storage.getAlarm() };
    });
    expect(stored).toEqual({ rows: [{ id: "after-erase", run_at: runAt }], alarm: runAt });
  });

  it("publishes after its storage was erased under it (a reset racing a publish): fresh tables, version 1, relays still reached", async () => {
    await hub(PRODUCTION).getSnapshot();
    await retargetBetaUsers();
    const after = await runInDurableObject(stubOf(PRODUCTION), async (instance, state) => {
      await state.storage.deleteAll(); // the document stays in this instance's memory, its tables are gone
      const published = await instance.publish();
      const tables = state.storage.sql.exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('delta_log', 'relays', 'snapshot_state') ORDER BY name",
      ).toArray().map((row) => row.name);
      const catchUp = await instance.relayCatchUp({ version: 0, contentHash: "" });
      return { published, caughtUpTo: catchUp.ok && "snapshot" in catchUp.value ? catchUp.value.snapshot.version : null, tables };
    });
    expect(after).toEqual({
      published: { ok: true, value: { environmentId: PRODUCTION, version: 1, changed: true } },
      caughtUpTo: 1,
      tables: ["delta_log", "relays", "snapshot_state"],
    });
    expect((await hub(PRODUCTION).getSnapshot()).flags.find((f) => f.key === "BetaUsers")?.rules[0]?.match)
      .toEqual([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }]);
  });

  it("an alarm of an object that never built a snapshot ends quietly", async () => {
    const never = "00000000-0000-4000-8000-0000000000fc";
    await runInDurableObject(stubOf(never), (_instance, state) => state.storage.setAlarm(Date.now() + 60_000));
    expect(await runDurableObjectAlarm(stubOf(never))).toBe(true);
    expect(await kvDocument(never)).toBeNull();
  });

  it("repairs a lost KV copy on the next publish", async () => {
    await hub(PRODUCTION).getSnapshot();
    await retargetBetaUsers();
    await hub(PRODUCTION).publish();
    await runDurableObjectAlarm(stubOf(PRODUCTION));
    await env.FLAGS_KV.delete(flagSetKvKey(PRODUCTION));
    // The object believes KV is current; KV is a cache, so only a newer version rewrites it.
    await sql("UPDATE features SET kill_switch_active = 1 WHERE key = 'dark_mode'");
    await hub(PRODUCTION).publish();
    await runDurableObjectAlarm(stubOf(PRODUCTION));
    expect((await kvDocument(PRODUCTION))?.version).toBe(3);
  });
});

describe("EnvironmentDO client records", () => {
  const webRecord: ClientRecord = {
    clientId: DEMO_CLIENT_IDS.web, secretHash: DEMO_SECRET_HASHES.web, teamId: DEMO_TEAM_ID,
    environmentId: DEVELOPMENT, kind: "web", enabled: true, origins: DEMO_WEB_ORIGINS,
  };

  it("puts every client of its environment into KV, and only those", async () => {
    await hub(DEVELOPMENT).publish();
    expect(await kvClient(DEMO_SECRET_HASHES.web)).toEqual(webRecord);
    expect((await kvClient(DEMO_SECRET_HASHES.development))?.environmentId).toBe(DEVELOPMENT);
    expect(await kvClient(DEMO_SECRET_HASHES.production)).toBeNull();
  });

  it("rewrites a changed client and deletes a deleted one", async () => {
    await hub(DEVELOPMENT).publish();
    await sql("UPDATE clients SET enabled = 0 WHERE id = ?", DEMO_CLIENT_IDS.development);
    await sql("DELETE FROM clients WHERE id = ?", DEMO_CLIENT_IDS.web);
    expect(await hub(DEVELOPMENT).publish()).toEqual({ environmentId: DEVELOPMENT, version: 1, changed: false });
    expect((await kvClient(DEMO_SECRET_HASHES.development))?.enabled).toBe(false);
    expect(await kvClient(DEMO_SECRET_HASHES.web)).toBeNull();
  });

  it("replaces the record of a rotated secret", async () => {
    await hub(DEVELOPMENT).publish();
    const rotated = "ab".repeat(32);
    await sql("UPDATE clients SET secret_hash = ? WHERE id = ?", rotated, DEMO_CLIENT_IDS.web);
    await hub(DEVELOPMENT).publish();
    expect(await kvClient(DEMO_SECRET_HASHES.web)).toBeNull();
    expect(await kvClient(rotated)).toEqual({ ...webRecord, secretHash: rotated });
  });

  for (const order of [[STAGING, DEVELOPMENT], [DEVELOPMENT, STAGING]]) {
    it(`moves a client between environments whichever publishes first (${order.join(" then ")})`, async () => {
      await hub(STAGING).publish();
      await hub(DEVELOPMENT).publish();
      await sql("UPDATE clients SET environment_id = ? WHERE id = ?", DEVELOPMENT, DEMO_CLIENT_IDS.staging);
      for (const id of order) await hub(id).publish();
      expect((await kvClient(DEMO_SECRET_HASHES.staging))?.environmentId).toBe(DEVELOPMENT);
    });
  }

  it("survives a restart without rewriting unchanged records", async () => {
    await hub(DEVELOPMENT).publish();
    await env.FLAGS_KV.delete(clientKvKey(DEMO_SECRET_HASHES.web));
    await evictDurableObject(stubOf(DEVELOPMENT));
    await hub(DEVELOPMENT).publish();
    // Unchanged in D1, so not rewritten: the object remembers what it wrote.
    expect(await kvClient(DEMO_SECRET_HASHES.web)).toBeNull();
    await sql("UPDATE clients SET description = 'x' WHERE id = ?", DEMO_CLIENT_IDS.web);
    await hub(DEVELOPMENT).publish();
    expect(await kvClient(DEMO_SECRET_HASHES.web)).toBeNull();
    await sql("UPDATE clients SET web_origins = ? WHERE id = ?", JSON.stringify(["https://acme.test"]), DEMO_CLIENT_IDS.web);
    await hub(DEVELOPMENT).publish();
    expect(await kvClient(DEMO_SECRET_HASHES.web)).toEqual({ ...webRecord, origins: ["https://acme.test"] });
  });
});

describe("EnvironmentDO retire", () => {
  const QA = "00000000-0000-4000-8000-0000000000e9";
  const [GONE_HASH, MOVED_HASH] = ["c1".repeat(32), "c2".repeat(32)];
  const addClient = (id: string, name: string, secretHash: string) => sql(
    "INSERT INTO clients (id, team_id, environment_id, name, secret_hash, secret_prefix, created_at) VALUES (?, ?, ?, ?, ?, 'fg_', ?)",
    id, DEMO_TEAM_ID, QA, name, secretHash, Date.now(),
  );
  /** Rows per table of the object's SQLite storage, and its alarm. */
  const storageOf = (environmentId: string) => runInDurableObject(stubOf(environmentId), async (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' AND name NOT GLOB '_cf_*' ORDER BY name",
    ).toArray();
    const rows = Object.fromEntries(tables.map(({ name }) =>
      [name, state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${name}`).one().n]));
    return { rows, alarm: await state.storage.getAlarm() };
  });

  it("erases a deleted environment's storage, alarm, KV copy and the client records it wrote", async () => {
    await sql("INSERT INTO environments (id, team_id, key, name, type, created_at, updated_at) VALUES (?, ?, 'qa', 'QA', 'development', ?, ?)",
      QA, DEMO_TEAM_ID, Date.now(), Date.now());
    await addClient("00000000-0000-4000-8000-0000000c0001", "gone", GONE_HASH);
    await addClient("00000000-0000-4000-8000-0000000c0002", "moved", MOVED_HASH);
    await hub(QA).publish();
    await runInDurableObject(stubOf(QA), (instance) => instance.schedule({ id: "scheduled-change", runAt: Date.now() + 3_600_000 }));
    expect((await kvDocument(QA))?.environment.key).toBe("qa");
    expect((await kvClient(GONE_HASH))?.environmentId).toBe(QA);
    expect(await storageOf(QA)).toMatchObject({ rows: { snapshot_state: 1, client_records: 2, schedule: 1 }, alarm: expect.any(Number) });

    // Unpublished D1 changes (as after a failed publish): one client deleted, one moved to staging.
    await sql("DELETE FROM clients WHERE secret_hash = ?", GONE_HASH);
    await sql("UPDATE clients SET environment_id = ? WHERE secret_hash = ?", STAGING, MOVED_HASH);
    await sql("DELETE FROM environments WHERE id = ?", QA);
    await hub(QA).retire();

    expect(await kvDocument(QA)).toBeNull();
    expect(await kvClient(GONE_HASH)).toBeNull();
    expect(await kvClient(MOVED_HASH)).not.toBeNull(); // staging's now: its next publish rewrites it
    expect(await storageOf(QA)).toEqual({
      rows: { client_records: 0, delta_log: 0, ledger_rows: 0, ledger_sealed: 0, ledger_seen: 0, relays: 0, schedule: 0, snapshot_chunks: 0, snapshot_state: 0 }, alarm: null,
    });
  });

  it("stores nothing for a late call after retiring", async () => {
    await hub(STAGING).getSnapshot();
    await sql("DELETE FROM clients WHERE environment_id = ?", STAGING);
    await sql("DELETE FROM feature_stages WHERE environment_id = ?", STAGING);
    await sql("DELETE FROM pipeline_stages WHERE environment_id = ?", STAGING);
    await sql("DELETE FROM environments WHERE id = ?", STAGING);
    await hub(STAGING).retire();
    const late = await hub(STAGING).getSnapshotIfChanged(1, "").then(() => null, (error: unknown) => error);
    expect(late).toMatchObject({ code: "ENVIRONMENT_NOT_FOUND" });
    expect((await storageOf(STAGING)).rows).toMatchObject({ snapshot_state: 0, snapshot_chunks: 0 });
    expect(await kvDocument(STAGING)).toBeNull();
  });

  it("refuses while D1 still has the environment, and keeps everything", async () => {
    const document = await hub(PRODUCTION).getSnapshot();
    const refused = await hub(PRODUCTION).retire().then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ message: `ENVIRONMENT_EXISTS: environment ${PRODUCTION} still exists; delete it first` });
    expect(await hub(PRODUCTION).getSnapshot()).toEqual(document);
    expect(await kvDocument(PRODUCTION)).toEqual(document);
  });
});
