import { describe, expect, it } from '@jest/globals';
import { decideDeleteMemory } from './commands/delete-memory/delete-memory.decide.js';
import { decidePutMemory } from './commands/put-memory/put-memory.decide.js';
import type { MemoryEvent } from './memory.events.js';
import { MEMORY_LIMITS } from './memory.limits.js';
import { evolveMemory, initialMemoryState } from './memory.state.js';
import { memoryStreamId } from './memory-stream.js';

const given = (...events: MemoryEvent[]) => events.reduce(evolveMemory, initialMemoryState());
/** What the handler hands the decider: the value sealed (the vault is not the decider's business). */
const sealedAs = (digest: string) => ({ sealed: { $sealed: { v: 1 as const, keyId: 'pd.k1', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' } }, digest });
const put = (key: string, value: unknown, digest = `k1:${JSON.stringify(value)}`) => ({ namespace: 'ns', key, value: value as never, sealed: sealedAs(digest) });

describe('memory deciders', () => {
  it('given nothing, when a value is put, then MemoryItemPut with the value sealed and its keyed digest, never the plain value', () => {
    const command = put('k', { a: 1 }, 'pd.k1:D1');
    expect(decidePutMemory(command, given())).toEqual([{ type: 'MemoryItemPut', data: { key: 'k', value: command.sealed.sealed, digest: 'pd.k1:D1' } }]);
  });

  it('given a sealed value, when a value with the same keyed digest is put, then nothing; another digest, then MemoryItemPut', () => {
    const state = given({ type: 'MemoryItemPut', data: { key: 'k', value: sealedAs('pd.k1:D1').sealed, digest: 'pd.k1:D1' } });
    expect(decidePutMemory(put('k', 'same', 'pd.k1:D1'), state)).toEqual([]);
    expect(decidePutMemory(put('k', 'other', 'pd.k1:D2'), state)).toHaveLength(1);
  });

  it('given a value stored before values were sealed, when the same value (in another key order) is put again, then nothing', () => {
    const state = given({ type: 'MemoryItemPut', data: { key: 'k', value: { a: 1, b: 2 } } });
    expect(decidePutMemory(put('k', { b: 2, a: 1 }), state)).toEqual([]);
  });

  it('given a deleted item, when it is deleted again, then memory.not_found', () => {
    const state = given({ type: 'MemoryItemPut', data: { key: 'k', value: 1 } }, { type: 'MemoryItemDeleted', data: { key: 'k' } });
    expect(() => decideDeleteMemory({ namespace: 'ns', key: 'k' }, state)).toThrow(expect.objectContaining({ code: 'memory.not_found' }));
    expect(decideDeleteMemory({ namespace: 'ns', key: 'k' }, given({ type: 'MemoryItemPut', data: { key: 'k', value: 1 } }))).toEqual([
      { type: 'MemoryItemDeleted', data: { key: 'k' } },
    ]);
  });

  it('refuses values over the size limit and namespaces over the item limit', () => {
    expect(() => decidePutMemory(put('k', 'x'.repeat(MEMORY_LIMITS.maxValueBytes)), given()))
      .toThrow(expect.objectContaining({ code: 'memory.value_too_large' }));
    const full = given(...Array.from({ length: MEMORY_LIMITS.maxItemsPerNamespace }, (_, i): MemoryEvent => ({ type: 'MemoryItemPut', data: { key: `k${i}`, value: i } })));
    expect(() => decidePutMemory(put('new', 1), full)).toThrow(expect.objectContaining({ code: 'memory.namespace_full' }));
    expect(decidePutMemory(put('k1', 'replaced'), full)).toHaveLength(1);
  });

  it('names streams so that users and tenant-wide namespaces never share one', () => {
    expect(memoryStreamId('user', 'alice', 'notes')).toBe('memory:user:alice:notes');
    expect(memoryStreamId('tenant', 'alice', 'notes')).toBe('memory:tenant:notes');
    expect(memoryStreamId('user', 'auth0|alice:x', 'notes')).toMatch(/^memory:user:h-[0-9a-f]{40}:notes$/);
    expect(memoryStreamId('user', 'a', 'b')).not.toBe(memoryStreamId('user', 'a:b', ''));
  });
});
