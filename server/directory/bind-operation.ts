import { normalizeDn } from './dn.js';
import { verifySsha } from './password-hash.js';
import { ResultCode } from './result-codes.js';
import type { DirectoryTree } from './tree.js';

/**
 * Simple bind (RFC 4511 §4.2, RFC 4513 §5.1) as plain logic. Every refusal looks
 * the same to the client (49) so a wrong password and an unknown DN cannot be told
 * apart: probing for account names gets nothing.
 */
export type BindOutcome = { ok: true; normDn: string } | { ok: false; status: number; message: string };

export function checkSimpleBind(tree: DirectoryTree, dn: string, password: string, version: number): BindOutcome {
  if (version !== 3) return refuse(ResultCode.protocolError, 'only LDAP version 3 is supported');
  if (dn.trim() === '') return refuse(ResultCode.invalidCredentials, 'an anonymous bind takes no password');
  // RFC 4513 §5.1.2: a DN with an empty password is an "unauthenticated" bind that
  // would succeed without proving anything; applications mistake it for a login.
  if (password === '') return refuse(ResultCode.invalidCredentials, 'unauthenticated bind (empty password) refused');
  let normDn: string;
  try {
    normDn = normalizeDn(dn);
  } catch (err) {
    return refuse(ResultCode.invalidDnSyntax, (err as Error).message);
  }
  const entry = tree.get(normDn);
  const stored = entry?.attributes.find((a) => a.key === 'userpassword')?.values ?? [];
  if (!stored.some((hash) => verifySsha(hash, password)))
    return refuse(ResultCode.invalidCredentials, 'invalid credentials');
  return { ok: true, normDn };
}

function refuse(status: number, message: string): BindOutcome {
  return { ok: false, status, message };
}
