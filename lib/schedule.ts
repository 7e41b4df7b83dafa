// How far apart the doctor's scheduled runs are, read off the EventBridge schedule expression (already validated
// by lib/config.ts). The alarms size their "not running" window, and the dashboard its graphs, from this: a fixed
// guess for cron schedules made a business-hours or daily cron alarm every night.
//
// rate(N unit): every gap is N units. cron(minutes hours day-of-month month day-of-week year), evaluated in UTC as
// EventBridge does: the fire times of a leap-year-spanning window of 400 days are enumerated and the gaps between
// them measured. Cron features whose spacing this does not model (L, W, #, wrapping ranges, a specific year or a
// subset of months, which leave whole months without a run anyway) give UNBOUNDED_GAP.

/** A gap longer than anything an alarm can cover; callers cap it. */
export const UNBOUNDED_GAP = Number.POSITIVE_INFINITY;

export interface ScheduleGaps {
  /** The shortest time between two consecutive runs, in minutes. */
  readonly shortestMinutes: number;
  /** The longest time between two consecutive runs, in minutes (UNBOUNDED_GAP when unknown). */
  readonly longestMinutes: number;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MINUTES: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: 1440 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(MONTHS.map((name, i) => [name, i + 1]));
/** EventBridge numbers days of the week 1-7 from Sunday. */
const DAY_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(DAYS.map((name, i) => [name, i + 1]));
/** 2027-12-01 to 2029-01-05 UTC: every month boundary, a year boundary and a 29 February. */
const WINDOW_START = Date.UTC(2027, 11, 1);
const WINDOW_DAYS = 400;
const MINUTE_MS = 60_000;
const DAY_MS = 1440 * MINUTE_MS;

const UNKNOWN: ScheduleGaps = { shortestMinutes: UNBOUNDED_GAP, longestMinutes: UNBOUNDED_GAP };

export function scheduleGaps(schedule: string): ScheduleGaps {
  const text = schedule.trim();
  const rate = RATE.exec(text);
  if (rate) {
    const minutes = Number(rate[1]) * (UNIT_MINUTES[(rate[2] as string).replace(/s$/, '')] ?? 1);
    return { shortestMinutes: minutes, longestMinutes: minutes };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  return cron ? cronGaps((cron[1] as string).trim().split(/\s+/)) : UNKNOWN;
}

function cronGaps(fields: readonly string[]): ScheduleGaps {
  if (fields.length !== 6) return UNKNOWN;
  const [minuteField, hourField, dayOfMonthField, monthField, dayOfWeekField, yearField] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const minutes = parseField(minuteField, 0, 59);
  const hours = parseField(hourField, 0, 23);
  const daysOfMonth = parseField(dayOfMonthField, 1, 31);
  const months = parseField(monthField, 1, 12, MONTH_NUMBERS);
  const daysOfWeek = parseField(dayOfWeekField, 1, 7, DAY_NUMBERS);
  if (!minutes || !hours || !daysOfMonth || !months || !daysOfWeek) return UNKNOWN;
  // A specific year ends the schedule; missing months leave gaps of a month or more.
  if (yearField !== '*' || months.size !== 12) return UNKNOWN;

  const times: number[] = [];
  const sortedHours = [...hours].sort((a, b) => a - b);
  const sortedMinutes = [...minutes].sort((a, b) => a - b);
  for (let day = 0; day < WINDOW_DAYS; day++) {
    const date = new Date(WINDOW_START + day * DAY_MS);
    const runsThatDay = daysOfMonth.has(date.getUTCDate()) && daysOfWeek.has(date.getUTCDay() + 1);
    if (!runsThatDay) continue;
    for (const hour of sortedHours) {
      for (const minute of sortedMinutes) times.push(date.getTime() + (hour * 60 + minute) * MINUTE_MS);
    }
  }
  if (times.length < 2) return UNKNOWN;
  const gaps = times.slice(1).map((time, i) => (time - (times[i] as number)) / MINUTE_MS);
  // Around a yearly boundary the window's edges hide one gap; they bound it from below.
  const edges = [
    (times[0] as number) - WINDOW_START,
    WINDOW_START + WINDOW_DAYS * DAY_MS - (times[times.length - 1] as number),
  ];
  return {
    shortestMinutes: Math.min(...gaps),
    longestMinutes: Math.max(...gaps, ...edges.map((ms) => ms / MINUTE_MS)),
  };
}

/**
 * The values a cron field allows: `*`, `?`, `N`, `A-B`, `X/STEP` and comma lists of them, numbers or names.
 * Undefined for anything else (L, W, #, ranges that wrap around), whose spacing is not modelled here.
 */
function parseField(
  field: string,
  min: number,
  max: number,
  names: Readonly<Record<string, number>> = {},
): Set<number> | undefined {
  const value = (token: string): number | undefined => {
    const number = /^\d+$/.test(token) ? Number(token) : names[token.toUpperCase()];
    return number !== undefined && number >= min && number <= max ? number : undefined;
  };
  const allowed = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const range = match[1] as string;
    const step = match[2] === undefined ? 1 : Number(match[2]);
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') {
      from = min;
      to = max;
    } else {
      const [first, last] = range.split('-') as [string, string | undefined];
      from = value(first);
      // `A/STEP` runs from A to the end of the range.
      to = last !== undefined ? value(last) : match[2] !== undefined ? max : from;
    }
    if (from === undefined || to === undefined || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return allowed;
}
