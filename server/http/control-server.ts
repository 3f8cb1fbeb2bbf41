import { listenOn } from '../core/tcp-listener.js';
/**
 * The HTTP server: the one door of the UI, the scenarios and the command line into
 * a running world. JSON control API under /api/, the trace as a WebSocket at
 * /api/trace/stream, and the renderer (or a status page) at /.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { readJsonBody } from './body.js';
import { ControlRequestError, type ControlFacade } from './control-facade.js';
import { RequestGuard, hostForUrl } from './guard.js';
import { errorReply, rawErrorResponse, writeReply, type Reply } from './reply.js';
import { Router, decodeSegments } from './router.js';
import { apiRoutes } from './routes/index.js';
import { parseCount } from './routes/params.js';
import { StaticFiles } from './static-files.js';
import { statusPage } from './status-page.js';
import { DEFAULT_STREAM_OPTIONS, TraceStream, type TraceStreamOptions } from './trace-stream.js';

export interface ControlServerOptions {
  facade: ControlFacade;
  token: string;
  bindAddress: string;
  /** The diagram node this server stands for (the web host). */
  node: string;
  staticDir?: string;
  /** Tuning of the trace stream (tests shrink the limits). */
  stream?: Partial<TraceStreamOptions>;
}

const STREAM_PATH = '/api/trace/stream';

export class ControlServer {
  readonly node: string;
  private readonly server: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly guard: RequestGuard;
  private readonly router = new Router(apiRoutes());
  private readonly staticFiles: StaticFiles;
  private readonly streams = new Set<TraceStream>();
  private readonly streamOptions: TraceStreamOptions;
  private port = 0;

  constructor(private readonly opts: ControlServerOptions) {
    this.node = opts.node;
    this.guard = new RequestGuard(opts.token, opts.bindAddress);
    this.staticFiles = new StaticFiles(opts.staticDir);
    this.streamOptions = { ...DEFAULT_STREAM_OPTIONS, ...opts.stream };
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  async listen(port: number): Promise<number> {
    this.port = await listenOn(this.server, port, this.opts.bindAddress);
    this.guard.setPort(this.port);
    return this.port;
  }

  /** The address to open in a browser, token included. */
  url(): string {
    return `http://${hostForUrl(this.opts.bindAddress)}:${this.port}/?token=${this.opts.token}`;
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.stop();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.route(req);
    } catch (err) {
      reply = this.failureReply(req, err);
    }
    try {
      await writeReply(req, res, reply);
    } catch (err) {
      this.writeFailed(req, res, err);
    }
  }

  private async route(req: http.IncomingMessage): Promise<Reply> {
    const url = parseRequestUrl(req.url);
    if (url === undefined) return errorReply(400, 'malformed request target');
    const denied = this.guard.check(req, url.searchParams, !url.pathname.startsWith('/assets/'));
    if (denied) return errorReply(denied.status, denied.message);
    const segments = decodeSegments(url.pathname);
    if (segments === undefined) return errorReply(400, 'malformed percent-encoding in the path');
    if (segments[0] === 'api') return this.routeApi(req, url, segments);
    return this.routeStatic(req, segments);
  }

  private async routeApi(req: http.IncomingMessage, url: URL, segments: string[]): Promise<Reply> {
    const match = this.router.match(req.method ?? '', segments);
    if (match.kind === 'none') return errorReply(404, `no such API route: ${url.pathname.slice(0, 200)}`);
    if (match.kind === 'wrong-method') {
      return errorReply(405, `use ${match.allowed.join(' or ')} here`, { allow: match.allowed.join(', ') });
    }
    const body = match.route.readsBody ? await readJsonBody(req) : undefined;
    return match.route.handle({ params: match.params, query: url.searchParams, body, facade: this.opts.facade });
  }

  private routeStatic(req: http.IncomingMessage, segments: string[]): Reply {
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorReply(405, 'use GET here', { allow: 'GET, HEAD' });
    const isRoot = segments.length === 1 && segments[0] === '';
    if (isRoot) {
      return this.staticFiles.index() ?? statusPage(this.opts.facade.world(), this.opts.facade.queue().length);
    }
    return this.staticFiles.lookup(segments) ?? errorReply(404, 'not found');
  }

  private failureReply(req: http.IncomingMessage, err: unknown): Reply {
    if (err instanceof ControlRequestError) return errorReply(err.status, err.message);
    console.error(`[http] ${req.method} ${req.url?.split('?')[0]} failed:`, err);
    return errorReply(500, 'internal error in the lab (see the server log)');
  }

  private writeFailed(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
    if (!res.headersSent) {
      void writeReply(req, res, this.failureReply(req, err)).catch(() => res.destroy());
      return;
    }
    // Mid-body (a file stream broke): all we can do is cut the connection.
    console.error(`[http] ${req.method} ${req.url?.split('?')[0]} failed while sending:`, err);
    res.destroy();
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refusal = this.checkUpgrade(req);
    if (refusal) {
      socket.end(rawErrorResponse(refusal.status, refusal.statusText, refusal.message));
      return;
    }
    const sinceSeq = parseSince(req.url) ?? 0;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.startStream(ws, sinceSeq));
  }

  private checkUpgrade(req: http.IncomingMessage): { status: number; statusText: string; message: string } | undefined {
    const url = parseRequestUrl(req.url);
    if (url === undefined) return { status: 400, statusText: 'Bad Request', message: 'malformed request target' };
    const denied = this.guard.check(req, url.searchParams, true);
    if (denied) return { ...denied, statusText: denied.status === 401 ? 'Unauthorized' : 'Forbidden' };
    if (url.pathname !== STREAM_PATH) return { status: 404, statusText: 'Not Found', message: 'no WebSocket here' };
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      return { status: 400, statusText: 'Bad Request', message: 'only WebSocket upgrades are served' };
    }
    if (parseSince(req.url) === undefined) {
      return { status: 400, statusText: 'Bad Request', message: 'since must be a non-negative integer' };
    }
    return undefined;
  }

  private startStream(ws: WebSocket, sinceSeq: number): void {
    const stream = new TraceStream(ws, this.opts.facade, sinceSeq, this.streamOptions, (s) => this.streams.delete(s));
    this.streams.add(stream);
    stream.start();
  }
}

function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://lab.invalid');
  } catch {
    return undefined;
  }
}

function parseSince(target: string | undefined): number | undefined {
  const text = parseRequestUrl(target)?.searchParams.get('since');
  if (text === null || text === undefined) return 0;
  try {
    return parseCount(text, 'since');
  } catch {
    return undefined;
  }
}
