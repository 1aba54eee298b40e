import { Packr } from 'msgpackr';
import type { NetworkType } from '../core/geo/geo-types.js';
import type { AssessCampaign, ScanFeatures } from './assess.js';

/**
 * The message between the gateway and an assess worker: one task carries every scan of one
 * campaign from one event-loop turn, packed into one buffer that is transferred, not copied.
 * The campaign itself is sent only when a worker says it does not know the campaign version yet.
 */
export interface AssessTask {
  /** one campaign version within this process; workers cache the campaign under it */
  readonly campaignKey: number;
  /** present only on a resend after the worker answered null */
  readonly campaign: AssessCampaign | null;
  /** packScans() output */
  readonly scans: Uint8Array<ArrayBuffer>;
}

/** Packed assessments (see assessScans), or null: "send this task again with its campaign". */
export type AssessTaskResult = Int32Array | null;

const packr = new Packr({ useRecords: false });

/** Fields per scan in the packed array, in this order. */
const SCAN_FIELDS = 11;

export function packScans(scans: readonly ScanFeatures[]): Uint8Array<ArrayBuffer> {
  const flat: unknown[] = [];
  for (const scan of scans) {
    flat.push(scan.code, scan.userAgent, scan.lat, scan.lon, scan.forgedAttempts, scan.newDevice, scan.honeypot, scan.batchRegion, scan.networkType, scan.ipCountry, scan.ipRegion);
  }
  // msgpackr returns a view into its reusable buffer; copy it so the transfer sends only these bytes.
  return new Uint8Array(packr.pack(flat));
}

export function unpackScans(packed: Uint8Array): ScanFeatures[] {
  const flat = packr.unpack(packed) as unknown[];
  const scans: ScanFeatures[] = [];
  for (let at = 0; at < flat.length; at += SCAN_FIELDS) {
    const [code, userAgent, lat, lon, forgedAttempts, newDevice, honeypot, batchRegion, networkType, ipCountry, ipRegion] = flat.slice(at, at + SCAN_FIELDS);
    scans.push({
      code: code as string,
      userAgent: userAgent as string,
      lat: lat as number,
      lon: lon as number,
      forgedAttempts: forgedAttempts as number,
      newDevice: newDevice as boolean,
      honeypot: honeypot as boolean,
      batchRegion: batchRegion as string | null,
      networkType: networkType as NetworkType,
      ipCountry: ipCountry as string,
      ipRegion: ipRegion as string,
    });
  }
  return scans;
}
