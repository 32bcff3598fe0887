// Which browsers may use a client: a server client from none (any Origin header), a web client from
// the origins it lists. One rule for every evaluation path (OFREP, /evaluate, /v1/stream, the OFREP
// event stream). The refusals name the problem and are readable by the refused page (cors.ts): a
// web client's secret ships in pages anyway, and a page holding a server secret learns nothing it
// could not learn with curl; neither message lists the allowed origins.
import { ApiError } from "./errors";

export interface BrowserUsable {
  kind: "server" | "web";
  origins: readonly string[];
}

export const originNotAllowed = (origin: string) =>
  new ApiError(403, "ORIGIN_NOT_ALLOWED",
    `origin ${origin} is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)`);

export const serverClientInBrowser = () =>
  new ApiError(403, "SERVER_CLIENT_IN_BROWSER",
    "a server client's secret may not be used from a browser (the request carries an Origin header); use a web client's secret in web pages");

/** Throws the refusal when a browser (a request with an Origin) may not use this client. */
export function checkBrowserOrigin(client: BrowserUsable, origin: string | null): void {
  if (origin === null) return;
  if (client.kind !== "web") throw serverClientInBrowser();
  if (!client.origins.includes(origin)) throw originNotAllowed(origin);
}
