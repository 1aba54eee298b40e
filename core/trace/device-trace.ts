import type { Ban } from '../bans/bans.js';
import type { TraceDeps } from './code-trace.js';
import { bansTouching, subjectsOfScans } from './touching-bans.js';
import { redemptionsOfDevice, scansOfDevice, type TracedRedemption, type TracedScan } from './trace-rows.js';

export interface DeviceTrace {
  readonly deviceId: string;
  /** newest first, at most traceScanLimit */
  readonly scans: TracedScan[];
  readonly redemptions: TracedRedemption[];
  /** bans of the device, and of the addresses and networks it scanned from, in any scope */
  readonly bans: Ban[];
}

/** One device's history across campaigns. */
export async function traceDevice(deps: Pick<TraceDeps, 'pool' | 'now'>, deviceId: string): Promise<DeviceTrace> {
  const [scans, redemptions] = await Promise.all([scansOfDevice(deps.pool, deviceId), redemptionsOfDevice(deps.pool, deviceId)]);
  const bans = await bansTouching(deps, subjectsOfScans(scans, [{ kind: 'device', value: deviceId }]));
  return { deviceId, scans, redemptions, bans };
}
