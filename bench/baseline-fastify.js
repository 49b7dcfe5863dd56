'use strict';
// The bare Fastify 5 baseline: one route that answers a constant JSON body of the same shape as GET /users/me,
// with no authentication, no hooks and no plugins. Started by the benchmarks with the user's body.
const fastify = require('fastify');

const { user } = JSON.parse(process.env.BASELINE_CONFIG);
const body = JSON.stringify(user);
const app = fastify({ logger: false });
app.get('/users/me', (_request, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.send?.('ready'));
