/**
 * Reading a password for `user add` and `user passwd` without it showing on screen or landing in
 * the shell's history (it is never an argument). At a terminal it is typed without echo, twice;
 * otherwise the first line of standard input is taken (`printf '%s\n' "$PW" | npm run cli -- …`).
 */
import { randomBytes } from 'node:crypto';

/** A password nobody chose: 20 characters of base64url (120 random bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** One line typed at the terminal with echo off; Ctrl+C or Ctrl+D gives up. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done(null);
        if (char === '\u0003' || char === '\u0004') return done(new Error('No password given (cancelled).'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The first line of standard input (a pipe or a file). */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if ((chunk as Buffer).includes(0x0a)) break;
  }
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '');
}

/** The new password: typed twice at a terminal (they must match), or the first line of a pipe. */
export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await promptHidden('Password: ');
  const again = await promptHidden('The same password again: ');
  if (first !== again) throw new Error('The two passwords differ; nothing was changed.');
  return first;
}
