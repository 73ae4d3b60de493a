import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

export { CONTENT_SECURITY_POLICY };

export type ResponseHeaders = Record<string, string[] | string>;

/** The response headers with the app's policy replacing any policy the response carried. */
export function withCsp(headers: ResponseHeaders | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}
