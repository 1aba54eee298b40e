import type pg from 'pg';
import type { BatchRedisTarget } from '../core/campaigns/batches.js';
import type { CodeVerifier } from '../core/codes/code-verifier.js';
import type { Clock } from './clock.js';
import type { Locale, Texts } from './i18n/locale.js';
import type { Html } from './html.js';
import type { Role } from './users/roles.js';

/** What every part of the console is given. */
export interface AdminDeps {
  readonly pool: pg.Pool;
  /** the Redis the gateway reads (batch activation is mirrored there); absent: Postgres only */
  readonly redis?: BatchRedisTarget;
  readonly clock: Clock;
  /** checks a traced code's signature (built from the code keys; the console never signs) */
  readonly verifier: CodeVerifier;
}

/** The signed-in user of a request (looked up on every request: a disabled account stops at once). */
export interface SignedInUser {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
}

export interface NavEntry {
  readonly path: string;
  readonly label: Texts<string>;
  readonly roles: readonly Role[];
}

export interface PageContent {
  readonly title: string;
  readonly body: Html;
  readonly status?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    adminUser: SignedInUser | null;
  }
  interface FastifyReply {
    /** the page in the console's frame; every page is Cache-Control: no-store (most show PII) */
    sendPage(content: PageContent): FastifyReply;
  }
  interface Session {
    userId?: number;
    _csrf?: string;
  }
}
