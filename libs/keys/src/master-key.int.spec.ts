import { afterEach, describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadMasterKey, MasterKey } from './master-key.js';

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

function refusal(load: () => unknown): ValidationError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('secrets.master_key_invalid');
    return error as ValidationError;
  }
  throw new Error('expected the master key to be refused');
}

describe('master key', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-master-key-'));
    dirs.push(dir);
    return dir;
  }

  it('is generated once as <dataDir>/keys/master.key, owner-only, and reused after', () => {
    const dataDir = join(tempDir(), 'data');
    const first = loadMasterKey({ dataDir });
    const path = join(dataDir, 'keys', 'master.key');
    expect(first.origin).toEqual({ kind: 'default', path, created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'keys')).mode & 0o777).toBe(0o700);
    const bytes = readFileSync(path);
    expect(bytes).toHaveLength(32);
    expect(first.keyId).toBe(keyIdOf(bytes));

    const second = loadMasterKey({ dataDir });
    expect(second.origin).toEqual({ kind: 'default', path, created: false });
    expect(second.keyId).toBe(first.keyId);
    expect(readFileSync(path)).toEqual(bytes);
    const wrapped = first.wrap(randomBytes(32), 'aad');
    expect(second.unwrap(wrapped, 'aad')).toEqual(first.unwrap(wrapped, 'aad'));
  });

  it('never replaces an existing default key file, and refuses a damaged one', () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    loadMasterKey({ dataDir });
    const path = join(dataDir, 'keys', 'master.key');
    writeFileSync(path, key);
    expect(loadMasterKey({ dataDir }).keyId).toBe(keyIdOf(key));
    writeFileSync(path, key.subarray(0, 31));
    refusal(() => loadMasterKey({ dataDir }));
    expect(readFileSync(path)).toEqual(key.subarray(0, 31));
  });

  it('takes the base64 value over the file, and the file over the default', () => {
    const dir = tempDir();
    const configured = randomBytes(32);
    const inFile = randomBytes(32);
    const file = join(dir, 'master.key');
    writeFileSync(file, inFile);

    const fromBase64 = loadMasterKey({ masterKeyBase64: configured.toString('base64'), masterKeyFile: file, dataDir: dir });
    expect(fromBase64.keyId).toBe(keyIdOf(configured));
    expect(fromBase64.origin).toEqual({ kind: 'base64' });
    expect(loadMasterKey({ masterKeyBase64: configured.toString('base64url'), dataDir: dir }).keyId).toBe(keyIdOf(configured));

    const fromFile = loadMasterKey({ masterKeyFile: file, dataDir: dir });
    expect(fromFile.keyId).toBe(keyIdOf(inFile));
    expect(fromFile.origin).toEqual({ kind: 'file', path: file });
    writeFileSync(file, `${inFile.toString('base64')}\n`);
    expect(loadMasterKey({ masterKeyFile: file, dataDir: dir }).keyId).toBe(keyIdOf(inFile));

    expect(existsSync(join(dir, 'keys'))).toBe(false);
  });

  it('refuses a value or file that is not exactly 32 bytes, without echoing it', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.key');
    for (const value of [randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'not base64 at all!', '']) {
      const error = refusal(() => loadMasterKey({ masterKeyBase64: value, dataDir: dir }));
      if (value) {
        expect(error.message).not.toContain(value);
        expect(JSON.stringify(error.details)).not.toContain(value);
      }
      expect(error.details).toEqual({ source: 'base64' });
    }
    for (const content of [randomBytes(31), randomBytes(33), Buffer.from(`${randomBytes(16).toString('base64')}\n`)]) {
      writeFileSync(file, content);
      const error = refusal(() => loadMasterKey({ masterKeyFile: file, dataDir: dir }));
      expect(error.message).not.toContain(content.toString('base64'));
      expect(error.message).not.toContain(content.toString('utf8'));
      expect(error.details).toEqual({ source: 'file', path: file });
    }
    expect(refusal(() => loadMasterKey({ masterKeyFile: join(dir, 'missing.key'), dataDir: dir })).message).toMatch(/ENOENT/);
    refusal(() => MasterKey.fromBytes(randomBytes(31)));
  });

  it('never shows its bytes in JSON, strings or inspection', () => {
    const bytes = randomBytes(32);
    const key = MasterKey.fromBytes(bytes);
    const label = `[MasterKey ${keyIdOf(bytes)}]`;
    expect(JSON.stringify({ key })).toBe(JSON.stringify({ key: label }));
    expect(String(key)).toBe(label);
    expect(inspect(key, { showHidden: true, depth: 5 })).toBe(label);
    const everything = JSON.stringify(Object.entries(key)) + inspect({ ...key }, { showHidden: true });
    for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(everything).not.toContain(bytes.toString(encoding));
    bytes.fill(0); // the key holds its own copy
    expect(key.unwrap(key.wrap(randomBytes(32), 'a'), 'a')).toHaveLength(32);
  });

  it('wraps a data key so that only the same master key and AAD unwrap it', () => {
    const key = MasterKey.fromBytes(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = key.wrap(dataKey, 'ledgerline/data-key/acme/k1');
    expect(Buffer.from(wrapped, 'base64').includes(dataKey)).toBe(false);
    expect(key.unwrap(wrapped, 'ledgerline/data-key/acme/k1')).toEqual(dataKey);
    expect(key.unwrap(wrapped, 'ledgerline/data-key/globex/k1')).toBeUndefined();
    expect(MasterKey.fromBytes(randomBytes(32)).unwrap(wrapped, 'ledgerline/data-key/acme/k1')).toBeUndefined();
    expect(key.unwrap('garbage', 'ledgerline/data-key/acme/k1')).toBeUndefined();
  });
});
