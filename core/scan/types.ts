import type { GeoLookup } from '../geo/geo-types.js';
import type { UaClass } from './ua-classes.js';
import type { Outcome } from './outcomes.js';

/**
 * What the client address's geolocation says (core/geo, looked up once per scan by the gateway):
 * its network type, country ("" unknown) and region code ("CN-SH" for a mainland province, else
 * the country code). Absent while the databases are still opening, or when geolocation is off.
 */
export type AddressPlace = Pick<GeoLookup, 'networkType' | 'country' | 'region'>;

/** Everything the decision needs about one scan, copied out of the request before any await. */
export interface ScanRequest {
  /** normalised code (upper-case Crockford) whose MAC already verified */
  readonly code: string;
  readonly campaignId: string;
  readonly batchId: number;
  readonly serial: number;
  /** device id from the signed cookie; a fresh one when the cookie was missing or tampered */
  readonly deviceId: string;
  readonly newDevice: boolean;
  readonly ip: string;
  readonly userAgent: string;
  readonly lat?: number;
  readonly lon?: number;
  /** where the address is; absent: unknown (see AddressPlace) */
  readonly place?: AddressPlace;
  /** forged codes sent with this device's cookie in the forged-code window (the enumeration signal) */
  readonly forgedAttempts: number;
  readonly receivedAt: number;
}

/** What the CPU stage (workers/) says about a scan before the decision script runs. */
export interface ScanAssessment {
  /** 0-100 from request-feature rules */
  readonly score: number;
  readonly reasonMask: number;
  /** index into the campaign's tiers drawn for this code, -1 for no prize */
  readonly tierIndex: number;
  /** region code from lat/lon (a campaign region), else from the address (AddressPlace), if known */
  readonly region: string | null;
  /** coarse user-agent class carried by the decision events (`ua`) */
  readonly uaClass: UaClass;
}

/** What the decision script decided for one scan. */
export interface ScanDecision {
  readonly outcome: Outcome;
  /** index into the campaign's tiers actually issued (after fallback), -1 for none */
  readonly tierIndex: number;
  /** the events-stream entry id of this scan (for a replay: of the original scan) */
  readonly scanId: string;
  readonly replay: boolean;
  /** when the code was first redeemed (already_redeemed and replays) */
  readonly firstScannedAt?: number;
  readonly reasonMask: number;
  readonly score: number;
  /** a redelivery: the lost answer's device, whose cookie the phone gets back (see markUndelivered) */
  readonly redeliveredTo?: string;
}
