// Who may open GET /v1/stream: exact statuses and codes before the upgrade, and the carriers of a
// credential (headers, or subprotocols for browsers).
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_SECRET_HASHES, DEMO_SECRETS } from "../../../db/seed/demo-data";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_SUBPROTOCOL } from "../../../protocol/stream";
import { clearClientCache } from "../../../workers/evaluation/data/client-auth";
import { freshStart, tokenOf } from "../control/support/actors";
import { SocketClient } from "./support/socket-client";
import { DEVELOPMENT, developmentHub, hello, STREAM_URL, upgrade } from "./support/stream";


beforeEach(async () => {
  await freshStart();
  clearClientCache();
});

const refusal = async (response: Response) => ({ status: response.status, body: await response.json() });

/** Takes the snapshot of an accepted socket and closes it. */
async function expectSnapshot(response: Response, environmentId: string): Promise<void> {
  const socket = await SocketClient.from(response);
  hello(socket);
  const snapshot = await socket.next();
  expect(snapshot.type === "snapshot" && snapshot.document.environment.id).toBe(environmentId);
  socket.close();
}

describe("GET /v1/stream accepts", () => {
  it("a client credential as Authorization: Bearer, for the client's environment", async () => {
    await expectSnapshot(await upgrade({ Authorization: `Bearer ${DEMO_SECRETS.staging}` }), DEMO_ENVIRONMENT_IDS.staging);
  });

  it("a client credential as X-API-Key", async () => {
    await expectSnapshot(await upgrade({ "X-API-Key": DEMO_SECRETS.production }), DEMO_ENVIRONMENT_IDS.production);
  });

  it("a web client's credential as a subprotocol from an allowed origin, answering with fluxgate.v1", async () => {
    const response = await upgrade({
      "Sec-WebSocket-Protocol": `${STREAM_SUBPROTOCOL}, ${CREDENTIAL_SUBPROTOCOL_PREFIX}${DEMO_SECRETS.web}`,
      Origin: "http://localhost:5173",
    });
    expect(response.headers.get("Sec-WebSocket-Protocol")).toBe(STREAM_SUBPROTOCOL);
    await expectSnapshot(response, DEVELOPMENT);
  });

  it("a member's access token with ?environment=", async () => {
    const token = await tokenOf("viewer");
    await expectSnapshot(await upgrade({ Authorization: `Bearer ${token}` }, `?environment=${DEVELOPMENT}`), DEVELOPMENT);
  });

  it("a system admin's access token for any environment", async () => {
    const token = await tokenOf("admin");
    await expectSnapshot(await upgrade({ Authorization: `Bearer ${token}` }, `?environment=${DEMO_ENVIRONMENT_IDS.production}`), DEMO_ENVIRONMENT_IDS.production);
  });
});

