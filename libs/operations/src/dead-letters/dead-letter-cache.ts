import type { RunRetryMessage } from '#bus';

/**
 * The dead letters, read whole again only when the dead-letter or the redrive topic has moved
 * (their end offsets, `ends`, differ from the last read's): a console that polls costs one admin
 * request a poll while nothing changes. Callers asking with the same ends share one read; a
 * failed read is not kept.
 */
export class DeadLetterCache {
  private last: { ends: string; entries: Promise<RunRetryMessage[]> } | undefined;

  constructor(private readonly read: () => Promise<RunRetryMessage[]>) {}

  entries(ends: string): Promise<RunRetryMessage[]> {
    if (this.last?.ends !== ends) {
      const entries = this.read();
      const last = { ends, entries };
      this.last = last;
      entries.catch(() => (this.last === last ? (this.last = undefined) : undefined));
    }
    return this.last!.entries;
  }
}
