import { move } from 'piscina';
import { assessScans, prepareCampaign, type PreparedCampaign } from './assess.js';
import { unpackScans, type AssessTask } from './assess-task.js';

/**
 * The piscina worker entry: one task, every scan of one campaign from one event-loop turn.
 * Pure synchronous CPU, no I/O. Campaign versions are cached here by key, so the gateway sends
 * a campaign to each thread once instead of with every task.
 */
const campaigns = new Map<number, PreparedCampaign>();
/** Old versions age out; a gateway serves a handful of live campaigns at once. */
const CACHED_CAMPAIGNS = 64;

function campaignFor(task: AssessTask): PreparedCampaign | undefined {
  if (task.campaign === null) return campaigns.get(task.campaignKey);
  const prepared = prepareCampaign(task.campaign);
  campaigns.set(task.campaignKey, prepared);
  if (campaigns.size > CACHED_CAMPAIGNS) campaigns.delete(campaigns.keys().next().value as number);
  return prepared;
}

export default function assessBatch(task: AssessTask): ReturnType<typeof move> | null {
  const campaign = campaignFor(task);
  if (campaign === undefined) return null;
  return move(assessScans(campaign, unpackScans(task.scans)));
}
