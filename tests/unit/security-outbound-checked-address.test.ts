/**
 * Security regression: an address the core connects to without a URL (the SFTP server's host) is
 * checked by the same rules as every URL: the host's text, then every address its name resolves
 * to. The owner's setting opens this computer and the local network only; the address returned
 * is the one checked, for the caller to connect to (never the name again).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Outbound, OutboundRefusedError, type HostResolver } from '../../electron/core/net/outbound';

const NAMES: Record<string, Array<{ address: string; family: number }>> = {
  'nas.local': [{ address: '192.168.1.20', family: 4 }],
  'files.example.com': [{ address: '93.184.215.14', family: 4 }],
  // One private address among public ones is enough: the socket could pick it.
  'mixed.example.com': [
    { address: '93.184.215.14', family: 4 },
    { address: '10.0.0.5', family: 4 },
  ],
  'metadata.example.com': [{ address: '169.254.169.254', family: 4 }],
  'v6.example.com': [{ address: 'fd00::20', family: 6 }],
  'empty.example.com': [],
};

const lookups: string[] = [];
const resolve: HostResolver = async (hostname) => {
  lookups.push(hostname);
  const found = NAMES[hostname];
  if (found) return found;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
const outbound = new Outbound({ resolve });

afterEach(() => {
  lookups.length = 0;
});
afterAll(() => outbound.close());

const refusal = async (host: string, allow: boolean) => {
  const error = await outbound.checkedAddress(host, allow).catch((e: unknown) => e);
  expect(error, host).toBeInstanceOf(OutboundRefusedError);
  return (error as OutboundRefusedError).message;
};

describe('Outbound.checkedAddress: a host connected to without a URL', () => {
  it('refuses a name that resolves into the local network unless the owner allows it, in the words webhooks use', async () => {
    expect(await refusal('nas.local', false)).toBe(
      'refused: nas.local resolves to 192.168.1.20, which is private network (192.168/16); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on',
    );
    expect(await outbound.checkedAddress('nas.local', true)).toEqual({ address: '192.168.1.20', family: 4 });
    expect(await refusal('mixed.example.com', false)).toContain('mixed.example.com resolves to 10.0.0.5, which is private network (10/8)');
    expect(await refusal('v6.example.com', false)).toContain('fd00::20, which is unique local');
  });

  it('refuses this computer and private addresses written as addresses, whatever the spelling, without a lookup', async () => {
    for (const host of ['127.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1', '10.1.2.3', '192.168.1.20', 'localhost', 'sftp.localhost']) {
      expect(await refusal(host, false), host).toMatch(/^refused: .* is (loopback|private network|IPv4-mapped loopback)/);
    }
    expect(lookups).toEqual([]);
    // Other spellings of this computer, read as the system's resolver reads them (127.1 is 127.0.0.1).
    for (const host of ['127.1', '0x7f000001', '2130706433', '0177.0.0.1']) expect(await refusal(host, false), host).toContain('loopback');
    expect(await outbound.checkedAddress('10.1.2.3', true)).toEqual({ address: '10.1.2.3', family: 4 });
    expect(await outbound.checkedAddress('[::1]', true)).toEqual({ address: '::1', family: 6 });
  });

  it('never allows link-local addresses (cloud metadata), with the setting on or off', async () => {
    for (const allow of [false, true]) {
      expect(await refusal('169.254.169.254', allow)).toBe('refused: 169.254.169.254 is link-local (cloud metadata, 169.254/16); requests there are always refused');
      expect(await refusal('metadata.example.com', allow)).toContain('metadata.example.com resolves to 169.254.169.254');
      expect(await refusal('fe80::1%eth0', allow)).toContain('link-local (fe80::/10)');
    }
  });

  it('returns the public address a name resolves to, and fails as the resolver does for a name without one', async () => {
    expect(await outbound.checkedAddress('files.example.com', false)).toEqual({ address: '93.184.215.14', family: 4 });
    await expect(outbound.checkedAddress('nowhere.example.com', false)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(outbound.checkedAddress('empty.example.com', false)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
