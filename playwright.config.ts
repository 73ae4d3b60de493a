import { defineConfig } from '@playwright/test';
import { lookupFrom } from './tests/helpers/system-services';

/**
 * End-to-end tests. The e2e tests start the headless server themselves (a fixture), so there is no
 * webServer block. Chromium is the system one (Debian's /usr/bin/chromium): Playwright's own
 * browser download is not available where this runs. PLAYWRIGHT_CHROMIUM overrides the path.
 * Without that binary the e2e tests skip themselves outside CI (tests/e2e/fixtures.ts).
 */
export default defineConfig({
  outputDir: 'test-results',
  // Each e2e test starts its own server and browser; two workers keep a 2-core machine responsive.
  workers: 2,
  fullyParallel: false,
  forbidOnly: process.env.CI === 'true',
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      testDir: 'tests/e2e',
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: {
          executablePath: lookupFrom(process.env).chromium,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    {
      // Drives the real Electron shell through Playwright's _electron; the tests skip themselves
      // when the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD).
      name: 'electron',
      testDir: 'tests/electron',
    },
  ],
});
