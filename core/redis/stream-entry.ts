import { Packr } from 'msgpackr';
import { ScangateError } from '../errors.js';

/** A campaign's events stream as the ingest sees it. */
export interface EventStream {
  readonly key: string;
  readonly campaignId: string;
}

/** One stream entry delivered to this consumer, fields still raw. */
export interface StreamEntry {
  readonly stream: EventStream;
  readonly id: string;
  /** field, value, field, value… exactly as Redis returned them */
  readonly fields: readonly Buffer[];
  /** how many times the group has delivered it, this delivery included */
  readonly deliveries: number;
}

const packr = new Packr({ useRecords: false });

function isEventShape(fields: readonly Buffer[]): boolean {
  return fields.length === 2 && fields[0]?.toString('latin1') === 'd';
}

/** The entry's `d` value: the msgpack event map (the only field the decision script writes). */
export function eventPayload(entry: StreamEntry): Buffer {
  if (!isEventShape(entry.fields)) throw new ScangateError('GW_ERR_EVENT_MALFORMED', 'entry must have exactly one field "d"');
  return entry.fields[1] as Buffer;
}

/** What a dead letter keeps: the `d` value, or the whole field list (msgpack) when the shape is wrong. */
export function rawPayload(entry: StreamEntry): Buffer {
  return isEventShape(entry.fields) ? (entry.fields[1] as Buffer) : packr.pack(entry.fields);
}

/** Stream ids start with their ms timestamp. */
export function streamIdMs(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
