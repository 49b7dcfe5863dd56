// A service of your own that accepts Portcullis access tokens, verifying them itself with the JWKS: no call to
// Portcullis per request. Run: PORTCULLIS_URL=http://localhost:3000 node server.mjs
import Fastify from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const PORTCULLIS_URL = process.env.PORTCULLIS_URL ?? 'http://localhost:3000';
// Pin what Portcullis puts in every access token: issuer (JWT_ISSUER), audience (JWT_AUDIENCE), algorithm and type.
const expected = {
  issuer: process.env.JWT_ISSUER ?? 'http://localhost:3000',
  audience: process.env.JWT_AUDIENCE ?? 'portcullis',
  algorithms: (process.env.JWT_ALGORITHMS ?? 'ES256').split(','),
  typ: 'at+jwt',
};

// The key set is fetched once and kept; a token with a kid it does not know makes it fetch again (at most once per
// cooldown). Portcullis publishes the next key before it signs with it, so a rotation needs no refetch at all.
const keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', PORTCULLIS_URL), {
  cooldownDuration: Number(process.env.JWKS_COOLDOWN_MS ?? 30_000),
});

const app = Fastify();

app.addHook('onRequest', async (request, reply) => {
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) {
    return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing_token' });
  }
  try {
    const { payload } = await jwtVerify(token, keys, expected);
    request.caller = { userId: payload.sub, roles: payload.roles ?? [] };
  } catch {
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer error="invalid_token"')
      .send({ error: 'invalid_token' });
  }
});

app.get('/orders', async (request) => ({
  userId: request.caller.userId,
  roles: request.caller.roles,
  orders: [],
}));

const address = await app.listen({
  port: Number(process.env.PORT ?? 4000),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`resource server listening on ${address}, trusting ${PORTCULLIS_URL}`);
