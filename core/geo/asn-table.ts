import { ScangateError } from '../errors.js';
import { ipv6Prefix64, lastAtOrBelow, lastAtOrBelow64 } from './ip-key.js';

export interface AsnEntry {
  readonly asn: number;
  /** the AS's organisation, e.g. "China Mobile Communications Corporation" */
  readonly org: string;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const RETURN = 0x0d;

/**
 * Where the fields of one CSV row are: start, end (inclusive), AS number, organisation (quoted
 * when it holds a comma). The IPv4 file has 400,000 rows: they are found in one pass over the
 * bytes into this one reused object, and a field is decoded only when a row needs it (most rows
 * repeat an AS already seen, whose name is not read again).
 */
class CsvRow {
  lineFrom = 0;
  firstComma = 0;
  secondComma = 0;
  thirdComma = 0;
  lineEnd = 0;

  constructor(readonly bytes: Buffer) {}

  get asn(): number {
    return this.decimal(this.secondComma + 1, this.thirdComma);
  }

  /** the start field as a number (the "-num" files); NaN when it is not one */
  startNumber(): number {
    return this.decimal(this.lineFrom, this.firstComma);
  }

  endNumber(): number {
    return this.decimal(this.firstComma + 1, this.secondComma);
  }

  startText(): string {
    return this.bytes.toString('latin1', this.lineFrom, this.firstComma);
  }

  endText(): string {
    return this.bytes.toString('latin1', this.firstComma + 1, this.secondComma);
  }

  org(): string {
    let from = this.thirdComma + 1;
    let to = this.bytes[this.lineEnd - 1] === RETURN ? this.lineEnd - 1 : this.lineEnd;
    if (to - from >= 2 && this.bytes[from] === QUOTE && this.bytes[to - 1] === QUOTE) [from, to] = [from + 1, to - 1];
    return this.bytes.toString('utf8', from, to).replaceAll('""', '"');
  }

  private decimal(from: number, to: number): number {
    if (from >= to) return NaN;
    let value = 0;
    for (let i = from; i < to; i++) {
      const digit = (this.bytes[i] as number) - 48;
      if (digit < 0 || digit > 9) return NaN;
      value = value * 10 + digit;
    }
    return value;
  }
}

function countRows(bytes: Buffer): number {
  let rows = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) rows++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE ? rows + 1 : rows;
}

/** Calls `each` with every row of an ASN CSV and its index; a malformed row stops the load. */
function forEachRow(csv: AsnCsv, each: (row: CsvRow, index: number) => void): void {
  const { bytes } = csv;
  const row = new CsvRow(bytes);
  let index = 0;
  let commas = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = i === bytes.length ? NEWLINE : bytes[i];
    if (byte === COMMA && commas < 3) {
      commas++;
      if (commas === 1) row.firstComma = i;
      else if (commas === 2) row.secondComma = i;
      else row.thirdComma = i;
    } else if (byte === NEWLINE) {
      if (i === bytes.length && i === row.lineFrom) break; // the file ends with a newline
      row.lineEnd = i;
      if (commas < 3 || !(row.asn > 0)) throw new ScangateError('GW_ERR_GEO_DATABASE', `${csv.source}: line ${index + 1} is not "start,end,asn,org"`);
      each(row, index++);
      row.lineFrom = i + 1;
      commas = 0;
    }
  }
  if (index === 0) throw new ScangateError('GW_ERR_GEO_DATABASE', `${csv.source}: no rows`);
}

/** One ASN CSV's bytes and where they came from (for errors). */
export interface AsnCsv {
  readonly bytes: Buffer;
  readonly source: string;
}

const outOfOrder = (source: string, row: number) => new ScangateError('GW_ERR_GEO_DATABASE', `${source}: ranges out of order at line ${row + 1}`);

/**
 * Address → autonomous system, from the `@ip-location-db/asn` CSVs (ranges in address order).
 * IPv4 keys are whole addresses; IPv6 keys are the first 64 bits (no route is longer than /64
 * that matters here), so a lookup is a binary search over typed arrays either way. Organisation
 * names are kept once per AS (its first row's).
 */
