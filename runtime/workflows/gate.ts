/**
 * A one-shot latch that can be inspected synchronously: the append pipeline needs to know
 * whether a dependency already finished (issue the append now, in order) or not (chain it).
 */
export class Gate {
  done = false;
  error: Error | undefined;
  readonly promise: Promise<void>;
  private resolveFn!: () => void;
  private rejectFn!: (error: Error) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    // failures are read from `error` or by whoever awaits; an unobserved one is not "unhandled"
    this.promise.catch(() => undefined);
  }

  static resolved(): Gate {
    const gate = new Gate();
    gate.resolve();
    return gate;
  }

  get pending(): boolean {
    return !this.done;
  }

  resolve(): void {
    if (this.done) return;
    this.done = true;
    this.resolveFn();
  }

  reject(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.rejectFn(error);
  }
}

/** Resolves when every gate resolved; rejects with the first failure. */
export function whenAll(gates: readonly Gate[]): Promise<void> {
  const waiting = gates.filter((g) => !g.done || g.error);
  if (waiting.length === 0) return Promise.resolve();
  return Promise.all(waiting.map((g) => g.promise)).then(() => undefined);
}
