import type { GeoLookup } from './geo-types.js';

/**
 * Which of a campaign's regions (campaign-schema.ts: codes like "CN-SH" or "CN") an address is
 * in by its geolocation: its province's region if the campaign has one, else its country's;
 * -1 when neither is a campaign region or the address has no location. For scans that carry no
 * lat/lon: a phone that sent coordinates is placed by them (workers/region.ts), not by this.
 */
export function campaignRegionOf(lookup: Pick<GeoLookup, 'country' | 'region'>, regions: readonly { readonly code: string }[]): number {
  if (lookup.country === '') return -1;
  const byRegion = lookup.region === lookup.country ? -1 : regions.findIndex((region) => region.code === lookup.region);
  return byRegion !== -1 ? byRegion : regions.findIndex((region) => region.code === lookup.country);
}
