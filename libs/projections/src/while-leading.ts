import type { ViewDb } from './view-db.port.js';

/**
 * Stands by until this process leads `name` among all processes sharing the database, runs
 * `lead` while it does (it returns how to stop), and stands by again when the lead is lost,
 * until `signal` aborts. For jobs exactly one process may do at a time: applying views, relaying.
 */
export async function whileLeading(db: ViewDb, name: string, signal: AbortSignal, lead: () => Promise<() => Promise<void>>): Promise<void> {
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  while (!signal.aborted) {
    const leadership = await db.tryLead(name).catch(() => undefined);
    if (!leadership) {
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      continue;
    }
    const stop = await lead();
    await Promise.race([leadership.lost, stopped]);
    await stop();
    await leadership.release();
  }
}
