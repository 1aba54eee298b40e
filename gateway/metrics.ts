import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { outcomeNames } from '../core/scan/outcomes.js';
import type { ForgedLimiter } from './http/forged-limiter.js';

/** Why a request was refused before (or instead of) a decision: the label of `rejections`. */
export type RejectionReason =
  | 'rate_limited'
  | 'redis_unavailable'
  | 'database_unavailable'
  | 'campaign_recovering'
  | 'shutting_down'
  | 'url_too_long'
  | 'body_too_large'
  | 'content_type'
  | 'bad_json'
  | 'bad_request'
  /** repeated Content-Length or Transfer-Encoding, or a transfer coding other than chunked */
  | 'bad_framing'
  /** with trustProxy: the last X-Forwarded-For hop is no IP address (a misconfigured or bypassed proxy) */
  | 'bad_forwarded_for'
  | 'method_not_allowed'
  | 'not_found'
  /** the client left before its scan reached the decision script: dropped undecided */
  | 'client_gone'
  | 'internal';

/** The gateway's metrics. One registry per process; the ops server exposes it at /metrics. */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly scans: Counter<'outcome'>;
  readonly scanSeconds: Histogram<'outcome'>;
  readonly forgedCodes: Counter;
  readonly rejections: Counter<'reason'>;
  readonly requestsInFlight: Gauge;
  readonly assessBatchSize: Histogram;
  readonly assessQueueDepth: Gauge;
  readonly decisionBatchSize: Histogram;
  readonly decisionQueueDepth: Gauge;
  readonly scriptSeconds: Histogram;
  readonly outOfRangeCodes: Counter<'campaign'>;
  readonly answersUndelivered: Counter;
  readonly answersRedelivered: Counter;
}

const batchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** What the forged-code limiter shows at each scrape (absent: the series stay empty). */
export type ForgedReadout = Pick<ForgedLimiter, 'campaigns' | 'bytes'>;

export function createGatewayMetrics(registry = new Registry(), forged?: ForgedReadout): GatewayMetrics {
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'scangate_' });
  const metrics: GatewayMetrics = {
    registry,
    scans: new Counter({ name: 'scangate_scans_total', help: 'Scans answered, by outcome (invalid = forged or malformed code)', labelNames: ['outcome'], registers }),
    scanSeconds: new Histogram({
      name: 'scangate_scan_seconds',
      help: 'Time from request to answer for scans, by outcome',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    forgedCodes: new Counter({ name: 'scangate_forged_codes_total', help: 'Codes that failed verification (answered 404 invalid, or 429 past the address budget; never Redis)', registers }),
    rejections: new Counter({
      name: 'scangate_http_rejections_total',
      help: 'Requests refused without a scan decision (429, 503, 4xx input errors), by reason',
      labelNames: ['reason'],
      registers,
    }),
    requestsInFlight: new Gauge({ name: 'scangate_http_requests_in_flight', help: 'Requests being worked on (what a graceful stop waits for)', registers }),
    assessBatchSize: new Histogram({ name: 'scangate_assess_batch_size', help: 'Scans per CPU-stage (worker) task', buckets: batchBuckets, registers }),
    assessQueueDepth: new Gauge({ name: 'scangate_assess_queue_depth', help: 'Scans waiting for or inside the CPU stage', registers }),
    decisionBatchSize: new Histogram({ name: 'scangate_decision_batch_size', help: 'Scans decided per Lua script call', buckets: batchBuckets, registers }),
    decisionQueueDepth: new Gauge({ name: 'scangate_decision_queue_depth', help: 'Scans waiting for or inside a decision script call', registers }),
    scriptSeconds: new Histogram({
      name: 'scangate_redis_script_seconds',
      help: 'Duration of one decision script call (one batch) as seen by the gateway',
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    // Forged-code defences: key compromise, enumeration alarm, the limiter's fixed memory.
    outOfRangeCodes: new Counter({
      name: 'scangate_out_of_range_codes_total',
      help: 'Correctly signed codes with a serial never minted for their batch (a signing key leaked), by campaign',
      labelNames: ['campaign'],
      registers,
    }),
    answersUndelivered: new Counter({
      name: 'scangate_answers_undelivered_total',
      help: 'Consuming answers (won, no_prize, held) decided after their client left (each is marked for redelivery)',
      registers,
    }),
    answersRedelivered: new Counter({
      name: 'scangate_answers_redelivered_total',
      help: 'Lost answers redelivered to a retry from the same network and User-Agent class',
      registers,
    }),
  };
  new Gauge({
    name: 'scangate_forged_codes_window',
    help: 'Forged codes in the current limiter window, by the campaign their batch field names ("(unattributed)": none known)',
    labelNames: ['campaign'],
    registers,
    collect() {
      this.reset();
      for (const count of forged?.campaigns(Date.now()) ?? []) this.set({ campaign: count.campaign }, count.forged);
    },
  });
  new Gauge({
    name: 'scangate_enumeration_alarm',
    help: '1 while a campaign gets gateway.forgedCampaignAlarmAt forged codes per window or more (this window or the last), whatever the number of addresses',
    labelNames: ['campaign'],
    registers,
    collect() {
      this.reset();
      for (const count of forged?.campaigns(Date.now()) ?? []) this.set({ campaign: count.campaign }, count.alarm ? 1 : 0);
    },
  });
  new Gauge({
    name: 'scangate_forged_limiter_bytes',
    help: 'Memory of the per-address forged-code counts (fixed, whatever the number of addresses)',
    registers,
    collect() {
      this.set(forged?.bytes ?? 0);
    },
  });
  // Zeroed series, so dashboards see every outcome before the first scan of each.
  for (const outcome of Object.values(outcomeNames)) metrics.scans.inc({ outcome }, 0);
  return metrics;
}
