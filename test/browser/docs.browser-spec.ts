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
        'post /auth/mfa/verify',
        'post /auth/mfa/totp/setup',
        'post /auth/mfa/totp/enable',
        'post /auth/mfa/totp/disable',
        'post /auth/mfa/recovery-codes',
        'get /api-keys',
        'post /api-keys',
        'delete /api-keys/{id}',
        'get /admin/users',
        'post /admin/users',
        'get /admin/users/{id}',
        'patch /admin/users/{id}',
        'delete /admin/users/{id}',
        'get /admin/users/{id}/sessions',
        'delete /admin/users/{id}/sessions',
        'delete /admin/users/{id}/mfa',
        'post /admin/users/{id}/password-reset',
        'get /admin/events',
        'get /.well-known/oauth-authorization-server',
        'post /oauth/introspect',
        'post /oauth/revoke',
        'get /auth/forward',
      ].sort(),
    );
    // The Authorize dialog offers an access token (JWT) and an API key, as Bearer and as Basic.
    await page.locator('.authorize').first().click();
    await page.waitForSelector('.auth-container', { timeout: 15000 });
    const schemes = await page.locator('.auth-container h4').allTextContents();
    expect(schemes.map((text) => text.split(' ')[0].trim()).sort()).toEqual([
      'apiKey',
      'apiKeyBasic',
      'bearer',
    ]);
    expect(problems).toEqual([]);
  });
});
