/** A queued job whose reason to run went away before its turn (its call ended). */
export class JobCancelled extends Error {
  override readonly name = 'JobCancelled';
}

/**
 * Runs at most `limit` jobs at once and the others in order as slots free up. A queued job is asked whether it is
 * still wanted when its turn comes, and is skipped (rejected with JobCancelled) if not.
 */
export function jobSlots(limit: number) {
  let running = 0;
  const queue: Array<() => void> = [];
  const startNext = () => queue.shift()?.();
  function start<T>(job: () => Promise<T>): Promise<T> {
    running += 1;
    let result: Promise<T>;
    try {
      result = job();
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.finally(() => {
      running -= 1;
      startNext();
    });
  }
  return {
    run<T>(job: () => Promise<T>, stillWanted: () => boolean): Promise<T> {
      if (running < limit) return start(job);
      return new Promise<T>((resolve, reject) =>
        queue.push(() => {
          if (!stillWanted()) {
            reject(new JobCancelled('no longer wanted'));
            startNext();
            return;
          }
          start(job).then(resolve, reject);
        }),
      );
    },
    /** Every slot is taken: a new job would wait. */
    get full(): boolean {
      return running >= limit;
    },
  };
}
