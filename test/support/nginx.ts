import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process';

/** Debian's nginx package puts it here; NGINX_PATH points elsewhere. */
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface Nginx {
  url: string;
  port: number;
  stop(): Promise<void>;
  errorLog(): string;
}

/** Fails with what to do when nginx is not installed or lacks the module these tests need. */
export function requireNginx(): void {
  if (!existsSync(NGINX)) {
    throw new Error(
      `these tests run nginx in front of the server: ${NGINX} is missing. Install Debian's package ` +
        '(apt-get install nginx), or point NGINX_PATH at an nginx built with the auth_request module',
    );
  }
  const built = spawnSync(NGINX, ['-V'], { encoding: 'utf8' });
  if (!`${built.stdout}${built.stderr}`.includes('http_auth_request_module')) {
    throw new Error(`${NGINX} was built without the auth_request module these tests need`);
  }
}

const untilAccepting = async (port: number, child: ChildProcess, errorLog: () => string) => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start-up:\n${errorLog()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => done(true)).once('error', () => done(false));
      socket.once('close', () => socket.destroy());
      setTimeout(() => socket.end(), 10);
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`nginx did not listen within 5 s:\n${errorLog()}`);
};

/**
 * Starts nginx in the foreground, as the current user, with its own prefix folder (pid, logs, temp files) and the
 * `server { … }` blocks `servers(port)` returns for a free port of 127.0.0.1.
 */
export async function startNginx(servers: (port: number) => string): Promise<Nginx> {
  requireNginx();
  const prefix = mkdtempSync(join(tmpdir(), 'portcullis-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `${name}_temp_path ${join(prefix, name)};`)
    .join('\n  ');
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  ${temp}
  ${servers(port)}
}
`,
  );
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const child = spawn(
    NGINX,
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')],
    {
      stdio: 'ignore',
    },
  );
  await untilAccepting(port, child, errorLog);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    errorLog,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
