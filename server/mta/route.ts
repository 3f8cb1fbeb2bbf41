import type { RouteKind } from '../api/trace.js';

/**
 * Where one recipient goes. Channel names follow the classic MTA's: `ims-ms` to the
 * message store (over LMTP), `tcp_intranet` to another messaging server on the LAN,
 * `tcp_local` out to the Internet (through the smarthost).
 */
export interface Route {
  kind: Exclude<RouteKind, 'unroutable'>;
  channel: 'ims-ms' | 'tcp_intranet' | 'tcp_local';
  host: string;
  reason: string;
  /** Decided once and kept: the directory is not asked again on a retry. */
  pinned?: boolean;
}

export function parseRoute(json: string | undefined): Route | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as Route;
  } catch {
    return undefined;
  }
}
