import type { ActionRecord } from '@/lib/db/schema';
import type { ExportFormat } from '@/lib/export/formats';
import type { HistoryFilter } from '@/lib/history/query';
import { t } from '../i18n';
import { errorText } from '../errorText';

export const PAGE = 100;
/** Pages kept either side of the one just loaded; further ones are dropped to keep memory flat. */
const KEEP_PAGES = 5;

/** Where the history comes from: IndexedDB in the panel, a fake in tests. */
export interface HistorySource {
  page(filter: HistoryFilter, offset: number, limit: number): Promise<ActionRecord[]>;
  count(filter: HistoryFilter): Promise<number>;
  sites(): Promise<string[]>;
  export(filter: HistoryFilter, format: ExportFormat, screenshots: boolean): Promise<{ count: number }>;
}

export interface HistoryState {
  /** The filter the rows answer; its text trails what is typed by the debounce. */
  filter: HistoryFilter;
  search: string;
  total: number | null;
  /** Null until the first page for this filter has arrived. */
  pages: ReadonlyMap<number, ActionRecord[]> | null;
  sites: string[];
  error: string | null;
  exporting: { busy: boolean; done: string | null; error: string | null };
}

export interface ModelTiming {
  /** Quiet time after the last keystroke before a search runs. */
  searchDelayMs: number;
  /** A burst of changes from the broker (an agent acting fast) reloads once, after it. */
  changeDelayMs: number;
}

const TIMING: ModelTiming = { searchDelayMs: 250, changeDelayMs: 150 };

/**
 * The history view's data, framework-free: filters, a debounced search, the visible pages and
 * the export. Every load carries the generation it was started for; a load that finishes after
 * the filter changed or the history was reloaded is dropped, so stale rows never land.
 */
export class HistoryModel {
  private state: HistoryState = {
    filter: {},
    search: '',
    total: null,
    pages: null,
    sites: [],
    error: null,
    exporting: { busy: false, done: null, error: null },
  };
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private readonly loading = new Set<number>();
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: HistorySource,
    private readonly timing: ModelTiming = TIMING,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): HistoryState => this.state;

  /** Loads the first page; the view calls it once it is shown. */
  start(): void {
    this.reload(true);
  }

  stop(): void {
    clearTimeout(this.searchTimer);
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined; // else a change pending at stop would block every later one
    this.generation++;
  }

  /** Site, kind, outcome and dates apply at once. */
  setFilter(change: Partial<HistoryFilter>): void {
    this.applyFilter({ ...this.state.filter, ...change });
  }

  setSearch(text: string): void {
    this.set({ search: text });
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.applyFilter({ ...this.state.filter, text: text.trim() }), this.timing.searchDelayMs);
  }

  /** The broker changed the history. */
  changed(): void {
    if (this.changeTimer !== undefined) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.reload(false);
    }, this.timing.changeDelayMs);
  }

  /** Rows `first` to `last` (exclusive) are in view: load the pages they need. */
  readonly ensureRows = (first: number, last: number): void => {
    const pages = this.state.pages;
    if (!pages) return;
    const generation = this.generation;
    for (let page = Math.floor(first / PAGE); page * PAGE < last; page++) {
      if (pages.has(page) || this.loading.has(page)) continue;
      this.loading.add(page);
      this.source
        .page(this.state.filter, page * PAGE, PAGE)
        .then(
          (rows) => {
            if (generation !== this.generation || !this.state.pages) return;
            const next = new Map(this.state.pages);
            next.set(page, rows);
            for (const key of next.keys()) if (Math.abs(key - page) > KEEP_PAGES) next.delete(key);
            this.set({ pages: next });
          },
          (error: unknown) => this.failed(generation, error),
        )
        .finally(() => {
          if (generation === this.generation) this.loading.delete(page);
        });
    }
  };

  async exportAs(format: ExportFormat, screenshots: boolean): Promise<void> {
    if (this.state.exporting.busy) return;
    this.set({ exporting: { busy: true, done: null, error: null } });
    try {
      const { count } = await this.source.export(this.state.filter, format, screenshots);
      this.set({ exporting: { busy: false, done: t('history.exported', count, [count.toLocaleString()]), error: null } });
    } catch (error) {
      this.set({ exporting: { busy: false, done: null, error: t('history.exportFailed', { error: errorText(error) }) } });
    }
  }

  private applyFilter(filter: HistoryFilter): void {
    const next: HistoryFilter = { ...filter };
    for (const key of Object.keys(next) as (keyof HistoryFilter)[]) if (next[key] === undefined || next[key] === '') delete next[key];
    if (sameFilter(next, this.state.filter)) return;
    this.set({ filter: next });
    this.reload(true);
  }

  /**
   * The first rows come first; counting a large history takes longer and would hold up
   * IndexedDB's one backend meanwhile, so it waits until they are shown.
   */
  private reload(newFilter: boolean): void {
    const generation = ++this.generation;
    this.loading.clear();
    if (newFilter) this.set({ total: null, pages: null, error: null });
    const filter = this.state.filter;
    const run = async () => {
      const rows = await this.source.page(filter, 0, PAGE);
      if (generation !== this.generation) return;
      this.set({ pages: new Map([[0, rows]]), error: null });
      const total = await this.source.count(filter);
      if (generation !== this.generation) return;
      this.set({ total });
      const sites = await this.source.sites();
      if (generation === this.generation) this.set({ sites });
    };
    run().catch((error: unknown) => this.failed(generation, error));
  }

  private failed(generation: number, error: unknown): void {
    if (generation === this.generation) this.set({ error: t('history.readFailed', { error: errorText(error) }) });
  }

  private set(change: Partial<HistoryState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}

function sameFilter(a: HistoryFilter, b: HistoryFilter): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof HistoryFilter)[]);
  return [...keys].every((key) => a[key] === b[key]);
}
