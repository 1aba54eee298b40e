import type { FraudRuleName } from '../../config/campaign-schema.js';

/**
 * The fraud rules on live counters, scored inside the decision script (redeemBatch) where the
 * counters are exact; their weights and switches are the campaign's `fraud.rules` (defaults in
 * config/campaign-schema.ts), the request-feature rules are in workers/score.ts. Each adds its
 * weight to the worker's score (capped at 100) when it fires:
 * - clone: the code was consumed by another device (the scan is already_redeemed either way;
 *   the score records how suspicious the attempt was);
 * - device_velocity / ip_velocity: the device's / IP's scans in the last minute exceed the
 *   campaign's deviceScansPerMinute / ipScansPerMinute (every scan counts, replays included);
 * - consumer_velocity: the consumer's redemption attempts (scans of unconsumed codes that pass
 *   window, activation and limits) in the last minute exceed deviceScansPerMinute;
 * - ip_device_farm: a fresh (cookieless) device on an address with more distinct devices than
 *   devicesPerIp this hour (devicesPerFixedIp on a broadband or data-centre address), of which
 *   fewer than sharedAddressReturningShare came back with their cookie: a farm. A carrier NAT or
 *   office is full of phones that return, so it is not one;
 * - serial_run: the code ends a run of serialRun.length consecutive serials of its batch, each
 *   consumed at most serialRun.gapSeconds after the one before, by more than one device;
 * - diverted_batch: the worker found the scan off its batch's region (region_diversion or
 *   ip_region_diversion), and its region already took at least diversion.share of the batch's
 *   consumed scans with a place, and at least diversion.minScans of them: a batch flowing into
 *   another region (goods resold there), not a traveller.
 */
export const counterRuleNames = ['clone', 'device_velocity', 'ip_velocity', 'consumer_velocity', 'ip_device_farm', 'serial_run', 'diverted_batch'] as const satisfies readonly FraudRuleName[];
