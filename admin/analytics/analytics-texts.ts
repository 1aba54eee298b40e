import type { Segment } from '../../core/analytics/device-segments.js';
import type { OutcomeName } from '../../core/scan/outcomes.js';
import type { Texts } from '../i18n/locale.js';

type TableId = 'kpis' | 'live' | 'outcomes' | 'budget' | 'diversion' | 'offRegion' | 'heatmap' | 'reasons' | 'reviews' | 'segments' | 'devices' | 'batches';

/** The analytics pages' words; numbers and their formulas are README's "Analytics glossary". */
export const analyticsTexts: Texts<{
  title: string;
  campaign: string;
  from: string;
  to: string;
  show: string;
  lastDays: (days: number) => string;
  rangeNote: (zone: string, days: number, previousFrom: string, previousTo: string) => string;
  problems: { unknownCampaign: string; noCampaign: string; badDate: string; reversed: string; tooLong: (maxDays: number) => string };
  kpi: { scans: string; uniqueDevices: string; newDevices: string; returningDevices: string; codesRedeemed: string; scanConversion: string; repeatScanRate: string; invalidAttempts: string };
  /** where the invalid-code attempts come from (not Postgres: forged codes never reach Redis one by one) */
  invalidSource: (flushSeconds: number) => string;
  invalidUnavailable: string;
  invalidLiveSource: (flushSeconds: number) => string;
  /** the KPI table's and CSV's row: the label with its source */
  invalidAttemptsRow: string;
  vsPrevious: string;
  noPrevious: string;
  tables: Record<TableId, string>;
  csv: string;
  showTable: string;
  outcomeWords: Record<OutcomeName, string>;
  segmentWords: Record<Segment, string>;
  weekdays: readonly string[];
  columns: {
    metric: string;
    value: string;
    previous: string;
    change: string;
    bucket: string;
    tier: string;
    kind: string;
    prizeValue: string;
    unit: string;
    inventory: string;
    issued: string;
    held: string;
    valueSpent: string;
    perDay: string;
    runsOut: string;
    used: string;
    shippedTo: string;
    scannedIn: string;
    batch: string;
    located: string;
    offRegion: string;
    offRegionShare: string;
    weekday: string;
    outcome: string;
    reason: string;
    scans: string;
    rate: string;
    segment: string;
    devices: string;
    codesRedeemed: string;
    device: string;
    firstSeen: string;
    lastSeen: string;
    lastAddress: string;
    name: string;
    region: string;
    status: string;
    printed: string;
    conversion: string;
    committed: string;
    live: string;
    gap: string;
  };
  reviewRows: { approved: string; rejected: string; approvalRate: string; backlog: string; oldestAge: string };
  liveRows: { outcome: (name: string) => string; issued: (tier: string) => string; held: (tier: string) => string; invalidAttempts: (days: number) => string };
  committedSource: string;
  liveSource: string;
  readAt: string;
  newestHour: string;
  ago: string;
  liveUnavailable: string;
  unknownRegion: string;
  noRegion: string;
  hours: (n: number) => string;
  asOfNow: string;
  paceNote: (days: number) => string;
  segmentNote: string;
  devicesNote: string;
  batchNote: string;
  noData: string;
}> = {
  'zh-CN': {
    title: '活动分析',
    campaign: '活动',
    from: '开始日期',
    to: '结束日期',
    show: '查看',
    lastDays: (days) => `最近 ${days} 天`,
    rangeNote: (zone, days, previousFrom, previousTo) => `时区 ${zone}，共 ${days} 天（含首尾）；环比对照期：${previousFrom} 至 ${previousTo}。`,
    problems: {
      unknownCampaign: '没有这个活动。请从列表中选择一个活动。',
      noCampaign: '还没有任何活动。请先用 scangate campaign apply 创建活动。',
      badDate: '日期无效：请按 YYYY-MM-DD 填写一个存在的日期。',
      reversed: '开始日期晚于结束日期：请调换两个日期。',
      tooLong: (maxDays) => `日期范围过长：最多 ${maxDays} 天。`,
    },
    kpi: {
      scans: '扫码次数',
      uniqueDevices: '独立设备',
      newDevices: '新设备',
      returningDevices: '回访设备',
      codesRedeemed: '核销码数',
      scanConversion: '扫码转化率',
      repeatScanRate: '重复扫码率',
      invalidAttempts: '无效码尝试',
    },
    invalidSource: (flushSeconds) => `来源：网关计数器，经 Redis，每 ${flushSeconds} 秒写入`,
    invalidUnavailable: '网关计数器不可用（未连接 Redis）。',
    invalidLiveSource: (flushSeconds) => `无效码尝试：网关计数器（经 Redis，每 ${flushSeconds} 秒写入，不入库）`,
    invalidAttemptsRow: '无效码尝试（网关计数器，经 Redis）',
    vsPrevious: '较上期',
    noPrevious: '上期无数据',
    tables: {
      kpis: '核心指标',
      live: '实时数据与已入库数据',
      outcomes: '各结果扫码趋势',
      budget: '奖品预算消耗',
      diversion: '窜货矩阵（发货地区 × 扫码地区）',
      offRegion: '各批次异地扫码占比',
      heatmap: '星期 × 小时扫码热力图',
      reasons: '风控：各原因的冻结 / 拦截率',
      reviews: '风控：人工审核',
      segments: '设备分群（RFM）',
      devices: '最活跃设备（RFM）',
      batches: '各批次转化',
    },
    csv: '导出 CSV',
    showTable: '查看数据表',
    outcomeWords: {
      won: '中奖',
      no_prize: '未中奖',
      already_redeemed: '已被核销',
      not_activated: '未激活',
      campaign_not_started: '活动未开始',
      campaign_ended: '活动已结束',
      limit_reached: '超出限额',
      held: '待审核',
      blocked: '已拦截',
      invalid: '无效码',
    },
    segmentWords: { new: '新设备', active: '活跃', loyal: '忠实', lapsing: '流失中' },
    weekdays: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
    columns: {
      metric: '指标',
      value: '本期',
      previous: '上期',
      change: '变化',
      bucket: '时间',
      tier: '奖项',
      kind: '类型',
      prizeValue: '单价',
      unit: '单位',
      inventory: '库存',
      issued: '已发放',
      held: '冻结中',
      valueSpent: '已发放金额',
      perDay: '日均发放',
      runsOut: '预计耗尽日期',
      used: '已用',
      shippedTo: '发货地区',
      scannedIn: '扫码地区',
      batch: '批次',
      located: '已定位扫码',
      offRegion: '异地扫码',
      offRegionShare: '异地占比',
      weekday: '星期',
      outcome: '结果',
      reason: '原因',
      scans: '扫码次数',
      rate: '占全部扫码',
      segment: '分群',
      devices: '设备数',
      codesRedeemed: '核销码数',
      device: '设备',
      firstSeen: '首次扫码',
      lastSeen: '最近扫码',
      lastAddress: '最近地址',
      name: '名称',
      region: '地区',
      status: '状态',
      printed: '印刷数量',
      conversion: '转化率',
      committed: '已入库',
      live: '实时',
      gap: '差值',
    },
    reviewRows: { approved: '本期通过', rejected: '本期驳回', approvalRate: '通过率', backlog: '待审核积压（当前）', oldestAge: '最早一条已等待（小时）' },
    liveRows: {
      outcome: (name) => `扫码：${name}`,
      issued: (tier) => `已发放：${tier}`,
      held: (tier) => `冻结中：${tier}`,
      invalidAttempts: (days) => `无效码尝试（网关计数器，不入库；近 ${days} 天）`,
    },
    committedSource: '已入库：Postgres 汇总表（由入库进程写入）',
    liveSource: '实时：Redis 计数器',
    readAt: '读取于',
    newestHour: '最新入库小时',
    ago: '前',
    liveUnavailable: '实时数据不可用（未连接 Redis）。',
    unknownRegion: '（未知）',
    noRegion: '（无）',
    hours: (n) => `${n} 小时`,
    asOfNow: '活动开始至今。',
    paceNote: (days) => `按最近 ${days} 天的发放速度估算耗尽日期。`,
    segmentNote: '新设备：7 天内首次扫码；忠实：30 天内扫码且核销 ≥ 5 个码；活跃：30 天内扫码；其余为流失中。活动开始至今。',
    devicesNote: '按核销码数排序的前 20 台设备，活动开始至今。',
    batchNote: '活动开始至今；转化率 = 核销码数 ÷ 印刷数量（仅已激活批次）。',
    noData: '此范围内没有数据。',
  },
  en: {
    title: 'Campaign analytics',
    campaign: 'Campaign',
    from: 'From',
    to: 'To',
    show: 'Show',
    lastDays: (days) => `Last ${days} days`,
    rangeNote: (zone, days, previousFrom, previousTo) => `Time zone ${zone}, ${days} days (both ends included); compared with ${previousFrom} to ${previousTo}.`,
    problems: {
      unknownCampaign: 'There is no such campaign. Pick one from the list.',
      noCampaign: 'There is no campaign yet. Create one with scangate campaign apply.',
      badDate: 'Invalid date: write a date that exists, as YYYY-MM-DD.',
      reversed: 'The start date is after the end date: swap them.',
      tooLong: (maxDays) => `The range is too long: at most ${maxDays} days.`,
    },
    kpi: {
      scans: 'Scans',
      uniqueDevices: 'Unique devices',
      newDevices: 'New devices',
      returningDevices: 'Returning devices',
      codesRedeemed: 'Codes redeemed',
      scanConversion: 'Scan conversion',
      repeatScanRate: 'Repeat-scan rate',
      invalidAttempts: 'Invalid-code attempts',
    },
    invalidSource: (flushSeconds) => `Source: gateway counters, via Redis, flushed every ${flushSeconds} s`,
    invalidUnavailable: 'Gateway counters unavailable (no Redis).',
    invalidLiveSource: (flushSeconds) => `Invalid-code attempts: gateway counters (via Redis, flushed every ${flushSeconds} s; not in Postgres)`,
    invalidAttemptsRow: 'Invalid-code attempts (gateway counters, via Redis)',
    vsPrevious: 'vs previous period',
    noPrevious: 'nothing in the previous period',
    tables: {
      kpis: 'Key numbers',
      live: 'Live and committed numbers',
      outcomes: 'Scans by outcome',
      budget: 'Prize budget burn',
      diversion: 'Diversion matrix (shipped region × scanned region)',
      offRegion: 'Off-region share per batch',
      heatmap: 'Scans by weekday × hour',
      reasons: 'Fraud: held / blocked rates by reason',
      reviews: 'Fraud: review',
      segments: 'Device segments (RFM)',
      devices: 'Most active devices (RFM)',
      batches: 'Conversion per batch',
    },
    csv: 'Export CSV',
    showTable: 'Show the table',
    outcomeWords: {
      won: 'won',
      no_prize: 'no prize',
      already_redeemed: 'already redeemed',
      not_activated: 'not activated',
      campaign_not_started: 'campaign not started',
      campaign_ended: 'campaign ended',
      limit_reached: 'limit reached',
      held: 'held',
      blocked: 'blocked',
      invalid: 'invalid',
    },
    segmentWords: { new: 'new', active: 'active', loyal: 'loyal', lapsing: 'lapsing' },
    weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    columns: {
      metric: 'Metric',
      value: 'This period',
      previous: 'Previous period',
      change: 'Change',
      bucket: 'Time',
      tier: 'Tier',
      kind: 'Kind',
      prizeValue: 'Value',
      unit: 'Unit',
      inventory: 'Inventory',
      issued: 'Issued',
      held: 'Held',
      valueSpent: 'Value issued',
      perDay: 'Issued per day',
      runsOut: 'Runs out on',
      used: 'Used',
      shippedTo: 'Shipped to',
      scannedIn: 'Scanned in',
      batch: 'Batch',
      located: 'Located scans',
      offRegion: 'Off-region scans',
      offRegionShare: 'Off-region share',
      weekday: 'Weekday',
      outcome: 'Outcome',
      reason: 'Reason',
      scans: 'Scans',
      rate: 'Share of all scans',
      segment: 'Segment',
      devices: 'Devices',
      codesRedeemed: 'Codes redeemed',
      device: 'Device',
      firstSeen: 'First scan',
      lastSeen: 'Last scan',
      lastAddress: 'Last address',
      name: 'Name',
      region: 'Region',
      status: 'Status',
      printed: 'Printed',
      conversion: 'Conversion',
      committed: 'Committed',
      live: 'Live',
      gap: 'Gap',
    },
    reviewRows: { approved: 'Approved in the range', rejected: 'Rejected in the range', approvalRate: 'Approval rate', backlog: 'Review backlog (now)', oldestAge: 'Oldest waiting (hours)' },
    liveRows: {
      outcome: (name) => `Scans: ${name}`,
      issued: (tier) => `Issued: ${tier}`,
      held: (tier) => `Held: ${tier}`,
      invalidAttempts: (days) => `Invalid-code attempts (gateway counters, not in Postgres; last ${days} days)`,
    },
    committedSource: 'Committed: Postgres rollups (written by the ingest)',
    liveSource: 'Live: Redis counters',
    readAt: 'read at',
    newestHour: 'newest committed hour',
    ago: 'ago',
    liveUnavailable: 'Live numbers unavailable (no Redis).',
    unknownRegion: '(unknown)',
    noRegion: '(none)',
    hours: (n) => `${n} h`,
    asOfNow: 'Since the campaign started.',
    paceNote: (days) => `Run-out day at the pace of the last ${days} days.`,
    segmentNote: 'New: first scan in the last 7 days; loyal: a scan in the last 30 days and ≥ 5 codes redeemed; active: a scan in the last 30 days; lapsing: the rest. Since the campaign started.',
    devicesNote: 'The 20 devices with the most codes redeemed, since the campaign started.',
    batchNote: 'Since the campaign started; conversion = codes redeemed ÷ printed codes (active batches only).',
    noData: 'No data in this range.',
  },
};

export type { TableId };
