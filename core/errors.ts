/**
 * The one error catalogue of scangate. Every failure that leaves a module carries a stable code,
 * the HTTP status a client would see, and a message. Lua return codes and worker failures are
 * mapped into it (see redis/script-codes.ts); nothing throws bare strings.
 */
export const errorCatalogue = {
  GW_ERR_CONFIG: { status: 500, message: 'configuration is invalid' },
  GW_ERR_CAMPAIGN_FILE: { status: 400, message: 'campaign file is invalid' },
  GW_ERR_CAMPAIGN_UNKNOWN: { status: 404, message: 'no such campaign' },
  GW_ERR_BATCH_UNKNOWN: { status: 404, message: 'no such batch' },
  GW_ERR_BATCH_EXISTS: { status: 409, message: 'a batch with this name exists' },
  GW_ERR_BAN_INVALID: { status: 400, message: 'ban is invalid' },
  GW_ERR_BAN_UNKNOWN: { status: 404, message: 'no such ban in force' },
  GW_ERR_SECRETS: { status: 500, message: 'signing secrets are missing or malformed' },
  GW_ERR_CODE_INVALID: { status: 404, message: 'this code is not genuine' },
  GW_ERR_NOT_FOUND: { status: 404, message: 'no such route' },
  GW_ERR_URL_TOO_LONG: { status: 414, message: 'request URL is too long' },
  GW_ERR_BODY_TOO_LARGE: { status: 413, message: 'request body is too large' },
  GW_ERR_CONTENT_TYPE: { status: 415, message: 'content type must be application/json' },
  GW_ERR_BAD_JSON: { status: 400, message: 'request body is not valid JSON' },
  GW_ERR_BAD_REQUEST: { status: 400, message: 'request is malformed' },
  GW_ERR_FRAMING: { status: 400, message: 'request body framing is ambiguous' },
  GW_ERR_FORWARDED_FOR: { status: 400, message: 'X-Forwarded-For does not end in an IP address' },
  GW_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  GW_ERR_RATE_LIMITED: { status: 429, message: 'too many invalid codes from this address; try again later' },
  GW_ERR_REDIS_UNAVAILABLE: { status: 503, message: 'decision store is unreachable; try again shortly' },
  GW_ERR_CAMPAIGN_RECOVERING: { status: 503, message: 'campaign state is being rebuilt; try again shortly' },
  GW_ERR_SHUTTING_DOWN: { status: 503, message: 'server is shutting down' },
  GW_ERR_NOT_HELD: { status: 404, message: 'no held scan with this code and scan id' },
  GW_ERR_ALREADY_SETTLED: { status: 409, message: 'this held scan was already approved or rejected' },
  GW_ERR_REVIEW_INVALID: { status: 400, message: 'review request is malformed' },
  GW_ERR_SCRIPT: { status: 500, message: 'decision script failed' },
  GW_ERR_WORKER: { status: 500, message: 'scan assessment worker failed' },
  GW_ERR_DATABASE: { status: 503, message: 'database is unreachable' },
  GW_ERR_MIGRATION: { status: 500, message: 'database migration failed' },
  GW_ERR_EVENT_MALFORMED: { status: 500, message: 'stream event is malformed' },
  GW_ERR_SERVICE_START: { status: 500, message: 'a required service could not be started' },
  GW_ERR_GEO_DATABASE: { status: 500, message: 'an IP geolocation database is missing or malformed' },
  GW_ERR_ADMIN_PASSWORD_WEAK: { status: 400, message: 'password must be at least 12 characters' },
  GW_ERR_ADMIN_USER_EXISTS: { status: 409, message: 'an admin user with this name exists' },
  GW_ERR_ADMIN_USER_UNKNOWN: { status: 404, message: 'no such admin user' },
  GW_ERR_EVENTS_PRUNED: { status: 409, message: 'scan events of this campaign were pruned; its rollups cannot be recomputed' },
  GW_ERR_USAGE: { status: 400, message: 'command line usage error' },
  GW_ERR_INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class ScangateError extends Error {
  override readonly name = 'ScangateError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    const entry = errorCatalogue[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message, options);
    this.status = entry.status;
  }
}

export function isScangateError(err: unknown, code?: ErrorCode): err is ScangateError {
  return err instanceof ScangateError && (code === undefined || err.code === code);
}
