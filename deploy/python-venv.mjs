// A Python venv holding exactly a pinned requirements.txt (with hashes), built once into a cache
// under ~/.cache/ledgerline and reused: the tests that run Python tools (schemathesis, the
// independent export verifier) get their packages this way, never by hand.
// Needs Python (LEDGERLINE_PYTHON, else python3.11, else python3) with venv and pip, and PyPI
// (or PIP_INDEX_URL) on the first run only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from './service-utils.mjs';

/** The version requirements.txt pins for `name` (the first `name==version` line). */
export function pinnedVersion(requirements, name) {
  const pinned = readFileSync(requirements, 'utf8').match(new RegExp(`^${name}==([^\\s\\\\]+)`, 'm'));
  if (!pinned) throw new Error(`${requirements} pins no ${name}==version`);
  return pinned[1];
}

/** ~/.cache/ledgerline/<name>; the variable `cacheVariable` overrides it when set. */
export function venvCacheDir(name, cacheVariable) {
  return (cacheVariable && process.env[cacheVariable]) || join(homedir(), '.cache', 'ledgerline', name);
}

function findPython(what, minPython) {
  const candidates = process.env.LEDGERLINE_PYTHON ? [process.env.LEDGERLINE_PYTHON] : ['python3.11', 'python3'];
  const seen = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.error?.code === 'ENOENT') continue;
    const version = probe.stdout?.trim();
    if (probe.status !== 0) {
      seen.push(`${python}: cannot create venvs with pip (${(probe.stderr ?? '').trim().split('\n').at(-1)})`);
      continue;
    }
    const [major, minor] = version.split('.').map(Number);
    if (major > minPython[0] || (major === minPython[0] && minor >= minPython[1])) return python;
    seen.push(`${python} is Python ${version}`);
  }
  throw new Error(
    `${what} needs Python ${minPython.join('.')}+ with venv and pip ` +
      `(Debian: apt-get install python3 python3-venv; or set LEDGERLINE_PYTHON to one)` +
      (seen.length > 0 ? `; found: ${seen.join('; ')}` : `; none found on PATH (tried ${candidates.join(', ')})`),
  );
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`${what} failed (exit ${result.status ?? result.signal ?? result.error?.message}):\n${output}`);
  }
}

/**
 * The venv `<cache>/venv` with exactly `requirements` installed, built when missing; `check` (a
 * command of the venv and its arguments) proves the install works before it counts. The stamp is
 * written last and holds a hash of requirements.txt: an interrupted install (no stamp) or changed
 * pins (other hash) start again from an empty venv. Throws (never skips) when Python is missing.
 */
export function ensureVenv({ what, cache, requirements, minPython, check }) {
  const venv = join(cache, 'venv');
  const bin = join(venv, 'bin');
  const stampFile = join(cache, 'installed.stamp');
  const stamp = `${what} requirements-sha256 ${createHash('sha256').update(readFileSync(requirements)).digest('hex')}\n`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(join(bin, check[0]))) return { bin, installMs: 0 };
  const python = findPython(what, minPython);
  log(`installing ${what} into ${venv} (once; cached afterwards)…`);
  const started = Date.now();
  mkdirSync(cache, { recursive: true });
  rmSync(stampFile, { force: true });
  rmSync(venv, { recursive: true, force: true });
  run(python, ['-m', 'venv', venv], `${python} -m venv`);
  run(join(bin, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirements], `pip install of ${requirements}`);
  run(join(bin, check[0]), check.slice(1), `the installed ${what}`);
  writeFileSync(stampFile, stamp);
  const installMs = Date.now() - started;
  log(`installed ${what} in ${(installMs / 1000).toFixed(1)} s`);
  return { bin, installMs };
}

/** When the module at `moduleUrl` is the script node was started with: prints what `ensure()` returns (a path), or the error and exits 1. */
export function printWhenRunAsScript(moduleUrl, ensure) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  try {
    process.stdout.write(`${ensure()}\n`);
  } catch (error) {
    console.error(`[services] ${error.message}`);
    process.exit(1);
  }
}
