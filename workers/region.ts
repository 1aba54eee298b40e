/** A campaign region: its code and [minLon, minLat, maxLon, maxLat] box (campaign-schema.ts). */
export interface Region {
  readonly code: string;
  readonly bbox: readonly [number, number, number, number];
}

/** A point the rules may trust: on the globe (an unknown location is NaN, which fails). */
export function isLocation(lat: number, lon: number): boolean {
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

export function bboxContains(bbox: Region['bbox'], lat: number, lon: number): boolean {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  if (lat < minLat || lat > maxLat) return false;
  // A box crossing the antimeridian is written with minLon > maxLon.
  return minLon <= maxLon ? lon >= minLon && lon <= maxLon : lon >= minLon || lon <= maxLon;
}

function bboxArea([minLon, minLat, maxLon, maxLat]: Region['bbox']): number {
  const width = minLon <= maxLon ? maxLon - minLon : 360 - minLon + maxLon;
  return width * (maxLat - minLat);
}

/**
 * Index of the region containing the point, or -1. Boxes may nest (CN around CN-SH): the
 * smallest containing box is the most specific answer.
 */
export function regionAt(regions: readonly Region[], lat: number, lon: number): number {
  let found = -1;
  let foundArea = Infinity;
  regions.forEach((region, index) => {
    if (!bboxContains(region.bbox, lat, lon)) return;
    const area = bboxArea(region.bbox);
    if (area < foundArea) [found, foundArea] = [index, area];
  });
  return found;
}

/**
 * Whether an address's geolocation (its ISO country, and its region code: "CN-GD" for a mainland
 * province, else the country again) is known to lie outside the region with code `regionCode`
 * ("CN-SH" or "CN"). Unknown is not outside: no country, or the same country with no province
 * known while the region is a province.
 */
export function placeOutside(regionCode: string, country: string, region: string): boolean {
  if (country === '' || regionCode === country || regionCode === region) return false;
  const dash = regionCode.indexOf('-');
  const regionCountry = dash === -1 ? regionCode : regionCode.slice(0, dash);
  if (regionCountry !== country) return true;
  // Same country: outside only when both name a subdivision and they differ.
  return dash !== -1 && region !== country;
}
