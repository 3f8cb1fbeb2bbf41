// Shared setup for the MMP POP3 tests: a real store + Pop3Server back end, and an
// MmpPop3Proxy in front of it with a fake directory. One tracer sees both hosts.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MmpPop3Proxy } from '../../server/mmp/pop3-proxy.js';
import type { MmpAccount, MmpPop3Options } from '../../server/mmp/pop3-types.js';
import type { MessageStore } from '../../server/store/message-store.js';
import { Pop3Server } from '../../server/store/pop3/server.js';
import type { Pop3ServerOptions } from '../../server/store/pop3/types.js';
import { fakeAuthenticate, PopClient } from './pop3-fixture.js';

export const MMP_NODE = 'mmp.siroe.example';
export const STORE_NODE = 'mailboxa.siroe.example';

/** The fake directory: bob lives on store1, carol on a host that has no back end. */
export async function fakeDirectory(login: string, password: string): Promise<MmpAccount | undefined> {
  if (login === 'bob' && password === 'bob') return { mail: 'bob@siroe.example', mailHost: 'store1' };
  if (login === 'carol' && password === 'carol') return { mail: 'carol@siroe.example', mailHost: 'nowhere' };
  return undefined;
}

export async function startBackend(
  t: TestContext,
  store: MessageStore,
  tracer: MemoryTracer,
  options: Partial<Pop3ServerOptions> = {},
): Promise<{ server: Pop3Server; port: number }> {
  const server = new Pop3Server({
    hostname: STORE_NODE,
    node: STORE_NODE,
    tracer,
    store,
    authenticate: fakeAuthenticate,
    allowInsecureAuth: () => true,
    ...options,
  });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { server, port };
}

export interface MmpSetup {
  proxy: MmpPop3Proxy;
  port: number;
  tracer: MemoryTracer;
  backendPort: number;
  backend: Pop3Server;
}

/** A back end for `store` and the proxy in front of it; `backendPort` overrides where store1 points. */
export async function startMmp(
  t: TestContext,
  store: MessageStore,
  options: Partial<MmpPop3Options> & { backendPort?: number } = {},
): Promise<MmpSetup> {
  const tracer = new MemoryTracer(new WorldClock());
  const { server: backend, port: realBackendPort } = await startBackend(t, store, tracer);
  const backendPort = options.backendPort ?? realBackendPort;
  const proxy = new MmpPop3Proxy({
    hostname: MMP_NODE,
    node: MMP_NODE,
    tracer,
    authenticate: fakeDirectory,
    backend: (mailHost) => (mailHost === 'store1' ? { host: '127.0.0.1', port: backendPort } : undefined),
    allowInsecureAuth: () => true,
    failureDelayMs: 5,
    ...options,
  });
  const port = await proxy.listen(0, '127.0.0.1');
  t.after(() => proxy.close());
  return { proxy, port, tracer, backendPort: realBackendPort, backend };
}

/** Connects to the proxy and checks its greeting. */
export async function mmpGreeted(t: TestContext, port: number): Promise<PopClient> {
  const client = await PopClient.connect(port);
  t.after(() => client.close());
  assert.equal(await client.line(), `+OK ${MMP_NODE} POP3 proxy (Mailscope MMP) ready`);
  return client;
}

/** Connects and logs in through the proxy with USER/PASS. */
export async function mmpLoggedIn(t: TestContext, port: number, user = 'bob', password = 'bob'): Promise<PopClient> {
  const client = await mmpGreeted(t, port);
  client.send(`USER ${user}`, `PASS ${password}`);
  await client.ok(/^\+OK Send PASS$/);
  await client.ok(/^\+OK Logged in/);
  return client;
}
