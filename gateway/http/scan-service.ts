import type { Campaign } from '../../config/campaign-schema.js';
import type { CodeVerifier, VerifyResult } from '../../core/codes/code-verifier.js';
import { batchHoldsSerial } from '../../core/campaigns/batches.js';
import type { LostAnswer } from '../../core/redis/undelivered-answers.js';
import { consumesCode } from '../../core/scan/outcomes.js';
import type { AddressPlace, ScanAssessment, ScanDecision, ScanRequest } from '../../core/scan/types.js';
import type { AssessQueue } from './assess-queue.js';
import type { CampaignCatalog } from './campaign-catalog.js';
import { deviceCookieValue, type DeviceCookies } from './device-cookie.js';
import { UNATTRIBUTED } from './enumeration-alarm.js';
import type { ForgedLimiter } from './forged-limiter.js';
import type { OutOfRangeCode } from './key-compromise-signal.js';
import { answerFromDecision, invalidAnswer, type ScanAnswer } from './scan-answer.js';

/** One scan as the HTTP layer read it. */
export interface ScanInput {
  /** the code exactly as sent: anything at all, verified before it is used */
  readonly rawCode: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly cookie: string;
  readonly receivedAt: number;
  /** the client went away: a scan not yet sent to Redis is then dropped, undecided; a decided one may be lost */
  readonly abandoned: () => boolean;
}

export type ScanResult =
  | {
      readonly kind: 'answer';
      readonly answer: ScanAnswer;
      /** the code's campaign; absent for invalid codes */
      readonly campaign?: Campaign;
      /** Set-Cookie for a device seen for the first time, or the original device of a redelivered answer */
      readonly setCookie: string | null;
    }
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number }
  | { readonly kind: 'abandoned' };

type GenuineCode = Extract<VerifyResult, { valid: true }>;

export type DecideScan = (request: ScanRequest, assessment: ScanAssessment, campaign: Campaign) => Promise<ScanDecision>;

export interface ScanServiceDeps {
  readonly verifier: CodeVerifier;
  readonly limiter: ForgedLimiter;
  readonly devices: DeviceCookies;
  readonly catalog: CampaignCatalog;
  readonly assessQueue: AssessQueue;
  readonly decide: DecideScan;
  /** Where a client address is (core/geo); undefined while the databases are not open, or with geolocation off. Synchronous and cheap (cached). */
  readonly locate: (ip: string) => AddressPlace | undefined;
  /** a code failed verification */
  readonly onForged: () => void;
  /** a correctly signed code with a serial its batch never had (answered invalid) */
  readonly onOutOfRange: (code: OutOfRangeCode) => void;
  /** Marks a consuming answer decided after its client left, for redelivery; never rejects. */
  readonly answerLost: (lost: LostAnswer) => Promise<void>;
  /** a lost answer was redelivered to its phone */
  readonly onRedelivered: () => void;
}

export interface ScanService {
  /**
   * Answers at once (no promise) when the outcome is known without Redis — a forged code, 404 or
   * 429 — so those cost no promise and no deferred write, and pipelined requests for them
   * are answered in order (uWS can only pipeline synchronous answers).
   */
  scan(input: ScanInput): ScanResult | Promise<ScanResult>;
}

/**
 * An answer that consumed the code and whose phone may not be able to get it again: a same-device
 * replay's phone still holds its cookie, so its retry replays anyway.
 */
function mustReachPhone(decision: ScanDecision): boolean {
  return consumesCode(decision.outcome) && (!decision.replay || decision.redeliveredTo !== undefined);
}

/**
 * One scan, start to answer: the code's MAC, its batch and campaign, the serial within the batch,
 * the device, the CPU stage, then the decision script. Forged or garbled codes end at the MAC:
 * `invalid`, or 429 once their address is over its forged-code budget; a genuine code is decided
 * whatever its address sent before (that history is the `enumeration` fraud feature). A signed
 * code whose serial its batch never had ends at the batch. None of these touches Redis. A scan
 * whose client left before it reached the decision script is dropped undecided; one that left
 * while it was being decided has its consuming answer marked as lost, for the phone's retry. Errors
 * (ScangateError: Redis down, campaign recovering, ...) propagate to the HTTP layer.
 */
export function createScanService(deps: ScanServiceDeps): ScanService {
  const { verifier, limiter, devices, catalog, assessQueue, decide } = deps;
  const invalid = (): ScanResult => ({ kind: 'answer', answer: invalidAnswer(), setCookie: null });

  async function decideGenuine(input: ScanInput, code: GenuineCode): Promise<ScanResult> {
    // A genuine signature on a batch no campaign holds (deleted, or minted elsewhere): not ours to redeem.
    const entry = catalog.find(code.batchId) ?? (await catalog.findAfterReload(code.batchId));
    if (entry === undefined) return invalid();
    const { campaign, batch } = entry;
    if (!batchHoldsSerial(batch, code.serial)) {
      deps.onOutOfRange({ batchId: code.batchId, batch, serial: code.serial, keyId: code.keyId });
      return invalid();
    }
    const device = devices.identify(input.cookie);
    const sender = deviceCookieValue(input.cookie);
    const place = deps.locate(input.ip);
    const request: ScanRequest = {
      code: code.code,
      campaignId: campaign.id,
      batchId: code.batchId,
      serial: code.serial,
      deviceId: device.deviceId,
      newDevice: device.newDevice,
      ip: input.ip,
      userAgent: input.userAgent,
      ...(place !== undefined && { place }),
      ...(input.lat !== undefined && input.lon !== undefined ? { lat: input.lat, lon: input.lon } : {}),
      forgedAttempts: device.newDevice || sender === undefined ? 0 : limiter.attempts(sender, input.receivedAt),
      receivedAt: input.receivedAt,
    };
    const assessment = await assessQueue.assess(campaign, { request, batchRegion: batch.region, honeypot: batch.honeypotSerials.has(code.serial) });
    if (input.abandoned()) return { kind: 'abandoned' };
    const decision = await decide(request, assessment, campaign);
    if (input.abandoned() && mustReachPhone(decision))
      await deps.answerLost({ campaignId: campaign.id, code: code.code, scanId: decision.scanId, ip: input.ip, uaClass: assessment.uaClass });
    if (decision.redeliveredTo !== undefined) deps.onRedelivered();
    const setCookie = decision.redeliveredTo === undefined ? device.setCookie : devices.cookieFor(decision.redeliveredTo);
    return { kind: 'answer', answer: answerFromDecision(decision, campaign), campaign, setCookie };
  }

  return {
    scan(input) {
      const code = verifier.verify(input.rawCode);
      if (code.valid) return decideGenuine(input, code);
      deps.onForged();
      const claimedBatchId = verifier.claimedBatchId(input.rawCode);
      const campaignId = (claimedBatchId !== undefined && catalog.find(claimedBatchId)?.campaign.id) || UNATTRIBUTED;
      const retryAfterSeconds = limiter.record(input.ip, deviceCookieValue(input.cookie) ?? null, campaignId, input.receivedAt);
      return retryAfterSeconds > 0 ? { kind: 'rate_limited', retryAfterSeconds } : invalid();
    },
  };
}
