import { ScangateError } from '../errors.js';
import { lastAtOrBelow } from './ip-key.js';
import type { RegionRecord } from './region-record.js';

const INDEX_ENTRY_BYTES = 12;

/**
 * Reads ip2region's IPv4 database (the `ip2region` package's data/ip2region.db). Layout: an
 * 8-byte header with the first and last index entry's offsets; index entries of start address,
 * end address (both inclusive, little-endian) and a data pointer whose top byte is the record's
 * length; a record is a 4-byte city id then "country|area|province|city|isp", "0" for unknown.
 * The index is copied into typed arrays so a lookup is a binary search over numbers; a record
 * is decoded once, the first time an address of its range is looked up.
 */
export class Ip2regionV4 {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly pointers: Uint32Array;
  private readonly records = new Map<number, RegionRecord>();

  constructor(
    private readonly data: Buffer,
    source: string,
  ) {
    const malformed = (why: string) => new ScangateError('GW_ERR_GEO_DATABASE', `${source}: ${why}`);
    if (data.length < 8 + INDEX_ENTRY_BYTES) throw malformed('too short for an ip2region database');
    const first = data.readUInt32LE(0);
    const last = data.readUInt32LE(4);
    if (last < first || (last - first) % INDEX_ENTRY_BYTES !== 0 || last + INDEX_ENTRY_BYTES > data.length) throw malformed('header does not point at an index');
    const count = (last - first) / INDEX_ENTRY_BYTES + 1;
    this.starts = new Uint32Array(count);
    this.ends = new Uint32Array(count);
    this.pointers = new Uint32Array(count);
    for (let i = 0, at = first; i < count; i++, at += INDEX_ENTRY_BYTES) {
      this.starts[i] = data.readUInt32LE(at);
      this.ends[i] = data.readUInt32LE(at + 4);
      this.pointers[i] = data.readUInt32LE(at + 8);
      if (i > 0 && (this.starts[i] as number) <= (this.ends[i - 1] as number)) throw malformed(`index is not in address order at entry ${i}`);
    }
  }

  get ranges(): number {
    return this.starts.length;
  }

  /** The record of the range holding `address` (an unsigned 32-bit IPv4 number), if any. */
  find(address: number): RegionRecord | undefined {
    const at = lastAtOrBelow(this.starts, address);
    if (at === -1 || (this.ends[at] as number) < address) return undefined;
    const pointer = this.pointers[at] as number;
    return this.records.get(pointer) ?? this.decode(pointer);
  }

  private decode(pointer: number): RegionRecord {
    const offset = pointer & 0xffffff;
    const fields = this.data.toString('utf8', offset + 4, offset + (pointer >>> 24)).split('|');
    const field = (i: number) => (fields[i] === undefined || fields[i] === '0' ? '' : fields[i]);
    const record: RegionRecord = { place: field(0) + field(2), isp: field(4) };
    this.records.set(pointer, record);
    return record;
  }
}
