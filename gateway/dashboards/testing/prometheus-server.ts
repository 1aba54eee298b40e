import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../../core/services/free-port.js';

/**
 * A real Prometheus of a test's own (Debian's `prometheus` package): its own port and data dir,
 * a generated config scraping the given targets, stopped and deleted by stop(). The Debian
 * service, if one runs, is never touched.
 */

const installHint =
  'install Debian\'s package: `sudo apt-get install -y --no-install-recommends prometheus` (then `sudo systemctl disable --now prometheus` if it started a service; the tests run their own). .ci/run installs it when missing.';

/** The path of a Prometheus tool (`prometheus`, `promtool`) on PATH, or an error that says how to install it. */
export function prometheusTool(name: 'prometheus' | 'promtool'): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  const found = dirs.filter(Boolean).map((dir) => path.join(dir, name)).find((file) => existsSync(file));
  if (!found) throw new Error(`${name} is not installed: ${installHint}`);
  return found;
}

/** promtool's exit code and output for `promtool <args…>`. */
export function runPromtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(prometheusTool('promtool'), args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface PrometheusOptions {
  /** host:port of each /metrics to scrape (one job, `scangate`) */
  readonly targets: readonly string[];
  readonly ruleFiles?: readonly string[];
  readonly scrapeIntervalMs: number;
}

/** What the HTTP API answers (`data` of a success). */
export interface QueryData {
  readonly resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  readonly result: unknown;
}

export interface RunningPrometheus {
  readonly url: string;
  /** GET /api/v1/<endpoint>; throws with Prometheus's error (bad_data …) on a failure */
  api<T = unknown>(endpoint: string, params: Record<string, string | string[]>): Promise<T>;
  stop(): Promise<void>;
}

const configYaml = (options: PrometheusOptions) => {
  const seconds = `${options.scrapeIntervalMs / 1000}s`;
  return [
    'global:',
    `  scrape_interval: ${seconds}`,
    `  evaluation_interval: ${seconds}`,
    'rule_files:',
    ...(options.ruleFiles ?? []).map((file) => `  - ${JSON.stringify(file)}`),
    ...(options.ruleFiles?.length ? [] : ['  []']),
    'scrape_configs:',
    '  - job_name: scangate',
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
};

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = prometheusTool('prometheus');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, configYaml(options));
  const check = runPromtool('check', 'config', configFile);
  if (check.status !== 0) throw new Error(`promtool rejects the generated config:\n${check.output}`);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode} at start:\n${log}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    async api<T>(endpoint: string, params: Record<string, string | string[]>): Promise<T> {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
      const response = await fetch(`${url}/api/v1/${endpoint}?${query.toString()}`);
      const body = (await response.json()) as { status: string; data?: T; errorType?: string; error?: string };
      if (body.status !== 'success') throw new Error(`${endpoint} ${JSON.stringify(params)}: ${body.errorType ?? response.status}: ${body.error ?? ''}`);
      return body.data as T;
    },
    stop,
  };
}
