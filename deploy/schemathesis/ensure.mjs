#!/usr/bin/env node
// schemathesis (PyPI) in a Python venv of its own, built once into a cache and reused: the fuzzing
// of the admin REST API from its OpenAPI document (test/openapi-fuzz.system.spec.ts) runs it.
//   import { ensureSchemathesis } from './schemathesis/ensure.mjs';
//   const { st } = ensureSchemathesis();   // st: path of the `st` command
//   node deploy/schemathesis/ensure.mjs    // builds the venv when missing, prints the path of `st`
// Needs Python 3.11+ (LEDGERLINE_PYTHON, else python3.11, else python3) with venv and pip, and PyPI
// (or PIP_INDEX_URL) on the first run only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../service-utils.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REQUIREMENTS = join(HERE, 'requirements.txt');
/** The version the requirements pin; the cache directory is named after it. */
export const SCHEMATHESIS_VERSION = readFileSync(REQUIREMENTS, 'utf8').match(/^schemathesis==([^\s\\]+)/m)[1];
const MIN_PYTHON = [3, 11]; // schemathesis 4.32 says Requires-Python >=3.11

/** Where the venv lives: LEDGERLINE_SCHEMATHESIS_CACHE, else ~/.cache/ledgerline/schemathesis-<version>; the venv in venv/. */
export function schemathesisCacheDir() {
  return process.env.LEDGERLINE_SCHEMATHESIS_CACHE || join(homedir(), '.cache', 'ledgerline', `schemathesis-${SCHEMATHESIS_VERSION}`);
}

function findPython() {
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
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return python;
    seen.push(`${python} is Python ${version}`);
  }
  throw new Error(
    `schemathesis ${SCHEMATHESIS_VERSION} needs Python ${MIN_PYTHON.join('.')}+ with venv and pip ` +
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
 * Returns the `st` command of a venv holding exactly the pinned requirements, building it when missing.
 * The stamp is written last and holds a hash of requirements.txt: an interrupted install (no stamp)
 * or changed pins (other hash) start again from an empty venv.
 */
export function ensureSchemathesis() {
  const cache = schemathesisCacheDir();
  const venv = join(cache, 'venv');
  const st = join(venv, 'bin', 'st');
  const stampFile = join(cache, 'installed.stamp');
  const stamp = `schemathesis ${SCHEMATHESIS_VERSION} requirements-sha256 ${createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex')}\n`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(st)) return { st, installMs: 0 };
  const python = findPython();
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (once; cached afterwards)…`);
  const started = Date.now();
  mkdirSync(cache, { recursive: true });
  rmSync(stampFile, { force: true });
  rmSync(venv, { recursive: true, force: true });
  run(python, ['-m', 'venv', venv], `${python} -m venv`);
  run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', REQUIREMENTS], 'pip install of the schemathesis requirements');
  run(st, ['--version'], 'the installed schemathesis');
  writeFileSync(stampFile, stamp);
  const installMs = Date.now() - started;
  log(`installed schemathesis ${SCHEMATHESIS_VERSION} in ${(installMs / 1000).toFixed(1)} s`);
  return { st, installMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureSchemathesis().st}\n`);
  } catch (error) {
    console.error(`[services] ${error.message}`);
    process.exit(1);
  }
}
