import { AppException } from '../common/errors/app.exception';

export const rateLimited = (retryAfter: number) =>
  new AppException('rate_limited', `too many requests; retry in ${retryAfter} s`, {
    details: { retryAfter },
  });
