/**
 * The store's word that something it holds changed: one notice for the writes of one turn (the
 * listeners run in a microtask after the first, before the writer's own code goes on), and one
 * for a batch of writes at its end.
 */
export class ChangeNotices {
  private readonly listeners = new Set<() => void>();
  private queued = false;
  private dirty = false;
  private batches = 0;

  /** Calls `listener` after the store changed; returns how to stop. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(): void {
    if (!this.listeners.size) return;
    this.dirty = true;
    if (this.batches || this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.batches) this.deliver();
    });
  }

  /** Runs `work` with its writes announced once, when it ends. */
  async batch<T>(work: () => Promise<T>): Promise<T> {
    this.batches++;
    try {
      return await work();
    } finally {
      if (--this.batches === 0) this.deliver();
    }
  }

  private deliver(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (const listener of this.listeners) listener();
  }
}