export class AsnTable {
  private readonly entries = new Map<number, AsnEntry>();
  private readonly v4Starts: Uint32Array;
  private readonly v4Ends: Uint32Array;
  private readonly v4Asns: Uint32Array;
  private readonly v6StartHighs: Uint32Array;
  private readonly v6StartLows: Uint32Array;
  private readonly v6EndHighs: Uint32Array;
  private readonly v6EndLows: Uint32Array;
  private readonly v6Asns: Uint32Array;

  /** `ipv4`: the "-num" file (addresses as numbers); `ipv6`: addresses as text. */
  constructor(ipv4: AsnCsv, ipv6: AsnCsv) {
    const v4Rows = countRows(ipv4.bytes);
    this.v4Starts = new Uint32Array(v4Rows);
    this.v4Ends = new Uint32Array(v4Rows);
    this.v4Asns = new Uint32Array(v4Rows);
    forEachRow(ipv4, (row, i) => {
      const start = row.startNumber();
      const end = row.endNumber();
      // Starts must rise; a range may overlap the one before (the data has a few such rows), and
      // then the later, more specific row answers for the overlap.
      if (!(start <= end && end <= 0xffffffff)) throw new ScangateError('GW_ERR_GEO_DATABASE', `${ipv4.source}: line ${i + 1} is not an IPv4 range`);
      if (i > 0 && start < (this.v4Starts[i - 1] as number)) throw outOfOrder(ipv4.source, i);
      const asn = row.asn;
      this.v4Starts[i] = start;
      this.v4Ends[i] = end;
      this.v4Asns[i] = asn;
      if (asn !== this.v4Asns[i - 1]) this.remember(asn, row);
    });

    const v6Rows = countRows(ipv6.bytes);
    this.v6StartHighs = new Uint32Array(v6Rows);
    this.v6StartLows = new Uint32Array(v6Rows);
    this.v6EndHighs = new Uint32Array(v6Rows);
    this.v6EndLows = new Uint32Array(v6Rows);
    this.v6Asns = new Uint32Array(v6Rows);
    forEachRow(ipv6, (row, i) => {
      const [high, low] = ipv6Prefix64(row.startText());
      // Cut to 64 bits, neighbouring /128 rows may share a start; starts may never go back.
      const previousHigh = this.v6StartHighs[i - 1] ?? 0;
      const previousLow = this.v6StartLows[i - 1] ?? 0;
      if (high < previousHigh || (high === previousHigh && low < previousLow)) throw outOfOrder(ipv6.source, i);
      this.v6StartHighs[i] = high;
      this.v6StartLows[i] = low;
      [this.v6EndHighs[i], this.v6EndLows[i]] = ipv6Prefix64(row.endText());
      const asn = row.asn;
      this.v6Asns[i] = asn;
      if (asn !== this.v6Asns[i - 1]) this.remember(asn, row);
    });
  }

  get ranges(): { ipv4: number; ipv6: number } {
    return { ipv4: this.v4Starts.length, ipv6: this.v6Asns.length };
  }

  /** The AS announcing an IPv4 address (an unsigned 32-bit number), if any. */
  findIpv4(address: number): AsnEntry | undefined {
    const at = lastAtOrBelow(this.v4Starts, address);
    if (at === -1 || (this.v4Ends[at] as number) < address) return undefined;
    return this.entry(this.v4Asns[at] as number);
  }

  /** The AS announcing the IPv6 address whose first 64 bits are `high`:`low`, if any. */
  findIpv6(high: number, low: number): AsnEntry | undefined {
    const at = lastAtOrBelow64(this.v6StartHighs, this.v6StartLows, high, low);
    if (at === -1) return undefined;
    const endHigh = this.v6EndHighs[at] as number;
    if (endHigh < high || (endHigh === high && (this.v6EndLows[at] as number) < low)) return undefined;
    return this.entry(this.v6Asns[at] as number);
  }

  private remember(asn: number, row: CsvRow): void {
    if (!this.entries.has(asn)) this.entries.set(asn, { asn, org: row.org() });
  }

  private entry(asn: number): AsnEntry {
    return this.entries.get(asn) ?? { asn, org: '' };
  }
}
