// MurmurHash3 x86_32 over the UTF-8 bytes of one or two strings, without building the byte array
// or the concatenated string: bytes are produced by walking UTF-16 code units and fed straight into
// the hash state. Lone surrogates are encoded as U+FFFD, exactly as TextEncoder would.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// Hash state lives in module scope so the byte feeder needs no closure or object per call;
// evaluation is synchronous, so no two hashes can interleave.
let h1 = 0;
let k1 = 0;
let length = 0;

function feedByte(byte: number): void {
  const shift = (length & 3) << 3;
  k1 |= byte << shift;
  length++;
  if ((length & 3) === 0) {
    let k = Math.imul(k1, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    k1 = 0;
  }
}

function feedString(s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      feedByte(c);
      continue;
    }
    if (c < 0x800) {
      feedByte(0xc0 | (c >> 6));
      feedByte(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        i++;
        feedByte(0xf0 | (cp >> 18));
        feedByte(0x80 | ((cp >> 12) & 0x3f));
        feedByte(0x80 | ((cp >> 6) & 0x3f));
        feedByte(0x80 | (cp & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    feedByte(0xe0 | (c >> 12));
    feedByte(0x80 | ((c >> 6) & 0x3f));
    feedByte(0x80 | (c & 0x3f));
  }
}

function finish(): number {
  let h = h1;
  if ((length & 3) !== 0) {
    let k = Math.imul(k1, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of utf8(a + b) with the given seed, as an unsigned 32-bit integer. */
export function murmur3Concat(a: string, b: string, seed = 0): number {
  h1 = seed | 0;
  k1 = 0;
  length = 0;
  feedString(a);
  feedString(b);
  return finish();
}

/** MurmurHash3 x86_32 of utf8(text) with the given seed (0 by default), unsigned. */
export function murmur3(text: string, seed = 0): number {
  return murmur3Concat(text, "", seed);
}
