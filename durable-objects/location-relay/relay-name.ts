// A location relay's name: one relay per (environment, location), `${environmentId}@${location}`,
// where the location is the Cloudflare colo serving the isolate (request.cf.colo), "local" when the
// runtime has none (wrangler dev, tests, RPC calls without a request).
export const LOCAL = "local";

export function relayName(environmentId: string, location: string): string {
  return `${environmentId}@${location || LOCAL}`;
}

/** The environment id in a relay's name, or null for a name not made by relayName. */
export function environmentOfRelay(name: string | undefined): string | null {
  if (!name) return null;
  const at = name.lastIndexOf("@");
  return at > 0 ? name.slice(0, at) : null;
}
