import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../paths.js';
import { isScangateError } from '../errors.js';
import { campaignRegionOf } from './campaign-region.js';
import { geoPackages, packagedGeoDatabaseFiles, type GeoDatabaseFiles } from './database-files.js';
import { openGeoLocator, type GeoLocator } from './geo-locator.js';

let geo: GeoLocator;
let scratch: string;
beforeAll(async () => {
  geo = await openGeoLocator();
  scratch = mkdtempSync(path.join(tmpdir(), 'scangate-geo-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const summary = (ip: string) => {
  const { country, region, province, carrier, networkType } = geo.lookup(ip);
  return { country, region, province, carrier, networkType };
};

describe('geolocation lookups on the packaged databases', () => {
  it('places mainland carrier addresses in their provinces, mobile carriers as mobile', () => {
    expect(summary('117.131.0.9')).toEqual({ country: 'CN', region: 'CN-SH', province: '上海市', carrier: 'China Mobile', networkType: 'mobile' });
    expect(summary('223.104.3.1')).toEqual({ country: 'CN', region: 'CN-BJ', province: '北京市', carrier: 'China Mobile', networkType: 'mobile' });
    expect(summary('117.136.12.1')).toEqual({ country: 'CN', region: 'CN-GD', province: '广东省', carrier: 'China Mobile', networkType: 'mobile' });
    expect(summary('39.170.0.1')).toMatchObject({ region: 'CN-ZJ', province: '浙江省', networkType: 'mobile' });
    expect(summary('116.228.1.1')).toEqual({ country: 'CN', region: 'CN-SH', province: '上海市', carrier: 'China Telecom', networkType: 'fixed' });
    expect(summary('123.125.1.1')).toEqual({ country: 'CN', region: 'CN-BJ', province: '北京市', carrier: 'China Unicom', networkType: 'fixed' });
    expect(geo.lookup('223.104.3.1')).toMatchObject({ asn: 56048, asnOrg: 'China Mobile Communications Corporation' });
  });

  it('calls clouds and data centres hosting, naming the hosting AS even where the range is registered to a carrier', () => {
    expect(summary('39.96.0.1')).toMatchObject({ region: 'CN-BJ', networkType: 'hosting', carrier: 'Hangzhou Alibaba Advertising Co.,Ltd.' });
    expect(geo.lookup('120.24.78.68')).toMatchObject({ region: 'CN-GD', asn: 37963, networkType: 'hosting' });
    expect(geo.lookup('1.12.37.1')).toMatchObject({ asn: 45090, networkType: 'hosting' }); // Tencent Cloud
    expect(summary('52.80.1.1')).toMatchObject({ region: 'CN-BJ', networkType: 'hosting', carrier: 'Beijing Guanghuan Xinwang Digital' }); // AWS Beijing
    expect(summary('104.131.1.1')).toMatchObject({ country: 'US', region: 'US', networkType: 'hosting', carrier: 'DigitalOcean, LLC' });
    expect(geo.lookup('8.8.8.8')).toMatchObject({ country: 'US', asn: 15169, networkType: 'hosting' });
  });

  it('calls private, loopback, link-local and carrier-internal addresses private', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.0.1', '100.64.0.1', '169.254.1.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:10.0.0.1', '[::1]:8080']) {
      expect(geo.lookup(ip), ip).toEqual({ country: '', region: '', province: '', carrier: '', asn: 0, asnOrg: '', networkType: 'private' });
    }
    expect(geo.lookup('172.32.0.1').networkType).not.toBe('private');
  });

  it('answers unknown for text that is not an address, without throwing', () => {
    for (const text of ['garbage', '', ' ', '999.1.1.1', '1.2.3', '1.2.3.4.5', '::g', '2409:8900::1::2', 'unknown', '1.2.3.4, 5.6.7.8', 'x'.repeat(10_000)]) {
      expect(geo.lookup(text), text).toMatchObject({ country: '', region: '', networkType: 'unknown' });
    }
    expect(geo.lookup(undefined as unknown as string).networkType).toBe('unknown');
    expect(geo.lookup(42 as unknown as string).networkType).toBe('unknown');
  });

  it('looks up IPv6: provinces and the carrier network a name gives (mobile data, broadband, IDC)', () => {
    expect(summary('2409:8900::1')).toEqual({ country: 'CN', region: 'CN-BJ', province: '北京市', carrier: 'China Mobile', networkType: 'mobile' });
    expect(summary('240e:47d:c20:1627:30a3:ba0d:a5e6:ec19')).toEqual({ country: 'CN', region: 'CN-GD', province: '广东省', carrier: 'China Telecom', networkType: 'mobile' });
    expect(summary('2408:8456::7')).toMatchObject({ region: 'CN-GD', carrier: 'China Unicom', networkType: 'mobile' });
    expect(summary('240e:e0::1')).toMatchObject({ region: 'CN-SH', carrier: 'China Telecom', networkType: 'fixed' });
    expect(summary('2409:8c1e::1')).toMatchObject({ region: 'CN-SH', networkType: 'hosting' });
    expect(geo.lookup('2001:4860:4860::8888')).toMatchObject({ country: 'US', asn: 15169, networkType: 'hosting' });
    // the same address however a proxy or socket spells it
    expect(geo.lookup('[2409:8900:0:0::1]:443')).toEqual(geo.lookup('2409:8900::1'));
    expect(geo.lookup('::ffff:223.104.3.1')).toEqual(geo.lookup('223.104.3.1'));
  });

  it('returns the cached answer for an address seen before', () => {
    expect(geo.lookup('117.131.0.77')).toBe(geo.lookup('117.131.0.77'));
    expect(Object.isFrozen(geo.lookup('117.131.0.77'))).toBe(true);
  });
});

describe('campaign region of a lookup', () => {
  const campaign = JSON.parse(readFileSync(repoPath('config/campaigns/loadtest.json'), 'utf8')) as { regions: { code: string }[] };

  it('is the province region when the campaign has it, else the country region, else none', () => {
    expect(campaign.regions.map((region) => region.code)).toEqual(['CN-SH', 'CN-BJ']);
    expect(campaignRegionOf(geo.lookup('117.131.0.1'), campaign.regions)).toBe(0);
    expect(campaignRegionOf(geo.lookup('123.125.1.1'), campaign.regions)).toBe(1);
    expect(campaignRegionOf(geo.lookup('111.45.0.1'), campaign.regions)).toBe(-1); // Guangdong
    const withCountry = [...campaign.regions, { code: 'CN' }];
    expect(campaignRegionOf(geo.lookup('111.45.0.1'), withCountry)).toBe(2);
    expect(campaignRegionOf(geo.lookup('104.131.1.1'), withCountry)).toBe(-1);
    expect(campaignRegionOf(geo.lookup('104.131.1.1'), [{ code: 'US' }])).toBe(0);
    expect(campaignRegionOf(geo.lookup('10.0.0.1'), withCountry)).toBe(-1);
    expect(campaignRegionOf(geo.lookup('garbage'), withCountry)).toBe(-1);
  });
});

describe('opening the databases', () => {
  const refusal = async (files: GeoDatabaseFiles) => {
    const err: unknown = await openGeoLocator({ files }).then(() => undefined, (e: unknown) => e);
    expect(isScangateError(err, 'GW_ERR_GEO_DATABASE')).toBe(true);
    return (err as Error).message;
  };
  const withFile = (key: keyof GeoDatabaseFiles, name: string, content: string | Buffer): GeoDatabaseFiles => {
    const file = path.join(scratch, name);
    writeFileSync(file, content);
    return { ...packagedGeoDatabaseFiles(), [key]: file };
  };

  it('names the package whose file is missing', async () => {
    expect(await refusal({ ...packagedGeoDatabaseFiles(), regionIpv4: path.join(scratch, 'absent.db') })).toMatch(`install the npm package "${geoPackages.region}"`);
    expect(await refusal({ ...packagedGeoDatabaseFiles(), asnIpv6Csv: path.join(scratch, 'absent.csv') })).toMatch(`"${geoPackages.asn}"`);
    expect(await refusal({ ...packagedGeoDatabaseFiles(), countryMmdb: path.join(scratch, 'absent.mmdb') })).toMatch(`"${geoPackages.country}"`);
  });

  it('refuses files that are not what they should be', async () => {
    expect(await refusal(withFile('regionIpv4', 'short.db', Buffer.alloc(10)))).toMatch('too short');
    expect(await refusal(withFile('regionIpv6', 'not-ipdb.db', Buffer.alloc(64, 7)))).toMatch('not an IPDB database');
    expect(await refusal(withFile('asnIpv4Csv', 'bad.csv', '16777216,16777471,13335,Cloudflare\nnot a row\n'))).toMatch('line 2 is not "start,end,asn,org"');
    expect(await refusal(withFile('asnIpv4Csv', 'backwards.csv', '16777472,16777600,1,A\n16777216,16777471,2,B\n'))).toMatch('out of order at line 2');
    expect(await refusal(withFile('asnIpv6Csv', 'empty.csv', ''))).toMatch('no rows');
    expect(await refusal(withFile('countryMmdb', 'country.mmdb', Buffer.alloc(1000, 1)))).toMatch('country.mmdb');
  });

  it('refuses a database that reads but answers wrongly for well-known addresses (the self-check)', async () => {
    // a valid ASN file that puts every IPv4 address in one carrier's AS: AWS Beijing is no longer hosting
    expect(await refusal(withFile('asnIpv4Csv', 'one-as.csv', '0,4294967295,4837,CHINA UNICOM China169 Backbone\n'))).toMatch('self-check: 52.80.1.1');
  });
});
