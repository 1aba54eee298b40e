import { isIP } from 'node:net';
import { Unpackr } from 'msgpackr';
import { ScangateError } from '../../core/errors.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { uaClasses } from '../../core/scan/ua-classes.js';
import { USER_AGENT_KEPT_CHARS } from '../../core/redis/redeem-batch.js';
import { notePattern, reviewDecisions, reviewerPattern, type ReviewDecision } from '../../core/redis/settle-review.js';
import type { IngestEvent, ReviewEventRow, ScanEventRow } from './scan-event.js';

/**
 * Turns one events-stream entry (the msgpack map the decision script or the settle script
 * XADDs, see ARCHITECTURE.md) into a typed row. Validation is strict and hand-written (it runs ~50k times
 * a second): a value that fails here never reaches Postgres; the entry becomes a poison message.
 */

// Lua's cmsgpack writes ms timestamps and serials as 64-bit ints; they fit a double exactly.
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });

const codePattern = /^[0-9A-HJKMNP-TV-Z]{30}$/;
const devicePattern = /^[A-Za-z0-9_-]{22}$/;
const slugPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;
const regionPattern = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const streamIdPattern = /^\d{1,20}-\d{1,20}$/;
const uaClassPattern = new RegExp(`^(?:${uaClasses.join('|')})$`);
const earliestMs = Date.UTC(2000, 0, 1);
const latestMs = Date.UTC(2100, 0, 1);
const scanFields = new Set(['v', 'at', 'code', 'batch', 'serial', 'dev', 'ip', 'o', 't', 'rp', 'sc', 'rs', 'first', 'ua', 'rg', 'lat', 'lon', 'nd', 'rd', 'uar', 'rw']);
const reviewFields = new Set(['v', 'k', 'at', 'code', 'scan', 'dec', 'by', 'note', 't']);
const decisionPattern = new RegExp(`^(?:${reviewDecisions.join('|')})$`);

type EventMap = Record<string, unknown>;

function malformed(detail: string): ScangateError {
  return new ScangateError('GW_ERR_EVENT_MALFORMED', detail);
}

function int(map: EventMap, key: string, min: number, max: number): number {
  const value = map[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw malformed(`${key} must be an integer in [${min}, ${max}]`);
  return value;
}

function flag(map: EventMap, key: string): boolean {
  return int(map, key, 0, 1) === 1;
}

function text(map: EventMap, key: string, pattern: RegExp): string {
  const value = map[key];
  if (typeof value !== 'string' || !pattern.test(value)) throw malformed(`${key} is not a valid value`);
  return value;
}

/** Lua writes "" for "none"; an absent key is not allowed (the contract always writes it). */
function optionalText(map: EventMap, key: string, pattern: RegExp): string | null {
  return map[key] === '' ? null : text(map, key, pattern);
}

/**
 * The raw User-Agent, kept only by held and blocked events: any text a client sent (it is shown
 * escaped), capped like the gateway caps it; absent from other events and older ones.
 */
function rawUserAgent(map: EventMap): string | null {
  const value = map.uar;
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length > USER_AGENT_KEPT_CHARS) throw malformed('uar is not a User-Agent');
  // Postgres text cannot hold NUL; uWS passes header bytes through as they came.
  return value.replaceAll('\0', '\uFFFD');
}

/**
 * The campaign's weights of the fired reasons, lowest bit first (written only when the mask is
 * not 0, so older events and clean decisions have none): one per bit of the mask.
 */
function ruleWeights(map: EventMap, reasonMask: number): number[] | null {
  const value = map.rw;
  if (value === undefined) return null;
  let bits = 0;
  for (let mask = reasonMask; mask > 0; mask >>>= 1) bits += mask & 1;
  // An empty Lua table packs as an empty map; with a mask that has bits it never is one.
  if (!Array.isArray(value) || value.length !== bits || !value.every((w) => Number.isInteger(w) && w >= 0 && w <= 100))
    throw malformed('rw is not one weight (0-100) per reason of rs');
  return value as number[];
}

/** Coordinates are nil in Lua when unknown, so the key is simply missing from the map. */
function coordinate(map: EventMap, key: string, limit: number): number | null {
  const value = map[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) throw malformed(`${key} is out of range`);
  return value;
}

function unpackMap(payload: Buffer): EventMap {
  let value: unknown;
  try {
    value = unpackr.unpack(payload);
  } catch (err) {
    throw malformed(`not msgpack: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    throw malformed('not a msgpack map with string keys');
  const map = value as EventMap;
  if (map.v !== 1) throw malformed(`unsupported event version ${String(map.v)}`);
  return map;
}

function onlyFields(map: EventMap, known: ReadonlySet<string>): void {
  for (const key of Object.keys(map)) if (!known.has(key)) throw malformed(`unknown field "${key}"`);
}

/** A scan decision (redeemBatch) or a review decision (settleReview, `k: "review"`). */
export function decodeEvent(campaignId: string, eventId: string, payload: Buffer): IngestEvent {
  const map = unpackMap(payload);
  return map.k === undefined ? scanRow(campaignId, eventId, map) : reviewRow(campaignId, eventId, map);
}

export function decodeScanEvent(campaignId: string, eventId: string, payload: Buffer): ScanEventRow {
  return scanRow(campaignId, eventId, unpackMap(payload));
}

function reviewRow(campaignId: string, eventId: string, map: EventMap): ReviewEventRow {
  onlyFields(map, reviewFields);
  if (map.k !== 'review') throw malformed(`unknown event kind ${String(map.k)}`);
  return {
    kind: 'review',
    campaignId,
    eventId,
    decidedAt: int(map, 'at', earliestMs, latestMs),
    code: text(map, 'code', codePattern),
    scanId: text(map, 'scan', streamIdPattern),
    decision: text(map, 'dec', decisionPattern) as ReviewDecision,
    reviewer: text(map, 'by', reviewerPattern),
    note: optionalText(map, 'note', notePattern),
    tierId: text(map, 't', slugPattern),
  };
}

function scanRow(campaignId: string, eventId: string, map: EventMap): ScanEventRow {
  onlyFields(map, scanFields);
  const ip = map.ip;
  if (typeof ip !== 'string' || isIP(ip) === 0) throw malformed('ip is not an IP address');
  return {
    kind: 'scan',
    campaignId,
    eventId,
    scannedAt: int(map, 'at', earliestMs, latestMs),
    code: text(map, 'code', codePattern),
    batchId: int(map, 'batch', 0, 2 ** 25 - 1),
    serial: int(map, 'serial', 0, 2 ** 35 - 1),
    deviceId: text(map, 'dev', devicePattern),
    ip,
    outcome: int(map, 'o', Outcome.Won, Outcome.Blocked) as Outcome,
    tierId: optionalText(map, 't', slugPattern),
    replay: flag(map, 'rp'),
    score: int(map, 'sc', 0, 100),
    reasonMask: int(map, 'rs', 0, 2 ** 31 - 1),
    ruleWeights: ruleWeights(map, int(map, 'rs', 0, 2 ** 31 - 1)),
    firstScanId: optionalText(map, 'first', streamIdPattern),
    uaClass: text(map, 'ua', uaClassPattern),
    region: optionalText(map, 'rg', regionPattern),
    lat: coordinate(map, 'lat', 90),
    lon: coordinate(map, 'lon', 180),
    newDevice: flag(map, 'nd'),
    // Written only on redeliveries, so entries from before it existed decode too.
    redelivered: map.rd === undefined ? false : flag(map, 'rd'),
    userAgent: rawUserAgent(map),
  };
}
