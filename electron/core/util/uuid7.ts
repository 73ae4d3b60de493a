import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * Random bytes are taken from a pool filled 4 KB at a time: a call to the CSPRNG per id cost more
 * than the rest of the id (1.4 s of an import of 100,000 products, which makes ~200,000 ids).
 */
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

function random(n: number): Buffer {
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  poolAt += n;
  return POOL.subarray(poolAt - n, poolAt);
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
    sequence = random(2).readUInt16BE(0) & 0x3ff; // leave room to count up within the ms
  } else {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
  }
  const ms = lastMs;
  // The pool's own bytes, written over: each byte of the pool is used once.
  const bytes = random(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
