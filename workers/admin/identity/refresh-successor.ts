// The successor of a rotated refresh token is derived, not drawn at random: HMAC-SHA-256 of the
// spent token's row id under a key derived (HKDF) from AUTH_ENCRYPTION_KEY. Every refresh of one
// token, however many run at once, so computes the same successor, and the grace window
// (sessions.ts) can hand it out again without the token ever being stored: the table keeps its
// SHA-256 only, as for every refresh token. Without the key, a row id tells nothing.
import { bytesToBase64Url } from "../core/base64";
import type { ControlDeps } from "../core/deps";
import { authKeyBytes } from "./signing-keys";

const encoder = new TextEncoder();
const CACHE_KEY = "refresh-successor-key";

async function successorKey(deps: ControlDeps): Promise<CryptoKey> {
  const source = deps.config.authEncryptionKey;
  const cached = deps.isolateCache.get(CACHE_KEY) as { source: string; key: CryptoKey } | undefined;
  if (cached?.source === source) return cached.key;
  const base = await crypto.subtle.importKey("raw", authKeyBytes(deps), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: encoder.encode("fluxgate refresh-token successor v1") },
    base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"],
  );
  deps.isolateCache.set(CACHE_KEY, { source, key });
  return key;
}

/** 32 bytes, base64url (43 characters), the same shape as a random refresh token's body. */
export async function successorSecret(deps: ControlDeps, spentTokenId: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await successorKey(deps), encoder.encode(spentTokenId));
  return bytesToBase64Url(new Uint8Array(mac));
}
