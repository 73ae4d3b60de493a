/**
 * Progress on standard error, where it does not mix with a command's output (which scripts read).
 * Nothing for the first second: a quick command stays quiet. On a terminal one line is redrawn in
 * place; in a log or a pipe a line is written every few seconds, and the last report always.
 */
const QUIET_MS = 1_000;
const LOG_EVERY_MS = 5_000;

export function progressOnStderr(stream: NodeJS.WriteStream = process.stderr): (text: string, final: boolean) => void {
  const started = performance.now();
  let shown = false;
  let lastLine = 0;
  return (text, final) => {
    const now = performance.now();
    if (!shown && now - started < QUIET_MS) return;
    if (stream.isTTY) {
      stream.write(`\r\x1b[K${text}${final ? '\n' : ''}`);
    } else if (final || !shown || now - lastLine >= LOG_EVERY_MS) {
      stream.write(`${text}\n`);
      lastLine = now;
    }
    shown = true;
  };
}
