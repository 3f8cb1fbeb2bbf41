/**
 * Things a world started, closed in reverse order. If starting fails half-way, what
 * was already started is closed, so a failed start leaves no port or file open.
 */
export class Lifecycle {
  private readonly closers: Array<{ name: string; close: () => Promise<void> | void }> = [];

  add(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  async closeAll(): Promise<void> {
    const errors: string[] = [];
    while (this.closers.length > 0) {
      const { name, close } = this.closers.pop()!;
      try {
        await close();
      } catch (err) {
        errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(`errors while stopping:\n  ${errors.join('\n  ')}`);
  }
}

/** Turn EADDRINUSE and friends into a sentence a teacher can act on. */
export async function listenOrExplain(what: string, port: number, listen: () => Promise<number>): Promise<number> {
  try {
    return await listen();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`${what}: port ${port} is already in use (is another Mailscope running?)`, { cause: err });
    if (code === 'EACCES') throw new Error(`${what}: not allowed to listen on port ${port}`, { cause: err });
    throw err;
  }
}
