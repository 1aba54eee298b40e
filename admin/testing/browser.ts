import { mkdir } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { repoPath } from '../../core/paths.js';
import type { AdminHarness } from './admin-harness.js';

/** Where the console's browser tests leave their screenshots, to be looked at. */
export const screenshots = repoPath('test-results', 'admin');

/** Debian's Chromium, headless, as the project's browser tests run it (no network of its own). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Serves the harness's console on a free loopback port for a browser; returns its base URL and a browser. */
export async function serveToBrowser(h: AdminHarness): Promise<{ base: string; browser: Browser }> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  await mkdir(screenshots, { recursive: true });
  return { base, browser: await launchChromium() };
}
