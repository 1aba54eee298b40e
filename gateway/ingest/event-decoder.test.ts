import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScangateError } from '../../core/errors.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { createTestRedis, type TestRedis } from '../../core/testing/test-redis.js';
import { decodeEvent, decodeScanEvent } from './event-decoder.js';
import { appendScanEvents, scanEventMap, type EventMap } from '../../core/testing/scan-event-fixtures.js';

const packr = new Packr({ useRecords: false });

function decodePacked(map: EventMap) {
  return decodeScanEvent('spring', '1700000000000-0', packr.pack(map));
}

function expectMalformed(map: EventMap | Buffer): void {
  try {
    decodeScanEvent('spring', '1-0', Buffer.isBuffer(map) ? map : packr.pack(map));
  } catch (err) {
    expect(isScangateError(err, 'GW_ERR_EVENT_MALFORMED')).toBe(true);
    return;
  }
  throw new Error('expected GW_ERR_EVENT_MALFORMED');
}

describe('decodeScanEvent', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(() => t.cleanup());

  it('decodes the bytes Lua cmsgpack writes (64-bit ints, float32 coordinates, missing nils)', async () => {
    const key = `${t.prefix}events`;
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    await appendScanEvents(t.redis, key, [
      scanEventMap(2 ** 35 - 1, { at, t: '', o: Outcome.NoPrize, lat: undefined, lon: undefined, rg: '' }),
    ]);
    const [id, fields] = (await t.redis.xrangeBuffer(key, '-', '+'))[0] as [Buffer, Buffer[]];
    const row = decodeScanEvent('spring', id.toString(), fields[1] as Buffer);
    expect(row).toMatchObject({
      campaignId: 'spring',
      eventId: id.toString(),
      scannedAt: at,
      serial: 2 ** 35 - 1,
      outcome: Outcome.NoPrize,
      tierId: null,
      region: null,
      lat: null,
      lon: null,
      replay: false,
      newDevice: true,
      uaClass: 'mobile',
      redelivered: false,
      userAgent: null,
    });
  });

  it('keeps coordinates and optional strings when present', () => {
    const row = decodePacked(scanEventMap(5, { rp: 1, first: '1699999999999-3', lat: -33.5, lon: 151.25 }));
    expect(row).toMatchObject({ replay: true, firstScanId: '1699999999999-3', lat: -33.5, lon: 151.25, tierId: 'gold', region: 'CN-SH' });
  });

  it('keeps the raw User-Agent of held and blocked events as the text it was, NUL made U+FFFD (Postgres text holds no NUL)', () => {
    const agent = '<script>alert(1)</script>\tMozilla/5.0 \u0000 手机';
    expect(decodePacked(scanEventMap(1, { o: Outcome.Held, uar: agent }))).toMatchObject({ userAgent: '<script>alert(1)</script>\tMozilla/5.0 \uFFFD 手机' });
  });

  it('reads the redelivery flag, written only on redeliveries', () => {
    expect(decodePacked(scanEventMap(1, { rp: 1, rd: 1, first: '1699999999999-3' }))).toMatchObject({ replay: true, redelivered: true });
  });

  it.each([
    ['not msgpack', Buffer.from([0xc1])],
    ['an array', packr.pack([1, 2])],
    ['a wrong version', scanEventMap(1, { v: 2 })],
    ['an unknown field', scanEventMap(1, { extra: 1 })],
    ['a missing field', scanEventMap(1, { code: undefined })],
    ['a lower-case code', scanEventMap(1, { code: 'a'.repeat(30) })],
    ['a bad ip', scanEventMap(1, { ip: '300.1.1.1' })],
    ['an outcome out of range', scanEventMap(1, { o: Outcome.Invalid })],
    ['a fractional score', scanEventMap(1, { sc: 1.5 })],
    ['a timestamp in 1970', scanEventMap(1, { at: 5 })],
    ['a string timestamp', scanEventMap(1, { at: '1700000000000' })],
    ['a latitude out of range', scanEventMap(1, { lat: 91 })],
    ['an unknown ua class', scanEventMap(1, { ua: 'fridge' })],
    ['a tier id with a tab', scanEventMap(1, { t: 'gold\tx' })],
    ['a bad first-scan id', scanEventMap(1, { first: 'abc' })],
    ['replay = 2', scanEventMap(1, { rp: 2 })],
    ['redelivered = 2', scanEventMap(1, { rd: 2 })],
    ['a User-Agent that is not text', scanEventMap(1, { uar: 5 })],
    ['a User-Agent longer than the gateway keeps', scanEventMap(1, { uar: 'x'.repeat(513) })],
  ])('rejects %s as malformed', (_name, input) => {
    expectMalformed(input as EventMap | Buffer);
  });
});

describe('decodeEvent: review events', () => {
  const review = (overrides: EventMap = {}): EventMap => ({
    v: 1, k: 'review', at: 1_700_000_000_000, code: scanEventMap(1).code, scan: '1699999999000-3', dec: 'reject', by: 'alice', note: '', t: 'gold', ...overrides,
  });
  const malformed = (map: EventMap): boolean => {
    try {
      decodeEvent('spring', '1700000000001-0', packr.pack(map));
      return false;
    } catch (err) {
      return isScangateError(err, 'GW_ERR_EVENT_MALFORMED');
    }
  };

  it('decodes a review as settleReview writes it (an empty note is none)', () => {
    expect(decodeEvent('spring', '1700000000001-0', packr.pack(review()))).toMatchObject({
      kind: 'review', eventId: '1700000000001-0', scanId: '1699999999000-3', decision: 'reject', reviewer: 'alice', note: null, tierId: 'gold', decidedAt: 1_700_000_000_000,
    });
    expect(decodeEvent('spring', '1-0', packr.pack(scanEventMap(2)))).toMatchObject({ kind: 'scan' });
  });

  it('refuses an unknown kind, decision, field, or a reviewer with control characters', () => {
    expect(malformed(review({ k: 'ban' }))).toBe(true);
    expect(malformed(review({ dec: 'maybe' }))).toBe(true);
    expect(malformed(review({ extra: 1 }))).toBe(true);
    expect(malformed(review({ by: 'a\u0007b' }))).toBe(true);
    expect(malformed(review({ scan: 'nope' }))).toBe(true);
  });
});
