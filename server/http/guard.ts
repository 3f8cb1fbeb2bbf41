/**
 * Who may talk to the control API. Three checks, in this order:
 *  1. Host must name the lab itself: a DNS-rebinding page reaches us under its own
 *     host name, so it is refused even though the browser thinks it is same-origin.
 *  2. Origin, when present, must be the lab's own origin: another local web page
 *     cannot drive the world even with a leaked token (`Origin: null` included).
 *  3. The token, from `Authorization: Bearer` or `?token=`, compared in constant time.
 */
import type http from 'node:http';
import { tokensEqual } from './token.js';

export interface GuardDenial {
  status: 401 | 403;
  message: string;
}

export class RequestGuard {
  private allowedHosts = new Set<string>();

  constructor(
    private readonly token: string,
    private readonly bindAddress: string,
  ) {}

  /** Called once the real port is known (port 0 resolves at listen time). */
  setPort(port: number): void {
    const names = ['127.0.0.1', 'localhost', '[::1]', bracketed(this.bindAddress)];
    this.allowedHosts = new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
  }

  check(req: http.IncomingMessage, query: URLSearchParams, needsToken: boolean): GuardDenial | undefined {
    const host = req.headers.host?.toLowerCase();
    if (host === undefined || !this.allowedHosts.has(host)) {
      return { status: 403, message: 'this Host is not the lab (use the URL printed at start)' };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.isOwnOrigin(origin)) {
      return { status: 403, message: 'requests from other origins are refused' };
    }
    if (needsToken && !this.hasToken(req, query)) {
      return { status: 401, message: 'missing or wrong token' };
    }
    return undefined;
  }

  private isOwnOrigin(origin: string): boolean {
    const lower = origin.toLowerCase();
    return lower.startsWith('http://') && this.allowedHosts.has(lower.slice('http://'.length));
  }

  private hasToken(req: http.IncomingMessage, query: URLSearchParams): boolean {
    const auth = req.headers.authorization;
    const bearer = auth === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
    const given = bearer ?? query.get('token');
    return given !== null && given !== undefined && tokensEqual(given, this.token);
  }
}

/** An address as written in a URL authority: IPv6 goes in brackets. */
export function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Where a browser on this machine should go: a wildcard bind is reached on loopback. */
export function hostForUrl(bindAddress: string): string {
  if (bindAddress === '' || bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bracketed(bindAddress);
}
