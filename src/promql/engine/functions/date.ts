/**
 * The calendar fields PromQL's date functions read from a value of seconds since the epoch, in UTC, exactly as
 * Prometheus gets them from Go: the value is truncated towards zero to an int64 (`time.Unix(int64(v), 0)`), and Go's
 * calendar arithmetic runs on unsigned seconds since its "absolute zero" year, wrapping around 2⁶⁴.
 *
 * A float that int64 cannot hold (NaN, ±Inf, |v| ≥ 2⁶³) converts, on amd64 where Prometheus is mostly run, to the
 * smallest int64, which the wrap-around turns into 2⁶³ seconds: Sunday 292277026596-12-04 15:30:08 UTC. So
 * `year(vector(NaN))` is 292277026596 in Prometheus (on arm64 the conversion, and so the answer, differs).
 */
export interface CalendarFields {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly dayOfMonth: number;
  /** 0 = Sunday. */
  readonly dayOfWeek: number;
  /** 1–366. */
  readonly dayOfYear: number;
  readonly daysInMonth: number;
  readonly hour: number;
  readonly minute: number;
}

const SECONDS_PER_DAY = 86_400;
const TWO_TO_63 = 2n ** 63n;
const TWO_TO_64 = 2n ** 64n;
/** Go's offset from Unix seconds to its absolute seconds (March 1 of year -292277022400). */
const UNIX_TO_ABSOLUTE = ((292_277_022_400n * 146_097n) / 400n + 306n) * 86_400n + 62_135_596_800n;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function calendarFields(value: number): CalendarFields {
  const { days, secondOfDay } = splitDays(value);
  const { year, month, dayOfMonth } = civilFromDays(days);
  const leap = isLeap(year);
  return {
    year,
    month,
    dayOfMonth,
    dayOfWeek: mod(days + 4, 7), // 1970-01-01 was a Thursday.
    dayOfYear: days - daysFromCivil(year, 1, 1) + 1,
    daysInMonth: month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number),
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
  };
}

/** Whole days since 1970-01-01 and the second within the day, after Go's int64 conversion and wrap-around. */
function splitDays(value: number): { days: number; secondOfDay: number } {
  const seconds = Math.trunc(value);
  if (Number.isSafeInteger(seconds) && Math.abs(seconds) < 2 ** 52) {
    const secondOfDay = mod(seconds, SECONDS_PER_DAY);
    return { days: (seconds - secondOfDay) / SECONDS_PER_DAY, secondOfDay };
  }
  let unix = Number.isFinite(seconds) && Math.abs(seconds) < 2 ** 63 ? BigInt(seconds) : -TWO_TO_63;
  if (unix + UNIX_TO_ABSOLUTE < 0n) unix += TWO_TO_64;
  let days = unix / 86_400n;
  let secondOfDay = unix % 86_400n;
  if (secondOfDay < 0n) {
    secondOfDay += 86_400n;
    days -= 1n;
  }
  return { days: Number(days), secondOfDay: Number(secondOfDay) };
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm, with March-based years). */
function civilFromDays(days: number): { year: number; month: number; dayOfMonth: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth };
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
