import { describe, expect, it } from 'vitest';
import { BACKLOG_COUNT_CAP } from '../../core/review/queue.js';
import { piiView } from './evidence-view.js';
import { reviewQueuePage } from './review-page.js';

/** The line on top of the queue says whether its count is exact or stopped at the cap. */
describe('review queue: the backlog line', () => {
  const line = (locale: 'en' | 'zh-CN', count: number, capped: boolean) =>
    /<p class="backlog">([^<]*)<\/p>/.exec(
      reviewQueuePage(locale, {
        query: { reason: 'ip_velocity' },
        backlog: { count, capped, oldestAgeSeconds: 2 * 3600 + 5 * 60 },
        scans: [],
        next: null,
        self: '/review',
        pii: piiView(false),
        now: 0,
      }).text,
    )?.[1];

  it('an exact count as it is; a capped one as "N+" with the reason', () => {
    expect(line('en', 1234, false)).toBe('1,234 held scans waiting; the oldest has waited 2 h 5 min. Oldest first.');
    expect(line('en', BACKLOG_COUNT_CAP, true)).toBe(
      '1,000+ held scans waiting (a reason, score or age filter is counted up to 1,000); the oldest has waited 2 h 5 min. Oldest first.',
    );
    expect(line('zh-CN', BACKLOG_COUNT_CAP, true)).toBe('待审核超过 1,000 条（按原因、分数或时长筛选时最多数到 1,000），最早的已等待 2 小时 5 分钟。 按时间排序，最早的在前。');
    expect(line('zh-CN', 7, false)).toBe('待审核 7 条，最早的已等待 2 小时 5 分钟。 按时间排序，最早的在前。');
  });
});
