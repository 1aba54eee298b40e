/**
 * Mainland provinces, municipalities and autonomous regions with their ISO 3166-2:CN codes (the
 * codes campaign files use for regions, e.g. "CN-SH"). The databases write a province in full
 * ("广东省", "上海市", "广西壮族自治区") or short ("上海", "广西"), so a name is matched by its
 * short form at the start of the text. Hong Kong, Macao and Taiwan are countries here, as in the
 * country database (HK, MO, TW).
 */
const provinces: readonly (readonly [code: string, short: string, full: string])[] = [
  ['CN-BJ', '北京', '北京市'],
  ['CN-TJ', '天津', '天津市'],
  ['CN-HE', '河北', '河北省'],
  ['CN-SX', '山西', '山西省'],
  ['CN-NM', '内蒙古', '内蒙古自治区'],
  ['CN-LN', '辽宁', '辽宁省'],
  ['CN-JL', '吉林', '吉林省'],
  ['CN-HL', '黑龙江', '黑龙江省'],
  ['CN-SH', '上海', '上海市'],
  ['CN-JS', '江苏', '江苏省'],
  ['CN-ZJ', '浙江', '浙江省'],
  ['CN-AH', '安徽', '安徽省'],
  ['CN-FJ', '福建', '福建省'],
  ['CN-JX', '江西', '江西省'],
  ['CN-SD', '山东', '山东省'],
  ['CN-HA', '河南', '河南省'],
  ['CN-HB', '湖北', '湖北省'],
  ['CN-HN', '湖南', '湖南省'],
  ['CN-GD', '广东', '广东省'],
  ['CN-GX', '广西', '广西壮族自治区'],
  ['CN-HI', '海南', '海南省'],
  ['CN-CQ', '重庆', '重庆市'],
  ['CN-SC', '四川', '四川省'],
  ['CN-GZ', '贵州', '贵州省'],
  ['CN-YN', '云南', '云南省'],
  ['CN-XZ', '西藏', '西藏自治区'],
  ['CN-SN', '陕西', '陕西省'],
  ['CN-GS', '甘肃', '甘肃省'],
  ['CN-QH', '青海', '青海省'],
  ['CN-NX', '宁夏', '宁夏回族自治区'],
  ['CN-XJ', '新疆', '新疆维吾尔自治区'],
];

export interface Province {
  /** ISO 3166-2:CN, e.g. "CN-GD" */
  readonly code: string;
  /** the full Chinese name, e.g. "广东省" */
  readonly name: string;
}

/** Every province, for callers that list them (the load-test address pools, tests). */
export const mainlandProvinces: readonly Province[] = provinces.map(([code, , name]) => ({ code, name }));

/** The province of a place the databases write as "中国" + province + more ("中国广东省广州市", "中国上海"). */
export function provinceOf(place: string): Province | undefined {
  if (!place.startsWith('中国')) return undefined;
  const at = provinces.findIndex(([, short]) => place.startsWith(short, 2));
  return at === -1 ? undefined : mainlandProvinces[at];
}
