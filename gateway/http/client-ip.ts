import { ScangateError } from '../../core/errors.js';
import { parseAddress } from '../../core/net/ip-address.js';

/** Long enough to recognise a value in a log, short enough that a 3 KB header does not flood it. */
const SHOWN_HOP_CHARS = 64;

/**
 * The client's address: the socket's peer, or, when the gateway sits behind a proxy we trust,
 * the last X-Forwarded-For hop (the one that proxy appended; earlier hops are client-supplied).
 * That hop not being an address means the proxy is misconfigured or was bypassed: the request
 * is refused (GW_ERR_FORWARDED_FOR) rather than counted against the proxy's own address, which
 * would let one client's garbage trip the forged-code limit for everyone behind the proxy.
 */
export function clientAddress(socketAddress: string, forwardedFor: string, trustProxy: boolean): string {
  if (trustProxy && forwardedFor !== '') {
    const lastHop = forwardedFor.slice(forwardedFor.lastIndexOf(',') + 1).trim();
    const address = parseAddress(lastHop);
    if (address === undefined) throw new ScangateError('GW_ERR_FORWARDED_FOR', JSON.stringify(lastHop.slice(0, SHOWN_HOP_CHARS)));
    return address;
  }
  // The kernel's word: anything it reports is kept as it is rather than refused.
  return parseAddress(socketAddress) ?? socketAddress;
}
