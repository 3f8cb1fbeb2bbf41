import { MmpTrace } from './mmp-trace.js';
import type { MmpImapLoginMechanism } from './imap-types.js';

/** The trace of one client connection to the MMP's IMAP side. */
export class MmpImapTrace extends MmpTrace<MmpImapLoginMechanism> {}
