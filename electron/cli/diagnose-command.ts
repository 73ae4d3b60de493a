import { withCore, type CliEnv, type CliIo } from './commands';

/** `diagnose`: the diagnostic report the desktop app copies from Help, on standard output. */
export async function diagnoseCommand(env: CliEnv, io: CliIo): Promise<number> {
  return withCore(env, io, true, async (core) => {
    io.out(await core.diagnosticReport());
    return 0;
  });
}
