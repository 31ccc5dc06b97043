#!/usr/bin/env node
// The MCP Inspector CLI, exactly as package-lock.json pins it (integrity hashes), installed once
// with `npm ci` into ~/.cache/ledgerline/mcp-inspector-<version> and reused: it is a test tool
// (test/mcp-inspector-oauth.system.spec.ts), so it stays out of the platform's own dependencies.
//   node tools/mcp-inspector/ensure.mjs   // installs when missing, prints the path of its entry script
// Needs npm and the npm registry on the first run only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printWhenRunAsScript, venvCacheDir } from '../../deploy/python-venv.mjs';
import { log } from '../../deploy/service-utils.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOCK = join(HERE, 'package-lock.json');
export const INSPECTOR_VERSION = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8')).dependencies['@modelcontextprotocol/inspector'];

/** The Inspector's launcher script (run it with node, `--cli …`), installed when missing; installMs is 0 when cached. */
export function ensureMcpInspector() {
  const cache = venvCacheDir(`mcp-inspector-${INSPECTOR_VERSION}`, 'LEDGERLINE_MCP_INSPECTOR_CACHE');
  const launcher = join(cache, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
  const stampFile = join(cache, 'installed.stamp');
  // Written last: an interrupted install (no stamp) or a changed lock (other hash) start again.
  const stamp = `package-lock-sha256 ${createHash('sha256').update(readFileSync(LOCK)).digest('hex')}\n`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(launcher)) return { launcher, installMs: 0 };
  log(`installing the MCP Inspector ${INSPECTOR_VERSION} into ${cache} (once; cached afterwards)…`);
  const started = Date.now();
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(HERE, file), join(cache, file));
  // No install scripts: the Inspector's own postinstall does nothing when it is a dependency.
  const installed = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: cache, encoding: 'utf8' });
  if (installed.status !== 0 || !existsSync(launcher)) {
    throw new Error(`npm ci of the MCP Inspector failed (exit ${installed.status ?? installed.error?.message}):\n${installed.stdout ?? ''}${installed.stderr ?? ''}`);
  }
  writeFileSync(stampFile, stamp);
  const installMs = Date.now() - started;
  log(`installed the MCP Inspector in ${(installMs / 1000).toFixed(1)} s`);
  return { launcher, installMs };
}

printWhenRunAsScript(import.meta.url, () => ensureMcpInspector().launcher);
