import { ScangateError } from '../errors.js';
import { lastAtOrBelow64 } from './ip-key.js';
import type { RegionRecord } from './region-record.js';

const REDIRECT_RECORD = 1;
const REDIRECT_PLACE = 2;
/** Redirects followed before giving up: real files use one or two; a corrupt one must not loop. */
const MAX_REDIRECTS = 8;

/**
 * Reads the IPv6 database the `ip2region` package ships (data/ipv6wry.db, "IPDB" format, from
 * the ZX IPv6 database). Header: "IPDB", version (2 bytes), pointer width, key width (8: the
 * address's first 64 bits), entry count and the index's offset (8 bytes each). Each index entry
 * is a 64-bit start (little-endian) and a pointer; a range runs to the next entry's start. A
 * record is two zero-terminated texts, place then network, either of which may be a redirect
 * (1: the whole record is elsewhere; 2: this text is elsewhere). Records are decoded once.
 */
export class Ip2regionV6 {
  private readonly highs: Uint32Array;
  private readonly lows: Uint32Array;
  private readonly pointers: Uint32Array;
  private readonly pointerBytes: number;
  private readonly records = new Map<number, RegionRecord>();

  constructor(
    private readonly data: Buffer,
    source: string,
  ) {
    const malformed = (why: string) => new ScangateError('GW_ERR_GEO_DATABASE', `${source}: ${why}`);
    if (data.length < 24 || data.toString('latin1', 0, 4) !== 'IPDB') throw malformed('not an IPDB database');
    this.pointerBytes = data.readUInt8(6);
    const keyBytes = data.readUInt8(7);
    const count = Number(data.readBigUInt64LE(8));
    const indexAt = Number(data.readBigUInt64LE(16));
    const entryBytes = keyBytes + this.pointerBytes;
    if (keyBytes !== 8 || this.pointerBytes < 1 || this.pointerBytes > 4) throw malformed(`unexpected key or pointer width ${keyBytes}/${this.pointerBytes}`);
    if (count < 1 || indexAt + count * entryBytes > data.length) throw malformed('index runs past the end of the file');
    this.highs = new Uint32Array(count);
    this.lows = new Uint32Array(count);
    this.pointers = new Uint32Array(count);
    for (let i = 0, at = indexAt; i < count; i++, at += entryBytes) {
      this.lows[i] = data.readUInt32LE(at);
      this.highs[i] = data.readUInt32LE(at + 4);
      this.pointers[i] = data.readUIntLE(at + 8, this.pointerBytes);
    }
  }

  get ranges(): number {
    return this.highs.length;
  }

  /** The record of the range holding the address whose first 64 bits are `high`:`low`, if any. */
  find(high: number, low: number): RegionRecord | undefined {
    const at = lastAtOrBelow64(this.highs, this.lows, high, low);
    if (at === -1) return undefined;
    const pointer = this.pointers[at] as number;
    return this.records.get(pointer) ?? this.decode(pointer);
  }

  private decode(pointer: number): RegionRecord {
    let at = pointer;
    for (let hops = 0; this.data[at] === REDIRECT_RECORD && hops < MAX_REDIRECTS; hops++) at = this.pointerAt(at + 1);
    const place = this.textAt(at);
    const ispAt = this.data[at] === REDIRECT_PLACE ? at + 1 + this.pointerBytes : this.data.indexOf(0, at) + 1;
    const record: RegionRecord = { place: place.replace(/\s/g, ''), isp: this.textAt(ispAt) };
    this.records.set(pointer, record);
    return record;
  }

  private pointerAt(at: number): number {
    return this.data.readUIntLE(at, this.pointerBytes);
  }

  private textAt(at: number): string {
    let from = at;
    for (let hops = 0; (this.data[from] === REDIRECT_RECORD || this.data[from] === REDIRECT_PLACE) && hops < MAX_REDIRECTS; hops++) from = this.pointerAt(from + 1);
    const end = this.data.indexOf(0, from);
    return this.data.toString('utf8', from, end === -1 ? this.data.length : end);
  }
}
