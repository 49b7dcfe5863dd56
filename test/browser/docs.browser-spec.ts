import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Swagger UI really renders under the security headers (CSP) and lists every route. */
describe('Swagger UI in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `this suite needs Chromium at ${CHROMIUM}: install Debian's package (sudo apt-get install chromium) ` +
          'or set CHROMIUM_PATH; .ci/run installs it',
      );
    }
    t = await createTestApp();
    origin = await t.app.getUrl();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders every operation without a CSP violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${origin}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 15000 });
    const blocks = page.locator('.opblock');
    const operations: string[] = [];
    for (let i = 0; i < (await blocks.count()); i += 1) {
      const method = await blocks.nth(i).locator('.opblock-summary-method').textContent();
      const path = await blocks.nth(i).locator('.opblock-summary-path').getAttribute('data-path');
      operations.push(`${(method ?? '').toLowerCase()} ${path ?? ''}`);
    }
    expect(operations.sort()).toEqual(
      [
        'get /.well-known/jwks.json',
        'get /auth/sessions',
        'delete /auth/sessions/{id}',
        'post /auth/email/verify',
        'post /auth/email/resend',
        'post /auth/password/forgot',
        'post /auth/password/reset',
        'post /auth/password/change',
        'patch /users/me',
        'delete /users/me',
        'post /users/me/email',
        'get /users/me/events',
        'get /verify-email',
        'get /reset-password',
        'get /health',
        'get /health/live',
        'get /health/ready',
        'get /users/me',
        'post /auth/login',
        'post /auth/logout',
        'post /auth/logout-all',
        'post /auth/refresh',
        'post /auth/register',
      ].sort(),
    );
    expect(await page.locator('.authorize').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
