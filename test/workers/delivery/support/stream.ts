// Opening /v1/stream through the real Worker (exports.default.fetch inside workerd), and making
// real changes to the demo's development environment (D1 + the object's publish).
import { exports, env } from "cloudflare:workers";
import { DEMO_ENVIRONMENT_IDS, DEMO_SECRETS, demoRuleId } from "../../../../db/seed/demo-data";
import { environmentHub } from "../../../../durable-objects/hub";
import { regionOf, relayName } from "../../../../durable-objects/subscriber-relay/naming";
import { STREAM_PATH, STREAM_PROTOCOL_VERSION, type SnapshotId } from "../../../../protocol/stream";
import { SocketClient } from "./socket-client";

export const DEVELOPMENT = DEMO_ENVIRONMENT_IDS.development;
export const STREAM_URL = `http://fluxgate.test${STREAM_PATH}`;

/** The raw answer to an upgrade request with these headers (and query). */
export function upgrade(headers: Record<string, string>, query = ""): Promise<Response> {
  return exports.default.fetch(`${STREAM_URL}${query}`, { headers: { Upgrade: "websocket", ...headers } });
}

/** A socket of the development server client, before hello. */
export async function openStream(secret: string = DEMO_SECRETS.development): Promise<SocketClient> {
  return SocketClient.from(await upgrade({ Authorization: `Bearer ${secret}` }));
}

export function hello(socket: SocketClient, since?: SnapshotId): void {
  socket.send(since ? { type: "hello", protocol: STREAM_PROTOCOL_VERSION, since } : { type: "hello", protocol: STREAM_PROTOCOL_VERSION });
}

/** A socket that said hello without `since` and took its snapshot. */
export async function subscribed(secret?: string) {
  const socket = await openStream(secret);
  hello(socket);
  const snapshot = await socket.next();
  if (snapshot.type !== "snapshot") throw new Error(`expected a snapshot, got ${JSON.stringify(snapshot).slice(0, 200)}`);
  return { socket, document: snapshot.document };
}

export const developmentHub = () => environmentHub(env, DEVELOPMENT);

/** The one relay development's subscribers use in these tests (requests here carry no location). */
export const developmentRelayName = () => relayName(DEVELOPMENT, regionOf(null), 0);
export const developmentRelay = () => env.RELAYS.getByName(developmentRelayName());

let changes = 0;
/**
 * One real configuration change in development (BetaUsers' rule targets another role each time)
 * and the publish a control-plane commit makes; resolves with the new version.
 */
export async function changeDevelopment(): Promise<number> {
  changes++;
  await env.DB.prepare("UPDATE rules SET match = ? WHERE id = ?").bind(
    JSON.stringify([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: `role-${changes}` }] }]),
    demoRuleId("BetaUsers", "development"),
  ).run();
  const result = await developmentHub().publish();
  if (!result.changed) throw new Error("the change did not change the snapshot");
  return result.version;
}

/** Deletes an environment from D1 as deleteEnvironment does (rows first), so retire() is allowed. */
export async function deleteEnvironmentRows(environmentId: string): Promise<void> {
  const db = env.DB;
  await db.batch([
    db.prepare("PRAGMA defer_foreign_keys = on"),
    ...["clients", "feature_stages", "pipeline_stages"].map((table) => db.prepare(`DELETE FROM ${table} WHERE environment_id = ?`).bind(environmentId)),
    db.prepare("DELETE FROM environments WHERE id = ?").bind(environmentId),
  ]);
}
