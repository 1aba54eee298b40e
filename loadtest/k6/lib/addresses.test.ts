import { beforeAll, describe, expect, it } from 'vitest';
import { openGeoLocator, type GeoLocator } from '../../../core/geo/geo-locator.js';
import { addressFrom, addressPools, broadbandNetworks, hostingNetworks, mobileNetworks, networksOf, provinceBoxes } from './addresses.js';

let geo: GeoLocator;
beforeAll(async () => {
  geo = await openGeoLocator();
});

describe('the fraud mix address pools', () => {
  it('classify as their pool, region and carrier say, for every address handed out', () => {
    for (const [networkType, pool] of Object.entries(addressPools)) {
      // 254 hosts per IPv4 network: every one of them, for every network of the pool
      for (let n = 0; n < pool.length * 254; n++) {
        const address = addressFrom(pool, n);
        const network = pool[n % pool.length]!;
        const found = geo.lookup(address);
        expect({ address, networkType: found.networkType, region: found.region, carrier: found.carrier }).toEqual({ address, networkType, region: network.region, carrier: network.carrier });
      }
    }
  });

  it('spread consecutive actors over the networks, then over hosts, and put IPv6 hosts in their /64', () => {
    expect([0, 1, mobileNetworks.length].map((n) => addressFrom(mobileNetworks, n))).toEqual(['117.131.0.1', '183.192.1.1', '117.131.0.2']);
    expect(addressFrom(mobileNetworks, 8)).toBe('2409:8900:0:0:0:0:0:1');
    expect(addressFrom(hostingNetworks, hostingNetworks.length * 254)).toBe(addressFrom(hostingNetworks, 0));
    const broadband = new Set(Array.from({ length: broadbandNetworks.length * 254 }, (_, n) => addressFrom(broadbandNetworks, n)));
    expect(broadband.size).toBe(broadbandNetworks.length * 254);
  });

  it('cover several provinces with mobile and broadband, and several providers with hosting', () => {
    expect(new Set(mobileNetworks.map((network) => network.region)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(broadbandNetworks.map((network) => network.region)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(hostingNetworks.map((network) => network.carrier)).size).toBeGreaterThanOrEqual(6);
  });

  it('have a location box for every province of the mobile and broadband pools, inside no other province`s box', () => {
    const inside = ([minLon, minLat, maxLon, maxLat]: readonly number[], lon: number, lat: number) => lon >= minLon! && lon <= maxLon! && lat >= minLat! && lat <= maxLat!;
    for (const network of [...mobileNetworks, ...broadbandNetworks]) expect(provinceBoxes).toHaveProperty([network.region]);
    for (const [region, box] of Object.entries(provinceBoxes)) {
      const corners = [[box[0], box[1]], [box[0], box[3]], [box[2], box[1]], [box[2], box[3]]] as const;
      for (const [other, otherBox] of Object.entries(provinceBoxes)) {
        if (other !== region) expect(corners.some(([lon, lat]) => inside(otherBox, lon, lat))).toBe(false);
      }
    }
  });

  it('pick the networks of a region, or of every other region', () => {
    expect(networksOf(mobileNetworks, 'CN-SH').map((n) => n.network)).toEqual(['117.131.0', '183.192.1', '2409:891e:0:0']);
    expect(networksOf(mobileNetworks, 'CN-SH', false).every((n) => n.region !== 'CN-SH')).toBe(true);
    expect(networksOf(mobileNetworks, 'CN-SH', false)).toHaveLength(mobileNetworks.length - 3);
    expect(() => networksOf(hostingNetworks, 'CN-XZ')).toThrow(/no network in CN-XZ/);
  });
});
