import { MAX_RETRY_AFTER_MS, parseHttpDate, parseRetryAfter } from '../../src/api/retry-after';

const NOW = Date.parse('2025-11-14T20:29:21Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('0', { now: NOW })).toBe(0);
    expect(parseRetryAfter('5', { now: NOW })).toBe(5_000);
    expect(parseRetryAfter(' 120 ', { now: NOW })).toBe(120_000);
  });

  it('returns undefined when the header is absent', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it.each(['', 'soon', '1.5', '-3', '+3', '5s', '0x10', '1e3', 'hello 2020', '2025-11-14T20:30:21Z'])(
    'ignores junk %p',
    (value) => {
      expect(parseRetryAfter(value, { now: NOW })).toBeUndefined();
    },
  );

  it('measures an IMF-fixdate against the response Date header, not the local clock', () => {
    const wildlySkewedLocalClock = NOW + 10 * 60_000;
    expect(
      parseRetryAfter('Fri, 14 Nov 2025 20:29:51 GMT', {
        date: 'Fri, 14 Nov 2025 20:29:21 GMT',
        now: wildlySkewedLocalClock,
      }),
    ).toBe(30_000);
  });

  it('falls back to now when the Date header is absent or junk', () => {
    expect(parseRetryAfter('Fri, 14 Nov 2025 20:29:31 GMT', { now: NOW })).toBe(10_000);
    expect(parseRetryAfter('Fri, 14 Nov 2025 20:29:31 GMT', { date: 'yesterday', now: NOW })).toBe(10_000);
  });

  it('reads the obsolete RFC 850 and asctime forms, asctime as UTC whatever the local zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York'; // Node applies TZ changes at once
    try {
      expect(parseRetryAfter('Friday, 14-Nov-25 20:29:41 GMT', { now: NOW })).toBe(20_000);
      expect(parseRetryAfter('Fri Nov 14 20:29:41 2025', { now: NOW })).toBe(20_000);
      expect(parseRetryAfter('Fri Nov  7 20:29:51 2025', { now: NOW - 7 * 86_400_000 })).toBe(30_000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', { now: NOW })).toBe(0);
  });

  it('clamps huge values so no timer overflows', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    expect(parseRetryAfter('3601', { now: NOW })).toBe(MAX_RETRY_AFTER_MS);
    // 2^31 ms is where Node's setTimeout overflows into a 1 ms busy loop.
    expect(parseRetryAfter(String(2 ** 31), { now: NOW })).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('9'.repeat(400), { now: NOW })).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', { now: NOW })).toBe(MAX_RETRY_AFTER_MS);
  });

  it('uses the real clock when no time is given', () => {
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    const parsed = parseRetryAfter(inOneMinute);
    expect(parsed).toBeGreaterThan(55_000);
    expect(parsed).toBeLessThanOrEqual(60_000);
  });
});

describe('parseHttpDate', () => {
  it('accepts only the three RFC 9110 forms', () => {
    expect(parseHttpDate('Fri, 14 Nov 2025 20:29:21 GMT')).toBe(NOW);
    expect(parseHttpDate('Friday, 14-Nov-25 20:29:21 GMT')).toBe(NOW);
    expect(parseHttpDate('Fri Nov 14 20:29:21 2025')).toBe(NOW);
    expect(parseHttpDate('Fri, 14 Nov 2025 20:29:21 +0100')).toBeUndefined();
    expect(parseHttpDate('Fri, 14 Nov 2025 20:29:21')).toBeUndefined();
    expect(parseHttpDate('14 Nov 2025')).toBeUndefined();
  });
});
