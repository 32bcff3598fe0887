// AES-GCM sealing of the session's credentials, so the cookie the browser holds is opaque: the access
// token never reaches the page, and neither token can be read from the cookie (only replayed whole).
// Keys are SHA-256 of each configured secret; the first seals, all unseal (rotation).
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle
      .digest("SHA-256", encoder.encode(secret))
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    keyCache.set(secret, key);
  }
  return key;
}

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export async function seal(value: unknown, secrets: readonly string[]): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv }, await keyFor(secrets[0]!), encoder.encode(JSON.stringify(value)),
  );
  return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(cipher))}`;
}

/** The sealed value, or null when no secret opens it (tampered, or sealed with a retired secret). */
export async function unseal<T>(sealed: string, secrets: readonly string[]): Promise<T | null> {
  const [iv, cipher] = sealed.split(".");
  if (!iv || !cipher) return null;
  for (const secret of secrets) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64Url(iv) }, await keyFor(secret), fromBase64Url(cipher),
      );
      return JSON.parse(decoder.decode(plain)) as T;
    } catch {
      // Not this secret: try the next one.
    }
  }
  return null;
}
