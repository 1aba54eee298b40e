/**
 * Question: what does geolocating a scan's address cost, next to the scan itself? Every fresh
 * scan would pay one lookup: it must stay a few µs. Measured uncached (every address new: a
 * farm rotating through a cloud's range), cached (carrier NAT addresses seen again and again),
 * IPv6, and junk that is not an address; plus the one-off cost of opening the databases.
 *   npm run bench -- geo [--lookups 200000] [--rounds 5]
 */
import { performance } from 'node:perf_hooks';
import { openGeoLocator } from '../../core/geo/geo-locator.js';
import { countOption } from './options.js';
import { format, medianRound, printMeasurements, timeSlices, type Measurement } from './stats.js';

const SLICE = 1000;

/** Distinct public-looking IPv4 addresses spread over the whole space (a multiplicative walk). */
const spreadIpv4 = (i: number) => {
  const value = (Math.imul(i + 1, 2654435761) >>> 0) % 0xdf000000; // first octet 1..223: unicast, mostly public
  return `${(value >>> 24) + 1}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
};
const spreadIpv6 = (i: number) => `240${(i % 16).toString(16)}:${(Math.imul(i, 40503) & 0xffff).toString(16)}:${(i & 0xffff).toString(16)}::${(i % 97).toString(16)}`;

export async function run(args: string[]): Promise<void> {
  const count = Math.ceil(countOption(args, 'lookups', 200_000) / SLICE) * SLICE;
  const rounds = countOption(args, 'rounds', 5);

  const started = performance.now();
  const rssBefore = process.memoryUsage().rss;
  // A one-entry cache generation makes every lookup of new addresses reach the databases; the cached locator keeps the default size.
  const uncached = await openGeoLocator({ cacheGeneration: 1 });
  const openMs = performance.now() - started;
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1e6;
  const cached = await openGeoLocator({ cacheGeneration: 50_000 });

  const natAddresses = Array.from({ length: 2000 }, (_, i) => `117.131.${i % 8}.${(i % 250) + 1}`);
  const inputs: [string, string[], typeof uncached][] = [
    ['IPv4, uncached (new addresses)', Array.from({ length: count }, (_, i) => spreadIpv4(i)), uncached],
    ['IPv6, uncached', Array.from({ length: count }, (_, i) => spreadIpv6(i)), uncached],
    ['IPv4, cached (2,000 NAT addresses)', Array.from({ length: count }, (_, i) => natAddresses[i % natAddresses.length] as string), cached],
    ['junk (not an address)', Array.from({ length: count }, (_, i) => `junk-${i}`), uncached],
  ];

  let hosting = 0;
  const results = inputs.map(([label, addresses, locator]) => {
    const measured: Measurement[] = [];
    for (let round = 0; round < rounds; round++) {
      measured.push(
        timeSlices(label, count / SLICE, SLICE, (slice) => {
          for (let i = slice * SLICE; i < (slice + 1) * SLICE; i++) if (locator.lookup(addresses[i] as string).networkType === 'hosting') hosting++;
        }),
      );
    }
    return medianRound(measured);
  });

  console.log(`opening the databases: ${format(openMs)} ms, RSS +${format(rssGrowth)} MB (${JSON.stringify(uncached.loaded)})`);
  printMeasurements(`geo lookup: ${count} lookups per kind, ${rounds} rounds; median round shown`, results);
  console.log(`hosting answers seen: ${hosting} (keeps the lookups from being optimised away)`);
}
