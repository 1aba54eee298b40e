import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ScangateError } from '../errors.js';

/** The npm packages the geolocation databases ship in; updating data is bumping their versions. */
export const geoPackages = {
  /** CN provinces and carriers (IPv4 ip2region.db, IPv6 ipv6wry.db); MIT */
  region: 'ip2region',
  /** address → AS number and organisation (RouteViews, RIRs, DB-IP); CC BY 4.0 */
  asn: '@ip-location-db/asn',
  /** address → ISO country (GeoFeed > whois > ASN); CC0 */
  country: '@ip-location-db/geo-whois-asn-country-mmdb',
} as const;

export interface GeoDatabaseFiles {
  readonly regionIpv4: string;
  readonly regionIpv6: string;
  readonly asnIpv4Csv: string;
  readonly asnIpv6Csv: string;
  readonly countryMmdb: string;
}

const filesInPackages: { readonly [K in keyof GeoDatabaseFiles]: readonly [keyof typeof geoPackages, string] } = {
  regionIpv4: ['region', 'data/ip2region.db'],
  regionIpv6: ['region', 'data/ipv6wry.db'],
  asnIpv4Csv: ['asn', 'asn-ipv4-num.csv'],
  asnIpv6Csv: ['asn', 'asn-ipv6.csv'],
  countryMmdb: ['country', 'geo-whois-asn-country.mmdb'],
};

const require = createRequire(import.meta.url);

function missing(packageName: string, detail: string, cause?: unknown): ScangateError {
  return new ScangateError('GW_ERR_GEO_DATABASE', `${detail}: install the npm package "${packageName}" (npm ci)`, { cause });
}

/** Where each database file is in the installed packages; a package that is not installed is named. */
export function packagedGeoDatabaseFiles(): GeoDatabaseFiles {
  const resolved = Object.entries(filesInPackages).map(([key, [pkg, file]]) => {
    const packageName = geoPackages[pkg];
    try {
      return [key, require.resolve(`${packageName}/${file}`)];
    } catch (err) {
      throw missing(packageName, `${packageName}/${file} is not installed`, err);
    }
  });
  return Object.fromEntries(resolved) as unknown as GeoDatabaseFiles;
}

/** The installed version of each database package, for logs and the README's update path. */
export function geoPackageVersions(): Record<keyof typeof geoPackages, string> {
  const version = (name: string) => {
    try {
      return String((require(`${name}/package.json`) as { version?: unknown }).version);
    } catch {
      return 'not installed';
    }
  };
  return { region: version(geoPackages.region), asn: version(geoPackages.asn), country: version(geoPackages.country) };
}

/** One database file's bytes; a missing or unreadable file names the package that should hold it. */
export async function readDatabaseFile(files: GeoDatabaseFiles, key: keyof GeoDatabaseFiles): Promise<Buffer> {
  const path = files[key];
  try {
    return await readFile(path);
  } catch (err) {
    throw missing(geoPackages[filesInPackages[key][0]], `cannot read ${path}`, err);
  }
}
