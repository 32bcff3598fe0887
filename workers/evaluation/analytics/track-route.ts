// POST /v1/track: applications report metric events (conversions, values, durations) for the
// variant a user was served, with a client credential like OFREP. Metrics are looked up by key in
// the client's team; the events are stored in the client's environment. Two D1 statements.
import { Hono, type Context } from "hono";
import type { ClientRecord } from "../../../protocol/delivery";
import { preflightResponse } from "../data/cors";
import { methodNotAllowed } from "../data/errors";
import type { DataPlane } from "../data/hono-env";
import { jsonResponse } from "../data/json-response";
import { readJsonBody } from "../data/limits";
import { errorResponse, withClient } from "../data/request-guard";
import { eventRows, metricsByKey, storeEvents } from "./metric-events";
import { MAX_TRACK_BODY_BYTES, parseTrackEvents } from "./track-request";

export const TRACK_PATH = "/v1/track";

async function track(c: Context<DataPlane>, client: ClientRecord): Promise<Response> {
  const events = parseTrackEvents(await readJsonBody(c.req.raw, MAX_TRACK_BODY_BYTES), Date.now());
  const metrics = await metricsByKey(c.env.DB, client.teamId, events.map((e) => e.metric));
  await storeEvents(c.env.DB, client.environmentId, eventRows(events, metrics));
  return jsonResponse({ accepted: events.length }, 202);
}

export const trackRoute = new Hono<DataPlane>();
trackRoute.post(TRACK_PATH, (c) => withClient(c, "fluxgate", undefined, track));
trackRoute.options(TRACK_PATH, (c) => preflightResponse(c.req.header("Origin") ?? null));
trackRoute.all(TRACK_PATH, () => errorResponse(methodNotAllowed("POST, OPTIONS"), "fluxgate"));
