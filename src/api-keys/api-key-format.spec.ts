import {
  apiKeySchemeOf,
  formatApiKey,
  newApiKeyParts,
  parseBasicApiKey,
  parseBearerApiKey,
  randomBase62,
} from './api-key-format';

describe('api-key-format', () => {
  describe(randomBase62.name, () => {
    it('draws every base62 character and nothing else, at the asked length', () => {
      const drawn = randomBase62(20_000);
      expect(drawn).toHaveLength(20_000);
      expect(drawn).toMatch(/^[0-9A-Za-z]+$/);
      expect(new Set(drawn).size).toBe(62);
    });

    it('has no modulo bias: the last characters are as frequent as the first', () => {
      // With `byte % 62` of every byte, '0'..'7' would be drawn 5/4 as often as the others (5 vs 4 bytes each).
      const drawn = randomBase62(248_000);
      const count = (chars: string) =>
        [...drawn].filter((char) => chars.includes(char)).length / chars.length;
      const first = count('01234567');
      const last = count('stuvwxyz');
      expect(first / last).toBeGreaterThan(0.95);
      expect(first / last).toBeLessThan(1.05);
    });
  });

  describe(newApiKeyParts.name, () => {
    it('makes a 16-character id and a 43-character secret (256 bits), different every time', () => {
      const a = newApiKeyParts();
      const b = newApiKeyParts();
      expect(formatApiKey(a)).toMatch(/^pck_[0-9A-Za-z]{16}_[0-9A-Za-z]{43}$/);
      expect(a.id).not.toBe(b.id);
      expect(a.secret).not.toBe(b.secret);
    });
  });

  describe('parsing', () => {
    const parts = newApiKeyParts();

    it('reads both forms of one key to the same parts', () => {
      const basic = `Basic ${Buffer.from(`${parts.id}:${parts.secret}`).toString('base64')}`;
      expect(parseBearerApiKey(`Bearer ${formatApiKey(parts)}`)).toEqual(parts);
      expect(parseBasicApiKey(basic)).toEqual(parts);
      expect(apiKeySchemeOf(basic)).toBe('basic');
      expect(apiKeySchemeOf(`bearer ${formatApiKey(parts)}`)).toBe('bearer');
    });

    it('refuses a Basic password that is the whole key rather than the secret', () => {
      const basic = `Basic ${Buffer.from(`${parts.id}:${formatApiKey(parts)}`).toString('base64')}`;
      expect(parseBasicApiKey(basic)).toBeNull();
    });
  });
});
