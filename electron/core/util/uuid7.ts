import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * Random bytes are taken from a pool filled 4 KB at a time: a call to the CSPRNG per id cost more
 * than the rest of the id (1.4 s of an import of 100,000 products, which makes ~200,000 ids).
 */
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

/** Where the next `n` bytes of the pool start (each byte of the pool is used once). */
function random(n: number): number {
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  poolAt += n;
  return poolAt - n;
}

/**
 * The id's characters are written into one buffer and read out as one string: the id as a Buffer
 * view of the pool, its hex text and five slices of it made ~360 bytes of garbage and took ≈ 1.7
 * µs an id, against ≈ 75 bytes and ≈ 0.45 µs (200,000 ids, 3 alternated rounds); an import of
 * 100,000 products makes ~200,000 ids.
 */
const TEXT = Buffer.alloc(36);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

function putHex(at: number, byte: number): void {
  TEXT[at] = HEX_DIGITS[byte >> 4] as number;
  TEXT[at + 1] = HEX_DIGITS[byte & 0x0f] as number;
}

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of milliseconds, then a 12-bit sequence that
 * keeps ids from one process increasing within a millisecond, then random bits. Ledger rows keyed
 * by these land at the end of the primary-key index instead of on random pages, which measured
 * here as 16–40% more movements per second in a batch (bench notes in the stock engine).
 */
export function uuid7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    const at = random(2);
    sequence = (((POOL[at] as number) << 8) | (POOL[at + 1] as number)) & 0x3ff; // leave room to count up within the ms
  } else {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
  }
  // The 48 bits of milliseconds as two 24-bit halves (bitwise operators work on 32 bits).
  const high = Math.floor(lastMs / 0x1000000);
  const low = lastMs % 0x1000000;
  putHex(0, (high >>> 16) & 0xff);
  putHex(2, (high >>> 8) & 0xff);
  putHex(4, high & 0xff);
  putHex(6, low >>> 16);
  TEXT[8] = DASH;
  putHex(9, (low >>> 8) & 0xff);
  putHex(11, low & 0xff);
  TEXT[13] = DASH;
  putHex(14, 0x70 | ((sequence >> 8) & 0x0f));
  putHex(16, sequence & 0xff);
  TEXT[18] = DASH;
  const r = random(8);
  putHex(19, 0x80 | ((POOL[r] as number) & 0x3f));
  putHex(21, POOL[r + 1] as number);
  TEXT[23] = DASH;
  for (let k = 0; k < 6; k++) putHex(24 + 2 * k, POOL[r + 2 + k] as number);
  return TEXT.toString('latin1', 0, 36);
}
