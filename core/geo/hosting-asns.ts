/**
 * Autonomous systems of clouds and data centres: an address they announce is a server, not a
 * phone. Chosen from the ASN database's largest hosting networks, mainland clouds first (where a
 * device farm targeting a Chinese campaign rents its machines); names as the database gives them.
 * The list is deliberately short and reviewed by hand: a carrier's consumer AS must never be on
 * it. Organisation names that say "IDC", "data center", "hosting" or "cloud" are caught by
 * hostingOrgPattern below, so smaller providers need no entry.
 */
export const hostingAsns: ReadonlyMap<number, string> = new Map([
  // mainland China and its providers abroad
  [37963, 'Hangzhou Alibaba Advertising (Alibaba Cloud)'],
  [45102, 'Alibaba (US) Technology (Alibaba Cloud international)'],
  [134963, 'Alibaba Cloud (Singapore)'],
  [45090, 'Shenzhen Tencent Computer Systems (Tencent Cloud)'],
  [132203, 'Shenzhen Tencent Computer Systems (Tencent Cloud international)'],
  [133478, 'Tencent Cloud Computing (Beijing)'],
  [55990, 'Huawei Cloud Service data center'],
  [136907, 'Huawei International (Huawei Cloud)'],
  [55967, 'Beijing Baidu Netcom (Baidu Cloud)'],
  [38365, 'Beijing Baidu Netcom (Baidu Cloud)'],
  [137718, 'Beijing Volcano Engine (ByteDance cloud)'],
  [396986, 'Bytedance'],
  [131486, 'Beijing Jingdong 360 Degree E-commerce (JD Cloud)'],
  [135377, 'UCloud Information Technology (HK)'],
  [45062, 'NetEase'],
  [55960, 'Beijing Guanghuan Xinwang Digital (AWS China, Beijing region)'],
  [23724, 'IDC, China Telecommunications Corporation'],
  [58593, 'Shanghai Blue Cloud Technology (Azure China)'],
  [21859, 'Zenlayer'],
  // global clouds and hosters
  [16509, 'Amazon.com'],
  [14618, 'Amazon.com'],
  [8987, 'Amazon Data Services Ireland'],
  [8075, 'Microsoft Corporation'],
  [8070, 'Microsoft Corporation'],
  [15169, 'Google LLC'],
  [396982, 'Google LLC (Google Cloud)'],
  [31898, 'Oracle Corporation (Oracle Cloud)'],
  [36351, 'IBM Cloud'],
  [14061, 'DigitalOcean'],
  [20473, 'The Constant Company (Vultr)'],
  [63949, 'Akamai Technologies (Linode)'],
  [16276, 'OVH SAS'],
  [24940, 'Hetzner Online'],
  [51167, 'Contabo'],
  [9009, 'M247 Europe'],
  [60781, 'LeaseWeb Netherlands'],
  [12876, 'Scaleway'],
  [13335, 'Cloudflare'],
]);

/** Words in an AS organisation's name that only hosting networks use ("CHINANET Jiangxi province IDC network"). */
export const hostingOrgPattern = /\b(?:IDC|data ?cent(?:er|re)|hosting|cloud|colocation|VPS)\b/i;

/** Words in an AS organisation's name that say it is a mobile operator ("T-Mobile USA", "China Mobile"). */
export const mobileOrgPattern = /\b(?:mobile|cellular)\b/i;
