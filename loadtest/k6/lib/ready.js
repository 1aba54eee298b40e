// @ts-check
import { fail } from 'k6';
import http from 'k6/http';

/**
 * For setup(): stops the run at once when the target is not ready (quickpizza's habit), rather
 * than measuring 503s for the whole run.
 * @param {{ url: string }} target
 */
export function requireReady(target) {
  const ready = http.get(`${target.url}/readyz`, { tags: { name: 'readyz' } });
  if (ready.status !== 200) fail(`${target.url}/readyz answered ${ready.status} ${ready.body}: start the stack, or check BASE_URL`);
}

/**
 * Suites that place devices behind chosen addresses send them as X-Forwarded-For: the gateway must
 * trust it (gateway.trustProxy, directly, with no proxy in front that appends the load generator's
 * address). A trusting gateway refuses a hop that is no address with 400 GW_ERR_FORWARDED_FOR.
 * @param {{ url: string }} target
 */
export function requireTrustedForwardedFor(target) {
  const probe = http.get(`${target.url}/S/NOT-A-CODE`, { headers: { Accept: 'application/json', 'X-Forwarded-For': 'not-an-address' }, tags: { name: 'probe' }, responseCallback: http.expectedStatuses(400, 404) });
  if (probe.status !== 400) fail(`${target.url} ignores X-Forwarded-For (answered ${probe.status}): run the gateway with gateway.trustProxy (README "Load testing")`);
}
