// The credential inside the OFREP event-stream URL. EventSource cannot send headers, so the URL
// itself must authorise the stream, and URLs end up in logs, browser history and proxies: it must
// not be the client secret. It is a signed, short-lived, stateless token:
//   <environmentId>.<clientId>.<expiresAt unix s>.<base64url HMAC-SHA-256>
// The HMAC covers those three fields AND the client's current secret hash (not in the token): a
// rotated or deleted client's tokens stop verifying at once, and a disabled client is refused by
// the route's check of the client row. The key is derived (HKDF-SHA-256, its own `info`) from
// AUTH_ENCRYPTION_KEY, so no extra secret has to be provisioned and the key is never used for two
// purposes. Stateless on purpose: no KV write per bulk evaluation and no KV read per connect.
// The expiry is rounded up to the next hour so the token, and with it the bulk response body and
// its ETag, changes at most once an hour (304s keep working). A leaked URL grants, for at most
// TTL + 1 h, notices that "something changed" and version numbers: no flag values, no secret.
export const SSE_TOKEN_TTL_SECONDS = 24 * 60 * 60;
const EXPIRY_STEP_SECONDS = 60 * 60;
const HKDF_INFO = "fluxgate/ofrep-sse-token/v1";
const encoder = new TextEncoder();

export interface SseTokenClaims {
  environmentId: string;
  clientId: string;
  /** Unix seconds. */
  expiresAt: number;
}

export type SseTokenProblem = "MALFORMED" | "EXPIRED";

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key derived from the base64 master key (cached per isolate). */
export function sseTokenKey(masterKeyBase64: string): Promise<CryptoKey> {
  let key = keys.get(masterKeyBase64);
  if (!key) {
    key = (async () => {
      const raw = Uint8Array.from(atob(masterKeyBase64), (c) => c.charCodeAt(0));
      const master = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(HKDF_INFO) },
        master, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"],
      );
    })();
    key.catch(() => keys.delete(masterKeyBase64));
    keys.set(masterKeyBase64, key);
  }
  return key;
}

const signedText = (claims: SseTokenClaims, secretHash: string) =>
  encoder.encode(`${claims.environmentId}\n${claims.clientId}\n${claims.expiresAt}\n${secretHash}`);

function toBase64Url(bytes: ArrayBuffer): string {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Expiry of a token minted at `nowMs`: at least the TTL away, rounded up to the hour. */
export function sseTokenExpiry(nowMs: number): number {
  const earliest = Math.floor(nowMs / 1000) + SSE_TOKEN_TTL_SECONDS;
  return Math.ceil(earliest / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
}

export async function mintSseToken(
  key: CryptoKey, client: { environmentId: string; clientId: string; secretHash: string }, nowMs: number,
): Promise<string> {
  const claims: SseTokenClaims = { environmentId: client.environmentId, clientId: client.clientId, expiresAt: sseTokenExpiry(nowMs) };
  const signature = await crypto.subtle.sign("HMAC", key, signedText(claims, client.secretHash));
  return `${claims.environmentId}.${claims.clientId}.${claims.expiresAt}.${toBase64Url(signature)}`;
}

/** The token's claims (not yet verified: the signature needs the client's secret hash), or a problem. */
export function readSseToken(token: string, nowMs: number): SseTokenClaims | SseTokenProblem {
  const parts = token.split(".");
  if (parts.length !== 4 || parts.some((p) => p.length === 0 || p.length > 200)) return "MALFORMED";
  const [environmentId, clientId, expires] = parts as [string, string, string, string];
  if (!/^\d{1,12}$/.test(expires)) return "MALFORMED";
  const expiresAt = Number(expires);
  if (expiresAt * 1000 <= nowMs) return "EXPIRED";
  return { environmentId, clientId, expiresAt };
}

/** Whether the token's signature is valid for this client's current secret hash (constant time). */
export async function sseTokenSignedFor(key: CryptoKey, token: string, claims: SseTokenClaims, secretHash: string): Promise<boolean> {
  const signature = fromBase64Url(token.slice(token.lastIndexOf(".") + 1));
  if (signature === null || signature.byteLength !== 32) return false;
  return crypto.subtle.verify("HMAC", key, signature, signedText(claims, secretHash));
}
