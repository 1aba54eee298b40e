import { describe, expect, it } from 'vitest';
import { bboxContains, isLocation, placeOutside, regionAt, type Region } from './region.js';

const regions: Region[] = [
  { code: 'CN', bbox: [73.5, 18.1, 134.8, 53.6] },
  { code: 'CN-SH', bbox: [120.85, 30.67, 122.2, 31.88] },
  { code: 'CN-BJ', bbox: [115.42, 39.44, 117.51, 41.06] },
  { code: 'FJ', bbox: [177, -21, -178, -12] },
];

describe('regions', () => {
  it('picks the most specific box that contains the point', () => {
    expect(regionAt(regions, 31.23, 121.47)).toBe(1); // Shanghai, inside CN too
    expect(regionAt(regions, 39.9, 116.4)).toBe(2); // Beijing
    expect(regionAt(regions, 23.13, 113.26)).toBe(0); // Guangzhou: CN only
  });

  it('answers -1 outside every box', () => {
    expect(regionAt(regions, 48.85, 2.35)).toBe(-1); // Paris
    expect(regionAt([], 31.23, 121.47)).toBe(-1);
  });

  it('includes the edges and handles a box across the antimeridian', () => {
    expect(bboxContains([120.85, 30.67, 122.2, 31.88], 30.67, 122.2)).toBe(true);
    expect(regionAt(regions, -17.7, 178.1)).toBe(3);
    expect(regionAt(regions, -16.5, -179.9)).toBe(3);
    expect(regionAt(regions, -16.5, 170)).toBe(-1);
  });

  it('trusts only finite points on the globe', () => {
    expect(isLocation(31.2, 121.5)).toBe(true);
    expect(isLocation(NaN, 121.5)).toBe(false);
    expect(isLocation(91, 0)).toBe(false);
    expect(isLocation(0, Infinity)).toBe(false);
  });

  it('places an address outside a region only when its geolocation says so', () => {
    expect(placeOutside('CN-SH', 'CN', 'CN-GD')).toBe(true); // another province
    expect(placeOutside('CN-SH', 'US', 'US')).toBe(true); // another country
    expect(placeOutside('CN', 'JP', 'JP')).toBe(true);
    expect(placeOutside('CN-SH', 'CN', 'CN-SH')).toBe(false);
    expect(placeOutside('CN', 'CN', 'CN-GD')).toBe(false); // a province of a country-wide region
    expect(placeOutside('CN-SH', 'CN', 'CN')).toBe(false); // province unknown
    expect(placeOutside('CN-SH', '', '')).toBe(false); // nothing known
    expect(placeOutside('US', 'US', 'US')).toBe(false);
  });
});
