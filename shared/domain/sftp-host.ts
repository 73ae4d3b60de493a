/**
 * The SFTP server field's form: a host name or an IP address and nothing else. A typed
 * `sftp://files.example.com`, `files.example.com:2222` or a stray space used to be saved and fail
 * only at the next upload, on the Publishing screen.
 *
 * Checked when a save changes the host (settings-service.ts), not by the settings schema: the
 * stored settings are read through that schema, and a host an earlier version saved would then
 * fail the whole read, and every setting would fall back to its default.
 */

/** A host name or IPv4 address: letters, digits, '-', '_' and dots, no scheme, port, path or space. */
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;
/** An IPv6 address (at least two colons), bracketed or not, with an optional zone (`%eth0`). */
const IPV6 = /^\[?(?=[^\]]*:[^\]]*:)[0-9A-Fa-f:.]+(?:%[\w.-]+)?\]?$/;

export const SFTP_HOST_FORM_MESSAGE = 'the SFTP server is a host name such as sftp.example.com or an IP address, without sftp:// or a :port (the port has its own field)';

/** Why `host` (trimmed) is not a host name or IP address, or null ('' is no host: SFTP not set up). */
export function sftpHostFormProblem(host: string): string | null {
  return host === '' || HOST_NAME.test(host) || IPV6.test(host) ? null : SFTP_HOST_FORM_MESSAGE;
}
