import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { requestContext } from '../http/request-context';
import type { User } from '../users/user.entity';
import { AuthService } from './auth.service';

/**
 * passport-local: the email from the JSON body's `email`, the password from its `password` (passport-local's
 * default). No passport session: the guard's callback takes the user, and tokens are issued instead.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passReqToCallback: true });
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<User> {
    return this.auth.validateCredentials(email, password, requestContext(request));
  }
}
