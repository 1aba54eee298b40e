// @ts-check
/**
 * The public scan answer's contract (README "The answer"), as pure functions: no k6 import, so
 * vitest tests them and every suite checks answers the same way.
 */

/** @typedef {{ tier: string, kind: string, value: number, unit: string }} Prize */
/** @typedef {{ outcome: string, prize: Prize | null, scanId: string, replay: boolean, firstScannedAt?: string, reasons?: string[] }} Answer */
/** @typedef {{ error: string, message: string }} Refusal */

/** Every outcome the gateway decides (200), plus `invalid` (404). */
export const OUTCOMES = ['won', 'no_prize', 'already_redeemed', 'not_activated', 'campaign_not_started', 'campaign_ended', 'limit_reached', 'held', 'blocked', 'invalid'];
/** What a scan's metrics call a refusal, by status: no outcome was decided. */
export const REFUSALS = { 429: 'rate_limited', 503: 'unavailable' };
/** Every label a scan counter can carry: outcomes, refusals, and anything else the gateway answered. */
export const SCAN_LABELS = [...OUTCOMES, ...Object.values(REFUSALS), 'error'];

const CONSUMING = new Set(['won', 'no_prize', 'held']);
const WITH_PRIZE = new Set(['won', 'held']);
const WITH_REASONS = new Set(['held', 'blocked']);

/**
 * The label a scan is counted under: the outcome for 200 / 404, the refusal for 429 / 503, else
 * `error` (a status the contract does not allow, or a body that is not the answer).
 * @param {number} status
 * @param {unknown} body the parsed JSON body (null when it did not parse)
 */
export function scanLabel(status, body) {
  if (status === 429 || status === 503) return REFUSALS[status];
  if ((status !== 200 && status !== 404) || !isAnswer(body)) return 'error';
  return body.outcome;
}

/** @param {unknown} body @returns {body is Answer} */
export function isAnswer(body) {
  return typeof body === 'object' && body !== null && OUTCOMES.includes(/** @type {Answer} */ (body).outcome);
}

/**
 * Whether the answer keeps its contract: status by outcome, prize only for won / held, reasons
 * only for held / blocked, firstScannedAt on replays and already_redeemed, invalid ids `inv-`.
 * @param {number} status
 * @param {Answer} answer
 */
export function keepsContract(status, answer) {
  if ((answer.outcome === 'invalid') !== (status === 404)) return false;
  if (typeof answer.scanId !== 'string' || answer.scanId === '' || typeof answer.replay !== 'boolean') return false;
  if (answer.outcome === 'invalid' && (!answer.scanId.startsWith('inv-') || answer.replay)) return false;
  if (WITH_PRIZE.has(answer.outcome) !== (answer.prize !== null && typeof answer.prize === 'object')) return false;
  if (WITH_REASONS.has(answer.outcome) !== Array.isArray(answer.reasons)) return false;
  const firstScanned = answer.replay || answer.outcome === 'already_redeemed';
  return firstScanned === (typeof answer.firstScannedAt === 'string');
}

/** A new device's first scan of an unused genuine code: it consumes the code (won, no_prize, held) or the rules block it. @param {Answer} answer */
export const decidesFreshCode = (answer) => !answer.replay && (CONSUMING.has(answer.outcome) || answer.outcome === 'blocked');

/** This answer took the code: a draw taken (replays repeat a draw, they do not take one). @param {Answer} answer */
export const redeemsCode = (answer) => CONSUMING.has(answer.outcome) && !answer.replay;

/** Prize value this answer obtains: won, plus held (reserved, paid if the review approves). Replays obtain nothing new. @param {Answer} answer */
export const prizeValueObtained = (answer) => (redeemsCode(answer) && answer.prize ? answer.prize.value : 0);

/**
 * A replay answers the original decision: same scanId, outcome and prize.
 * @param {Answer} original
 * @param {Answer} replay
 */
export function sameDecision(original, replay) {
  return (
    replay.replay === true &&
    replay.scanId === original.scanId &&
    replay.outcome === original.outcome &&
    samePrize(original.prize, replay.prize)
  );
}

/** Field by field: answers that crossed setup() come back with their keys in another order. @param {Prize | null} a @param {Prize | null} b */
function samePrize(a, b) {
  if (a === null || b === null) return a === b;
  return a.tier === b.tier && a.kind === b.kind && a.value === b.value && a.unit === b.unit;
}
