/** What the ip2region databases say about an address range, in their own words (Chinese). */
export interface RegionRecord {
  /** country then province and city as one text: "中国广东省广州市", "美国华盛顿", or '' */
  readonly place: string;
  /** the provider or network: "移动" (IPv4), "中国移动CMNET网络" (IPv6), "阿里云", or '' */
  readonly isp: string;
}
