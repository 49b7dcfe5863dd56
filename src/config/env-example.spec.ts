import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIABLE_CLASSES } from './configuration';

const SECTIONS: Array<new () => object> = VARIABLE_CLASSES;
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
