import { extractBearerToken, hasBearerScheme } from './bearer-token';

const request = (authorization?: string | string[]) => ({ headers: { authorization } });

describe('bearer token', () => {
  it('hasBearerScheme: the Bearer scheme in any case, followed by something', () => {
    expect(hasBearerScheme(request('Bearer abc'))).toBe(true);
    expect(hasBearerScheme(request('bEaReR abc'))).toBe(true);
    expect(hasBearerScheme(request('Bearer '))).toBe(false);
    expect(hasBearerScheme(request('Bearer'))).toBe(false);
    expect(hasBearerScheme(request('Basic abc'))).toBe(false);
    expect(hasBearerScheme(request(['Bearer abc']))).toBe(false);
    expect(hasBearerScheme(request())).toBe(false);
  });

  it('extractBearerToken: the token68 after the scheme, nothing else', () => {
    expect(extractBearerToken(request('Bearer a.b-c_d~e+f/g=='))).toBe('a.b-c_d~e+f/g==');
    expect(extractBearerToken(request('bearer  abc '))).toBe('abc');
    expect(extractBearerToken(request('Bearer a b'))).toBeNull();
    expect(extractBearerToken(request('Bearer a"b'))).toBeNull();
    expect(extractBearerToken(request('Basic abc'))).toBeNull();
    expect(extractBearerToken(request(['Bearer abc']))).toBeNull();
  });
});
