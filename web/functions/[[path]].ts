// The Pages Function serving every console route: refuses cross-origin writes (403), runs Remix with
// a per-request load context (bindings + session), then writes the session cookie if it rotated.
import { createPagesFunctionHandler } from "@remix-run/cloudflare-pages";
import type { ServerBuild } from "@remix-run/cloudflare";
// @ts-expect-error: produced by `remix vite:build` (run `npm run build` in web/ first).
import * as build from "../build/server";
import { createLoadContext } from "../app/lib/context.server";
import type { RequestAuth } from "../app/lib/request-auth.server";
import { crossOriginRefusal } from "../app/lib/origin-guard.server";

const sessions = new WeakMap<Request, RequestAuth>();

const handleRequest = createPagesFunctionHandler<ConsoleEnv>({
  build: build as unknown as ServerBuild,
  getLoadContext: ({ request, context }) => {
    const loadContext = createLoadContext(request, context.cloudflare);
    sessions.set(request, loadContext.auth);
    return loadContext;
  },
});

export const onRequest: PagesFunction<ConsoleEnv> = async (context) => {
  const refused = crossOriginRefusal(context.request);
  if (refused) return refused;
  const response = await handleRequest(context);
  const setCookie = await sessions.get(context.request)?.setCookieHeader();
  if (!setCookie) return response;
  const withCookie = new Response(response.body, response);
  withCookie.headers.append("set-cookie", setCookie);
  // A rotated session must never be cached by a shared cache.
  withCookie.headers.set("cache-control", "private, no-store");
  return withCookie;
};
