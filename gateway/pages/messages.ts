import type { PrizeTier } from '../../config/campaign-schema.js';
import type { Locale } from './locale.js';
import type { PageState } from './page-state.js';

/** Facts a message may mention, already formatted for the page's locale. */
export interface PageFacts {
  readonly when?: string;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly retryAfterSeconds?: number;
}

interface StateText {
  readonly title: string;
  readonly lead: (facts: PageFacts) => string;
  /** shown in a highlighted box under the lead */
  readonly warning?: string;
}

export interface PageText {
  readonly states: Record<PageState, StateText>;
  readonly replayNote: string;
  readonly claimTitle: string;
  /** when the prize tier has no claim text of its own */
  readonly defaultClaim: string;
  readonly reference: string;
  readonly firstScanned: string;
  readonly kinds: Record<PrizeTier['kind'], string>;
  /** translations of the units campaign files commonly use; others are shown as written */
  readonly units: Readonly<Record<string, string>>;
}

const zh: PageText = {
  states: {
    won: { title: '恭喜您中奖了！', lead: () => '奖品已为您保留，请按下方说明领取。' },
    no_prize: { title: '谢谢参与', lead: () => '这是正品码，本次未中奖。感谢您的支持！' },
    already_redeemed: {
      title: '此码已被使用',
      lead: (f) => (f.when ? `此码已于 ${f.when} 被扫码兑奖。` : '此码此前已被扫码兑奖。'),
      warning: '如果您刚刚打开这件商品，它可能是假冒产品。请保留包装并联系品牌客服。',
    },
    invalid: {
      title: '此码不是正品码',
      lead: () => '我们无法验证这个二维码。请确认您扫描的是包装内的原装二维码。',
      warning: '如果商品来自非正规渠道，它可能是假冒产品。',
    },
    not_activated: { title: '此码尚未激活', lead: () => '这批商品尚未开放兑奖，请稍后再扫。' },
    campaign_not_started: {
      title: '活动尚未开始',
      lead: (f) => (f.startsAt ? `活动将于 ${f.startsAt} 开始，届时再来扫码吧。` : '活动尚未开始，请稍后再来扫码。'),
    },
    campaign_ended: {
      title: '活动已结束',
      lead: (f) => (f.endsAt ? `本次活动已于 ${f.endsAt} 结束，感谢您的参与！` : '本次活动已结束，感谢您的参与！'),
    },
    limit_reached: { title: '已达参与上限', lead: () => '您的参与次数已用完。此码未被使用，仍然有效，明天可以再试。' },
    held: { title: '正在审核', lead: () => '您的奖品已预留，正在进行安全审核，审核通过后即可领取。' },
    blocked: { title: '无法受理本次扫码', lead: () => '本次扫码未通过安全检查。如有疑问，请凭参考编号联系品牌客服。' },
    rate_limited: { title: '操作过于频繁', lead: (f) => `请 ${f.retryAfterSeconds ?? 60} 秒后再试。` },
    unavailable: { title: '服务繁忙', lead: (f) => `请 ${f.retryAfterSeconds ?? 5} 秒后刷新重试，您的二维码不受影响。` },
    bad_request: { title: '链接无效', lead: () => '请直接扫描包装上的二维码。' },
  },
  replayNote: '您之前扫过此码，以下是当时的结果。',
  claimTitle: '领奖方式',
  defaultClaim: '请保存此页面或截图，凭参考编号领奖。',
  reference: '参考编号',
  firstScanned: '首次扫码',
  kinds: { cash: '现金红包', points: '积分', coupon: '优惠券', product: '实物奖品' },
  units: { points: '积分', item: '件' },
};

const en: PageText = {
  states: {
    won: { title: 'You won!', lead: () => 'Your prize is reserved for you. See below how to claim it.' },
    no_prize: { title: 'Thanks for taking part', lead: () => 'This code is genuine. No prize this time — thank you for your support!' },
    already_redeemed: {
      title: 'This code was already used',
      lead: (f) => (f.when ? `This code was scanned and redeemed on ${f.when}.` : 'This code was scanned and redeemed before.'),
      warning: 'If you have just opened this product, it may be counterfeit. Keep the package and contact the brand.',
    },
    invalid: {
      title: 'This code is not genuine',
      lead: () => 'We could not verify this code. Make sure you scanned the original code inside the package.',
      warning: 'If the product did not come from an authorised seller, it may be counterfeit.',
    },
    not_activated: { title: 'This code is not active yet', lead: () => 'This batch is not open for redemption yet. Please scan again later.' },
    campaign_not_started: {
      title: 'The promotion has not started',
      lead: (f) => (f.startsAt ? `It starts on ${f.startsAt}. Scan again then!` : 'Please scan again once it has started.'),
    },
    campaign_ended: {
      title: 'The promotion has ended',
      lead: (f) => (f.endsAt ? `It ended on ${f.endsAt}. Thank you for taking part!` : 'Thank you for taking part!'),
    },
    limit_reached: { title: 'Limit reached', lead: () => 'You have used all your entries for now. This code was not used and stays valid: try again tomorrow.' },
    held: { title: 'Under review', lead: () => 'Your prize is reserved while we run a routine security review. You can claim it once approved.' },
    blocked: { title: 'We could not accept this scan', lead: () => 'This scan did not pass our security checks. If you think this is a mistake, contact the brand with the reference below.' },
    rate_limited: { title: 'Too many attempts', lead: (f) => `Please try again in ${f.retryAfterSeconds ?? 60} seconds.` },
    unavailable: { title: 'Busy right now', lead: (f) => `Please reload in ${f.retryAfterSeconds ?? 5} seconds. Your code is not affected.` },
    bad_request: { title: 'This link is not valid', lead: () => 'Please scan the code printed on the package.' },
  },
  replayNote: 'You scanned this code before; this is your original result.',
  claimTitle: 'How to claim',
  defaultClaim: 'Keep this page or take a screenshot, and quote the reference below to claim.',
  reference: 'Reference',
  firstScanned: 'First scanned',
  kinds: { cash: 'Cash', points: 'Points', coupon: 'Coupon', product: 'Product' },
  units: {},
};

export const pageTexts: Record<Locale, PageText> = { 'zh-CN': zh, en };
