import { Reader, type Response } from 'mmdb-lib';
import { ScangateError } from '../errors.js';
import { parseAddress } from '../net/ip-address.js';
import { AsnTable, type AsnEntry } from './asn-table.js';
import { ipv4AccessNetwork, ipv6AccessNetwork, type AccessNetwork } from './carriers.js';
import { provinceOf } from './cn-provinces.js';
import { packagedGeoDatabaseFiles, readDatabaseFile, type GeoDatabaseFiles } from './database-files.js';
import type { GeoLookup, NetworkType } from './geo-types.js';
import { hostingAsns, hostingOrgPattern, mobileOrgPattern } from './hosting-asns.js';
import { Ip2regionV4 } from './ip2region-v4.js';
import { Ip2regionV6 } from './ip2region-v6.js';
import { ipv4Number, ipv6Prefix64 } from './ip-key.js';
import { LookupCache } from './lookup-cache.js';
import { isPrivateIpv4, isPrivateIpv6 } from './private-ranges.js';
import type { RegionRecord } from './region-record.js';

export interface GeoLocator {
  /** Where an address is. Never throws: text that is not an address is `unknown`. */
  lookup(ip: string): GeoLookup;
  /** what was loaded, for the startup log */
  readonly loaded: { readonly regionRanges: number; readonly asnRanges: number; readonly countryBuiltAt: Date };
}

export interface GeoLocatorOptions {
  /** database files other than the packaged ones (tests, or newer data than the package) */
  readonly files?: GeoDatabaseFiles;
  /** addresses kept per cache generation (at most twice this many are cached) */
  readonly cacheGeneration?: number;
}

const nowhere = (networkType: NetworkType): GeoLookup => Object.freeze({ country: '', region: '', province: '', carrier: '', asn: 0, asnOrg: '', networkType });
const UNKNOWN = nowhere('unknown');
const PRIVATE = nowhere('private');

/**
 * The network type from what the names say: a hosting AS wins (a cloud is a cloud whatever the
 * regional database calls its range), then the carrier's own network name, then the AS's name.
 */
function isHostingAs(asn: AsnEntry | undefined): boolean {
  return asn !== undefined && (hostingAsns.has(asn.asn) || hostingOrgPattern.test(asn.org));
}

function networkTypeOf(access: AccessNetwork | undefined, asn: AsnEntry | undefined): NetworkType {
  if (isHostingAs(asn)) return 'hosting';
  if (access?.networkType !== undefined) return access.networkType;
  if (asn !== undefined) return mobileOrgPattern.test(asn.org) ? 'mobile' : 'fixed';
  return access === undefined ? 'unknown' : 'fixed';
}

/** ip-location-db's country records; mmdb-lib's types only know MaxMind's own layouts. */
interface CountryRecord {
  readonly country_code?: string;
}

class Locator implements GeoLocator {
  private readonly cache: LookupCache<GeoLookup>;

  constructor(
    private readonly regionV4: Ip2regionV4,
    private readonly regionV6: Ip2regionV6,
    private readonly asns: AsnTable,
    private readonly countries: Reader<Response>,
    cacheGeneration: number,
  ) {
    this.cache = new LookupCache(cacheGeneration);
  }

  get loaded() {
    const asn = this.asns.ranges;
    return { regionRanges: this.regionV4.ranges + this.regionV6.ranges, asnRanges: asn.ipv4 + asn.ipv6, countryBuiltAt: this.countries.metadata.buildEpoch };
  }

  lookup(ip: string): GeoLookup {
    const cached = this.cache.get(ip);
    if (cached !== undefined) return cached;
    const found = this.resolve(ip);
    this.cache.set(ip, found);
    return found;
  }

