/**
 * A one-shot latch that can be inspected synchronously: the append pipeline needs to know
 * whether a dependency already finished (issue the append now, in order) or not (chain it).
 * Its promise is made only when someone waits: most gates (two per append) never are.
 */
export class Gate {
  done = false;
  error: Error | undefined;
  private waiting: { promise: Promise<void>; resolve(): void; reject(error: Error): void } | undefined;

  static resolved(): Gate {
    const gate = new Gate();
    gate.resolve();
    return gate;
  }

  get pending(): boolean {
    return !this.done;
  }

  get promise(): Promise<void> {
    if (this.done) return this.error ? Promise.reject(this.error) : Promise.resolve();
    if (!this.waiting) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // failures are read from `error` or by whoever awaits; an unobserved one is not "unhandled"
      promise.catch(() => undefined);
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  resolve(): void {
    if (this.done) return;
    this.done = true;
    this.waiting?.resolve();
  }

  reject(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.waiting?.reject(error);
  }
}

/** Resolves when every gate resolved; rejects with the first failure. */
export function whenAll(gates: readonly Gate[]): Promise<void> {
  const waiting = gates.filter((g) => !g.done || g.error);
  if (waiting.length === 0) return Promise.resolve();
  if (waiting.length === 1) return waiting[0]!.promise;
  return Promise.all(waiting.map((g) => g.promise)).then(() => undefined);
}
