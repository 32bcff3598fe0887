// Answers for requests no route took: 405 (with Allow) on a known path, else 404 — JSON either way.
import { methodNotAllowed, notFoundRoute } from "./errors";
import { dialectOf } from "./errors";
import { errorResponse } from "./request-guard";

const KNOWN_PATHS: { pattern: RegExp; allow: string }[] = [
  { pattern: /^\/ofrep\/v1\/evaluate\/flags(\/[^/]+)?$/, allow: "POST, OPTIONS" },
  { pattern: /^\/ofrep\/v1\/events$/, allow: "GET" },
  { pattern: /^\/evaluate$/, allow: "POST, OPTIONS" },
  { pattern: /^\/(health|ping|openapi\.json|docs)$/, allow: "GET, HEAD" },
];

export function unmatchedRequest(request: Request): Response {
  const { pathname } = new URL(request.url);
  const known = KNOWN_PATHS.find((k) => k.pattern.test(pathname));
  const error = known ? methodNotAllowed(known.allow) : notFoundRoute(request.method, pathname);
  return errorResponse(error, dialectOf(pathname));
}
