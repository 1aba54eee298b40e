// @ts-check
/**
 * Public addresses for the fraud mix, by what they are: phones on mainland mobile carriers (their
 * carrier-grade NAT exits), home and office broadband, and data centres (where device farms
 * rent machines). Each network was chosen by looking it up in the gateway's geolocation
 * databases (core/geo), and addresses.test.ts checks that every address handed out still
 * classifies as its pool says, so a database update that moves a network shows up there.
 * They travel only as X-Forwarded-For values to a local gateway; nothing is sent to them.
 *
 * A network is an IPv4 /24 written as its first three octets (hosts .1–.254), or an IPv6 /64
 * written as its first four groups (hosts ::1 upwards).
 */

/** @typedef {{ network: string, region: string, carrier: string }} AddressNetwork */

/** Mobile carriers' networks: genuine phones, many of them behind each address. */
/** @type {readonly AddressNetwork[]} */
export const mobileNetworks = [
  { network: '117.131.0', region: 'CN-SH', carrier: 'China Mobile' },
  { network: '183.192.1', region: 'CN-SH', carrier: 'China Mobile' },
  { network: '39.155.148', region: 'CN-BJ', carrier: 'China Mobile' },
  { network: '223.104.3', region: 'CN-BJ', carrier: 'China Mobile' },
  { network: '111.45.0', region: 'CN-GD', carrier: 'China Mobile' },
  { network: '117.136.12', region: 'CN-GD', carrier: 'China Mobile' },
  { network: '39.170.0', region: 'CN-ZJ', carrier: 'China Mobile' },
  { network: '111.9.0', region: 'CN-SC', carrier: 'China Mobile' },
  { network: '2409:8900:0:0', region: 'CN-BJ', carrier: 'China Mobile' },
  { network: '2409:891e:0:0', region: 'CN-SH', carrier: 'China Mobile' },
  { network: '240e:47d:c20:1627', region: 'CN-GD', carrier: 'China Telecom' },
  { network: '2408:8456:0:0', region: 'CN-GD', carrier: 'China Unicom' },
];

/** Fixed broadband: homes, offices, campuses. */
/** @type {readonly AddressNetwork[]} */
export const broadbandNetworks = [
  { network: '116.228.1', region: 'CN-SH', carrier: 'China Telecom' },
  { network: '218.80.1', region: 'CN-SH', carrier: 'China Telecom' },
  { network: '123.125.1', region: 'CN-BJ', carrier: 'China Unicom' },
  { network: '1.202.37', region: 'CN-BJ', carrier: 'China Telecom' },
  { network: '14.17.1', region: 'CN-GD', carrier: 'China Telecom' },
  { network: '27.36.37', region: 'CN-GD', carrier: 'China Unicom' },
  { network: '60.12.37', region: 'CN-ZJ', carrier: 'China Unicom' },
  { network: '61.139.37', region: 'CN-SC', carrier: 'China Telecom' },
  { network: '240e:e0:0:0', region: 'CN-SH', carrier: 'China Telecom' },
  { network: '2408:8207:0:0', region: 'CN-BJ', carrier: 'China Unicom' },
];

/** Clouds and data centres, mainland first: where a device farm runs. */
/** @type {readonly AddressNetwork[]} */
export const hostingNetworks = [
  { network: '39.96.0', region: 'CN-BJ', carrier: 'Hangzhou Alibaba Advertising Co.,Ltd.' },
  { network: '120.24.78', region: 'CN-GD', carrier: 'Hangzhou Alibaba Advertising Co.,Ltd.' },
  { network: '1.12.37', region: 'CN-BJ', carrier: 'Shenzhen Tencent Computer Systems Company Limited' },
  { network: '43.136.37', region: 'CN', carrier: 'Shenzhen Tencent Computer Systems Company Limited' },
  { network: '123.60.37', region: 'CN', carrier: 'Huawei Cloud Service data center' },
  { network: '52.80.1', region: 'CN-BJ', carrier: 'Beijing Guanghuan Xinwang Digital' },
  { network: '104.131.1', region: 'US', carrier: 'DigitalOcean, LLC' },
  { network: '2409:8c1e:0:0', region: 'CN-SH', carrier: 'China Mobile' },
];

/**
 * A box well inside each province the pools use, [minLon, minLat, maxLon, maxLat]: where a phone on
 * that province's addresses is when it sends its location. Inner boxes, not borders: a point in
 * one must not fall in a neighbour's campaign box (CN-ZJ's stops south of CN-SH's).
 * @type {Readonly<Record<string, readonly [number, number, number, number]>>}
 */
export const provinceBoxes = {
  'CN-SH': [121.0, 30.8, 121.9, 31.6],
  'CN-BJ': [115.8, 39.6, 117.2, 40.8],
  'CN-GD': [111.0, 21.5, 116.0, 24.5],
  'CN-ZJ': [118.5, 27.2, 121.5, 30.0],
  'CN-SC': [101.0, 27.5, 107.5, 32.5],
};

/** @param {string} region @returns {readonly [number, number, number, number]} */
export function provinceBox(region) {
  const box = provinceBoxes[region];
  if (box === undefined) throw new Error(`no location box for ${region}: add one to provinceBoxes`);
  return box;
}

/**
 * The network the n-th address of a pool is in (as addressFrom picks it).
 * @param {readonly AddressNetwork[]} pool @param {number} n a whole number ≥ 0
 */
export const networkAt = (pool, n) => /** @type {AddressNetwork} */ (pool[n % pool.length]);

/** The pools by the network type core/geo gives their addresses. */
export const addressPools = { mobile: mobileNetworks, fixed: broadbandNetworks, hosting: hostingNetworks };

/**
 * The n-th address of a pool: consecutive n go round the pool's networks first, so a handful of
 * actors already spread over provinces and carriers. Each IPv4 network holds 254 hosts; after
 * that the addresses repeat (as a carrier NAT's do).
 * @param {readonly AddressNetwork[]} pool @param {number} n a whole number ≥ 0
 */
export function addressFrom(pool, n) {
  const entry = networkAt(pool, n);
  const host = Math.floor(n / pool.length);
  return entry.network.indexOf(':') === -1 ? `${entry.network}.${(host % 254) + 1}` : `${entry.network}:0:0:0:${(host + 1).toString(16)}`;
}

/**
 * The networks of a pool in one region, or (`inside` false) in every other: a batch's buyers are
 * where it was shipped, its diverters and travellers elsewhere.
 * @param {readonly AddressNetwork[]} pool @param {string} region @param {boolean} [inside]
 */
export function networksOf(pool, region, inside = true) {
  const found = pool.filter((entry) => (entry.region === region) === inside);
  if (found.length === 0) throw new Error(`no network ${inside ? 'in' : 'outside'} ${region}: add one to the pool`);
  return found;
}
