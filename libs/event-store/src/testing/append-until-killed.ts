// Child process for the durability test: appends from 16 concurrent writers until it is killed,
// printing a line for every acknowledged append. Usage: node append-until-killed.js <db-path>
import { SqliteEventStore } from '../sqlite/sqlite-event-store.js';

const path = process.argv[2];
if (!path) throw new Error('usage: append-until-killed <db-path>');
const store = SqliteEventStore.open({ path });

async function writer(id: number): Promise<never> {
  for (let i = 0; ; i++) {
    const result = await store.append('durable', `w${id}`, 'any', [{ type: 'Written', data: { writer: id, i } }, { type: 'Checked', data: { i } }]);
    process.stdout.write(`${result.eventIds.join(' ')}\n`);
  }
}

await Promise.all(Array.from({ length: 16 }, (_, id) => writer(id)));
