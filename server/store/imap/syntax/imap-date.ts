/**
 * INTERNALDATE / APPEND date-time (RFC 3501 `date-time`): "17-Jul-1996 02:44:25 -0700".
 */
import { ImapSyntaxError } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats `date` as seen in a zone `offsetMinutes` east of UTC (-420 for -0700). */
export function formatInternalDate(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const day = String(local.getUTCDate()).padStart(2, ' ');
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${day}-${MONTHS[local.getUTCMonth()]}-${local.getUTCFullYear()} ${time} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** Parses an APPEND date-time (day may be " 7" or "07" or "7"). */
export function parseInternalDate(text: string): Date {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = m ? MONTHS.findIndex((name) => name.toLowerCase() === m[2]!.toLowerCase()) : -1;
  if (!m || month < 0) throw new ImapSyntaxError(`Invalid date-time "${text}"`);
  const [day, year, h, min, s, oh, om] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map(Number) as number[];
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (oh! * 60 + om!);
  const utcMs = Date.UTC(year!, month, day!, h!, min!, s!) - offsetMinutes * 60_000;
  if (Number.isNaN(utcMs) || day! > 31 || h! > 23 || min! > 59 || s! > 60)
    throw new ImapSyntaxError(`Invalid date-time "${text}"`);
  return new Date(utcMs);
}
