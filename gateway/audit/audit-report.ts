/** One named check of `scangate audit`; any other fields are its evidence. */
export interface AuditCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly [evidence: string]: unknown;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly campaignId: string;
  readonly checkedAt: string;
  readonly checks: readonly AuditCheck[];
}

export function auditReport(campaignId: string, checks: readonly AuditCheck[], now = new Date()): AuditReport {
  return { ok: checks.every((c) => c.ok), campaignId, checkedAt: now.toISOString(), checks };
}