describe("GET /v1/stream refuses", () => {
  it("a request without an upgrade: 426 UPGRADE_REQUIRED", async () => {
    const response = await exports.default.fetch(STREAM_URL, { headers: { Authorization: `Bearer ${DEMO_SECRETS.development}` } });
    expect(response.headers.get("Upgrade")).toBe("websocket");
    expect(await refusal(response)).toEqual({
      status: 426, body: { error: { code: "UPGRADE_REQUIRED", message: "/v1/stream is a WebSocket endpoint; send Upgrade: websocket" } },
    });
  });

  it("no credential: 401 UNAUTHORIZED", async () => {
    expect(await refusal(await upgrade({}))).toEqual({ status: 401, body: { error: { code: "UNAUTHORIZED", message: expect.stringContaining("missing credential") } } });
  });

  it("a wrong client secret: 401 UNAUTHORIZED", async () => {
    expect(await refusal(await upgrade({ Authorization: "Bearer fg_not_a_real_secret" })))
      .toEqual({ status: 401, body: { error: { code: "UNAUTHORIZED", message: "unknown client credential" } } });
  });

  it("a forged access token: 401 UNAUTHORIZED", async () => {
    const token = await tokenOf("viewer");
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(await refusal(await upgrade({ Authorization: `Bearer ${forged}` }, `?environment=${DEVELOPMENT}`)))
      .toEqual({ status: 401, body: { error: { code: "UNAUTHORIZED", message: "invalid or expired access token" } } });
  });

  it("a disabled client: 403 FORBIDDEN", async () => {
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE secret_hash = ?").bind(DEMO_SECRET_HASHES.development).run();
    await developmentHub().publish();
    expect(await refusal(await upgrade({ Authorization: `Bearer ${DEMO_SECRETS.development}` })))
      .toEqual({ status: 403, body: { error: { code: "FORBIDDEN", message: "client is disabled" } } });
  });

  it("a server client from a browser: 403 SERVER_CLIENT_IN_BROWSER, with CORS for the page", async () => {
    const response = await upgrade({ Authorization: `Bearer ${DEMO_SECRETS.development}`, Origin: "http://localhost:5173" });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
    expect(await refusal(response))
      .toEqual({ status: 403, body: { error: { code: "SERVER_CLIENT_IN_BROWSER", message: "a server client's secret may not be used from a browser (the request carries an Origin header); use a web client's secret in web pages" } } });
  });

  it("a web client from an origin it does not list: 403 ORIGIN_NOT_ALLOWED, with CORS for the page", async () => {
    const response = await upgrade({ "Sec-WebSocket-Protocol": `fluxgate.v1, fluxgate.credential.${DEMO_SECRETS.web}`, Origin: "http://127.0.0.1:5173" });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://127.0.0.1:5173");
    expect(await refusal(response))
      .toEqual({ status: 403, body: { error: { code: "ORIGIN_NOT_ALLOWED", message: "origin http://127.0.0.1:5173 is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)" } } });
  });

  it("a client credential asking for another environment: 403 FORBIDDEN", async () => {
    expect(await refusal(await upgrade({ Authorization: `Bearer ${DEMO_SECRETS.development}` }, `?environment=${DEMO_ENVIRONMENT_IDS.production}`)))
      .toEqual({ status: 403, body: { error: { code: "FORBIDDEN", message: "this client credential belongs to another environment" } } });
  });

  it("another team's environment and an unknown id: the same 404 NOT_FOUND (ids of other teams reveal nothing)", async () => {
    const token = await tokenOf("outsider");
    const unknown = "00000000-0000-4000-8000-0000000000ff";
    const foreign = await refusal(await upgrade({ Authorization: `Bearer ${token}` }, `?environment=${DEVELOPMENT}`));
    const missing = await refusal(await upgrade({ Authorization: `Bearer ${token}` }, `?environment=${unknown}`));
    expect(foreign).toEqual({ status: 404, body: { error: { code: "NOT_FOUND", message: `no environment ${DEVELOPMENT}` } } });
    expect(missing).toEqual({ status: 404, body: { error: { code: "NOT_FOUND", message: `no environment ${unknown}` } } });
  });

  it("a user token without ?environment=: 400 INVALID_REQUEST", async () => {
    const token = await tokenOf("viewer");
    expect(await refusal(await upgrade({ Authorization: `Bearer ${token}` })))
      .toEqual({ status: 400, body: { error: { code: "INVALID_REQUEST", message: "a user token needs ?environment=<environment id>", path: "environment" } } });
  });

  it("a client whose record the object already holds disabled while the isolate still caches it enabled: 403 from the object", async () => {
    await expectSnapshot(await upgrade({ Authorization: `Bearer ${DEMO_SECRETS.development}` }), DEVELOPMENT); // cached enabled now
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE secret_hash = ?").bind(DEMO_SECRET_HASHES.development).run();
    await developmentHub().publish();
    expect(await refusal(await upgrade({ Authorization: `Bearer ${DEMO_SECRETS.development}` })))
      .toEqual({ status: 403, body: { error: { code: "FORBIDDEN", message: "client is disabled or its credential was revoked" } } });
  });
});
