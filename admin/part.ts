import type { FastifyPluginAsync } from 'fastify';
import type { AdminDeps, NavEntry } from './context.js';

/**
 * One part of the console (audit log, batches, users; next: review queue, bans, code trace): an
 * encapsulated fastify plugin with its own routes, and its entry in the navigation. A new part
 * is one more entry in `consoleParts` (admin/parts.ts).
 */
export interface AdminPart {
  readonly name: string;
  readonly nav: NavEntry;
  readonly plugin: FastifyPluginAsync<AdminDeps>;
}
