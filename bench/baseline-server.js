'use strict';
// The bare node:http baseline: verifies an ES256 access token with a KeyObject on every request (no cache) and
// answers the same JSON as GET /users/me. Started by bench/run.js with the server's public JWK and the user's body.
const http = require('node:http');
const { createPublicKey } = require('node:crypto');
const jwt = require('jsonwebtoken');

const { jwk, issuer, audience, user } = JSON.parse(process.env.BASELINE_CONFIG);
const key = createPublicKey({ key: jwk, format: 'jwk' });
const body = JSON.stringify(user);
const options = { algorithms: ['ES256'], issuer, audience };

const server = http.createServer((request, response) => {
  const header = request.headers.authorization ?? '';
  try {
    if (!header.startsWith('Bearer ')) throw new Error('no token');
    jwt.verify(header.slice(7), key, options);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  } catch {
    response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
    response.end('{"statusCode":401,"code":"invalid_token"}');
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
