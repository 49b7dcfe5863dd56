import { hashingBusy, hashingUnavailable, weakPassword } from './passwords.errors';

/** What a client receives: the status, the code it branches on, the message and the details it acts on. */
describe('passwords errors', () => {
  it('a weak password names the rule it broke', () => {
    const error = weakPassword('too_short', 'password must be at least 8 characters long');
    expect(error.getStatus()).toBe(400);
    expect(error).toMatchObject({
      code: 'weak_password',
      message: 'password must be at least 8 characters long',
      details: { rule: 'too_short' },
    });
  });

  // Each error is built inside its test, so that coverage (npm run test:mutation) ties the factory to the test.
  it.each([
    [
      'a full hashing queue',
      () => hashingBusy(),
      'too many password checks are in progress; retry in a moment',
    ],
    [
      'no hashing process to answer',
      () => hashingUnavailable(),
      'password checks are unavailable; retry in a moment',
    ],
  ])('%s is a 503 that says when to retry', (_, make, message) => {
    const error = make();
    expect(error.getStatus()).toBe(503);
    expect(error).toMatchObject({ code: 'service_unavailable', message });
    expect(error.details).toEqual({ retryAfter: 1 });
  });
});
