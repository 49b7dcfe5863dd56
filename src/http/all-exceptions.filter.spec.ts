import { ArgumentsHost, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { tokenExpired } from '../access/access.errors';
import { AppException } from '../common/errors/app.exception';
import { AllExceptionsFilter } from './all-exceptions.filter';

function host() {
  const reply = {
    headers: {} as Record<string, string | number>,
    statusCode: 0,
    body: undefined as unknown,
    header(name: string, value: string | number) {
      this.headers[name] = value;
      return this;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    send(body: unknown) {
      this.body = body;
      return this;
    },
  };
  const request = {
    id: 'req-1',
    method: 'GET',
    url: '/x',
    routeOptions: { url: '/x' },
    raw: { readableAborted: false },
  };
  const argumentsHost = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { reply, argumentsHost };
}

describe(AllExceptionsFilter.name, () => {
  const sut = new AllExceptionsFilter();

  describe('catch', () => {
    it('answers an AppException with its status, code, message and details', () => {
      const { reply, argumentsHost } = host();
      sut.catch(
        new AppException('weak_password', 'too short', { details: { rule: 'too_short' } }),
        argumentsHost,
      );
      expect(reply.statusCode).toBe(400);
      expect(reply.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'too short',
        code: 'weak_password',
        rule: 'too_short',
      });
    });

    it('gives a plain HttpException a code from its status', () => {
      const { reply, argumentsHost } = host();
      sut.catch(new NotFoundException('Cannot GET /x'), argumentsHost);
      expect(reply.body).toMatchObject({
        statusCode: 404,
        code: 'not_found',
        message: 'Cannot GET /x',
      });
    });

    it('hides an unexpected error behind a 500 with the request id, and logs it', () => {
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const { reply, argumentsHost } = host();
      sut.catch(new Error('connection string postgres://secret@db'), argumentsHost);
      expect(reply.statusCode).toBe(500);
      expect(reply.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: expect.not.stringContaining('secret'),
        code: 'internal_error',
        requestId: 'req-1',
      });
      expect(log).toHaveBeenCalledWith(expect.stringContaining('request req-1'));
      log.mockRestore();
    });

    it("keeps the 4xx status of fastify's own errors, with a code from the status", () => {
      const { reply, argumentsHost } = host();
      // How Nest hands over a fastify error such as FST_ERR_CTP_INVALID_CONTENT_LENGTH.
      sut.catch(
        new HttpException('Request body size did not match Content-Length', 400),
        argumentsHost,
      );
      expect(reply.statusCode).toBe(400);
      expect(reply.body).toMatchObject({ code: 'bad_request' });
    });

    it('answers a storage fault with 503 service_unavailable and Retry-After, not a 500', () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { reply, argumentsHost } = host();
      const locked = Object.assign(new Error('SQLITE_BUSY: database is locked'), {
        code: 'SQLITE_BUSY',
      });
      sut.catch(new QueryFailedError('INSERT INTO users', [], locked), argumentsHost);
      expect(reply.statusCode).toBe(503);
      expect(reply.body).toMatchObject({ code: 'service_unavailable', retryAfter: 2 });
      expect(reply.headers['retry-after']).toBe(2);
      warn.mockRestore();
    });

    it('says why in WWW-Authenticate for bearer failures', () => {
      const { reply, argumentsHost } = host();
      sut.catch(tokenExpired(), argumentsHost);
      expect(reply.statusCode).toBe(401);
      expect(reply.headers['www-authenticate']).toContain('error="invalid_token"');
    });
  });
});
