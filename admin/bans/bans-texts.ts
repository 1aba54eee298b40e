import type { BanKind } from '../../core/bans/ban-subjects.js';
import type { Texts } from '../i18n/locale.js';

export const banTexts: Texts<{
  title: string;
  kind: string;
  kinds: Record<BanKind, string>;
  anyKind: string;
  value: string;
  scope: string;
  everywhere: string;
  allCampaigns: string;
  reason: string;
  expires: string;
  expiresHint: string;
  createdBy: string;
  created: string;
  state: string;
  inForce: string;
  ended: string;
  lifted: string;
  onlyInForce: string;
  allStates: string;
  create: string;
  lift: string;
  refused: string;
  valueHint: string;
}> = {
  'zh-CN': {
    title: '封禁',
    kind: '类型',
    kinds: { device: '设备', address: 'IP 地址', network: '网段 (/24, /64)' },
    anyKind: '全部类型',
    value: '对象',
    scope: '范围',
    everywhere: '所有活动',
    allCampaigns: '全部',
    reason: '原因',
    expires: '到期',
    expiresHint: '7d、12h、90m 或 2026-04-01 18:00 (UTC)',
    createdBy: '操作人',
    created: '创建时间 (UTC)',
    state: '状态',
    inForce: '生效中',
    ended: '已到期',
    lifted: '已解除',
    onlyInForce: '仅生效中',
    allStates: '全部（含已解除、已到期）',
    create: '封禁',
    lift: '解除',
    refused: '未能封禁：',
    valueHint: '设备号、IP 地址或 a.b.c.0/24',
  },
  en: {
    title: 'Bans',
    kind: 'Kind',
    kinds: { device: 'device', address: 'address', network: 'network (/24, /64)' },
    anyKind: 'any kind',
    value: 'Subject',
    scope: 'Scope',
    everywhere: 'every campaign',
    allCampaigns: 'all',
    reason: 'Reason',
    expires: 'Expires',
    expiresHint: '7d, 12h, 90m or 2026-04-01 18:00 (UTC)',
    createdBy: 'By',
    created: 'Created (UTC)',
    state: 'State',
    inForce: 'in force',
    ended: 'ended',
    lifted: 'lifted',
    onlyInForce: 'in force only',
    allStates: 'all (lifted and ended too)',
    create: 'Ban',
    lift: 'Lift',
    refused: 'Not banned: ',
    valueHint: 'device id, address or a.b.c.0/24',
  },
};
