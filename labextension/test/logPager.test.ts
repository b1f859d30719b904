import { beforeEach, describe, expect, it } from 'vitest';

import { FOLLOW_KEEP_PAGES, LogPager } from '../src/logPager';
import { ILogPage, SparkAPI } from '../src/tokens';

/** A log that grows, answering pages as the gateway does (`from` omitted: the last `size` lines). */
class GrowingLog {
  lines: string[] = [];
  asked: ILogPage[] = [];

  write(count: number): void {
    const start = this.lines.length;
    for (let i = 0; i < count; i++) {
      this.lines.push(`line ${start + i + 1}`);
    }
  }

  async fetch(page: ILogPage): Promise<SparkAPI.ILog> {
    this.asked.push(page);
    const size = page.size ?? 100;
    const total = this.lines.length;
    const from = page.from ?? Math.max(0, total - size);
    return { id: 1, from, total, lines: this.lines.slice(from, from + size) };
  }
}

let log: GrowingLog;
let pageSize: number;
let pager: LogPager;

beforeEach(() => {
  log = new GrowingLog();
  pageSize = 10;
  pager = new LogPager(
    page => log.fetch(page),
    () => pageSize
  );
});

describe('LogPager', () => {
  it('loads only the last page first', async () => {
    log.write(1000);
    await pager.tail();
    expect([pager.first, pager.end, pager.total]).toEqual([990, 1000, 1000]);
    expect(pager.lines[0]).toBe('line 991');
    expect(log.asked).toEqual([{ size: 10 }]);
  });

  it('loads earlier pages one at a time, down to the first line', async () => {
    log.write(25);
    await pager.tail();
    expect(await pager.earlier()).toBe(10);
    expect(await pager.earlier()).toBe(5);
    expect(await pager.earlier()).toBe(0);
    expect(pager.hasEarlier).toBe(false);
    expect(pager.lines).toEqual(log.lines);
    expect(log.asked.slice(1)).toEqual([
      { from: 5, size: 10 },
      { from: 0, size: 5 }
    ]);
  });

  it('follows new lines from the last one seen, one page per poll', async () => {
    log.write(3);
    await pager.tail();
    expect(await pager.follow()).toBe(0);
    log.write(12);
    expect(await pager.follow()).toBe(10);
    expect(await pager.follow()).toBe(2);
    expect(pager.lines).toEqual(log.lines);
    expect(log.asked.slice(1).map(page => page.from)).toEqual([3, 3, 13]);
  });

  it('keeps a bounded number of lines while following', async () => {
    await pager.tail();
    for (let i = 0; i < FOLLOW_KEEP_PAGES + 3; i++) {
      log.write(pageSize);
      await pager.follow();
    }
    expect(pager.lines.length).toBe(pageSize * FOLLOW_KEEP_PAGES);
    expect(pager.end).toBe(log.lines.length);
    expect(pager.lines.at(-1)).toBe(log.lines.at(-1));
    expect(pager.hasEarlier).toBe(true);
  });

  it('reloads the tail when the log became shorter', async () => {
    log.write(50);
    await pager.tail();
    log.lines = ['fresh 1', 'fresh 2'];
    await pager.follow();
    expect(pager.lines).toEqual(['fresh 1', 'fresh 2']);
    expect([pager.first, pager.total]).toEqual([0, 2]);
  });

  it('uses a changed page size for the next page', async () => {
    log.write(100);
    await pager.tail();
    pageSize = 30;
    await pager.earlier();
    expect(pager.first).toBe(60);
  });

  it('searches the loaded lines case-insensitively, numbering lines from 1', async () => {
    log.write(30);
    log.lines[27] = 'ERROR Executor: task failed';
    await pager.tail();
    expect(pager.search('error')).toEqual([{ line: 28, text: 'ERROR Executor: task failed' }]);
    expect(pager.search('')).toEqual([]);
    expect(pager.search('line 5')).toEqual([]); // line 5 is not loaded
  });
});
