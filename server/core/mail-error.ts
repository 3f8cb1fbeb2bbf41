/**
 * The one error type of the mail system. It carries protocol meaning so that any
 * layer can turn a failure into the right SMTP/LMTP reply (or IMAP/POP3 answer)
 * without guessing: the basic code, the enhanced status code (RFC 3463), whether
 * a retry may succeed, which component failed, and the text that is safe to show
 * a remote client. Internal detail stays in `cause`.
 */
export interface MailErrorInit {
  /** Basic SMTP reply code, e.g. 550. */
  code: number;
  /** Enhanced status code, e.g. "5.1.1". */
  enhanced: string;
  /** Text safe to send to the client (no internals). */
  publicText: string;
  /** Which part of the lab failed: "mta", "queue", "directory", "store", ... */
  component: string;
  cause?: unknown;
}

export class MailError extends Error {
  readonly code: number;
  readonly enhanced: string;
  readonly publicText: string;
  readonly component: string;

  constructor(init: MailErrorInit) {
    super(`${init.code} ${init.enhanced} ${init.publicText}`, { cause: init.cause });
    this.name = 'MailError';
    this.code = init.code;
    this.enhanced = init.enhanced;
    this.publicText = init.publicText;
    this.component = init.component;
  }

  /** 4xx: the sender (or the queue) should try again later. */
  get temporary(): boolean {
    return this.code >= 400 && this.code < 500;
  }

  get permanent(): boolean {
    return this.code >= 500;
  }

  static temporary(component: string, enhanced: string, publicText: string, cause?: unknown, code = 451): MailError {
    return new MailError({ code, enhanced, publicText, component, cause });
  }

  static permanent(component: string, enhanced: string, publicText: string, cause?: unknown, code = 550): MailError {
    return new MailError({ code, enhanced, publicText, component, cause });
  }

  /**
   * Wrap anything thrown into a MailError. Unknown failures become a temporary
   * local error (451 4.3.0): losing mail to a bug is worse than a retry.
   */
  static from(err: unknown, component: string): MailError {
    if (err instanceof MailError) return err;
    return new MailError({
      code: 451,
      enhanced: '4.3.0',
      publicText: 'Local error in processing',
      component,
      cause: err,
    });
  }
}
