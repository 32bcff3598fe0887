// Cross-site request forgery guard for every state-changing request: the browser's Origin (or, when
// absent, Sec-Fetch-Site) must be this console's own origin. Remix's own check answers such a POST
// with a 500 ("host header does not match origin"); a refused client gets 403 with a readable body.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function crossOriginRefusal(request: Request): Response | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const own = new URL(request.url).origin;
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  const crossOrigin = origin !== null ? origin !== own : fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none";
  if (!crossOrigin) return null;
  return new Response(
    JSON.stringify({ code: "FORBIDDEN", message: `Cross-origin ${request.method} refused: send it from ${own}.` }),
    { status: 403, headers: { "content-type": "application/json" } },
  );
}
