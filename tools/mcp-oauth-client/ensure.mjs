#!/usr/bin/env node
// The Python that runs oauth-client.py: a venv with the pinned `mcp` SDK, built once into
// ~/.cache/ledgerline/mcp-oauth-client-<version> and reused (test/python-mcp-oauth.system.spec.ts).
//   node tools/mcp-oauth-client/ensure.mjs   // builds the venv when missing, prints the path of its python
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv, pinnedVersion, venvCacheDir, printWhenRunAsScript } from '../../deploy/python-venv.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REQUIREMENTS = join(HERE, 'requirements.txt');
export const OAUTH_CLIENT_SCRIPT = join(HERE, 'oauth-client.py');
export const MCP_SDK_VERSION = pinnedVersion(REQUIREMENTS, 'mcp');
const MIN_PYTHON = [3, 11]; // what requirements.txt was compiled for

/** The venv's python, with the MCP SDK's OAuth client importable; the venv is built when missing. */
export function ensureMcpOAuthClient() {
  const { bin, installMs } = ensureVenv({
    what: `the Python MCP SDK (mcp ${MCP_SDK_VERSION})`,
    cache: venvCacheDir(`mcp-oauth-client-${MCP_SDK_VERSION}`, 'LEDGERLINE_MCP_OAUTH_CLIENT_CACHE'),
    requirements: REQUIREMENTS, minPython: MIN_PYTHON,
    check: ['python', '-c', 'import mcp.client.auth, mcp.client.streamable_http'],
  });
  return { python: join(bin, 'python'), installMs };
}

printWhenRunAsScript(import.meta.url, () => ensureMcpOAuthClient().python);
