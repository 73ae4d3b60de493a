/**
 * The SFTP server's host, checked by the outbound address rules twice: when the settings are saved
 * (a 422 beside the field, rather than a failed upload later) and at every connection (DNS may
 * answer otherwise in between; sftp-target.ts). Both say the same words.
 */
import { OutboundRefusedError, type Outbound } from '../../net/outbound';

/** How long a save waits for the host's name to resolve before it goes ahead unchecked. */
export const SFTP_HOST_LOOKUP_MS = 3_000;

/** Why the SFTP server's address is refused, and where to allow it when the owner may. */
export function sftpRefusalMessage(error: OutboundRefusedError): string {
  return error.refusal.local ? `${error.message}; turn it on under Settings → Outgoing requests to publish there` : error.message;
}

/**
 * Why the SFTP server's host may not be saved, or null. The host is resolved and every address
 * checked, as at connect time. A name that does not resolve now is saved all the same: an offline
 * computer, a DNS server that does not answer and a name that does not exist look alike from here
 * (Node reports ENOTFOUND for the first as for the last), and the upload says "not found" on the
 * Publishing screen if it still does not resolve then. A lookup slower than `timeoutMs` is not
 * waited for, for the same reason: a save must not hang on DNS.
 */
export async function sftpHostProblem(
  outbound: Pick<Outbound, 'checkedAddress'>,
  host: string,
  allowPrivateNetwork: boolean,
  timeoutMs = SFTP_HOST_LOOKUP_MS,
): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
    timer.unref();
  });
  const checked = outbound.checkedAddress(host, allowPrivateNetwork).then(
    () => null,
    (error: unknown) => (error instanceof OutboundRefusedError ? sftpRefusalMessage(error) : null),
  );
  try {
    return await Promise.race([checked, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
