// Bulk-evaluation ETags: a strong validator over the exact response body, so a 304 is only ever
// answered when the client already holds byte-identical flags (flag set AND context unchanged).
import { sha256Hex } from "../../../protocol/secret-hash";

export async function bodyEtag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, 32)}"`;
}

/**
 * Whether If-None-Match names this ETag. Weak and strong forms compare equal (RFC 9110 weak
 * comparison); unquoted tokens are accepted from lenient clients; `*` never matches, because a 304
 * must mean "your copy is current", which `*` cannot know.
 */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  const bare = etag.slice(1, -1);
  for (const raw of ifNoneMatch.split(",")) {
    let tag = raw.trim();
    if (tag.startsWith("W/")) tag = tag.slice(2);
    if (tag === etag || tag === bare) return true;
  }
  return false;
}
