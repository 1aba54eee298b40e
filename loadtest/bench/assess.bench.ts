/**
 * Question: for the CPU stage of a scan (draw + request-feature rules), is a piscina pool faster
 * than running inline on the event loop, and at which batch sizes? Prints, per batch size and
 * mode: scans/s, microseconds per scan (wall; main thread; CPU of all threads), batch latency
 * p50/p99, and ratios to inline. Main-thread time is what the gateway's event loop pays (it also
 * runs uWS and ioredis); CPU time is what the machine pays (on 2 cores Redis needs the rest).
 * Each cell is the median of several rounds, so a busy machine skews it less.
 *   npm run bench -- assess [--scans 20000] [--in-flight 4] [--rounds 3]
 */
import { performance } from 'node:perf_hooks';
import { loadCampaignFile, type Campaign } from '../../config/campaign-schema.js';
import { createAssessor, type Assessor, type ScanToAssess } from '../../gateway/scan/assessor.js';
import { repoPath } from '../../core/paths.js';
import { countOption } from './options.js';
import { percentile } from './stats.js';

const BATCH_SIZES = [1, 16, 64, 256];
const MODES = [
  { name: 'inline', config: { mode: 'inline', threads: 1 } },
  { name: 'pool x1', config: { mode: 'pool', threads: 1 } },
  { name: 'pool x2', config: { mode: 'pool', threads: 2 } },
] as const;

/** Mostly phones, some desktops and automation: the mix a promotion peak sees. */
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110017 MMWEBSDK/20230805 MicroMessenger/8.0.42.2460(0x28002A3B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.29 Safari/537.36',
];

function syntheticScans(campaign: Campaign, count: number): ScanToAssess[] {
  return Array.from({ length: count }, (_, i) => ({
    request: {
      code: `1A${String(i).padStart(12, '0')}BENCHMARKCODE0`,
      campaignId: campaign.id,
      batchId: 1,
      serial: i,
      deviceId: `bench-device-${i % 1000}`,
      newDevice: i % 4 === 0,
      ip: `198.51.100.${i % 250}`,
      userAgent: AGENTS[i % AGENTS.length] as string,
      ...(i % 2 === 0 ? { lat: 31.2 + (i % 7) / 10, lon: 121.4 } : {}),
      forgedAttempts: i % 11 === 0 ? 4 : 0,
      receivedAt: Date.now(),
    },
    batchRegion: 'CN-SH',
    honeypot: false,
  }));
}

interface Measurement {
  readonly scansPerSecond: number;
  readonly wallMicros: number;
  readonly mainMicros: number;
  readonly cpuMicros: number;
  readonly p50: number;
  readonly p99: number;
}

/** `inFlight` batches outstanding at once, as concurrent event-loop turns would keep them. */
async function measure(assessor: Assessor, campaign: Campaign, scans: readonly ScanToAssess[], batchSize: number, inFlight: number): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < scans.length) {
      const batch = scans.slice(next, (next += batchSize));
      const sent = performance.now();
      await assessor.assess(campaign, batch);
      latencies.push(performance.now() - sent);
    }
  };
  const loopBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const wall = performance.now() - started;
  const loop = performance.eventLoopUtilization(loopBefore);
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    scansPerSecond: (scans.length / wall) * 1000,
    wallMicros: (wall * 1000) / scans.length,
    mainMicros: (loop.active * 1000) / scans.length,
    cpuMicros: (cpu.user + cpu.system) / scans.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Warm-up (JIT, threads, the workers' campaign cache), then the median round by scans/s. */
async function measureMode(mode: (typeof MODES)[number], campaign: Campaign, scans: readonly ScanToAssess[], batchSize: number, inFlight: number, rounds: number): Promise<Measurement> {
  const drawKey = Buffer.alloc(32, 0x42);
  const assessor = createAssessor({ workers: mode.config }, () => drawKey);
  try {
    await measure(assessor, campaign, scans.slice(0, 2000), batchSize, inFlight);
    const results: Measurement[] = [];
    for (let round = 0; round < rounds; round++) results.push(await measure(assessor, campaign, scans, batchSize, inFlight));
    results.sort((a, b) => a.scansPerSecond - b.scansPerSecond);
    return results[Math.floor(rounds / 2)] as Measurement;
  } finally {
    await assessor.close();
  }
}

const COLUMNS = ['batch', 'mode', 'scans/s', 'wall µs', 'main µs', 'cpu µs', 'p50 ms', 'p99 ms', 'scans/s ×inl', 'main ×inl', 'cpu ×inl'];

export async function run(args: string[]): Promise<void> {
  const count = countOption(args, 'scans', 20_000);
  const inFlight = countOption(args, 'in-flight', 4);
  const rounds = countOption(args, 'rounds', 3);
  const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));
  const scans = syntheticScans(campaign, count);
  console.log(`assess: ${count} scans per round, median of ${rounds} rounds, ${inFlight} batches in flight; µs are per scan`);
  console.log(COLUMNS.map((name, i) => (i === 1 ? name.padEnd(8) : name.padStart(9))).join(' '));
  for (const batchSize of BATCH_SIZES) {
    let inline: Measurement | undefined;
    for (const mode of MODES) {
      const result = await measureMode(mode, campaign, scans, batchSize, inFlight, rounds);
      inline ??= result;
      const cells = [
        String(batchSize),
        result.scansPerSecond.toFixed(0),
        result.wallMicros.toFixed(2),
        result.mainMicros.toFixed(2),
        result.cpuMicros.toFixed(2),
        result.p50.toFixed(3),
        result.p99.toFixed(3),
        (result.scansPerSecond / inline.scansPerSecond).toFixed(2),
        (result.mainMicros / inline.mainMicros).toFixed(2),
        (result.cpuMicros / inline.cpuMicros).toFixed(2),
      ].map((cell) => cell.padStart(9));
      cells.splice(1, 0, mode.name.padEnd(8));
      console.log(cells.join(' '));
    }
  }
}
