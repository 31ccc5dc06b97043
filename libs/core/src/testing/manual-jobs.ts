/** Jobs a test settles by hand: `job` starts one (a pending promise), `pending` counts and settles them in start order. */
export function manualJobs<T>() {
  const pending: Array<{ resolve: (value: T) => void; reject: (error: Error) => void }> = [];
  return {
    pending,
    job: () => new Promise<T>((resolve, reject) => void pending.push({ resolve, reject })),
  };
}
