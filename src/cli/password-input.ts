import { createInterface } from 'node:readline';
import { commandFailed, usageError } from './cli.errors';

const ENTER = new Set(['\r', '\n', '\u0004']);
const CTRL_C = '\u0003';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Reads one line from the terminal without echoing it; the prompt goes to standard error. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (ENTER.has(char)) {
          finish();
          resolve(typed);
          return;
        }
        if (char === CTRL_C) {
          finish();
          reject(commandFailed('cancelled; nothing was changed'));
          return;
        }
        if (BACKSPACE.has(char)) typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    // Raw mode first: whatever is typed after the prompt appears is never echoed.
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
    process.stderr.write(prompt);
  });
}

/** Asks twice on the terminal, so that a typo does not become the password. */
export async function promptNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw usageError(
      'no terminal to ask for the password: pipe it on standard input with --password-stdin',
    );
  }
  const password = await askHidden('Password: ');
  if (password === '') throw commandFailed('no password given; nothing was changed');
  const again = await askHidden('Password again: ');
  if (again !== password) throw commandFailed('the two passwords differ; nothing was changed');
  return password;
}

/** The first line of standard input (`--password-stdin`): a password never appears in the process list. */
export async function readPasswordFromStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  let first: string | undefined;
  for await (const line of lines) {
    first = line;
    break;
  }
  lines.close();
  process.stdin.destroy();
  if (!first) {
    throw commandFailed('no password on standard input (--password-stdin reads its first line)');
  }
  return first;
}
