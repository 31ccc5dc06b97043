#!/usr/bin/env node
// schemathesis (PyPI) in a Python venv of its own, built once into a cache and reused: the fuzzing
// of the admin REST API from its OpenAPI document (test/openapi-fuzz.system.spec.ts) runs it.
//   import { ensureSchemathesis } from './schemathesis/ensure.mjs';
//   const { st } = ensureSchemathesis();   // st: path of the `st` command
//   node deploy/schemathesis/ensure.mjs    // builds the venv when missing, prints the path of `st`
// Needs Python 3.11+ (see ../python-venv.mjs), and PyPI (or PIP_INDEX_URL) on the first run only.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv, pinnedVersion, venvCacheDir, printWhenRunAsScript } from '../python-venv.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REQUIREMENTS = join(HERE, 'requirements.txt');
/** The version the requirements pin; the cache directory is named after it. */
export const SCHEMATHESIS_VERSION = pinnedVersion(REQUIREMENTS, 'schemathesis');
const MIN_PYTHON = [3, 11]; // schemathesis 4.32 says Requires-Python >=3.11

/** Where the venv lives: LEDGERLINE_SCHEMATHESIS_CACHE, else ~/.cache/ledgerline/schemathesis-<version>; the venv in venv/. */
export function schemathesisCacheDir() {
  return venvCacheDir(`schemathesis-${SCHEMATHESIS_VERSION}`, 'LEDGERLINE_SCHEMATHESIS_CACHE');
}

/** The path of `st` in the cached venv, built when missing. */
export function ensureSchemathesis() {
  const { bin, installMs } = ensureVenv({
    what: `schemathesis ${SCHEMATHESIS_VERSION}`, cache: schemathesisCacheDir(), requirements: REQUIREMENTS, minPython: MIN_PYTHON, check: ['st', '--version'],
  });
  return { st: join(bin, 'st'), installMs };
}

printWhenRunAsScript(import.meta.url, () => ensureSchemathesis().st);
