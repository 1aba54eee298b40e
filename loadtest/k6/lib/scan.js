// @ts-check
import { check } from 'k6';
import http, { CookieJar } from 'k6/http';
import { Counter } from 'k6/metrics';
import { isAnswer, keepsContract, prizeValueObtained, redeemsCode, scanLabel } from './answers.js';

/** Scans by `outcome` (an answer's outcome, or rate_limited / unavailable / error); scenarios add their own tags (actor, rules). */
export const scans = new Counter('scans');
/** Codes a consuming answer took: each one is a draw taken. */
export const codesRedeemed = new Counter('codes_redeemed');
/** Codes a held answer took: consumed, its prize reserved until the fraud team's review settles it. */
export const codesHeld = new Counter('codes_held');
/** Prize value obtained: won, plus held (paid if the review approves). */
export const prizeValue = new Counter('prize_value');

// 404 (invalid code) and 429 (forged-code budget) are answers the contract defines, not failures.
http.setResponseCallback(http.expectedStatuses(200, 404, 429));

/**
 * One phone or emulator.
 * @typedef {object} Device
 * @property {string} agent User-Agent
 * @property {import('k6/http').CookieJar | null} jar the device cookie's jar; null: cookieless (a new device every scan)
 * @property {string} [address] an X-Forwarded-For hop (the gateway must trust the proxy: README "Load testing")
 * @property {string} [cookie] a device cookie to send as it is (`sgd=…`), for devices set up in setup()
 */

/**
 * Scans a code the way a phone does: GET of the printed URL as JSON, or POST /v1/scans when the
 * phone shares its location. Counts the scan, checks the answer's contract, and returns it.
 * @param {string} baseUrl
 * @param {string} code
 * @param {Device} device
 * @param {{ lat: number, lon: number }} [location]
 */
export function scan(baseUrl, code, device, location) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', 'User-Agent': device.agent };
  if (device.address) headers['X-Forwarded-For'] = device.address;
  if (device.cookie) headers.Cookie = device.cookie;
  const params = { headers, jar: device.jar || new CookieJar(), tags: { name: 'scan' } };
  const res = location
    ? http.post(`${baseUrl}/v1/scans`, JSON.stringify({ code, lat: location.lat, lon: location.lon }), Object.assign({}, params, { headers: Object.assign({ 'Content-Type': 'application/json' }, headers) }))
    : http.get(`${baseUrl}/S/${code}`, params);
  /** @type {unknown} */
  let body = null;
  try {
    body = res.json();
  } catch (notJson) {
    body = null;
  }
  const label = scanLabel(res.status, body);
  scans.add(1, { outcome: label });
  const answer = isAnswer(body) ? body : null;
  if (answer) {
    check(answer, { 'answer keeps its contract': (a) => keepsContract(res.status, a) });
    if (redeemsCode(answer)) codesRedeemed.add(1);
    if (redeemsCode(answer) && answer.outcome === 'held') codesHeld.add(1);
    const value = prizeValueObtained(answer);
    if (value > 0) prizeValue.add(value);
  } else {
    check(res, { 'a refusal is 429 or 503 with Retry-After': (r) => (r.status === 429 || r.status === 503) && Number(r.headers['Retry-After']) > 0 });
  }
  return { status: res.status, label, answer, cookie: res.cookies.sgd && res.cookies.sgd[0] ? res.cookies.sgd[0].value : undefined };
}
