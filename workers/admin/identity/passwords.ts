// Password hashing: PBKDF2-SHA-256 through WebCrypto with a per-user 16-byte salt and 100,000
// iterations (workerd's maximum for PBKDF2). Encoded as `pbkdf2-sha256$100000$<salt b64>$<hash b64>`
// so the parameters can be raised later without breaking stored hashes.
import { z } from "zod";
import { base64ToBytes, bytesToBase64, randomBytes } from "../core/base64";

export const PBKDF2_ITERATIONS = 100_000;
const SCHEME = "pbkdf2-sha256";
const HASH_BITS = 256;

/** What a new password must satisfy (logins accept whatever was stored). */
export const newPasswordSchema = z.string()
  .min(12, "must be at least 12 characters long")
  .max(256, "must be at most 256 characters long");

export async function hashPassword(password: string, salt: Uint8Array<ArrayBuffer> = randomBytes(16)): Promise<string> {
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${SCHEME}$${PBKDF2_ITERATIONS}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`;
}

/** Constant-time comparison of the derived hash; malformed encodings simply do not verify. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split("$");
  if (parts.length !== 4 || parts[0] !== SCHEME) return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
  let salt: Uint8Array<ArrayBuffer>;
  let expected: Uint8Array;
  try {
    salt = base64ToBytes(parts[2]!);
    expected = base64ToBytes(parts[3]!);
  } catch {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  return constantTimeEqual(actual, expected);
}

/**
 * A valid hash of a random password: unknown users are checked against it so a login for a
 * missing user costs the same time as one for an existing user.
 */
export const UNKNOWN_USER_HASH = `${SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$${"A".repeat(43)}=`;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i % b.length] ?? 0);
  return difference === 0;
}
