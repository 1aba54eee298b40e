// @ts-check
import { SharedArray } from 'k6/data';
import { config } from './config.js';

/**
 * What `scangate loadtest prepare` wrote for one target: the stack's URL, the batch, and the code
 * pools. Pools are SharedArrays: one copy in memory whatever the number of VUs.
 * @typedef {{ baseUrl: string, campaignId: string, batchId: number, batchName: string,
 *   region: { code: string, bbox: [number, number, number, number] } | null, codes: number, forged: number, leaked: number }} TargetFile
 */

/** @param {string} dir @param {string} name @returns {string[]} */
function pool(dir, name) {
  return /** @type {string[]} */ (/** @type {unknown} */ (new SharedArray(`${dir}/${name}`, () => JSON.parse(open(`${dir}/${name}.json`)))));
}

/**
 * @param {string} dir
 * @returns {TargetFile & { url: string, pools: { genuine: string[], forged: string[], leaked: string[] } }}
 */
export function loadTarget(dir) {
  /** @type {TargetFile} */
  const file = JSON.parse(open(`${dir}/target.json`));
  return Object.assign(file, {
    url: (config.baseUrl || file.baseUrl).replace(/\/$/, ''),
    pools: { genuine: pool(dir, 'codes'), forged: pool(dir, 'forged'), leaked: pool(dir, 'leaked') },
  });
}
