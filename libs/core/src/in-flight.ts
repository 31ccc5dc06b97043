/**
 * One job per key at a time: a caller that asks for a key whose job is under way gets that job's
 * promise instead of starting another (a refresh, a key's first creation, a page of the log).
 * Nothing is kept once the job settles, fulfilled or not: the next caller starts a new one.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, job: () => Promise<T>): Promise<T> {
    const joined = this.running.get(key);
    if (joined) return joined;
    const started = job();
    this.running.set(key, started);
    const clear = (): void => {
      if (this.running.get(key) === started) this.running.delete(key);
    };
    started.then(clear, clear);
    return started;
  }
}
