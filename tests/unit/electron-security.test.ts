/**
 * The desktop shell's security rules, checked under plain Node through the pure modules the main
 * process builds its window, its IPC check and its link handling from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataDirFromArgv } from '../../electron/main/app-args';
import { CONTENT_SECURITY_POLICY, withCsp } from '../../electron/main/csp';
import { externalUrl, isAppPageUrl, isTrustedSender, resolveAppPage, type AppPage } from '../../electron/main/url-policy';
import { ENFORCED_WEB_PREFERENCES, secureWebPreferences } from '../../electron/main/web-preferences';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rendererDir = path.join(root, 'out', 'renderer');
const filePage = resolveAppPage({ rendererDir, isPackaged: true });
const pageUrl = pathToFileURL(path.join(rendererDir, 'index.html')).href;
const devPage = resolveAppPage({ rendererDir, devServerUrl: 'http://localhost:5173/', isPackaged: false });

describe('web preferences', () => {
  it('has the sandbox, context isolation and no Node by default', () => {
    const prefs = secureWebPreferences();
    expect(prefs).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true });
  });

  it('applies the security settings after any caller override', () => {
    const prefs = secureWebPreferences({
      preload: '/app/out/preload/index.cjs',
      sandbox: false,
      contextIsolation: false,
      nodeIntegration: true,
      nodeIntegrationInSubFrames: true,
      webSecurity: false,
      allowRunningInsecureContent: true,
      webviewTag: true,
      enableBlinkFeatures: 'SomeFeature',
    });
    expect(prefs).toEqual({ preload: '/app/out/preload/index.cjs', ...ENFORCED_WEB_PREFERENCES });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });
});

describe('external links', () => {
  it.each(['https://example.com/shop?x=1#top', 'http://127.0.0.1:4780/', '  https://example.com  '])('opens %j', (url) => {
    expect(externalUrl(url)).toBe(new URL(url.trim()).href);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'smb://attacker.example/share/run.exe',
    'ms-msdt:/id PCWDiagnostic',
    'vbscript:msgbox',
    'stockfeed://anything',
    'https:',
    '//example.com/path',
    'not a url',
    '',
  ])('refuses %j', (url) => {
    expect(externalUrl(url)).toBeNull();
  });

  it('refuses values that are not strings', () => {
    expect(externalUrl({ href: 'https://example.com' })).toBeNull();
    expect(externalUrl(undefined)).toBeNull();
  });
});

describe("the app's own page", () => {
  it('is the built index.html, with any in-page route', () => {
    expect(filePage).toEqual({ kind: 'file', file: path.join(rendererDir, 'index.html'), url: pageUrl });
    expect(isAppPageUrl(filePage, pageUrl)).toBe(true);
    expect(isAppPageUrl(filePage, `${pageUrl}#/products/ABC-1`)).toBe(true);
    expect(isAppPageUrl(filePage, `${pageUrl}?x=1`)).toBe(true);
  });

  it('is not another local file, a web page or garbage', () => {
    expect(isAppPageUrl(filePage, pathToFileURL(path.join(rendererDir, 'other.html')).href)).toBe(false);
    expect(isAppPageUrl(filePage, pathToFileURL('/tmp/index.html').href)).toBe(false);
    expect(isAppPageUrl(filePage, 'https://example.com/index.html')).toBe(false);
    expect(isAppPageUrl(filePage, 'about:blank')).toBe(false);
    expect(isAppPageUrl(filePage, '')).toBe(false);
  });

  it("is the dev server's origin in development", () => {
    expect(devPage).toMatchObject({ kind: 'dev-server', origin: 'http://localhost:5173' });
    expect(isAppPageUrl(devPage, 'http://localhost:5173/#/products')).toBe(true);
    expect(isAppPageUrl(devPage, 'http://localhost:5174/')).toBe(false);
    expect(isAppPageUrl(devPage, 'https://localhost:5173/')).toBe(false);
    expect(isAppPageUrl(devPage, pageUrl)).toBe(false);
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app (an environment variable must not pick the trusted origin)', () => {
    const page = resolveAppPage({ rendererDir, devServerUrl: 'https://attacker.example/', isPackaged: true });
    expect(page.kind).toBe('file');
    expect(isAppPageUrl(page, 'https://attacker.example/')).toBe(false);
  });

  it('refuses a dev server URL that is not http(s)', () => {
    expect(() => resolveAppPage({ rendererDir, devServerUrl: 'file:///tmp/index.html', isPackaged: false })).toThrow(/http\(s\)/);
  });
});

describe('IPC sender check', () => {
  const trusted = (page: AppPage, url: string, parent: unknown = null) => isTrustedSender(page, { url, parent });

  it("trusts the top frame of the app's page", () => {
    expect(trusted(filePage, `${pageUrl}#/products`)).toBe(true);
    expect(trusted(devPage, 'http://localhost:5173/')).toBe(true);
  });

  it('rejects a page the window was navigated to', () => {
    expect(trusted(filePage, 'https://attacker.example/')).toBe(false);
    expect(trusted(filePage, pathToFileURL('/tmp/evil/index.html').href)).toBe(false);
  });

  it('rejects an embedded frame, even one showing the app page', () => {
    expect(trusted(filePage, pageUrl, { url: pageUrl })).toBe(false);
  });

  it('rejects a frame that is gone', () => {
    expect(isTrustedSender(filePage, null)).toBe(false);
    expect(isTrustedSender(filePage, undefined)).toBe(false);
  });
});

describe('Content Security Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name as string, values];
    }),
  );

  it('runs only scripts from the app itself: no inline scripts, no eval', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('is the same policy as the <meta> tag in renderer/index.html', () => {
    const html = fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it("replaces a response's own policy, whatever the header's case", () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html' });
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'Content-Type': ['text/html'] });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('--data', () => {
  it('takes the folder from --data DIR or --data=DIR, resolved against the working folder', () => {
    expect(dataDirFromArgv(['/usr/bin/electron', '.', '--data', 'shop'], '/home/ann')).toBe(path.resolve('/home/ann', 'shop'));
    expect(dataDirFromArgv(['stockfeed', '--data=/srv/stock'], '/home/ann')).toBe(path.resolve('/srv/stock'));
    expect(dataDirFromArgv(['stockfeed', '--no-sandbox'])).toBeUndefined();
  });

  it('says what is missing when --data has no folder', () => {
    expect(() => dataDirFromArgv(['stockfeed', '--data'])).toThrow('--data needs a folder');
    expect(() => dataDirFromArgv(['stockfeed', '--data', '--inspect'])).toThrow('--data needs a folder');
    expect(() => dataDirFromArgv(['stockfeed', '--data='])).toThrow('--data needs a folder');
  });
});
