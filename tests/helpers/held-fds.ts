import fs from 'node:fs';

/** Descriptors this process holds on the inode `ino` (Linux: /proc/self/fd). */
export function heldOn(ino: number): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    const stat = fs.statSync(`/proc/self/fd/${fd}`, { throwIfNoEntry: false });
    if (stat && stat.ino === ino) n++;
  }
  return n;
}
