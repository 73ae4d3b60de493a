/** SFTP switched on but half filled in is named in the form, not first as a failed upload on Publishing. */
import { describe, expect, it } from 'vitest';
import { listedLabels, sftpMissing } from '../../renderer/src/settings-form';

const nothingSaved = { hasPassword: false, hasPrivateKey: false };
const empty = { enabled: true, host: '', username: '', password: null, privateKey: null };

describe('sftpMissing', () => {
  it('names nothing while SFTP is off', () => {
    expect(sftpMissing({ ...empty, enabled: false }, nothingSaved)).toEqual([]);
  });

  it('names the server, the user name and a credential', () => {
    expect(sftpMissing(empty, nothingSaved)).toEqual(['Server', 'User name', 'a password or a private key']);
    expect(listedLabels(sftpMissing(empty, nothingSaved))).toBe('Server, User name and a password or a private key');
  });

  it('counts a saved secret that is kept (null), not one being removed (empty)', () => {
    const filled = { ...empty, host: 'sftp.example.com', username: 'shop' };
    expect(sftpMissing(filled, { hasPassword: true, hasPrivateKey: false })).toEqual([]);
    expect(sftpMissing({ ...filled, password: '' }, { hasPassword: true, hasPrivateKey: false })).toEqual(['a password or a private key']);
    expect(sftpMissing({ ...filled, privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----' }, nothingSaved)).toEqual([]);
    expect(sftpMissing({ ...filled, host: '  ' , password: 'x' }, nothingSaved)).toEqual(['Server']);
  });
});
