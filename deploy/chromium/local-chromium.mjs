// The browser of the browser tests: Debian's `chromium` (installed with apt-get when missing,
// which needs root), driven by playwright-core through its executable. Nothing is started here:
// each test suite launches its own browser from the path this finds (LEDGERLINE_CHROMIUM).
//   import { findChromium } from './chromium/local-chromium.mjs';
//   const { executablePath, version } = findChromium();
//   node deploy/chromium/local-chromium.mjs   prints the executable and its version
import { accessSync, constants, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { log } from '../service-utils.mjs';

/** Where Debian's package puts its launcher (a shell script that sources /etc/chromium.d, then runs /usr/lib/chromium/chromium). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function installChromium() {
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is not installed at ${DEBIAN_CHROMIUM} and this is not root: install Debian package "chromium", or set LEDGERLINE_CHROMIUM to a Chromium executable`);
  }
  log('installing Chromium from Debian packages (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}

/** The version line the executable prints, which also proves it runs (a missing shared library fails here, not in the first test). */
function versionOf(executablePath) {
  try {
    return execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).trim();
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} does not run (${executablePath} --version): ${error.message}`);
  }
}

function assertExecutable(path, source) {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${source} names ${path}, which is not an executable file`);
  }
}

/**
 * The Chromium to drive: LEDGERLINE_CHROMIUM when set (used as it is, never installed over), else
 * Debian's, installed first when missing.
 */
export function findChromium(env = process.env) {
  if (env.LEDGERLINE_CHROMIUM) {
    assertExecutable(env.LEDGERLINE_CHROMIUM, 'LEDGERLINE_CHROMIUM');
    return { executablePath: env.LEDGERLINE_CHROMIUM, version: versionOf(env.LEDGERLINE_CHROMIUM) };
  }
  if (!existsSync(DEBIAN_CHROMIUM)) {
    installChromium();
    if (!existsSync(DEBIAN_CHROMIUM)) throw new Error(`the chromium package did not provide ${DEBIAN_CHROMIUM}`);
  }
  assertExecutable(DEBIAN_CHROMIUM, 'Debian package "chromium"');
  return { executablePath: DEBIAN_CHROMIUM, version: versionOf(DEBIAN_CHROMIUM) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { executablePath, version } = findChromium();
  console.log(`${executablePath}\t${version}`);
}
