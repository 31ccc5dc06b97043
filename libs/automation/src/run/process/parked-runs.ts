/** A run the scheduler leaves alone until `until` (ms since the epoch), unless its stream moves past `version`. */
export interface Parked {
  version: number;
  until: number;
}

interface Due {
  until: number;
  id: string;
  parked: Parked;
}

/**
 * The runs the scheduler holds back: parked ones (waiting for a time), finished ones (remembered a
 * minute so the view's lag does not pick them up again) and failed ones (backing off). At a few
 * hundred runs a second that is tens of thousands of entries, and the scheduler asks on every turn
 * which are due and when the next one is: a min-heap of the finite times answers both in
 * O(log n) per entry, where a scan of the map cost every turn O(n). Entries replaced or deleted
 * stay in the heap until they surface (checked against the map), and the heap is rebuilt when
 * such stale entries outnumber the live ones.
 */
export class ParkedRuns {
  private readonly entries = new Map<string, Parked>();
  private heap: Due[] = [];

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Parked | undefined {
    return this.entries.get(id);
  }

  set(id: string, parked: Parked): void {
    const entry = { ...parked };
    this.entries.set(id, entry);
    if (entry.until < Number.MAX_SAFE_INTEGER) this.push({ until: entry.until, id, parked: entry });
    if (this.heap.length > 2 * this.entries.size + 1024) this.rebuild();
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Forgets every entry due by `now`; how many there were. */
  expire(now: number): number {
    let expired = 0;
    for (let top = this.liveTop(); top !== undefined && top.until <= now; top = this.liveTop()) {
      this.pop();
      this.entries.delete(top.id);
      expired += 1;
    }
    return expired;
  }

  /** The earliest time an entry falls due (after expire(now), every one left is later); Infinity when none will. */
  nextDue(): number {
    return this.liveTop()?.until ?? Infinity;
  }

  /** The heap's top once the stale entries above it are dropped. */
  private liveTop(): Due | undefined {
    while (this.heap.length > 0 && this.entries.get(this.heap[0]!.id) !== this.heap[0]!.parked) this.pop();
    return this.heap[0];
  }

  private rebuild(): void {
    this.heap = [];
    for (const [id, parked] of this.entries) if (parked.until < Number.MAX_SAFE_INTEGER) this.push({ until: parked.until, id, parked });
  }

  private push(due: Due): void {
    const heap = this.heap;
    heap.push(due);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.until <= due.until) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = due;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.until < heap[left]!.until ? right : left;
      if (heap[child]!.until >= last.until) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}
