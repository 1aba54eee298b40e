import type { Logger } from 'pino';
import { openGeoLocator, type GeoLocator } from '../../core/geo/geo-locator.js';
import type { AddressPlace } from '../../core/scan/types.js';

/** Where client addresses are, for the scan path: `locate` answers undefined until the databases are open. */
export interface AddressPlaces {
  locate(ip: string): AddressPlace | undefined;
  /** settles once the databases are open (true) or failed to open (false); never rejects */
  readonly ready: Promise<boolean>;
}

/**
 * One open of the databases per process, shared by every gateway it starts (tests start several;
 * `serve --processes N` forks N processes, each with its own). The open takes about 1–2.5 s of CPU
 * and ~115 MB, so it is never awaited before the port opens: scans that arrive before it finishes
 * carry no place (network type unknown, region from coordinates only), as with geolocation off.
 */
let shared: Promise<GeoLocator> | undefined;

function sharedGeoLocator(): Promise<GeoLocator> {
  shared ??= openGeoLocator();
  return shared;
}

export function openAddressPlaces(logger: Logger, open: () => Promise<GeoLocator> = sharedGeoLocator): AddressPlaces {
  let locator: GeoLocator | undefined;
  const startedAt = performance.now();
  const ready = open().then(
    (opened) => {
      locator = opened;
      logger.info({ ms: Math.round(performance.now() - startedAt), ...opened.loaded }, 'geolocation databases open');
      return true;
    },
    (err: unknown) => {
      // A fraud signal, not a reason to refuse scans: the gateway serves on without it.
      logger.error({ err }, 'geolocation databases did not open: scans carry no network type or address region');
      return false;
    },
  );
  return { locate: (ip) => locator?.lookup(ip), ready };
}

/** Geolocation off (`GatewayDeps.geolocation: false`): every scan's place is unknown. */
export const noAddressPlaces: AddressPlaces = { locate: () => undefined, ready: Promise.resolve(false) };
