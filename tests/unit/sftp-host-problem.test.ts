/**
 * The save-time check of the SFTP server's host (sftp-config.ts): the outbound rules' refusal in
 * the words the upload uses, and no refusal when the name cannot be resolved now (offline, DNS not
 * answering, or slower than the save may wait), since the upload reports that itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Outbound, type HostResolver } from '../../electron/core/net/outbound';
import { sftpHostProblem } from '../../electron/core/publish/delivery/sftp-config';

const failing = (code: string): HostResolver => async (hostname) => {
  throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code });
};

const outbounds: Outbound[] = [];
const outboundWith = (resolve: HostResolver) => {
  const outbound = new Outbound({ resolve });
  outbounds.push(outbound);
  return outbound;
};
afterAll(() => {
  for (const outbound of outbounds) outbound.close();
});

describe('sftpHostProblem', () => {
  it('says why a local address is refused and where to allow it; link-local without that hint', async () => {
    const outbound = outboundWith(async () => [{ address: '192.168.1.5', family: 4 }]);
    expect(await sftpHostProblem(outbound, 'nas.office.test', false)).toBe(
      'refused: nas.office.test resolves to 192.168.1.5, which is private network (192.168/16); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on; turn it on under Settings → Outgoing requests to publish there',
    );
    expect(await sftpHostProblem(outbound, 'nas.office.test', true)).toBeNull();
    expect(await sftpHostProblem(outbound, '169.254.169.254', true)).toBe('refused: 169.254.169.254 is link-local (cloud metadata, 169.254/16); requests there are always refused');
  });

  it('refuses nothing it could not resolve: not found, DNS not answering', async () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']) {
      expect(await sftpHostProblem(outboundWith(failing(code)), 'files.example.test', false), code).toBeNull();
    }
  });

  it('does not keep the save waiting on a lookup that does not answer', async () => {
    const outbound = outboundWith(() => new Promise(() => {}));
    const started = Date.now();
    expect(await sftpHostProblem(outbound, 'slow.example.test', false, 50)).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
