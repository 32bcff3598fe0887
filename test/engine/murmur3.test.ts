import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketOf, bucketOfHash, bucketOfPrefixed, hashBound, murmur3, murmur3Concat, murmur3Prefix, murmur3WithPrefix } from "../../engine/index.ts";

/**
 * An independent MurmurHash3 x86_32 reference: explicit UTF-8 bytes from TextEncoder, BigInt
 * arithmetic, whole-block reads — deliberately nothing like the engine's streaming version.
 */
function referenceMurmur3(text: string, seed = 0n): bigint {
  const bytes = new TextEncoder().encode(text);
  const M = 0xffffffffn;
  const mul = (a: bigint, b: bigint) => (a * b) & M;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M;
  const c1 = 0xcc9e2d51n;
  const c2 = 0x1b873593n;
  let h = seed;
  const blocks = Math.floor(bytes.length / 4);
  for (let b = 0; b < blocks; b++) {
    let k = 0n;
    for (let j = 3; j >= 0; j--) k = (k << 8n) | BigInt(bytes[b * 4 + j]!);
    k = mul(rotl(mul(k, c1), 15n), c2);
    h = rotl(h ^ k, 13n);
    h = (mul(h, 5n) + 0xe6546b64n) & M;
  }
  let tail = 0n;
  for (let j = bytes.length - 1; j >= blocks * 4; j--) tail = (tail << 8n) | BigInt(bytes[j]!);
  if (bytes.length % 4 !== 0) h ^= mul(rotl(mul(tail, c1), 15n), c2);
  h ^= BigInt(bytes.length);
  h ^= h >> 16n;
  h = mul(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul(h, 0xc2b2ae35n);
  h ^= h >> 16n;
  return h;
}

const PUBLISHED: [string, number][] = [
  ["", 0],
  ["hello", 0x248bfa47],
  ["The quick brown fox jumps over the lazy dog", 0x2e4ff723],
];

describe("MurmurHash3 x86_32, seed 0, over UTF-8", () => {
  it.each(PUBLISHED)("hashes %j to the published vector", (text, expected) => {
    expect(murmur3(text)).toBe(expected);
    expect(referenceMurmur3(text)).toBe(BigInt(expected));
  });

  it("hashes a non-ASCII key by its UTF-8 bytes (value also computed with a Python reference)", () => {
    // python3: mmh3-style implementation over "héllo wörld ✓ 😀".encode("utf-8") -> 0x7ebd655c
    expect(murmur3("héllo wörld ✓ 😀")).toBe(0x7ebd655c);
    expect(referenceMurmur3("héllo wörld ✓ 😀")).toBe(0x7ebd655cn);
    expect(murmur3Concat("new_checkout_flow", "user-ä")).toBe(0x91b291ce);
  });

  it("encodes a lone surrogate as U+FFFD, like TextEncoder", () => {
    expect(murmur3("a\ud800b")).toBe(murmur3("a\ufffdb"));
    expect(murmur3("x\udc00")).toBe(Number(referenceMurmur3("x\udc00")));
  });

  it("agrees with the reference on arbitrary Unicode strings of every tail length", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expect(murmur3(text)).toBe(Number(referenceMurmur3(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it("hashes salt + value exactly like the concatenated string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (salt, value) => {
        expect(murmur3Concat(salt, value)).toBe(murmur3(salt + value));
      }),
      { numRuns: 1000 },
    );
  });

  it("continuing from a precomputed salt prefix gives the same hash as hashing salt + value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), fc.string({ unit: "binary", maxLength: 300 }), (salt, value) => {
        const prefix = murmur3Prefix(salt);
        expect(murmur3WithPrefix(prefix, value)).toBe(Number(referenceMurmur3(salt + value)));
        expect(bucketOfPrefixed(prefix, value)).toBe(bucketOf(salt, value));
      }),
      { numRuns: 2000 },
    );
  });

  it("the ASCII fast path after a salt prefix agrees with the reference, also when a non-ASCII unit comes late", () => {
    const ascii = fc.string({ unit: "binary-ascii", maxLength: 40 });
    fc.assert(
      fc.property(ascii, ascii, fc.option(fc.string({ unit: "binary", minLength: 1, maxLength: 4 })), (salt, head, rest) => {
        const value = head + (rest ?? "");
        expect(murmur3WithPrefix(murmur3Prefix(salt), value)).toBe(Number(referenceMurmur3(salt + value)));
      }),
      { numRuns: 3000 },
    );
  });

  it("returns unsigned 32-bit integers", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const h = murmur3(text);
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
      }),
    );
  });
});

describe("bucket", () => {
  it("is floor(hash * 100000 / 2^32): the extremes map to 0 and 99999", () => {
    expect(bucketOfHash(0)).toBe(0);
    expect(bucketOfHash(0xffffffff)).toBe(99_999);
    expect(bucketOfHash(0x80000000)).toBe(50_000);
    // 2^32 / 100000 = 42949.67: the first bucket holds hashes 0..42949.
    expect(bucketOfHash(42_949)).toBe(0);
    expect(bucketOfHash(42_950)).toBe(1);
  });

  it("equals the 64-bit unsigned product shifted right by 32 for every hash", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (hash) => {
        expect(bucketOfHash(hash)).toBe(Number((BigInt(hash) * 100_000n) >> 32n));
      }),
      { numRuns: 5000 },
    );
  });

  it("hashBound(end) is the first hash whose bucket is not below end, for every bucket bound", () => {
    const exact = (end: number) => Number((BigInt(end) * 4_294_967_296n + 99_999n) / 100_000n); // ceil in integers
    for (let end = 0; end <= 100_000; end++) {
      const bound = hashBound(end);
      expect(bound).toBe(exact(end));
      if (bound > 0) expect(bucketOfHash(bound - 1)).toBeLessThan(end);
      if (bound <= 0xffffffff) expect(bucketOfHash(bound)).toBeGreaterThanOrEqual(end);
    }
    expect([hashBound(0), hashBound(1), hashBound(100_000)]).toEqual([0, 42_950, 4_294_967_296]);
  });

  it("hashes salt followed by the bucketing value", () => {
    expect(bucketOf("dark_mode", "user-1")).toBe(Number((referenceMurmur3("dark_modeuser-1") * 100_000n) >> 32n));
  });
});
