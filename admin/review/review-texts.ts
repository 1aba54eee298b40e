import type { ErrorCode } from '../../core/errors.js';
import type { SettleStatus } from '../../core/review/settle-many.js';
import type { ReasonCode } from '../../core/scan/reasons.js';
import type { Texts } from '../i18n/locale.js';

/** The review queue's texts. Reasons are explained in words: reviewers should not need the bit names. */
export const reviewTexts: Texts<{
  title: string;
  /** `capped`: at least `count` match (a filter on reason, score or age is counted up to a cap) */
  backlog: (count: number, capped: boolean, oldestSeconds: number) => string;
  empty: string;
  campaign: string;
  reason: string;
  anyReason: string;
  tier: string;
  minAgeHours: string;
  minScore: string;
  maxScore: string;
  oldestFirst: string;
  code: string;
  batch: string;
  shippedTo: string;
  scannedAt: string;
  location: string;
  device: string;
  address: string;
  userAgent: string;
  score: string;
  reasons: string;
  prize: string;
  noReasons: string;
  codeHistory: string;
  deviceScans: string;
  devicePrizes: string;
  addressDevices: string;
  bansInForce: string;
  notIngested: string;
  none: string;
  note: string;
  approve: string;
  reject: string;
  select: string;
  selected: string;
  bulkTitle: string;
  bulkHelp: string;
  csvFile: string;
  csvText: string;
  upload: string;
  reportTitle: string;
  line: string;
  scanId: string;
  result: string;
  outcome: string;
  scans: string;
  lastSeen: string;
  keys: string;
  readOnly: string;
  reasonWords: Record<ReasonCode, string>;
  statuses: Record<SettleStatus, string>;
  refusals: Partial<Record<ErrorCode, string>>;
}> = {
  'zh-CN': {
    title: '审核队列',
    backlog: (count, capped, oldest) =>
      `待审核${capped ? `超过 ${count.toLocaleString('zh-CN')} 条（按原因、分数或时长筛选时最多数到 ${count.toLocaleString('zh-CN')}）` : ` ${count.toLocaleString('zh-CN')} 条`}，最早的已等待 ${Math.floor(oldest / 3600)} 小时 ${Math.floor((oldest % 3600) / 60)} 分钟。`,
    empty: '没有待审核的扫码。',
    campaign: '活动',
    reason: '原因',
    anyReason: '全部',
    tier: '奖级',
    minAgeHours: '至少等待（小时）',
    minScore: '最低分',
    maxScore: '最高分',
    oldestFirst: '按时间排序，最早的在前。',
    code: '码',
    batch: '批次',
    shippedTo: '发往地区',
    scannedAt: '扫码时间 (UTC)',
    location: '位置 / 地区',
    device: '设备',
    address: '地址',
    userAgent: 'User-Agent',
    score: '风险分',
    reasons: '原因',
    prize: '预留奖品',
    noReasons: '无',
    codeHistory: '此码的全部扫码（含克隆尝试）',
    deviceScans: '此设备的其他扫码',
    devicePrizes: '此设备的奖品',
    addressDevices: '此地址上的其他设备',
    bansInForce: '适用的封禁',
    notIngested: '此扫码的事件尚未写入数据库。',
    none: '无',
    note: '备注（可选）',
    approve: '通过',
    reject: '拒绝',
    select: '选择',
    selected: '对所选扫码：',
    bulkTitle: '批量审核（CSV）',
    bulkHelp: '每行 scanId,decision[,note]，decision 为 approve 或 reject；可有表头，备注可加引号。',
    csvFile: 'CSV 文件',
    csvText: '或粘贴内容',
    upload: '提交',
    reportTitle: '审核结果',
    line: '行',
    scanId: '扫码编号',
    result: '结果',
    outcome: '结果',
    scans: '次数',
    lastSeen: '最近 (UTC)',
    keys: '快捷键：j / k 上下移动，a 通过，r 拒绝，n 填写备注，x 选择。',
    readOnly: '您的角色只能查看队列。',
    reasonWords: {
      clone: '此码已被其他设备兑换过（克隆）',
      device_velocity: '此设备扫码过快',
      ip_velocity: '此地址扫码过快',
      consumer_velocity: '此消费者兑换过快',
      ip_device_farm: '同一地址上大量从未回访的新设备（设备农场）',
      enumeration: '此设备（无 cookie 时为此地址）近期多次尝试伪造码',
      region_diversion: '在批次发往地区之外扫码（窜货）',
      region_not_allowed: '在不允许的地区扫码',
      new_device_top_prize: '新设备抽中最高奖',
      non_mobile_agent: '不是手机浏览器',
      headless_agent: '无头浏览器',
      honeypot: '从未印刷的蜜罐码',
      review_rejected: '审核已拒绝',
      banned: '已封禁（设备、地址或网段）',
      serial_run: '同一批次的连续序号被多台设备快速兑换（印刷文件泄露）',
      hosting_network: '来自数据中心或云服务器的地址（不是手机网络）',
      ip_region_diversion: '未发送位置，IP 地址位于批次发往地区之外（疑似窜货）',
      ip_region_not_allowed: '未发送位置，IP 地址位于允许的地区之外',
      diverted_batch: '此批次大量在同一外地地区被扫码（批次窜货）',
    },
    statuses: { settled: '已处理', already_settled: '此前已处理', not_found: '未找到', invalid: '无效', failed: '失败，请重试' },
    refusals: {
      GW_ERR_ALREADY_SETTLED: '此扫码已被通过或拒绝（可能是其他审核员，或重复提交）。没有做任何修改。',
      GW_ERR_NOT_HELD: '没有这个待审核的扫码。没有做任何修改。',
      GW_ERR_CAMPAIGN_RECOVERING: '此活动的状态正在重建，请稍后再试。没有做任何修改。',
      GW_ERR_REVIEW_INVALID: '审核请求无效。没有做任何修改。',
    },
  },
  en: {
    title: 'Review queue',
    backlog: (count, capped, oldest) =>
      `${capped ? `${count.toLocaleString('en')}+ held scans waiting (a reason, score or age filter is counted up to ${count.toLocaleString('en')})` : `${count.toLocaleString('en')} held scans waiting`}; the oldest has waited ${Math.floor(oldest / 3600)} h ${Math.floor((oldest % 3600) / 60)} min.`,
    empty: 'No held scans are waiting.',
    campaign: 'Campaign',
    reason: 'Reason',
    anyReason: 'any',
    tier: 'Tier',
    minAgeHours: 'Waiting at least (hours)',
    minScore: 'Score from',
    maxScore: 'Score to',
    oldestFirst: 'Oldest first.',
    code: 'Code',
    batch: 'Batch',
    shippedTo: 'shipped to',
    scannedAt: 'Scanned (UTC)',
    location: 'Location / region',
    device: 'Device',
    address: 'Address',
    userAgent: 'User-Agent',
    score: 'Score',
    reasons: 'Reasons',
    prize: 'Reserved prize',
    noReasons: 'none',
    codeHistory: 'Every scan of this code (clone attempts included)',
    deviceScans: "This device's other scans",
    devicePrizes: "This device's prizes",
    addressDevices: 'Other devices on this address',
    bansInForce: 'Bans that apply',
    notIngested: 'The event of this scan is not in the database yet.',
    none: 'none',
    note: 'Note (optional)',
    approve: 'Approve',
    reject: 'Reject',
    select: 'Select',
    selected: 'The selected scans:',
    bulkTitle: 'Bulk review (CSV)',
    bulkHelp: 'One line per scan: scanId,decision[,note], decision approve or reject; a header line is allowed, notes may be quoted.',
    csvFile: 'CSV file',
    csvText: 'or paste it',
    upload: 'Submit',
    reportTitle: 'Review report',
    line: 'Line',
    scanId: 'Scan id',
    result: 'Result',
    outcome: 'Outcome',
    scans: 'Scans',
    lastSeen: 'Last seen (UTC)',
    keys: 'Keys: j / k move, a approve, r reject, n write a note, x select.',
    readOnly: 'Your role may only read the queue.',
    reasonWords: {
      clone: 'the code was already redeemed by another device (clone)',
      device_velocity: 'this device scans too fast',
      ip_velocity: 'this address scans too fast',
      consumer_velocity: 'this consumer redeems too fast',
      ip_device_farm: 'a fresh device on an address full of devices that never come back (device farm)',
      enumeration: 'forged codes tried by this device (by this address when it has no cookie)',
      region_diversion: "scanned outside the batch's region (diversion)",
      region_not_allowed: 'scanned in a region that is not allowed',
      new_device_top_prize: 'a new device drew the top prize',
      non_mobile_agent: 'not a phone browser',
      headless_agent: 'a headless browser',
      honeypot: 'a honeypot code that was never printed',
      review_rejected: 'rejected in review',
      banned: 'banned (device, address or network)',
      serial_run: 'consecutive serials of one batch redeemed by several devices in quick succession (leaked printer file)',
      hosting_network: 'the address belongs to a data centre or cloud (not a phone network)',
      ip_region_diversion: "no location sent, and the address is outside the batch's region (possible diversion)",
      ip_region_not_allowed: 'no location sent, and the address is outside the allowed regions',
      diverted_batch: "off the batch's region, where a large share of the batch is being scanned (the batch was diverted there)",
    },
    statuses: { settled: 'settled', already_settled: 'already settled', not_found: 'not found', invalid: 'invalid', failed: 'failed, try again' },
    refusals: {
      GW_ERR_ALREADY_SETTLED: 'This held scan was already approved or rejected (by another reviewer, or a repeated submit). Nothing was changed.',
      GW_ERR_NOT_HELD: 'There is no such held scan. Nothing was changed.',
      GW_ERR_CAMPAIGN_RECOVERING: "This campaign's state is being rebuilt; try again shortly. Nothing was changed.",
      GW_ERR_REVIEW_INVALID: 'The review request is not valid. Nothing was changed.',
    },
  },
};
