/**
 * A read that began after the call: a read already under way may predate what the caller
 * must see, so callers arriving during one share the next. Fifty callers at once cost two reads.
 */
export class FreshRead<T> {
  private current: Promise<T> | null = null;
  private next: Promise<T> | null = null;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.current) {
      this.current = this.read().finally(() => (this.current = null));
      return this.current;
    }
    this.next ??= this.current.then(
      () => this.afterCurrent(),
      () => this.afterCurrent(),
    );
    return this.next;
  }

  /** Whether no read is under way or waiting. */
  get idle(): boolean {
    return !this.current && !this.next;
  }

  private afterCurrent(): Promise<T> {
    this.next = null;
    return this.get();
  }
}
