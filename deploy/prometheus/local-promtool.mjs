#!/usr/bin/env node
// promtool, Prometheus's rule checker, for the SLO rules' tests (test/slo-rules.int.spec.ts): the
// one from Debian's `prometheus` package. Only the binary is wanted, never the daemon the package
// would install and start as a service: so the package is fetched with `apt-get download` (no
// root needed, nothing installed) and unpacked with `dpkg-deb -x` into a cache, from which only
// promtool (a Go binary needing nothing but libc) is kept. About 3 s on this machine's network
// (19 MB .deb), once; `apt-get update` first when the package lists do not know the package.
//   import { findPromtool } from './prometheus/local-promtool.mjs';
//   const { promtool, version } = findPromtool();
//   node deploy/prometheus/local-promtool.mjs   prints the executable and its version
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../service-utils.mjs';

/** Where the unpacked promtool lives: LEDGERLINE_PROMTOOL_CACHE, else ~/.cache/ledgerline/promtool; the binary is `<cache>/promtool`. */
export function promtoolCacheDir(env = process.env) {
  return env.LEDGERLINE_PROMTOOL_CACHE || join(homedir(), '.cache', 'ledgerline', 'promtool');
}

/** The version line the executable prints, which also proves it runs. */
function versionOf(promtool) {
  const result = spawnSync(promtool, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`promtool at ${promtool} does not run (${promtool} --version): ${result.error?.message ?? result.stderr}`);
  return `${result.stdout}${result.stderr}`.split('\n')[0].trim();
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command, env) {
  return (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command)).find(isExecutable);
}

/**
 * Downloads Debian's `prometheus` package into a scratch directory, unpacks it there and moves its
 * promtool into the cache; a rename puts it in place, so two runs at once, or one killed half-way,
 * never leave a partial binary behind.
 */
function unpackFromDebian(cache, env) {
  const scratch = mkdtempSync(join(cache, '.download-'));
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  // As root apt drops to its `_apt` user to download, which cannot write our private scratch directory.
  const asRoot = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  const download = () => spawnSync('apt-get', [...asRoot, '-qq', 'download', 'prometheus'], { cwd: scratch, encoding: 'utf8', env: aptEnv });
  try {
    const started = Date.now();
    log('fetching promtool from Debian package "prometheus" (apt-get download, once; cached afterwards)…');
    let fetched = download();
    if (fetched.error?.code === 'ENOENT') throw new Error('apt-get not found: install promtool (Debian package "prometheus") or set LEDGERLINE_PROMTOOL');
    if (fetched.status !== 0 && process.getuid?.() === 0) {
      // A fresh container has no package lists: fetch them once and try again.
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
      fetched = download();
    }
    if (fetched.status !== 0) {
      throw new Error(`apt-get download prometheus failed${process.getuid?.() === 0 ? '' : ' (not root, so apt-get update was not tried)'}: ${fetched.stderr.trim()}; install promtool or set LEDGERLINE_PROMTOOL`);
    }
    const deb = readdirSync(scratch).find((name) => name.startsWith('prometheus_') && name.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download prometheus left no prometheus_*.deb in ${scratch}`);
    execFileSync('dpkg-deb', ['-x', deb, 'unpacked'], { cwd: scratch, stdio: 'inherit' });
    renameSync(join(scratch, 'unpacked', 'usr', 'bin', 'promtool'), join(cache, 'promtool'));
    log(`promtool unpacked into ${cache} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The promtool to run: LEDGERLINE_PROMTOOL when set (used as it is), else one on PATH, else the
 * cached one, fetched from Debian first when missing. Throws when none can be had: the tests that
 * need it fail, they never skip.
 */
export function findPromtool(env = process.env) {
  if (env.LEDGERLINE_PROMTOOL) {
    if (!isExecutable(env.LEDGERLINE_PROMTOOL)) throw new Error(`LEDGERLINE_PROMTOOL names ${env.LEDGERLINE_PROMTOOL}, which is not an executable file`);
    return { promtool: env.LEDGERLINE_PROMTOOL, version: versionOf(env.LEDGERLINE_PROMTOOL) };
  }
  const installed = onPath('promtool', env);
  if (installed) return { promtool: installed, version: versionOf(installed) };
  const cache = promtoolCacheDir(env);
  const cached = join(cache, 'promtool');
  if (!existsSync(cached)) {
    mkdirSync(cache, { recursive: true });
    unpackFromDebian(cache, env);
  }
  return { promtool: cached, version: versionOf(cached) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { promtool, version } = findPromtool();
  console.log(`${promtool}\t${version}`);
}
