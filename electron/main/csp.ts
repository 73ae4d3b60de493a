/**
 * The Content Security Policy of the app's page. renderer/index.html carries the same policy in a
 * <meta> tag (a test checks they match); the main process also sends it as a response header for
 * the app's page, so the page is covered even if the meta tag were lost in a build.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Vue's dev server injects component styles as <style> tags; inline styles run no code.
  "style-src 'self' 'unsafe-inline'",
  // Product images live on the shop's own web servers and CDNs.
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  // The browser build calls the headless server's API on its own origin (in CSP3 'self' also
  // covers the dev server's same-origin websocket).
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

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
