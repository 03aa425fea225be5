/**
 * The panel's password check: HTTP Basic authentication (RFC 7617) with any user name and the password from
 * panel.passwordFile. Compared in constant time (on SHA-256 digests, so lengths do not leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function passwordFromRequest(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h || !/^Basic /i.test(h)) return null;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

export function authorised(req: IncomingMessage, password: string | null | undefined): boolean {
  if (!password) return true;
  const given = passwordFromRequest(req);
  return given !== null && timingSafeEqual(digest(given), digest(password));
}
