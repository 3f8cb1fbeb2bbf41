/**
 * The built renderer, served from `staticDir`. Path resolution refuses anything that
 * could leave the folder: `..` or `.` segments, encoded slashes or backslashes, NUL,
 * and symlinks pointing outside.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reply } from './reply.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export class StaticFiles {
  private readonly root: string | undefined;

  constructor(staticDir: string | undefined) {
    this.root = staticDir === undefined ? undefined : realpathOrUndefined(staticDir);
  }

  /** The renderer's entry page, if there is a built one. */
  index(): Reply | undefined {
    return this.lookup(['index.html']);
  }

  /** `segments` are decoded path segments; undefined when there is no such file (or it is not allowed). */
  lookup(segments: string[]): Reply | undefined {
    if (this.root === undefined || segments.length === 0 || !segments.every(isSafeSegment)) return undefined;
    const candidate = realpathOrUndefined(path.join(this.root, ...segments));
    if (candidate === undefined || !isInside(this.root, candidate)) return undefined;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(candidate);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    return {
      kind: 'file',
      status: 200,
      filePath: candidate,
      sizeBytes: stat.size,
      contentType: contentTypeFor(candidate),
    };
  }
}

function isSafeSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[/\\\0]/.test(segment);
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}
