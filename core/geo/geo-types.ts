/**
 * What kind of network an address is on, as far as the databases tell:
 * - `mobile`: a mobile carrier's access network (phones; usually carrier-grade NAT, so many
 *   genuine devices share one address);
 * - `fixed`: other access networks: home broadband, offices, campuses, enterprise lines;
 * - `hosting`: a data centre or cloud (by ASN, or the carrier's own IDC label): farms run there,
 *   phones do not;
 * - `private`: loopback, private, link-local, carrier-NAT-internal or reserved ranges (a proxy
 *   that forgot X-Forwarded-For, or a test);
 * - `unknown`: not an address, or nothing in any database.
 */
export type NetworkType = 'mobile' | 'fixed' | 'hosting' | 'private' | 'unknown';

/** Where one address is, from the geolocation databases (core/geo/geo-locator.ts). */
export interface GeoLookup {
  /** ISO 3166-1 alpha-2 ("CN", "US"), or '' when unknown */
  readonly country: string;
  /** campaign region code: "CN-SH" for a mainland province, else the country code, or '' */
  readonly region: string;
  /** the mainland province's Chinese name ("上海市"), or '' */
  readonly province: string;
  /** the access provider: "China Mobile", "China Telecom", or the AS organisation; '' when unknown */
  readonly carrier: string;
  /** the autonomous system announcing the address, 0 when unknown */
  readonly asn: number;
  /** that AS's organisation as the ASN database names it, or '' */
  readonly asnOrg: string;
  readonly networkType: NetworkType;
}
