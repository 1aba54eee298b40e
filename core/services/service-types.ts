/** Where the find-or-start functions say which server they used (a pino logger or console fits). */
export interface ServiceLog {
  info(message: string): void;
}

/** A Redis or Postgres the stack uses. stop() stops it only if this process started it. */
export interface ServiceHandle {
  readonly url: string;
  readonly started: boolean;
  stop(): Promise<void>;
}

/** The URL without user name and password, for log lines. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
