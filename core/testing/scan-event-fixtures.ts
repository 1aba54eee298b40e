import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import { newDeviceId } from '../scan/device-id.js';
import { Outcome } from '../scan/outcomes.js';

/**
 * Decision events written the way the decision script writes them (for ingest tests and the
 * ingest benchmark): each map is re-packed by Redis's own cmsgpack inside a script, then XADDed
 * as field `d`, so the bytes match what redeemBatch appends.
 */
export type EventMap = Record<string, unknown>;

const packr = new Packr({ useRecords: false });
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++, value = Math.floor(value / 32)) out = crockford[value % 32] + out;
  return out;
}

/** A string in the code format (v1). The tag is random: ingest checks the format, not the MAC. */
export function fakeCode(batchId: number, serial: number): string {
  let tag = '';
  for (const byte of randomBytes(16)) tag += crockford[byte % 32];
  return `1${base32(0, 1)}${base32(batchId, 5)}${base32(serial, 7)}${tag}`;
}

/** A won scan by default; override any field (set one to undefined to leave it out). */
export function scanEventMap(serial: number, overrides: EventMap = {}): EventMap {
  const map: EventMap = {
    v: 1,
    at: Date.now(),
    code: fakeCode(7, serial),
    batch: 7,
    serial,
    dev: newDeviceId(),
    ip: '203.0.113.9',
    o: Outcome.Won,
    t: 'gold',
    rp: 0,
    sc: 12,
    rs: 0,
    first: '',
    ua: 'mobile',
    rg: 'CN-SH',
    lat: 31.25,
    lon: 121.5,
    nd: 1,
    ...overrides,
  };
  for (const key of Object.keys(map)) if (map[key] === undefined) delete map[key];
  return map;
}

const appendScript = `
for i = 1, #ARGV do
  redis.call('XADD', KEYS[1], '*', 'd', cmsgpack.pack(cmsgpack.unpack(ARGV[i])))
end
return #ARGV`;

/** XADDs each map as the decision script does; returns nothing (read ids back with XRANGE). */
export async function appendScanEvents(redis: Redis, streamKey: string, maps: readonly EventMap[]): Promise<void> {
  const perCall = 1000;
  for (let start = 0; start < maps.length; start += perCall) {
    const packed = maps.slice(start, start + perCall).map((map) => packr.pack(map));
    await redis.eval(appendScript, 1, streamKey, ...packed);
  }
}

