import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFields } from './date.js';

/** ms of a UTC midnight; unlike Date.UTC, years 0–99 are taken as they are. */
function utc(year: number, monthIndex: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

describe('calendarFields', () => {
  it('agrees with the proleptic Gregorian calendar of Date across its whole range', () => {
    const samples = [
      -8.6e12, -62162035200, -59011459200, -62135596800, -2203891200, -1, 0, 951782400, 4107542400, 253402300799,
      8.6e12,
    ];
    for (let i = 0; i < 2000; i++) samples.push(Math.round((i / 2000 - 0.5) * 1.7e12) + i * 7919);
    for (const seconds of samples) {
      const date = new Date(seconds * 1000);
      const fields = calendarFields(seconds);
      const year = date.getUTCFullYear();
      const startOfYear = utc(year, 0, 1);
      const startOfDay = utc(year, date.getUTCMonth(), date.getUTCDate());
      assert.deepEqual(fields, {
        year,
        month: date.getUTCMonth() + 1,
        dayOfMonth: date.getUTCDate(),
        dayOfWeek: date.getUTCDay(),
        dayOfYear: Math.round((startOfDay - startOfYear) / 86_400_000) + 1,
        daysInMonth: new Date(utc(year, date.getUTCMonth() + 1, 0)).getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
      });
    }
  });

  it('reads NaN, ±Inf and values beyond int64 as Go on amd64 does: 2⁶³ s, Sunday 292277026596-12-04 15:30:08', () => {
    const expected = {
      year: 292277026596,
      month: 12,
      dayOfMonth: 4,
      dayOfWeek: 0,
      dayOfYear: 339,
      daysInMonth: 31,
      hour: 15,
      minute: 30,
    };
    for (const value of [Number.NaN, Infinity, -Infinity, 2 ** 63, -(2 ** 64), 1e300]) {
      assert.deepEqual(calendarFields(value), expected, String(value));
    }
  });
});
