import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, FaultCommand, FaultView } from '../core/faults.js';
import { MailError } from '../core/mail-error.js';
import type { SmtpHooks, SmtpSession } from './smtp/types.js';

const FAULT_COMMANDS = new Set<string>(['EHLO', 'HELO', 'LHLO', 'MAIL', 'RCPT', 'DATA', 'STARTTLS']);

/**
 * Wraps an SMTP listener's hooks with the fault switches of its host: a `slow` host
 * answers late, a `reply` fault answers the chosen moment (greeting, a command, the
 * end of data) with the chosen reply. Slowness is real time on purpose: it stands for
 * a slow network, which the world clock's speed does not change.
 */
export function withFaultHooks(hooks: SmtpHooks, host: string, faults: FaultView): SmtpHooks {
  /** The wait of a slow host, or undefined when the host is not slow (nearly always). */
  const delay = (session: SmtpSession): Promise<unknown> | undefined => {
    const slow = faults.forHost('slow', host);
    if (!slow) return undefined;
    faults.applied(slow, host, `${host} waited ${slow.delayMs} ms (session ${session.id})`);
    return sleep(slow.delayMs);
  };
  const refuse = (command: FaultCommand) => {
    const fault = faults.replyFor(host, command);
    if (!fault) return;
    faults.applied(fault, host, `${host} answered ${command} with ${fault.code}`);
    throw faultError(fault);
  };
  const checkCommand = (session: SmtpSession, verb: string) => {
    if (FAULT_COMMANDS.has(verb)) refuse((verb === 'LHLO' ? 'EHLO' : verb) as FaultCommand);
    return hooks.beforeCommand?.(session, verb);
  };
  return {
    ...hooks,
    async onConnect(session) {
      await delay(session);
      refuse('CONNECT');
      await hooks.onConnect?.(session);
    },
    // Not async: every command of every session passes here, and with no switch on
    // (nearly always) there is nothing to wait for, so no promise is made.
    beforeCommand(session, verb) {
      const waiting = delay(session);
      return waiting ? waiting.then(() => checkCommand(session, verb)) : checkCommand(session, verb);
    },
    async onData(session, message) {
      refuse('DOT');
      return hooks.onData(session, message);
    },
  };
}

function faultError(fault: Extract<Fault, { kind: 'reply' }>): MailError {
  const permanent = fault.code >= 500;
  return new MailError({
    code: fault.code,
    enhanced: fault.enhanced ?? (permanent ? '5.0.0' : '4.0.0'),
    publicText: fault.text ?? (permanent ? 'Refused (lab fault switch)' : 'Try again later (lab fault switch)'),
    component: 'fault',
  });
}
