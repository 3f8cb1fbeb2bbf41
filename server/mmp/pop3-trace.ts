import { MmpTrace } from './mmp-trace.js';
import type { MmpLoginMechanism } from './pop3-types.js';

/** The trace of one client connection to the MMP's POP3 side. */
export class MmpPop3Trace extends MmpTrace<MmpLoginMechanism> {}