  private resolve(ip: string): GeoLookup {
    const address = typeof ip === 'string' ? parseAddress(ip) : undefined;
    if (address === undefined) return UNKNOWN;
    let record: RegionRecord | undefined;
    let asn: AsnEntry | undefined;
    let access: AccessNetwork | undefined;
    if (address.includes(':')) {
      const [high, low] = ipv6Prefix64(address);
      if (isPrivateIpv6(high)) return PRIVATE;
      record = this.regionV6.find(high, low);
      asn = this.asns.findIpv6(high, low);
      access = ipv6AccessNetwork(record?.isp ?? '');
    } else {
      const value = ipv4Number(address);
      if (isPrivateIpv4(value)) return PRIVATE;
      record = this.regionV4.find(value);
      asn = this.asns.findIpv4(value);
      access = ipv4AccessNetwork(record?.isp ?? '');
    }
    const place = record?.place ?? '';
    const country = (this.countries.get(address) as CountryRecord | null)?.country_code ?? (place.startsWith('中国') ? 'CN' : '');
    const province = country === 'CN' ? provinceOf(place) : undefined;
    const networkType = networkTypeOf(access, asn);
    if (networkType === 'unknown' && country === '') return UNKNOWN;
    return Object.freeze({
      country,
      region: province?.code ?? country,
      province: province?.name ?? '',
      // A cloud's range is often registered to the carrier that carries it (AWS Beijing is "China
      // Unicom" in ip2region): the operator that matters is the hosting AS.
      carrier: (isHostingAs(asn) ? asn?.org : access?.carrier) || asn?.org || record?.isp || '',
      asn: asn?.asn ?? 0,
      asnOrg: asn?.org ?? '',
      networkType,
    });
  }
}

/** Reads and checks the mmdb country database; its records must carry an ISO country code. */
function countryReader(bytes: Buffer, source: string): Reader<Response> {
  try {
    // Decoded records are cached by their offset: a country database has a few hundred.
    const reader = new Reader<Response>(bytes, { cache: new Map() });
    if (reader.metadata.ipVersion !== 6) throw new Error(`ip version ${reader.metadata.ipVersion}, need a database holding IPv4 and IPv6`);
    return reader;
  } catch (err) {
    throw new ScangateError('GW_ERR_GEO_DATABASE', `${source}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * A well-known address of each kind must come out as that kind, or the files are not what the
 * lookups expect (another format, a truncated download, a package that changed its layout).
 */
function selfCheck(locator: GeoLocator): void {
  const expectations: readonly [string, Partial<GeoLookup>][] = [
    ['223.104.3.1', { country: 'CN', networkType: 'mobile' }], // China Mobile, Beijing
    ['52.80.1.1', { country: 'CN', networkType: 'hosting' }], // AWS Beijing: hosting by its AS alone
    ['240e:47d:c20:1627:30a3:ba0d:a5e6:ec19', { country: 'CN', region: 'CN-GD' }], // China Telecom, Guangdong
  ];
  for (const [address, expected] of expectations) {
    const found = locator.lookup(address);
    const wrong = Object.entries(expected).filter(([key, value]) => found[key as keyof GeoLookup] !== value);
    if (wrong.length > 0) throw new ScangateError('GW_ERR_GEO_DATABASE', `self-check: ${address} looked up as ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`);
  }
}

/**
 * Opens the geolocation databases once (at startup: about a second and some 60 MB) and returns
 * the synchronous lookup. Throws GW_ERR_GEO_DATABASE naming the package when a file is missing
 * or not what it should be.
 */
export async function openGeoLocator(options: GeoLocatorOptions = {}): Promise<GeoLocator> {
  const files = options.files ?? packagedGeoDatabaseFiles();
  const [regionV4, regionV6, asnV4, asnV6, country] = await Promise.all([
    readDatabaseFile(files, 'regionIpv4'),
    readDatabaseFile(files, 'regionIpv6'),
    readDatabaseFile(files, 'asnIpv4Csv'),
    readDatabaseFile(files, 'asnIpv6Csv'),
    readDatabaseFile(files, 'countryMmdb'),
  ]);
  const locator = new Locator(
    new Ip2regionV4(regionV4, files.regionIpv4),
    new Ip2regionV6(regionV6, files.regionIpv6),
    new AsnTable({ bytes: asnV4, source: files.asnIpv4Csv }, { bytes: asnV6, source: files.asnIpv6Csv }),
    countryReader(country, files.countryMmdb),
    options.cacheGeneration ?? 50_000,
  );
  selfCheck(locator);
  return locator;
}
