import { randomBytes } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';

export const PASSWORD = 'correct horse battery staple';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

export const uniqueEmail = (prefix = 'user'): string =>
  `${prefix}-${randomBytes(5).toString('hex')}@example.com`;

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Asserts status and code together, so a failure shows both. */
export function expectCode(
  response: { status: number; body: { code?: string } },
  status: number,
  code: string,
): void {
  expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
}

/** Registers through POST /auth/register (for suites about registration itself; others use actors.ts). */
export async function register(
  http: TestAgent,
  overrides: Partial<{ email: string; password: string; name: string }> = {},
): Promise<{ id: string; email: string; password: string }> {
  const body = { email: uniqueEmail(), password: PASSWORD, ...overrides };
  const response = await http.post('/auth/register').send(body).expect(201);
  return { id: (response.body as { id: string }).id, email: body.email, password: body.password };
}

/** Logs in through POST /auth/login. */
export async function login(http: TestAgent, email: string, password = PASSWORD): Promise<Tokens> {
  const response = await http.post('/auth/login').send({ email, password }).expect(200);
  return response.body as Tokens;
}
