import type { NetworkType } from './geo-types.js';

/** A provider as the ip2region databases name it, and what its addresses are. */
export interface AccessNetwork {
  /** the carrier in English ("China Mobile"); '' for a provider not named here (the AS's name serves) */
  readonly carrier: string;
  /** what the name alone says; undefined when it says nothing (then the ASN decides) */
  readonly networkType: Exclude<NetworkType, 'private' | 'unknown'> | undefined;
}

/**
 * IPv4 provider names (ip2region.db): the mainland carriers by their short names. The IPv4 data
 * says which carrier, not which of its networks: China Mobile's addresses are mostly its mobile
 * network and count as mobile; China Telecom's and China Unicom's mix broadband and mobile and
 * count as fixed (IPv6 below tells them apart).
 */
const ipv4Providers: ReadonlyMap<string, AccessNetwork> = new Map([
  ['移动', { carrier: 'China Mobile', networkType: 'mobile' }],
  ['电信', { carrier: 'China Telecom', networkType: 'fixed' }],
  ['联通', { carrier: 'China Unicom', networkType: 'fixed' }],
  ['铁通', { carrier: 'China Tietong', networkType: 'fixed' }],
  ['广电', { carrier: 'China Broadnet', networkType: 'fixed' }],
  ['教育网', { carrier: 'CERNET', networkType: 'fixed' }],
  ['鹏博士', { carrier: 'Dr. Peng', networkType: 'fixed' }],
  ['阿里云', { carrier: 'Alibaba Cloud', networkType: 'hosting' }],
  ['腾讯云', { carrier: 'Tencent Cloud', networkType: 'hosting' }],
  ['华为云', { carrier: 'Huawei Cloud', networkType: 'hosting' }],
]);

/** IPv6 network names start with the carrier's full name; its IPv4 short name finds the rest. */
const ipv6Carriers: readonly (readonly [prefix: string, ipv4Name: string])[] = [
  ['中国移动', '移动'],
  ['中国电信', '电信'],
  ['中国联通', '联通'],
  ['中国铁通', '铁通'],
  ['中国广电', '广电'],
  ['中国广播电视', '广电'],
];

/**
 * IPv6 network names (ipv6wry.db) say which network of a carrier: CMNET, CTNET and 3GNET are
 * the mobile data networks of China Mobile, China Telecom and China Unicom (their APN names),
 * VoLTE and IoT networks are mobile too; "公众宽带" (public broadband), "政企专线" (enterprise
 * lines), metro networks, internet cafés and research networks are fixed; IDC, cloud and service
 * platforms are hosting.
 */
const ipv6Kinds: readonly (readonly [pattern: RegExp, networkType: AccessNetwork['networkType']])[] = [
  [/IDC|云计算|云服务|数据中心|业务平台|服务器/, 'hosting'],
  [/CMNET|CTNET|3GNET|VoLTE|物联网/i, 'mobile'],
  [/宽带|专线|城域网|网吧|教育网|科技网|CERNET|WLAN/i, 'fixed'],
];

/** What an IPv4 provider name says. */
export function ipv4AccessNetwork(isp: string): AccessNetwork | undefined {
  if (isp === '' || isp === '内网IP') return undefined;
  return ipv4Providers.get(isp) ?? { carrier: '', networkType: undefined };
}

/**
 * What an IPv6 network name says ("中国移动CMNET网络" → China Mobile, mobile). A carrier's name
 * with no network in it ("中国移动") counts as that carrier's IPv4 addresses do.
 */
export function ipv6AccessNetwork(isp: string): AccessNetwork | undefined {
  if (isp === '') return undefined;
  const ipv4Name = ipv6Carriers.find(([prefix]) => isp.startsWith(prefix))?.[1];
  const known = ipv4Name === undefined ? undefined : ipv4Providers.get(ipv4Name);
  const networkType = ipv6Kinds.find(([pattern]) => pattern.test(isp))?.[1] ?? known?.networkType;
  return { carrier: known?.carrier ?? '', networkType };
}
