import { smtpError } from './reply.js';

/**
 * What the ESMTP parameters of MAIL and RCPT may say. Syntax errors are 501 5.5.4;
 * a parameter we do not implement is 555 5.5.4 (RFC 5321 4.1.1.11).
 */

type Params = Record<string, string | true>;
type Check = (value: string | true) => boolean;

const XTEXT = /^(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})+$/;

const hasValue = (v: string | true): v is string => v !== true;

const MAIL_PARAMS: Record<string, Check> = {
  SIZE: (v) => hasValue(v) && /^\d{1,20}$/.test(v),
  BODY: (v) => hasValue(v) && /^(?:7BIT|8BITMIME)$/i.test(v),
  SMTPUTF8: (v) => v === true,
  RET: (v) => hasValue(v) && /^(?:FULL|HDRS)$/i.test(v),
  ENVID: (v) => hasValue(v) && v.length <= 100 && XTEXT.test(v),
  // RFC 4954 5: the AUTH= parameter of MAIL; accepted and left to the hooks.
  AUTH: (v) => hasValue(v),
};

const RCPT_PARAMS: Record<string, Check> = {
  NOTIFY: (v) => hasValue(v) && isNotifyList(v),
  ORCPT: (v) => hasValue(v) && /^[A-Za-z0-9-]+;.+$/.test(v) && v.length <= 500,
};

function isNotifyList(value: string): boolean {
  const items = value.toUpperCase().split(',');
  if (items.length === 1 && items[0] === 'NEVER') return true;
  const allowed = new Set(['SUCCESS', 'FAILURE', 'DELAY']);
  return items.every((item) => allowed.has(item)) && new Set(items).size === items.length;
}

function checkParams(params: Params, known: Record<string, Check>): void {
  for (const [key, value] of Object.entries(params)) {
    const check = known[key];
    if (!check) throw smtpError(555, '5.5.4', `Unsupported option: ${key}`);
    if (!check(value)) throw smtpError(501, '5.5.4', `Bad ${key} parameter`);
  }
}

/** Validates MAIL FROM parameters, including the SIZE announcement against our limit. */
export function checkMailParams(params: Params, maxMessageSizeBytes: number): void {
  checkParams(params, MAIL_PARAMS);
  const size = params.SIZE;
  if (typeof size === 'string' && Number(size) > maxMessageSizeBytes) {
    throw smtpError(552, '5.3.4', 'Message size exceeds fixed maximum message size');
  }
}

export function checkRcptParams(params: Params): void {
  checkParams(params, RCPT_PARAMS);
}
