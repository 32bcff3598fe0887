// The ES256 keys that sign access tokens. Private JWKs are stored in D1 encrypted with AES-GCM
// under AUTH_ENCRYPTION_KEY. Rotation makes a new key active and retires the old one, which keeps
// verifying until every token it may have signed has expired, so rotation logs nobody out.
// Imported keys are cached per isolate: the active signing key for ACTIVE_KEY_CACHE_MS, public keys
// by kid until their retirement time.
import { and, eq, gt, or } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey as JoseKey, type JWK } from "jose";
import { signingKeys } from "../../../db/schema";
import { base64ToBytes, bytesToBase64Url, randomBytes } from "../core/base64";
import type { ControlDeps } from "../core/deps";
import { isUniqueViolation } from "../core/constraints";
import { isPublishedKeyOutsideDevelopment } from "../../development-key";

export const SIGNING_ALGORITHM = "ES256";
/** How long an isolate keeps signing with the key it loaded before asking D1 for the active key. */
export const ACTIVE_KEY_CACHE_MS = 60_000;

export interface SigningKey {
  kid: string;
  privateKey: JoseKey;
}

export interface VerificationKey {
  kid: string;
  publicKey: JoseKey;
  /** Null while active. */
  retireAfter: Date | null;
}

interface KeyCache {
  active: { key: SigningKey; loadedAt: number } | null;
  verification: Map<string, VerificationKey & { checkedAt: number }>;
}

const CACHE_ENTRY = "signing-keys";

function keyCache(deps: ControlDeps): KeyCache {
  let cache = deps.isolateCache.get(CACHE_ENTRY) as KeyCache | undefined;
  if (!cache) deps.isolateCache.set(CACHE_ENTRY, (cache = { active: null, verification: new Map() }));
  return cache;
}

/** The key to sign with: the active one, created on first use. */
export async function activeSigningKey(deps: ControlDeps): Promise<SigningKey> {
  const cache = keyCache(deps);
  const now = deps.now().getTime();
  if (cache.active && now - cache.active.loadedAt < ACTIVE_KEY_CACHE_MS) return cache.active.key;
  let [row] = await deps.db.select().from(signingKeys).where(eq(signingKeys.status, "active")).limit(1);
  if (!row) {
    // Two isolates may race here; the partial unique index keeps one active key, the loser re-reads.
    await insertNewKey(deps).catch((error: unknown) => {
      if (!isUniqueViolation(error, "signing_keys")) throw error;
    });
    [row] = await deps.db.select().from(signingKeys).where(eq(signingKeys.status, "active")).limit(1);
    if (!row) throw new Error("no active signing key after creating one");
  }
  const privateJwk = JSON.parse(await decrypt(deps, row.privateJwkEncrypted)) as JWK;
  const key = { kid: row.kid, privateKey: (await importJWK(privateJwk, SIGNING_ALGORITHM)) as JoseKey };
  cache.active = { key, loadedAt: now };
  return key;
}

/** The public key of `kid` if it is active or retired but not yet past its retirement time. */
export async function verificationKey(deps: ControlDeps, kid: string): Promise<VerificationKey | null> {
  const cache = keyCache(deps);
  const now = deps.now();
  const cached = cache.verification.get(kid);
  // A retired key is good until its retirement time; an active one may be retired by another
  // isolate at any moment, so it is rechecked after ACTIVE_KEY_CACHE_MS (the margin rotation adds).
  if (cached && (cached.retireAfter ? cached.retireAfter > now : now.getTime() - cached.checkedAt < ACTIVE_KEY_CACHE_MS)) {
    return cached;
  }
  const [row] = await deps.db.select().from(signingKeys).where(and(
    eq(signingKeys.kid, kid),
    or(eq(signingKeys.status, "active"), and(eq(signingKeys.status, "retired"), gt(signingKeys.retireAfter, now))),
  )).limit(1);
  if (!row) {
    cache.verification.delete(kid);
    return null;
  }
  const key = {
    kid, publicKey: (await importJWK(row.publicJwk as JWK, SIGNING_ALGORITHM)) as JoseKey,
    retireAfter: row.retireAfter ?? null, checkedAt: now.getTime(),
  };
  cache.verification.set(kid, key);
  return key;
}

