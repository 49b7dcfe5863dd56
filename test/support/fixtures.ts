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

export async function register(
  http: TestAgent,
  overrides: Partial<{ email: string; password: string; name: string }> = {},
): Promise<{ id: string; email: string; password: string }> {
  const body = { email: uniqueEmail(), password: PASSWORD, ...overrides };
  const response = await http.post('/auth/register').send(body).expect(201);
  return { id: (response.body as { id: string }).id, email: body.email, password: body.password };
}

export async function login(http: TestAgent, email: string, password = PASSWORD): Promise<Tokens> {
  const response = await http.post('/auth/login').send({ email, password }).expect(200);
  return response.body as Tokens;
}

/** A registered user with a fresh session. */
export async function registerAndLogin(
  http: TestAgent,
): Promise<{ id: string; email: string; tokens: Tokens }> {
  const user = await register(http);
  return { id: user.id, email: user.email, tokens: await login(http, user.email) };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
