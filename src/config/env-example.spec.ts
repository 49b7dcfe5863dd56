import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppVariables } from './sections/app.section';
import { DatabaseVariables } from './sections/database.section';
import { HttpVariables } from './sections/http.section';
import { LoggingVariables } from './sections/logging.section';
import { PasswordsVariables } from './sections/passwords.section';
import { RedisVariables } from './sections/redis.section';
import { SessionsVariables } from './sections/sessions.section';
import { ThrottleVariables } from './sections/throttle.section';
import { TokensVariables } from './sections/tokens.section';

const SECTIONS = [
  AppVariables,
  LoggingVariables,
  HttpVariables,
  DatabaseVariables,
  RedisVariables,
  TokensVariables,
  SessionsVariables,
  ThrottleVariables,
  PasswordsVariables,
];
const ROOT = join(__dirname, '..', '..');

describe('the documented settings', () => {
  const variables = SECTIONS.flatMap((section) => Object.keys(new section())).sort();

  it('.env.example lists every variable, with its default where it has one', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^# ([A-Z0-9_]+)=(\S*)/gm)];
    expect([...new Set(listed.map((match) => match[1]))].sort()).toEqual(variables);
    for (const section of SECTIONS) {
      for (const [name, value] of Object.entries(new section())) {
        if (value === undefined) continue;
        expect({ name, line: listed.find((match) => match[1] === name)?.[2] }).toEqual({
          name,
          line: String(value),
        });
      }
    }
  });

  it('the README settings table has a row for every variable', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z0-9_]+)` +\|/gm)].map((match) => match[1]);
    expect([...new Set(rows)].sort()).toEqual(variables);
  });
});
