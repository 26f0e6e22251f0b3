/**
 * A fixed number of server workers, each taking one job at a time, in the order the jobs came:
 * PHP-FPM's children, gunicorn's workers, RQ's background workers. The ERPNext sandbox's webhook
 * delivery and the bench's cost-model proxy both serve through one. `size` may be Infinity.
 */
export interface WorkerPool {
  /** Resolves once a worker has taken this job. */
  acquire(): Promise<void>;
  /** The job is done: its worker takes the next waiting job, or goes idle. */
  release(): void;
}

export function createWorkerPool(size: number): WorkerPool {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire() {
      if (busy < size) {
        busy++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else busy--;
    },
  };
}
