// A throw-away PostgreSQL for tests and benchmarks: Debian's server binaries (installed with
// apt-get when missing), a fresh data directory, a free port on 127.0.0.1, stopped afterwards.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, log, waitFor } from '../service-utils.mjs';

const PG_ROOT = '/usr/lib/postgresql';

function findBinDir() {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(PG_ROOT, versions[0], 'bin') : undefined;
}

function installPostgres() {
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL server is not installed and this is not root: install Debian package "postgresql" or set DATABASE_URL');
  log('installing PostgreSQL from Debian packages (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env });
}

/** Runs a PostgreSQL binary as the unprivileged `postgres` user when we are root (initdb refuses root). */
function asPostgresUser(binary, args) {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

/** The last resort: the postmaster's pid is the first line of postmaster.pid. */
function killPostmaster(dataDir) {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export async function startPostgres() {
  let binDir = findBinDir();
  if (!binDir) {
    installPostgres();
    binDir = findBinDir();
    if (!binDir) throw new Error('PostgreSQL install did not provide server binaries under ' + PG_ROOT);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const [initCmd, initArgs] = asPostgresUser(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  execFileSync(initCmd, initArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await freePort();
  const [cmd, args] = asPostgresUser(join(binDir, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
    '-c', 'max_connections=300', '-c', 'shared_buffers=256MB', '-c', 'log_min_messages=warning',
  ]);
  const logFile = join(dir, 'postgres.log');
  const server = spawn(cmd, args, { stdio: ['ignore', 'ignore', openSync(logFile, 'a')] });
  let exited = false;
  server.on('exit', () => (exited = true));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(async () => {
    if (exited) throw new Error(`PostgreSQL exited during start-up:\n${readFileSync(logFile, 'utf8')}`);
    execFileSync(join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { stdio: 'ignore' });
  }, 30_000, 'PostgreSQL');
  log(`PostgreSQL ${binDir.split('/').at(-2)} on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url,
    async stop() {
      if (!exited) {
        // runuser does not pass SIGINT on to postgres: ask the postmaster itself, through pg_ctl, for a fast shutdown.
        const [ctl, ctlArgs] = asPostgresUser(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '20']);
        try {
          execFileSync(ctl, ctlArgs, { stdio: 'ignore' });
        } catch {
          killPostmaster(dataDir);
        }
        await waitFor(async () => { if (!exited) throw new Error('still running'); }, 10_000, 'PostgreSQL shutdown').catch(() => server.kill('SIGKILL'));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
