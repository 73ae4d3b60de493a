/**
 * Security regression (issue 12): the text rule for URLs the core will call. Every spelling of
 * this computer, link-local (cloud metadata) and private networks is refused, with the rule named;
 * public addresses and ordinary names pass; the owner's setting opens only the local network.
 */
import { describe, expect, it } from 'vitest';
import { addressRule, checkUrlText, refusalMessage } from '../../electron/core/net/address-rules';

const refused = (url: string, allow = false) => checkUrlText(url, allow);

describe('outgoing URLs: the text rule', () => {
  it.each([
    ['http://127.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['http://127.1/hook', '127.0.0.1', 'loopback'],
    ['http://0x7f000001/hook', '127.0.0.1', 'loopback'],
    ['http://0x7f.1/hook', '127.0.0.1', 'loopback'],
    ['http://2130706433/hook', '127.0.0.1', 'loopback'],
    ['http://017700000001/hook', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['http://127.0.0.1./hook', '127.0.0.1', 'loopback'],
    ['http://１２７.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['http://127.255.255.254:8080/hook', '127.255.255.254', 'loopback'],
    ['http://localhost:5678/webhook', 'localhost', 'loopback'],
    ['http://LOCALHOST./webhook', 'localhost.', 'loopback'],
    ['http://%6c%6fcalhost/webhook', 'localhost', 'loopback'],
    ['http://n8n.localhost/webhook', 'n8n.localhost', 'loopback'],
    ['http://[::1]/hook', '[::1]', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/hook', '[::1]', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', '[::ffff:7f00:1]', 'IPv4-mapped loopback'],
    ['http://[::ffff:7f00:1]/hook', '[::ffff:7f00:1]', 'IPv4-mapped loopback'],
    ['http://[::127.0.0.1]/hook', '[::7f00:1]', 'IPv4-compatible loopback'],
    ['http://[64:ff9b::7f00:1]/hook', '[64:ff9b::7f00:1]', 'NAT64 loopback'],
    ['http://[2002:7f00:1::1]/hook', '[2002:7f00:1::1]', '6to4 loopback'],
    ['http://0.0.0.0/hook', '0.0.0.0', 'unspecified 0.0.0.0'],
    ['http://0/hook', '0.0.0.0', 'unspecified 0.0.0.0'],
    ['http://[::]/hook', '[::]', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'link-local (cloud metadata'],
    ['http://0xa9fea9fe/latest/meta-data/', '169.254.169.254', 'link-local (cloud metadata'],
    ['http://2852039166/latest/meta-data/', '169.254.169.254', 'link-local (cloud metadata'],
    ['http://[::ffff:169.254.169.254]/latest/', '[::ffff:a9fe:a9fe]', 'IPv4-mapped link-local (cloud metadata'],
    ['http://[fe80::1]/hook', '[fe80::1]', 'link-local'],
    ['http://10.0.0.5/hook', '10.0.0.5', 'private network (10/8)'],
    ['http://012.0.0.5/hook', '10.0.0.5', 'private network (10/8)'],
    ['http://172.16.0.1/hook', '172.16.0.1', 'private network (172.16/12)'],
    ['http://172.31.255.255/hook', '172.31.255.255', 'private network (172.16/12)'],
    ['http://192.168.1.20:1880/node-red', '192.168.1.20', 'private network (192.168/16)'],
    ['http://[::ffff:192.168.1.20]/hook', '[::ffff:c0a8:114]', 'IPv4-mapped private network (192.168/16)'],
    ['http://[fd12:3456::1]/hook', '[fd12:3456::1]', 'unique local'],
    ['http://[fec0::1]/hook', '[fec0::1]', 'site-local'],
    ['http://100.64.0.1/hook', '100.64.0.1', 'carrier-grade NAT (100.64/10)'],
    ['http://224.0.0.1/hook', '224.0.0.1', 'multicast'],
    ['http://[ff02::1]/hook', '[ff02::1]', 'multicast'],
    ['http://255.255.255.255/hook', '255.255.255.255', 'broadcast'],
    ['http://240.0.0.1/hook', '240.0.0.1', 'reserved'],
    ['http://192.0.2.10/hook', '192.0.2.10', 'reserved'],
    ['http://[2001:db8::1]/hook', '[2001:db8::1]', 'reserved'],
  ])('refuses %s (%s: %s)', (url, address, rule) => {
    const refusal = refused(url);
    expect(refusal).toMatchObject({ address, rule: expect.stringContaining(rule) });
    expect(refusal && refusalMessage(refusal)).toMatch(new RegExp(`^refused: ${address.replace(/[.[\]]/g, '\\$&')} is `));
  });

  it.each([
    'https://hooks.example.com/stockfeed',
    'https://user:secret@n8n.example.com/webhook/abc',
    'http://93.184.216.34/hook',
    'http://8.8.8.8:8080/hook',
    'http://[2606:4700:4700::1111]/hook',
    'http://[::ffff:8.8.8.8]/hook',
    'http://[64:ff9b::808:808]/hook',
    'http://[2001::1]/teredo',
    'http://172.32.0.1/hook',
    'http://100.128.0.1/hook',
    'http://localhost.example.com/hook',
    'http://intranet/hook',
  ])('lets %s through (a name is checked again at connect time)', (url) => {
    expect(refused(url)).toBeNull();
  });

  it('webhooks.allowPrivateNetwork opens this computer and the local network, never link-local, 0.0.0.0, multicast or reserved', () => {
    for (const url of ['http://127.0.0.1:5678/webhook', 'http://localhost:1880/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://10.1.2.3/', 'http://192.168.0.10/', 'http://[fd00::1]/', 'http://100.100.1.1/']) {
      expect(refused(url, true), url).toBeNull();
    }
    for (const url of ['http://169.254.169.254/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/', 'http://0.0.0.0/', 'http://224.0.0.1/', 'http://240.0.0.1/']) {
      expect(refused(url, true), url).not.toBeNull();
    }
  });

  it('names the setting when it would allow the address, and says "always" when nothing would', () => {
    const loopback = refused('http://127.1/');
    expect(loopback && refusalMessage(loopback)).toBe(
      'refused: 127.0.0.1 is loopback (127/8, this computer); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on',
    );
    const metadata = refused('http://169.254.169.254/');
    expect(metadata && refusalMessage(metadata)).toBe('refused: 169.254.169.254 is link-local (cloud metadata, 169.254/16); requests there are always refused');
    expect(refusalMessage({ ...addressRule('10.0.0.1')!, address: '10.0.0.1', name: 'nas.internal' })).toMatch(/^refused: nas\.internal resolves to 10\.0\.0\.1, which is private network \(10\/8\)/);
  });

  it('classifies resolved addresses the same way', () => {
    expect(addressRule('127.0.0.1')?.rule).toContain('loopback');
    expect(addressRule('::ffff:127.0.0.1')?.rule).toBe('IPv4-mapped loopback (127/8, this computer)');
    expect(addressRule('::ffff:0:127.0.0.1')?.rule).toContain('IPv4-translated loopback');
    expect(addressRule('64:ff9b:1::1')?.rule).toContain('local-use NAT64');
    expect(addressRule('::808:808')?.rule).toContain('IPv4-compatible (deprecated');
    expect(addressRule('203.0.113.9')?.rule).toContain('reserved');
    expect(addressRule('1.1.1.1')).toBeNull();
    expect(addressRule('2a00:1450:4001:82b::200e')).toBeNull();
  });
});
