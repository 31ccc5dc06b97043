/** `work` run once, its result shared by every caller; after a failure (a store away) the next call runs it again. */
export function retryUntilDone(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= work().catch((error: unknown) => {
      done = undefined;
      throw error;
    }));
}
