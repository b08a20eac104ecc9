import { TemplateError, type TemplateValue } from './template.js';

/**
 * Moment.js's display format, the tokens docker/metadata-action's `{{date}}` and `{{commit_date}}` are written with
 * (`YYYYMMDD`, `YYYYMMDD-HHmmss`, `YYYY-MM-DDTHH:mm:ss.SSS[Z]`, `dddd, MMMM Do YYYY, h:mm:ss a`), in any IANA time
 * zone, through Intl: no date library in the bundle.
 */
const TOKEN = /\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|ZZ|Z|X|x/g;

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  hour: number;
  minute: number;
  second: number;
  offset: string;
}

function partsIn(date: Date, timeZone: string): Parts {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'long',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'longOffset',
    });
  } catch {
    throw new TemplateError(`tz='${timeZone}' is not a time zone; use an IANA name such as UTC or Asia/Tokyo`);
  }
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    format.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  // "GMT+09:00", or "GMT" for UTC itself.
  const offset = get('timeZoneName').replace(/^GMT/, '') || '+00:00';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: get('weekday'),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    offset,
  };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function ordinal(day: number): string {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
}

/** `date` rendered in moment's `format` in `timeZone`. */
export function formatDate(date: Date, format: string, timeZone = 'UTC'): string {
  const p = partsIn(date, timeZone);
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return format.replace(TOKEN, (token: string, literal: string | undefined) => {
    if (literal !== undefined) return literal;
    switch (token) {
      case 'YYYY':
        return pad(p.year, 4);
      case 'YY':
        return pad(p.year % 100);
      case 'MMMM':
        return MONTHS[p.month - 1];
      case 'MMM':
        return MONTHS[p.month - 1].slice(0, 3);
      case 'MM':
        return pad(p.month);
      case 'M':
        return String(p.month);
      case 'Do':
        return ordinal(p.day);
      case 'DD':
        return pad(p.day);
      case 'D':
        return String(p.day);
      case 'dddd':
        return p.weekday;
      case 'ddd':
        return p.weekday.slice(0, 3);
      case 'HH':
        return pad(p.hour);
      case 'H':
        return String(p.hour);
      case 'hh':
        return pad(hour12);
      case 'h':
        return String(hour12);
      case 'mm':
        return pad(p.minute);
      case 'm':
        return String(p.minute);
      case 'ss':
        return pad(p.second);
      case 's':
        return String(p.second);
      case 'SSS':
        return pad(date.getUTCMilliseconds(), 3);
      case 'A':
        return p.hour < 12 ? 'AM' : 'PM';
      case 'a':
        return p.hour < 12 ? 'am' : 'pm';
      case 'Z':
        return p.offset;
      case 'ZZ':
        return p.offset.replace(':', '');
      case 'X':
        return String(Math.floor(date.getTime() / 1000));
      default: // 'x'
        return String(date.getTime());
    }
  });
}

/** A `{{date 'format' tz='Zone'}}` helper for one date. */
export function dateHelper(date: Date): TemplateValue {
  return (args, hash) => {
    for (const key of Object.keys(hash)) {
      if (key !== 'tz') throw new TemplateError(`unknown attribute ${key}= (only tz= is known)`);
    }
    if (args.length !== 1) throw new TemplateError(`a date takes one format, e.g. {{date 'YYYYMMDD'}}`);
    return formatDate(date, args[0], hash.tz ?? 'UTC');
  };
}
