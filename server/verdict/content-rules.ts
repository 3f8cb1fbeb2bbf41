import type { MessageView, RuleContext, SpamRule } from './types.js';

/**
 * The built-in content rules: each one a fact a class can check by looking at the
 * message. Names follow SpamAssassin where it has the same idea, so what students
 * learn here reads the same in a real X-Spam-Status field. Scores are chosen so that
 * one clue is not enough (threshold 5 by default) but a typical phishing mail is.
 */
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
/** A Date more than this far ahead of our clock was not written by an honest clock. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

const MONEY =
  /[$€£]\s?\d{1,3}(?:[,.]\d{3}){2,}|\b\d+(?:[.,]\d+)?\s?(?:million|billion)\s+(?:us\s)?(?:dollars|usd|euros?|pounds)\b|\b(?:usd|eur|gbp)\s?\d{1,3}(?:[,.]\d{3}){2,}/i;
const URGENT = /\b(?:act now|urgent(?:ly)?|immediately|limited time|expires? today|don'?t delay|final notice)\b/i;
const ACCOUNT_PHISH =
  /\b(?:verify your (?:account|identity|email)|confirm your (?:identity|account|password)|password|account (?:has been |will be )?(?:suspended|locked|closed|disabled)|update your (?:billing|payment) (?:details|information))\b/i;
const RAW_IP_URL = /\bhttps?:\/\/(?:\d{1,3}\.){3}\d{1,3}(?=[:/?#\s"'<>]|$)/im;
const ADDRESS_IN_NAME = /[^\s<>"'@]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/i;

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const has = (ctx: RuleContext, name: string) => ctx.view.headerNames.has(name);
/** Built once per message: four rules read it, and each new copy would be flattened again for its regex. */
const subjectsAndTexts = new WeakMap<MessageView, string>();
const subjectAndText = (ctx: RuleContext): string => {
  let combined = subjectsAndTexts.get(ctx.view);
  if (combined === undefined) {
    combined = `${ctx.view.subject ?? ''}\n${ctx.view.text}`;
    subjectsAndTexts.set(ctx.view, combined);
  }
  return combined;
};

export const CONTENT_RULES: readonly SpamRule[] = Object.freeze([
  {
    name: 'GTUBE',
    score: 1000,
    description: 'Contains GTUBE, the standard test string every spam filter must call spam',
    test: (ctx) => ctx.view.text.includes(GTUBE) || (ctx.view.html ?? '').includes(GTUBE),
  },
  {
    name: 'MISSING_FROM',
    score: 1.0,
    description: 'No From: field, which RFC 5322 requires',
    test: (ctx) => !has(ctx, 'from'),
  },
  {
    name: 'MISSING_DATE',
    score: 1.0,
    description: 'No Date: field, which RFC 5322 requires; mail programs always write one',
    test: (ctx) => !has(ctx, 'date'),
  },
  {
    name: 'MISSING_MID',
    score: 0.5,
    description: 'No Message-ID: field; mail programs write one, bulk senders often forget',
    test: (ctx) => !has(ctx, 'message-id'),
  },
  {
    name: 'MISSING_SUBJECT',
    score: 0.5,
    description: 'No Subject: field',
    test: (ctx) => !has(ctx, 'subject'),
  },
  {
    name: 'DATE_IN_FUTURE',
    score: 1.5,
    description: 'Date: is more than a day ahead of our clock, a trick to stay at the top of the inbox',
    test: (ctx) => ctx.view.date !== undefined && ctx.view.date.getTime() > ctx.receivedAt + FUTURE_SLACK_MS,
  },
  {
    name: 'SUBJ_ALL_CAPS',
    score: 1.5,
    description: 'Subject is written in capitals only, shouting for attention',
    test: (ctx) => {
      const subject = ctx.view.subject ?? '';
      return subject.length >= 10 && /[A-Z]/.test(subject) && subject === subject.toUpperCase();
    },
  },
  {
    name: 'FROM_DISPLAY_ADDR_MISMATCH',
    score: 2.0,
    description: 'The From: display name shows an address of another domain than the real sender address',
    test: (ctx) => {
      const from = ctx.view.from;
      const shown = from ? ADDRESS_IN_NAME.exec(from.name) : null;
      return !!from && !!shown && (shown[1] as string).toLowerCase() !== domainOf(from.address);
    },
  },
  {
    name: 'REPLYTO_DIFFERS',
    score: 1.0,
    description: 'Reply-To: sends answers to another domain than the From: address',
    test: (ctx) =>
      !!ctx.view.from && !!ctx.view.replyTo && domainOf(ctx.view.replyTo.address) !== domainOf(ctx.view.from.address),
  },
  {
    name: 'HTML_ONLY',
    score: 1.0,
    description: 'Only an HTML part, no plain-text alternative as mail programs write',
    test: (ctx) => ctx.view.html !== undefined && !ctx.view.hasTextPart,
  },
  {
    name: 'LOTS_OF_MONEY',
    score: 1.5,
    description: 'Talks about millions of dollars (or euros, or pounds)',
    test: (ctx) => MONEY.test(subjectAndText(ctx)),
  },
  {
    name: 'URGENT_WORDS',
    score: 1.0,
    description: 'Pushes the reader to hurry: "act now", "urgent", "limited time"…',
    test: (ctx) => URGENT.test(subjectAndText(ctx)),
  },
  {
    name: 'ACCOUNT_PHISH',
    score: 2.0,
    description: 'Asks about passwords or to verify an account, as phishing does',
    test: (ctx) => ACCOUNT_PHISH.test(subjectAndText(ctx)),
  },
  {
    name: 'EXCESSIVE_EXCLAMATION',
    score: 1.0,
    description: 'Many exclamation marks ("!!!", or ten and more)',
    test: (ctx) => {
      const all = subjectAndText(ctx);
      return all.includes('!!!') || (all.match(/!/g)?.length ?? 0) >= 10;
    },
  },
  {
    name: 'URI_RAW_IP',
    score: 1.5,
    description: 'Links to a bare IP address instead of a domain name, hiding who runs the site',
    test: (ctx) => RAW_IP_URL.test(ctx.view.text) || RAW_IP_URL.test(ctx.view.html ?? ''),
  },
]);
