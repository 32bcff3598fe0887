// What every loader and action receives as `context`: the Pages bindings and the request's session.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { RequestAuth } from "./request-auth.server";

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: { env: ConsoleEnv; ctx: { waitUntil(promise: Promise<unknown>): void } };
    auth: RequestAuth;
  }
}

export function createLoadContext(request: Request, cloudflare: AppLoadContext["cloudflare"]): AppLoadContext {
  return { cloudflare, auth: new RequestAuth(request, cloudflare.env.API, cloudflare.env.SESSION_SECRETS) };
}
