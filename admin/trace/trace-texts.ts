import type { SignatureVerdict } from '../../core/trace/code-trace.js';
import type { Texts } from '../i18n/locale.js';

export const traceTexts: Texts<{
  title: string;
  byCode: string;
  byScan: string;
  byDevice: string;
  trace: string;
  codeHint: string;
  code: string;
  signature: string;
  verdicts: Record<SignatureVerdict, string>;
  batch: string;
  serial: string;
  campaign: string;
  region: string;
  batchStatus: string;
  activated: string;
  noBatch: string;
  scans: string;
  at: string;
  scanId: string;
  outcome: string;
  reasons: string;
  score: string;
  tier: string;
  device: string;
  address: string;
  uaClass: string;
  flags: string;
  replay: string;
  newDevice: string;
  redemption: string;
  redemptions: string;
  status: string;
  reviews: string;
  decision: string;
  reviewer: string;
  note: string;
  bans: string;
  noScan: string;
  capped: string;
}> = {
  'zh-CN': {
    title: '码追踪',
    byCode: '码或链接',
    byScan: '扫码编号',
    byDevice: '设备号',
    trace: '追踪',
    codeHint: '任意写法，或 https://…/S/<码>',
    code: '码',
    signature: '签名',
    verdicts: { valid: '有效', forged: '伪造', out_of_range: '签名有效但不在批次范围内', malformed: '不是码' },
    batch: '批次',
    serial: '序号',
    campaign: '活动',
    region: '地区',
    batchStatus: '批次状态',
    activated: '激活记录',
    noBatch: '没有这个批次。',
    scans: '扫码记录',
    at: '时间 (UTC)',
    scanId: '扫码编号',
    outcome: '结果',
    reasons: '风险原因',
    score: '风险分',
    tier: '奖项',
    device: '设备',
    address: 'IP 地址',
    uaClass: '客户端',
    flags: '标记',
    replay: '重放',
    newDevice: '新设备',
    redemption: '兑奖',
    redemptions: '兑奖记录',
    status: '状态',
    reviews: '审核',
    decision: '决定',
    reviewer: '审核员',
    note: '备注',
    bans: '相关封禁',
    noScan: '没有这个扫码编号。',
    capped: '只显示最近 200 条。',
  },
  en: {
    title: 'Code trace',
    byCode: 'Code or URL',
    byScan: 'Scan id',
    byDevice: 'Device id',
    trace: 'Trace',
    codeHint: 'any spelling, or https://…/S/<code>',
    code: 'Code',
    signature: 'Signature',
    verdicts: { valid: 'valid', forged: 'forged', out_of_range: 'signed, but outside its batch', malformed: 'not a code' },
    batch: 'Batch',
    serial: 'Serial',
    campaign: 'Campaign',
    region: 'Region',
    batchStatus: 'Batch status',
    activated: 'Activations',
    noBatch: 'No such batch.',
    scans: 'Scans',
    at: 'Time (UTC)',
    scanId: 'Scan id',
    outcome: 'Outcome',
    reasons: 'Reasons',
    score: 'Score',
    tier: 'Tier',
    device: 'Device',
    address: 'Address',
    uaClass: 'Client',
    flags: 'Flags',
    replay: 'replay',
    newDevice: 'new device',
    redemption: 'Redemption',
    redemptions: 'Redemptions',
    status: 'Status',
    reviews: 'Reviews',
    decision: 'Decision',
    reviewer: 'Reviewer',
    note: 'Note',
    bans: 'Bans touching it',
    noScan: 'No scan has this id.',
    capped: 'Only the newest 200 are shown.',
  },
};
