import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ScangateError } from '../../core/errors.js';

export const minPasswordLength = 12;

/** Algorithm.Argon2id (a const enum, which this build cannot import) */
const argon2id = { algorithm: 2 } as const;

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum). */
export function hashPassword(password: string): Promise<string> {
  if (password.length < minPasswordLength) throw new ScangateError('GW_ERR_ADMIN_PASSWORD_WEAK');
  return hash(password, argon2id);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/** 24 base64url characters (144 bits): for generated and demo passwords. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

/** A hash to verify against when the account does not exist, so both paths take the same time. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hash(generatePassword(), argon2id));
