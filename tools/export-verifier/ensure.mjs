#!/usr/bin/env node
// The Python that runs verify-export.py: a venv with the pinned `cryptography`, built once into
// ~/.cache/ledgerline/export-verifier-<version> and reused (test/export-verifier.system.spec.ts).
//   node tools/export-verifier/ensure.mjs   // builds the venv when missing, prints the path of its python
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv, pinnedVersion, venvCacheDir, printWhenRunAsScript } from '../../deploy/python-venv.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REQUIREMENTS = join(HERE, 'requirements.txt');
export const VERIFIER_SCRIPT = join(HERE, 'verify-export.py');
const CRYPTOGRAPHY_VERSION = pinnedVersion(REQUIREMENTS, 'cryptography');
const MIN_PYTHON = [3, 11]; // what requirements.txt was compiled for (older Pythons need typing-extensions too)

/** The venv's python, with `cryptography` importable; the venv is built when missing. */
export function ensureExportVerifier() {
  const { bin, installMs } = ensureVenv({
    what: `the export verifier (cryptography ${CRYPTOGRAPHY_VERSION})`,
    cache: venvCacheDir(`export-verifier-${CRYPTOGRAPHY_VERSION}`, 'LEDGERLINE_EXPORT_VERIFIER_CACHE'),
    requirements: REQUIREMENTS, minPython: MIN_PYTHON,
    check: ['python', '-c', 'import cryptography.hazmat.primitives.asymmetric.ed25519'],
  });
  return { python: join(bin, 'python'), installMs };
}

printWhenRunAsScript(import.meta.url, () => ensureExportVerifier().python);
