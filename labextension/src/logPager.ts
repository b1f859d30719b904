/**
 * The lines of one log the log view holds: a window `[first, end)` of a log of `total` lines, grown a
 * page at a time at either end, so a huge log is never loaded whole. No UI.
 */

import { ILogPage, SparkAPI } from './tokens';

/** Fetches one page of the log. */
export type LogFetcher = (page: ILogPage) => Promise<SparkAPI.ILog>;

/** One loaded line that matches a search, with its line number (1-based, as editors count). */
export interface ILogMatch {
  line: number;
  text: string;
}

/** How many pages following keeps before dropping the oldest lines. */
export const FOLLOW_KEEP_PAGES = 10;

/** A window of a log, paged from the server. */
export class LogPager {
  /**
   * @param fetch - fetches a page.
   * @param pageSize - lines per page, read at each fetch (the setting may change meanwhile).
   */
  constructor(
    private readonly _fetch: LogFetcher,
    private readonly _pageSize: () => number
  ) {}

  /** The number of the first loaded line (0-based). */
  get first(): number {
    return this._first;
  }

  /** One past the last loaded line. */
  get end(): number {
    return this._first + this._lines.length;
  }

  /** The line count of the whole log at the last fetch. */
  get total(): number {
    return this._total;
  }

  /** The loaded lines. */
  get lines(): readonly string[] {
    return this._lines;
  }

  /** Whether lines before the loaded ones exist. */
  get hasEarlier(): boolean {
    return this._first > 0;
  }

  /** Load the last page, replacing what was loaded. */
  async tail(): Promise<void> {
    const log = await this._fetch({ size: this._pageSize() });
    this._first = log.from;
    this._lines = [...log.lines];
    this._total = log.total;
  }

  /** Load the page before the loaded lines. @returns how many lines were added. */
  async earlier(): Promise<number> {
    if (this._first <= 0) {
      return 0;
    }
    const from = Math.max(0, this._first - this._pageSize());
    const log = await this._fetch({ from, size: this._first - from });
    // Only the lines that end where ours begin, in case the log changed under us.
    const lines = log.lines.slice(0, Math.max(0, this._first - log.from));
    this._lines = [...lines, ...this._lines];
    this._first -= lines.length;
    this._total = log.total;
    return lines.length;
  }

  /**
   * Load the lines written after the loaded ones (tail -f), keeping at most `FOLLOW_KEEP_PAGES`
   * pages. A log that became shorter (replaced) is loaded from its tail again.
   *
   * @returns how many lines were added.
   */
  async follow(): Promise<number> {
    const end = this.end;
    const log = await this._fetch({ from: end, size: this._pageSize() });
    if (log.total < end) {
      await this.tail();
      return this._lines.length;
    }
    const added = log.from === end ? log.lines : [];
    this._lines = [...this._lines, ...added];
    this._total = log.total;
    const keep = this._pageSize() * FOLLOW_KEEP_PAGES;
    if (this._lines.length > keep) {
      const dropped = this._lines.length - keep;
      this._lines = this._lines.slice(dropped);
      this._first += dropped;
    }
    return added.length;
  }

  /**
   * @param query - text to look for, case-insensitively; empty matches nothing.
   * @returns the loaded lines containing it.
   */
  search(query: string): ILogMatch[] {
    const needle = query.toLowerCase();
    if (!needle) {
      return [];
    }
    const found: ILogMatch[] = [];
    this._lines.forEach((text, index) => {
      if (text.toLowerCase().includes(needle)) {
        found.push({ line: this._first + index + 1, text });
      }
    });
    return found;
  }

  private _first = 0;
  private _total = 0;
  private _lines: string[] = [];
}
