// MurmurHash3 x86_32 over the UTF-8 bytes of one or two strings. The bytes are written by a manual
// UTF-8 walk into one module-level buffer that is reused (grown only for unusually long input), so
// a hash allocates nothing; salt + value are hashed without building the concatenated string, and
// an ASCII value after a precomputed salt prefix is mixed straight from its code units.
// Lone surrogates are encoded as U+FFFD, exactly as TextEncoder does.

let buffer = new Uint8Array(256);

/** Writes utf8(s) at `offset`, growing the buffer when needed; returns the new end offset. */
function writeUtf8(s: string, offset: number): number {
  const n = s.length;
  // Worst case 3 bytes per UTF-16 code unit (a surrogate pair is 2 units -> 4 bytes).
  if (offset + n * 3 > buffer.length) {
    const grown = new Uint8Array(Math.max(buffer.length * 2, offset + n * 3));
    grown.set(buffer.subarray(0, offset));
    buffer = grown;
  }
  const out = buffer;
  let o = offset;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          i++;
          out[o++] = 0xf0 | (cp >> 18);
          out[o++] = 0x80 | ((cp >> 12) & 0x3f);
          out[o++] = 0x80 | ((cp >> 6) & 0x3f);
          out[o++] = 0x80 | (cp & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

/**
 * Continues a hash whose state is `h` over bytes[0..length), then finalises with the total byte
 * count of the whole input (which may include bytes already mixed into `h`).
 */
function hashFrom(bytes: Uint8Array, length: number, h: number, totalLength: number): number {
  const i = length & ~3;
  h = mixBlocks(bytes, i, h);
  const rest = length & 3;
  if (rest !== 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[i + 2]! << 16;
    if (rest >= 2) k ^= bytes[i + 1]! << 8;
    k ^= bytes[i]!;
    h ^= scramble(k);
  }
  return finalise(h, totalLength);
}

/** The length mix-in and avalanche of MurmurHash3 x86_32, as an unsigned integer. */
function finalise(h: number, totalLength: number): number {
  h ^= totalLength;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes the full 4-byte blocks of bytes[0..length) into `h` (no tail, no finalisation). */
function mixBlocks(bytes: Uint8Array, length: number, h: number): number {
  for (let i = 0; i + 4 <= length; i += 4) {
    h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  return h;
}

/** The per-block scramble of a 32-bit block (also applied to the 1-3 byte tail). */
function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/** Mixes one full 4-byte block into the state. */
function mixBlock(h: number, k: number): number {
  h ^= scramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 x86_32 of utf8(a + b) with the given seed, as an unsigned 32-bit integer. */
export function murmur3Concat(a: string, b: string, seed = 0): number {
  const end = writeUtf8(b, writeUtf8(a, 0));
  return hashFrom(buffer, end, seed | 0, end);
}

/** MurmurHash3 x86_32 of utf8(text) with the given seed (0 by default), unsigned. */
export function murmur3(text: string, seed = 0): number {
  const end = writeUtf8(text, 0);
  return hashFrom(buffer, end, seed | 0, end);
}

/**
 * The hash state after a fixed prefix (a feature's salt): its whole blocks are mixed once, at
 * compile time, so each bucket only hashes the bucketing value and the prefix's last 0-3 bytes.
 */
export interface HashPrefix {
  readonly state: number;
  readonly mixedBytes: number;
  readonly tail: Uint8Array;
  /** The tail bytes packed little-endian, as the first bytes of the next block. */
  readonly tailWord: number;
}

export function murmur3Prefix(prefix: string, seed = 0): HashPrefix {
  const end = writeUtf8(prefix, 0);
  const mixed = end & ~3;
  let tailWord = 0;
  for (let i = mixed; i < end; i++) tailWord |= buffer[i]! << ((i - mixed) << 3);
  return { state: mixBlocks(buffer, mixed, seed | 0), mixedBytes: mixed, tail: buffer.slice(mixed, end), tailWord };
}

/**
 * murmur3Concat(prefix, value, seed) from a precomputed prefix. Targeting keys are nearly always
 * ASCII, where a UTF-16 code unit is the UTF-8 byte: those are mixed straight from the string,
 * with no buffer round trip; the first non-ASCII unit falls back to the UTF-8 walk.
 */
export function murmur3WithPrefix(prefix: HashPrefix, value: string): number {
  const n = value.length;
  let h = prefix.state;
  let k = prefix.tailWord;
  let shift = prefix.tail.length << 3;
  let i = 0;
  // Complete the salt's partial block first, then whole blocks of four code units.
  if (shift !== 0) {
    for (; shift < 32 && i < n; i++, shift += 8) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return murmur3WithPrefixUtf8(prefix, value);
      k |= c << shift;
    }
    if (shift === 32) {
      h = mixBlock(h, k);
      k = 0;
      shift = 0;
    }
  }
  for (const whole = n - 3; i < whole; i += 4) {
    const c0 = value.charCodeAt(i);
    const c1 = value.charCodeAt(i + 1);
    const c2 = value.charCodeAt(i + 2);
    const c3 = value.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return murmur3WithPrefixUtf8(prefix, value);
    h = mixBlock(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  for (; i < n; i++, shift += 8) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return murmur3WithPrefixUtf8(prefix, value);
    k |= c << shift;
  }
  if (shift !== 0) h ^= scramble(k);
  return finalise(h, prefix.mixedBytes + prefix.tail.length + n);
}

function murmur3WithPrefixUtf8(prefix: HashPrefix, value: string): number {
  const tail = prefix.tail;
  const t = tail.length;
  for (let i = 0; i < t; i++) buffer[i] = tail[i]!;
  const end = writeUtf8(value, t);
  return hashFrom(buffer, end, prefix.state, prefix.mixedBytes + end);
}
