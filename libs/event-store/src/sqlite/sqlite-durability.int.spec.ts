import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findChainBreak } from '../hash-chain.js';
import { collect } from '../testing/event-store.contract.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const CHILD = 'dist/libs/event-store/src/testing/append-until-killed.js';

describe('SqliteEventStore durability', () => {
  it('keeps every acknowledged append after kill -9 in the middle of group commits', async () => {
    expect(existsSync(CHILD)).toBe(true); // built by `npm run build`, which `npm test` runs first
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-kill-'));
    const path = join(dir, 'events.db');
    try {
      const child = spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'pipe', 'inherit'] });
      const acknowledged: string[] = [];
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      for await (const line of createInterface({ input: child.stdout })) {
        acknowledged.push(...line.split(' '));
        if (acknowledged.length >= 6000) child.kill('SIGKILL');
      }
      expect(await exited).toBe('SIGKILL');

      const store = SqliteEventStore.open({ path });
      try {
        const stored = await collect(store.readAll({ tenantId: 'durable' }));
        const storedIds = new Set(stored.map((e) => e.eventId));
        expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);
        expect(stored.map((e) => e.tenantPosition)).toEqual(stored.map((_, i) => i + 1));
        expect(findChainBreak(stored)).toBeUndefined();
        // Appends are atomic: each writer's stream holds whole pairs only.
        expect(stored.length % 2).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
