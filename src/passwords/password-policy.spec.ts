import { AppException } from '../common/errors/app.exception';
import { checkPasswordPolicy, passwordLength } from './password-policy';

const bounds = { minLength: 8, maxLength: 128 };
const ruleOf = (password: string, email = 'someone@example.com'): string | undefined => {
  try {
    checkPasswordPolicy(password, email, bounds);
    return undefined;
  } catch (error) {
    return ((error as AppException).details as { rule: string }).rule;
  }
};

describe('checkPasswordPolicy', () => {
  // First: the dictionary is loaded once, by the first test that checks a password, and this is the test that
  // fails when it is loaded wrongly.
  it('refuses common passwords whatever their case', () => {
    for (const password of ['password', 'Password1', 'qwertyuiop', 'ILOVEYOU1', '12345678']) {
      expect(ruleOf(password)).toBe('common');
    }
  });

  it('accepts a long passphrase without composition rules', () => {
    expect(ruleOf('correct horse battery staple')).toBeUndefined();
    expect(ruleOf('alllowercaseletters')).toBeUndefined();
  });

  it('bounds the length in code points', () => {
    expect(ruleOf('short12')).toBe('too_short');
    expect(ruleOf('x'.repeat(129))).toBe('too_long');
    expect(ruleOf('y'.repeat(128))).toBeUndefined();
    expect(passwordLength('🦄🦄')).toBe(2);
    expect(ruleOf('🦄🦄🦄🦄🦄🦄🦄')).toBe('too_short');
    expect(ruleOf('🦄🦄🦄🦄🦄🦄🦄🦄')).toBeUndefined();
  });

  it('refuses the email or its local part', () => {
    expect(ruleOf('xx-Alice.Smith-xx', 'alice.smith@example.com')).toBe('contains_email');
    expect(ruleOf('bob@example.com-pw', 'bob@example.com')).toBe('contains_email');
    // A local part of one or two characters is too short to mean anything; three is enough.
    expect(ruleOf('jojo-the-great-one', 'jo@example.com')).toBeUndefined();
    expect(ruleOf('the-bob-builder', 'bob@example.com')).toBe('contains_email');
    expect(() => checkPasswordPolicy('the-bob-builder', 'bob@example.com', bounds)).toThrow(
      expect.objectContaining({
        code: 'weak_password',
        message: 'password must not contain your email address or its name part',
      }),
    );
  });

  it('answers 400 weak_password with a message', () => {
    expect(() => checkPasswordPolicy('abc', 'a@b.io', bounds)).toThrow(
      expect.objectContaining({
        code: 'weak_password',
        message: 'password must be at least 8 characters long',
      }),
    );
  });
});
