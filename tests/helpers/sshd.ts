/**
 * A real OpenSSH sshd on 127.0.0.1 for SFTP tests: its own config, host key and authorized key
 * in a temporary folder, key login only, the test's own user, internal-sftp. Stopped by `stop()`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SSHD = '/usr/sbin/sshd';

export type TestSshd = {
  host: '127.0.0.1';
  port: number;
  username: string;
  /** The private key sshd accepts (OpenSSH format). */
  privateKey: string;
  /** A valid key that is not authorized. */
  wrongKey: string;
  /** The server's host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`). */
  hostFingerprint: string;
  /** A folder the user can write to, for remote uploads. */
  rootDir: string;
  /** Everything sshd wrote on stderr (its log), for failing tests. */
  log(): string;
  stop(): Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stockfeed-test', '-f', file]);
  return fs.readFileSync(file, 'utf8');
}

export type SshdOptions = {
  /** Listen here (another server on a port one stopped, as an impostor or a reinstall would). */
  port?: number;
  /** Authorize this user key (another server's `privateKey`) instead of a new one. */
  userKey?: string;
  /** DEBUG1 logs every authentication request the client makes ("userauth-request …"). */
  logLevel?: 'VERBOSE' | 'DEBUG1';
};

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  if (!fs.existsSync(SSHD)) throw new Error(`${SSHD} is missing: install openssh-server (apt-get install openssh-server)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-sshd-'));
  const rootDir = path.join(dir, 'remote');
  fs.mkdirSync(rootDir);
  // sshd refuses to start without its privilege-separation folder; only root can create it.
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true });
  keygen(path.join(dir, 'host_key'));
  let privateKey = keygen(path.join(dir, 'user_key'));
  if (options.userKey) {
    privateKey = options.userKey;
    fs.writeFileSync(path.join(dir, 'user_key'), privateKey, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'user_key.pub'), execFileSync('ssh-keygen', ['-y', '-f', path.join(dir, 'user_key')]));
  }
  const wrongKey = keygen(path.join(dir, 'wrong_key'));
  fs.copyFileSync(path.join(dir, 'user_key.pub'), path.join(dir, 'authorized_keys'));
  const username = os.userInfo().username;
  const port = options.port ?? (await freePort());
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `AllowUsers ${username}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temporary folder's permissions are the test runner's, not what StrictModes expects.
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
      '',
    ].join('\n'),
  );

  let stderr = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start within 10 s:\n${stderr}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(`Server listening on 127.0.0.1 port ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with code ${String(code)}:\n${stderr}`));
    });
  });

  return {
    host: '127.0.0.1',
    port,
    username,
    privateKey,
    wrongKey,
    hostFingerprint: (execFileSync('ssh-keygen', ['-lf', path.join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(' ')[1] as string),
    rootDir,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
