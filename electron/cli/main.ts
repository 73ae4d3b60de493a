/** Entry point of `npm run cli -- <command>`; see usage.ts for the commands. */
import { progressOnStderr } from './progress-output';
import { runCli } from './run';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  progress: progressOnStderr(),
});
// exitCode rather than exit(): lets stdout drain when it is a pipe.
process.exitCode = code;
