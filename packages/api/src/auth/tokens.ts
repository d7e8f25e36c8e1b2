import { createHash, randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../storage/metadata-store.js';

const TOKEN_PREFIX = 'gst_';

/** A fresh bearer token: 32 random bytes, base64url, with a recognisable prefix. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so one unsalted SHA-256 is enough to make a leaked database useless. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function roleAllows(granted: Role, required: Role): boolean {
  return ROLES.indexOf(granted) >= ROLES.indexOf(required);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
