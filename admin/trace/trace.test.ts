import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banSubject } from '../../core/bans/bans.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { newDeviceId } from '../../core/testing/decision-fixtures.js';
import { codeFromInput } from '../../core/trace/code-input.js';
import { insertScanRow, type ScanRow } from '../testing/scan-rows.js';
import { createAdminHarness, type AdminAgent, type AdminHarness } from '../testing/admin-harness.js';
import type { Role } from '../users/roles.js';

let h: AdminHarness;
const users = {} as Record<Role, string>;
const device = newDeviceId();
let code: string;
const scanIds = ['1773115200000-0', '1773115260000-0'];

const insertScan = (scan: Omit<ScanRow, 'campaignId' | 'batchId' | 'deviceId'> & { deviceId?: string }) =>
  insertScanRow(h.stack.pool, { campaignId: h.batch.campaignId, batchId: h.batch.id, deviceId: device, ...scan });

beforeAll(async () => {
  h = await createAdminHarness();
  for (const role of ['admin', 'reviewer', 'viewer'] as const) users[role] = await h.user(role);
  code = h.signer.sign(h.batch.id, 3);
  const at = new Date(h.now);
  await insertScan({ eventId: scanIds[0] as string, code, outcome: Outcome.Held, at, reasonMask: reasonBits.device_velocity });
  await insertScan({ eventId: scanIds[1] as string, code, outcome: Outcome.AlreadyRedeemed, at: new Date(h.now + 60_000), deviceId: newDeviceId(), ip: '203.0.113.5', uaClass: '<script>alert("ua")</script>' });
  await h.stack.pool.query(
    `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, review, event_id, redeemed_at) VALUES ($1, $2, $3, 3, $4, 'grand', 8, 'rejected', $5, $6)`,
    [h.batch.campaignId, code, h.batch.id, device, scanIds[0], at],
  );
  await h.stack.pool.query(`INSERT INTO review_decisions (campaign_id, code, decision, reviewer, note, event_id, scan_id) VALUES ($1, $2, 'reject', 'rita', '<b>farm</b>', '1773115300000-0', $3)`, [
    h.batch.campaignId,
    code,
    scanIds[0],
  ]);
  await banSubject(
    { pool: h.stack.pool, redis: h.stack.t.redis, keyPrefix: h.stack.t.prefix, now: () => h.now },
    { scope: null, kind: 'network', value: '198.51.100.0/24', reason: 'farm subnet', expiresAt: h.now + 86_400_000, actor: 'rita' },
  );
});

afterAll(() => h?.close());

async function signedIn(role: Role): Promise<AdminAgent> {
  const agent = h.agent();
  expect((await agent.login(users[role], h.password)).statusCode).toBe(303);
  return agent;
}

const traceOf = (agent: AdminAgent, query: Record<string, string>) => agent.get(`/trace?${new URLSearchParams(query).toString()}`);

describe('code input', () => {
  it('takes the code out of the printed URL, in either case of /s/, and leaves anything else as typed', () => {
    expect(codeFromInput(' https://scan.example.com/S/ABC123?utm=x ')).toBe('ABC123');
    expect(codeFromInput('http://h/s/abc-123#top')).toBe('abc-123');
    expect(codeFromInput('abc-123')).toBe('abc-123');
    expect(codeFromInput('https://h/x/ABC')).toBe('https://h/x/ABC');
  });
});

describe('trace × roles', () => {
  it.each(['admin', 'reviewer', 'viewer'] as const)('%s may trace (read-only)', async (role) => {
    const agent = await signedIn(role);
    expect((await agent.get('/trace')).statusCode).toBe(200);
    expect((await traceOf(agent, { code })).statusCode).toBe(200);
    expect((await traceOf(agent, { scan: scanIds[0] as string })).statusCode).toBe(200);
    expect((await traceOf(agent, { device })).statusCode).toBe(200);
  });

  it('sends a request without a session to the login page', async () => {
    expect((await h.agent().get(`/trace?code=${code}`)).headers.location).toBe(`/login?next=${encodeURIComponent(`/trace?code=${code}`)}`);
  });
});

