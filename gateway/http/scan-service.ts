import type { Campaign } from '../../config/campaign-schema.js';
import type { CodeVerifier, VerifyResult } from '../../core/codes/code-verifier.js';
import type { ScanAssessment, ScanDecision, ScanRequest } from '../../core/scan/types.js';
import type { AssessQueue } from './assess-queue.js';
import type { CampaignCatalog } from './campaign-catalog.js';
import type { DeviceCookies } from './device-cookie.js';
import type { ForgedLimiter } from './forged-limiter.js';
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
  /** the client went away: a scan not yet sent to Redis is then dropped, undecided */
  readonly abandoned: () => boolean;
}

export type ScanResult =
  | {
      readonly kind: 'answer';
      readonly answer: ScanAnswer;
      /** the code's campaign; absent for invalid codes */
      readonly campaign?: Campaign;
      /** Set-Cookie for a device seen for the first time */
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
  /** a code failed verification */
  readonly onForged: () => void;
}

export interface ScanService {
  /**
   * Answers at once (no promise) when the outcome is known without Redis — a refused address, a
   * forged code — so those cost no promise and no deferred write, and pipelined requests for them
   * are answered in order (uWS can only pipeline synchronous answers).
   */
  scan(input: ScanInput): ScanResult | Promise<ScanResult>;
}

/**
 * One scan, start to answer: the address's forged-code budget, the code's MAC, its batch and
 * campaign, the device, the CPU stage, then the decision script. Forged or garbled codes end at
 * the MAC, and an address over its budget before it: neither touches Redis. A scan whose client
 * left before it reached the decision script is dropped undecided. Errors (ScangateError: Redis
 * down, campaign recovering, ...) propagate to the HTTP layer.
 */
export function createScanService(deps: ScanServiceDeps): ScanService {
  const { verifier, limiter, devices, catalog, assessQueue, decide } = deps;
  const invalid = (): ScanResult => ({ kind: 'answer', answer: invalidAnswer(), setCookie: null });

  async function decideGenuine(input: ScanInput, code: GenuineCode): Promise<ScanResult> {
    // A genuine signature on a batch no campaign holds (deleted, or minted elsewhere): not ours to redeem.
    const entry = catalog.find(code.batchId) ?? (await catalog.findAfterReload(code.batchId));
    if (entry === undefined) return invalid();
    const { campaign, batch } = entry;
    const device = devices.identify(input.cookie);
    const request: ScanRequest = {
      code: code.code,
      campaignId: campaign.id,
      batchId: code.batchId,
      serial: code.serial,
      deviceId: device.deviceId,
      newDevice: device.newDevice,
      ip: input.ip,
      userAgent: input.userAgent,
      ...(input.lat !== undefined && input.lon !== undefined ? { lat: input.lat, lon: input.lon } : {}),
      forgedAttempts: limiter.attempts(input.ip, input.receivedAt),
      receivedAt: input.receivedAt,
    };
    const assessment = await assessQueue.assess(campaign, { request, batchRegion: batch.region, honeypot: batch.honeypotSerials.has(code.serial) });
    if (input.abandoned()) return { kind: 'abandoned' };
    const decision = await decide(request, assessment, campaign);
    return { kind: 'answer', answer: answerFromDecision(decision, campaign), campaign, setCookie: device.setCookie };
  }

  return {
    scan(input) {
      const retryAfterSeconds = limiter.blockedFor(input.ip, input.receivedAt);
      if (retryAfterSeconds > 0) return { kind: 'rate_limited', retryAfterSeconds };
      const code = verifier.verify(input.rawCode);
      if (code.valid) return decideGenuine(input, code);
      limiter.record(input.ip, input.receivedAt);
      deps.onForged();
      return invalid();
    },
  };
}
