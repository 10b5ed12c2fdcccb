//! Milliseconds since the Unix epoch as an RFC 3339 UTC date-time, without a date crate.

use std::fmt::Write as _;

const MS_PER_DAY: u64 = 86_400_000;

/// `(year, month, day)` of the day `days` after 1970-01-01 in the proleptic Gregorian calendar.
///
/// Howard Hinnant's `civil_from_days` (<http://howardhinnant.github.io/date_algorithms.html>): shift the
/// epoch to 0000-03-01 so the leap day ends each 400-year era, then split eras, years of era and days of
/// year with plain integer arithmetic. Exact for every `i64` day count this tool produces (at most
/// `u64::MAX` ms, about 2.1e11 days).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1, [0, 365]
    let mp = (5 * doy + 2) / 153; // month from March, [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in small ranges by construction; the fallbacks are never taken.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// `ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// ```text
/// 1516763973000 -> 2018-01-24T03:19:33.000Z
/// ```
pub(crate) fn utc_millis(ms: u64) -> String {
    // `ms / MS_PER_DAY` is below 2^38, so it always fits an i64.
    let days = i64::try_from(ms / MS_PER_DAY).unwrap_or(i64::MAX / 2);
    let rem = ms % MS_PER_DAY;
    let (year, month, day) = civil_from_days(days);
    let (hour, rem) = (rem / 3_600_000, rem % 3_600_000);
    let (minute, rem) = (rem / 60_000, rem % 60_000);
    let (second, milli) = (rem / 1000, rem % 1000);
    let mut out = String::with_capacity(24);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_samples() {
        assert_eq!(utc_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc_millis(1_516_763_973_000), "2018-01-24T03:19:33.000Z");
        assert_eq!(utc_millis(1_516_763_973_090), "2018-01-24T03:19:33.090Z");
        assert_eq!(utc_millis(1_598_006_351_955), "2020-08-21T10:39:11.955Z");
        // The history window of the fixtures: one UTC day.
        assert_eq!(utc_millis(1_597_968_000_000), "2020-08-21T00:00:00.000Z");
        assert_eq!(utc_millis(1_598_054_400_000), "2020-08-22T00:00:00.000Z");
    }

    #[test]
    fn leap_days_and_century_rules() {
        assert_eq!(utc_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(utc_millis(951_868_800_000), "2000-03-01T00:00:00.000Z");
        assert_eq!(utc_millis(4_107_542_400_000), "2100-03-01T00:00:00.000Z"); // 2100 is not leap
        assert_eq!(utc_millis(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn extremes_do_not_panic() {
        assert_eq!(utc_millis(u64::MAX), "584556019-04-03T14:25:51.615Z");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
    }

    /// Walks day by day from 1970 with a naive calendar and compares every day up to the year 2500.
    #[test]
    fn agrees_with_a_naive_calendar() {
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let (mut y, mut m, mut d) = (1970_i64, 1_u32, 1_u32);
        for days in 0..(530 * 366) {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            let len = match m {
                2 if leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