describe('tracing a code', () => {
  it('from any spelling the gateway accepts: signature, batch, every scan, redemption, review and the bans touching its scans', async () => {
    const agent = await signedIn('reviewer');
    const spellings = [code, code.toLowerCase(), code.replaceAll('0', 'O').replaceAll('1', 'l'), `https://scan.example.com/S/${code}`, `${code.slice(0, 10)}-${code.slice(10)}`];
    for (const spelling of spellings) {
      const page = await traceOf(agent, { code: spelling });
      expect(page.statusCode, spelling).toBe(200);
      expect(page.body).toContain('class="verdict-valid"');
      expect(page.body).toContain(`<code>${code}</code>`);
      expect(page.body).toContain(h.batch.name);
      expect(page.body).toContain(h.batch.region as string);
      for (const id of scanIds) expect(page.body).toContain(id);
      expect(page.body).toContain('device_velocity');
      expect(page.body).toContain('class="status-rejected"');
      expect(page.body).toContain('rita');
      expect(page.body).toContain('farm subnet');
      expect(page.body).toContain(device);
      expect(page.body).toContain('198.51.100.40');
    }
  });

  it('tells a forged code, a code outside its batch and text that is no code apart, showing no scans', async () => {
    const agent = await signedIn('reviewer');
    const forged = `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
    const outside = h.signer.sign(h.batch.id, 5000);
    const otherBatch = h.signer.sign(h.batch.id + 100, 1);
    const verdicts: [string, string][] = [
      [forged, 'forged'],
      [outside, 'out_of_range'],
      [otherBatch, 'out_of_range'],
      ['hello', 'malformed'],
    ];
    for (const [text, verdict] of verdicts) {
      const page = await traceOf(agent, { code: text });
      expect(page.statusCode, text).toBe(200);
      expect(page.body).toContain(`class="verdict-${verdict}"`);
      expect(page.body).not.toContain(scanIds[0] as string);
    }
  });

  it('by scan id finds the code and marks the scan; an unknown id is a 404', async () => {
    const agent = await signedIn('reviewer');
    const page = await traceOf(agent, { scan: scanIds[1] as string });
    expect(page.body).toContain(`<code>${code}</code>`);
    expect(page.body).toMatch(new RegExp(`<tr class="marked"><td class="nowrap">[^<]+</td><td><code>${scanIds[1]}</code>`));
    expect((await traceOf(agent, { scan: '1-0' })).statusCode).toBe(404);
  });

  it("by device id lists the device's scans and redemptions with their codes, and its bans", async () => {
    const agent = await signedIn('reviewer');
    const page = await traceOf(agent, { device });
    expect(page.body).toContain(scanIds[0] as string);
    expect(page.body).not.toContain(scanIds[1] as string);
    expect(page.body).toContain(`href="/trace?code=${code}"`);
    expect(page.body).toContain('class="status-rejected"');
    expect(page.body).toContain('farm subnet');
  });
});

describe('trace safety', () => {
  it('escapes attacker-controlled text: a code typed with markup, a client class, a review note', async () => {
    const agent = await signedIn('admin');
    const typed = await traceOf(agent, { code: '<img src=x onerror=alert(1)>' });
    expect(typed.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(typed.body).not.toContain('<img src=x');
    const page = await traceOf(agent, { code });
    expect(page.body).toContain('&lt;script&gt;alert(&quot;ua&quot;)&lt;/script&gt;');
    expect(page.body).toContain('&lt;b&gt;farm&lt;/b&gt;');
    expect(page.body).not.toMatch(/<script>alert|<b>farm/);
  });

  it('masks devices and addresses for viewers, and links no device history', async () => {
    const viewer = await signedIn('viewer');
    const page = await traceOf(viewer, { code });
    expect(page.body).not.toContain(device);
    expect(page.body).toContain(`${device.slice(0, 6)}…`);
    expect(page.body).not.toContain('198.51.100.40');
    expect(page.body).toContain('198.51.100.0/24');
    expect(page.body).not.toContain('/trace?device=');
  });

  it('treats SQL in every field as text (nothing found), or refuses it by the schema (400)', async () => {
    const agent = await signedIn('reviewer');
    for (const attack of ["' OR '1'='1", "x'; DELETE FROM scan_events; --", '%', "') OR true --"]) {
      const byCode = await traceOf(agent, { code: attack });
      expect(byCode.statusCode).toBe(200);
      expect(byCode.body).toContain('class="verdict-malformed"');
      expect((await traceOf(agent, { scan: attack })).statusCode).toBe(400);
      expect((await traceOf(agent, { device: attack })).statusCode).toBe(400);
    }
    expect((await traceOf(agent, { device: 'A'.repeat(22) })).body).not.toContain(scanIds[0] as string);
    expect((await agent.get(`/trace?code=${code}&device=${device}`)).statusCode).toBe(400);
    expect((await agent.get('/trace?nope=1')).statusCode).toBe(400);
    const { rows } = await h.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scan_events');
    expect(rows[0]?.n).toBe(2);
  });
});
