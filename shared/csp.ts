/**
 * The Content Security Policy of the app's page, one policy for every host: renderer/index.html
 * carries it in a <meta> tag (a test checks they match), the Electron main process sends it as a
 * response header for the app's page, and the headless server sends it with every response.
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

/** Over HTTP the page must also refuse to be framed (clickjacking); a meta tag cannot say that. */
export const HTTP_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