/**
 * Makes a new key active and retires the previous active one(s); they verify until
 * `now + retireAfterMs` (the access-token lifetime plus the isolates' active-key cache time).
 * Returns the new kid.
 */
export async function rotateSigningKey(deps: ControlDeps): Promise<{ kid: string; retiredKids: string[] }> {
  const now = deps.now();
  const retireAfter = new Date(now.getTime() + deps.config.accessTokenTtlSeconds * 1000 + ACTIVE_KEY_CACHE_MS);
  const { db } = deps;
  const fresh = await newKeyRow(deps);
  const [retired] = await db.batch([
    db.update(signingKeys).set({ status: "retired", retireAfter }).where(eq(signingKeys.status, "active"))
      .returning({ kid: signingKeys.kid }),
    db.insert(signingKeys).values(fresh),
  ]);
  const cache = keyCache(deps);
  cache.active = null;
  cache.verification.clear();
  return { kid: fresh.kid, retiredKids: retired.map((r) => r.kid) };
}

async function insertNewKey(deps: ControlDeps): Promise<void> {
  await deps.db.insert(signingKeys).values(await newKeyRow(deps));
}

async function newKeyRow(deps: ControlDeps): Promise<typeof signingKeys.$inferInsert> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = crypto.randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
  return {
    kid, algorithm: SIGNING_ALGORITHM, publicJwk: publicJwk as JsonWebKey,
    privateJwkEncrypted: await encrypt(deps, JSON.stringify(privateJwk)), status: "active",
    createdAt: deps.now(), retireAfter: null,
  };
}

// ---------------------------------------------------------------- AES-GCM under AUTH_ENCRYPTION_KEY
// (also protects the notification channels' secrets: services/notifications/channel-secrets.ts)

export { PUBLIC_DEVELOPMENT_KEY } from "../../development-key";

/** The 32 bytes of AUTH_ENCRYPTION_KEY; throws for a malformed key, or the public one outside development. */
export function authKeyBytes(deps: ControlDeps): Uint8Array<ArrayBuffer> {
  const source = deps.config.authEncryptionKey;
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = base64ToBytes(source);
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) throw new Error("AUTH_ENCRYPTION_KEY must be the base64 encoding of 32 bytes");
  // The development key is public (.dev.vars.example); outside development it would protect nothing.
  if (isPublishedKeyOutsideDevelopment(source, deps.config.environment)) {
    throw new Error("AUTH_ENCRYPTION_KEY is the public development key; set a secret one for this deployment");
  }
  return raw;
}

async function encryptionKey(deps: ControlDeps): Promise<CryptoKey> {
  const cached = deps.isolateCache.get("auth-encryption-key") as { source: string; key: CryptoKey } | undefined;
  const source = deps.config.authEncryptionKey;
  if (cached?.source === source) return cached.key;
  const key = await crypto.subtle.importKey("raw", authKeyBytes(deps), "AES-GCM", false, ["encrypt", "decrypt"]);
  deps.isolateCache.set("auth-encryption-key", { source, key });
  return key;
}

export async function encrypt(deps: ControlDeps, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await encryptionKey(deps), new TextEncoder().encode(plaintext));
  return `v1.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ciphertext))}`;
}

export async function decrypt(deps: ControlDeps, encoded: string): Promise<string> {
  const [version, iv, ciphertext] = encoded.split(".");
  if (version !== "v1" || !iv || !ciphertext) throw new Error("unreadable encrypted value");
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: base64ToBytes(iv) }, await encryptionKey(deps), base64ToBytes(ciphertext),
  );
  return new TextDecoder().decode(plaintext);
}
