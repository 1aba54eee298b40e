import { setTimeout as sleep } from 'node:timers/promises';
import { phoneAgent } from '../testing/scan-client.js';

/**
 * The client side of a fault test: phones scanning over HTTP, concurrently, recording every
 * answer they received (and every scan that got none). What the tests then compare with
 * Postgres is exactly what a phone was told.
 */
export interface RecordedScan {
  readonly code: string;
  /** the phone that scanned (its index) */
  readonly phone: number;
  /** HTTP status; 0 when no response arrived (connection refused or reset) */
  readonly status: number;
  readonly outcome?: string;
  readonly scanId?: string;
  readonly replay?: boolean;
  /** the refusal's error code (503s, ...) */
  readonly error?: string;
  /** why no response arrived (ECONNREFUSED: the request was never sent; anything else: it may have been) */
  readonly failure?: string;
}

export interface ScanLoadOptions {
  readonly baseUrl: string;
  /** fresh codes, handed out one by one; each is scanned until a phone gets an answer for it */
  readonly codes: readonly string[];
  /** phones scanning at once (requests in flight) */
  readonly phones: number;
  /** every n-th scan of a phone re-scans a code another phone was answered for (0: never) */
  readonly rescanEvery?: number;
  /** attempts per code before the phone gives it up (a code with no answer keeps its unknown fate) */
  readonly maxAttempts?: number;
  /** pause after a scan that got no answer, so a dead server does not spin the client */
  readonly pauseAfterFailureMs?: number;
}

export interface ScanLoad {
  /** every scan so far, in the order the answers arrived */
  readonly scans: readonly RecordedScan[];
  /** Stops handing out work: each phone finishes the scan it has in flight. */
  stop(): void;
  /** Resolves when every phone has finished (codes used up, or stopped). */
  readonly done: Promise<readonly RecordedScan[]>;
  /** Resolves once this many scans have been answered with 200 (or the load ended). */
  answered(count: number): Promise<void>;
}

interface Phone {
  readonly index: number;
  cookie: string | undefined;
  scans: number;
}

async function scanOnce(baseUrl: string, code: string, phone: Phone): Promise<RecordedScan> {
  try {
    const response = await fetch(`${baseUrl}/s/${code}`, {
      headers: { accept: 'application/json', 'user-agent': phoneAgent, ...(phone.cookie ? { cookie: phone.cookie } : {}) },
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) phone.cookie = setCookie.split(';')[0];
    const body = (await response.json()) as { outcome?: string; scanId?: string; replay?: boolean; error?: string };
    return { code, phone: phone.index, status: response.status, outcome: body.outcome, scanId: body.scanId, replay: body.replay, error: body.error };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { code, phone: phone.index, status: 0, failure: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}

export function startScanLoad(options: ScanLoadOptions): ScanLoad {
  const scans: RecordedScan[] = [];
  const maxAttempts = options.maxAttempts ?? 50;
  const pause = options.pauseAfterFailureMs ?? 50;
  let next = 0;
  let stopped = false;
  let okCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const answeredCodes: string[] = [];

  const record = (scan: RecordedScan): void => {
    scans.push(scan);
    if (scan.status !== 200) return;
    okCount++;
    answeredCodes.push(scan.code);
    for (const waiter of waiters.filter((w) => okCount >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const pick = (phone: Phone): string | undefined => {
    phone.scans++;
    const rescan = options.rescanEvery && phone.scans % options.rescanEvery === 0 && answeredCodes.length > 0;
    if (rescan) return answeredCodes[Math.floor(Math.random() * answeredCodes.length)];
    return next < options.codes.length ? options.codes[next++] : undefined;
  };

  async function run(phone: Phone): Promise<void> {
    for (let code = pick(phone); code !== undefined && !stopped; code = pick(phone)) {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const scan = await scanOnce(options.baseUrl, code, phone);
        record(scan);
        if (scan.status === 200 || stopped) break;
        await sleep(pause);
      }
    }
  }

  const phones = Array.from({ length: options.phones }, (_, index): Phone => ({ index, cookie: undefined, scans: 0 }));
  const done = Promise.all(phones.map(run)).then(() => {
    stopped = true;
    for (const waiter of waiters.splice(0)) waiter.resolve();
    return scans;
  });
  return {
    scans,
    stop: () => void (stopped = true),
    done,
    answered: (count) =>
      okCount >= count || stopped ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

/** Codes some answer announced as consumed by its scan (won, no_prize, held; not a replay). */
export function consumedCodes(scans: readonly RecordedScan[]): string[] {
  const consuming = new Set(['won', 'no_prize', 'held']);
  return [...new Set(scans.filter((scan) => scan.status === 200 && !scan.replay && consuming.has(scan.outcome ?? '')).map((scan) => scan.code))];
}
