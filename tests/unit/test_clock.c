/* Calendar arithmetic: days since the epoch, China-time days, strict dates and working days. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/clock.h"

#include <stdlib.h>
#include <string.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dim[m - 1];
}

static void test_date_to_days_matches_known_epochs(void **state)
{
    (void)state;
    assert_int_equal(date_to_days(1970, 1, 1), 0);
    assert_int_equal(date_to_days(1970, 1, 2), 1);
    assert_int_equal(date_to_days(1969, 12, 31), -1);
    assert_int_equal(date_to_days(2000, 1, 1), 10957);
    assert_int_equal(date_to_days(2000, 3, 1), 11017); /* after a 400-year leap day */
    assert_int_equal(date_to_days(1900, 1, 1), -25567);
    assert_int_equal(date_to_days(2026, 11, 28), 20785);
}

/* Walk every day from 1900-01-01 to 2999-12-31 and compare with a calendar counted by hand. */
static void test_days_and_dates_round_trip_every_day_1900_to_2999(void **state)
{
    (void)state;
    int y = 1900, m = 1, d = 1;
    int64_t first = date_to_days(1900, 1, 1), last = date_to_days(2999, 12, 31);
    for (int64_t days = first; days <= last; days++) {
        int yy, mm, dd;
        days_to_date(days, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d)
            fail_msg("day %lld: got %04d-%02d-%02d, expected %04d-%02d-%02d", (long long)days, yy, mm, dd, y,
                     m, d);
        if (date_to_days(y, m, d) != days)
            fail_msg("%04d-%02d-%02d does not map back to %lld", y, m, d, (long long)days);
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(y, 3000);
    assert_int_equal(last - first + 1, 365 * 1100 + 267); /* leap years in 1900..2999 */
}

static void test_day_of_week_of_known_dates(void **state)
{
    (void)state;
    static const struct {
        int y, m, d, dow;
    } cases[] = {
        {2026, 11, 28, 5}, /* Saturday */
        {2026, 11, 29, 6}, /* Sunday */
        {2026, 11, 30, 0}, /* Monday */
        {1970, 1, 1, 3},   /* Thursday */
        {2000, 1, 1, 5},   /* Saturday */
        {1900, 1, 1, 0},   /* Monday */
        {2024, 2, 29, 3},  /* Thursday */
        {1969, 12, 28, 6}, /* Sunday, before the epoch */
        {2999, 12, 31, 1}, /* Tuesday */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = day_of_week(date_to_days(cases[i].y, cases[i].m, cases[i].d));
        if (got != cases[i].dow)
            fail_msg("%04d-%02d-%02d: day %d, expected %d", cases[i].y, cases[i].m, cases[i].d, got,
                     cases[i].dow);
    }
}

static void test_working_days_between_skips_the_weekend(void **state)
{
    (void)state;
    int64_t fri = date_to_days(2026, 11, 27), sat = fri + 1, sun = fri + 2, mon = fri + 3;
    assert_int_equal(day_of_week(fri), 4);
    assert_int_equal(working_days_between(fri, sat), 0);
    assert_int_equal(working_days_between(fri, sun), 0);
    assert_int_equal(working_days_between(fri, mon), 1);
    assert_int_equal(working_days_between(sat, mon), 1);
    assert_int_equal(working_days_between(mon - 7, fri), 4); /* Monday to Friday: Tue..Fri */
    assert_int_equal(working_days_between(fri, fri + 14), 10);
    assert_int_equal(working_days_between(fri, fri), 0);
    assert_int_equal(working_days_between(mon, fri), 0);
}

static void test_add_working_days_jumps_the_weekend(void **state)
{
    (void)state;
    int64_t thu = date_to_days(2026, 11, 26), fri = thu + 1, sat = thu + 2, sun = thu + 3, mon = thu + 4;
    assert_int_equal(add_working_days(fri, 1), mon);
    assert_int_equal(add_working_days(thu, 2), mon);
    assert_int_equal(add_working_days(sat, 1), mon);
    assert_int_equal(add_working_days(sun, 1), mon);
    assert_int_equal(add_working_days(fri, 5), fri + 7);
    assert_int_equal(add_working_days(thu, 15), thu + 21);
    assert_int_equal(add_working_days(fri, 0), fri);
    /* The two functions agree: n working days after from is counted as n. */
    for (int n = 0; n < 30; n++)
        assert_int_equal(working_days_between(sat, add_working_days(sat, n)), n);
}

static void test_date_parse_accepts_only_strict_real_dates(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"2024-02-29", true},  {"2023-02-29", false},     {"2000-02-29", true},
        {"1900-02-29", false}, {"2100-02-29", false},     {"2024-13-01", false},
        {"2024-00-10", false}, {"2024-01-00", false},     {"2024-04-31", false},
        {"2024-04-30", true},  {"2024-12-31", true},      {"2024-1-01", false},
        {"2024-01-1", false},  {"24-01-01", false},       {"1899-12-31", false},
        {"1900-01-01", true},  {"2999-12-31", true},      {"3000-01-01", false},
        {"2024/01/01", false}, {" 2024-01-01", false},    {"2024-01-01 ", false},
        {"+024-01-01", false}, {"2024-0a-01", false},     {"2024-01-01T00", false},
        {"", false},           {"２０２４-01-01", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t days = 12345;
        bool ok = date_parse(cases[i].s, &days);
        if (ok != cases[i].ok) fail_msg("\"%s\": expected %s", cases[i].s, cases[i].ok ? "valid" : "invalid");
        if (!ok) assert_int_equal(days, 12345);
    }
    assert_false(date_parse(NULL, NULL));
    assert_true(date_parse("2024-02-29", NULL));

    int64_t days;
    assert_true(date_parse("2026-11-28", &days));
    assert_int_equal(days, date_to_days(2026, 11, 28));
}

static void test_date_format_pads_with_zeros(void **state)
{
    (void)state;
    char out[11];
    assert_string_equal(date_format(date_to_days(2024, 2, 9), out), "2024-02-09");
    assert_string_equal(date_format(date_to_days(1900, 1, 1), out), "1900-01-01");
    assert_string_equal(date_format(date_to_days(2999, 12, 31), out), "2999-12-31");
}

static void test_clock_day_start_is_china_midnight_and_inverts_day_of(void **state)
{
    (void)state;
    int64_t nov28 = date_to_days(2026, 11, 28);
    assert_int_equal(clock_day_start(nov28), nov28 * 86400 - 8 * 3600); /* 2026-11-27T16:00:00Z */
    for (int64_t d = -3; d <= 3; d++) {
        assert_int_equal(clock_day_of(clock_day_start(nov28 + d)), nov28 + d);
        assert_int_equal(clock_day_of(clock_day_start(nov28 + d) - 1), nov28 + d - 1);
    }
    assert_int_equal(clock_day_of(clock_day_start(-1)), -1);
}

static void test_clock_day_of_turns_at_china_midnight(void **state)
{
    (void)state;
    int64_t nov27 = date_to_days(2026, 11, 27);
    int64_t t = nov27 * 86400 + 15 * 3600 + 59 * 60 + 59; /* 2026-11-27T15:59:59Z = 23:59:59 CST */
    assert_int_equal(clock_day_of(t), nov27);
    assert_int_equal(clock_day_of(t + 1), nov27 + 1);                /* 16:00:00Z = 00:00 CST on the 28th */
    assert_int_equal(clock_day_of(nov27 * 86400), nov27);            /* 00:00Z = 08:00 CST */
    assert_int_equal(clock_day_of(nov27 * 86400 - 8 * 3600), nov27); /* CST midnight exactly */
    assert_int_equal(clock_day_of(0), 0);
    assert_int_equal(clock_day_of(-8 * 3600), 0);
    assert_int_equal(clock_day_of(-8 * 3600 - 1), -1);
    assert_int_equal(clock_day_of(-8 * 3600 - 86400), -1);
    assert_int_equal(clock_day_of(-8 * 3600 - 86401), -2);
}

static void test_clock_now_can_be_pinned_for_tests(void **state)
{
    (void)state;
    setenv("TUOYU_FAKE_NOW", "1795795200", 1);
    assert_int_equal(clock_now(), 1795795200);
    unsetenv("TUOYU_FAKE_NOW");
    assert_true(clock_now() > 1700000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_to_days_matches_known_epochs),
        cmocka_unit_test(test_days_and_dates_round_trip_every_day_1900_to_2999),
        cmocka_unit_test(test_day_of_week_of_known_dates),
        cmocka_unit_test(test_working_days_between_skips_the_weekend),
        cmocka_unit_test(test_add_working_days_jumps_the_weekend),
        cmocka_unit_test(test_date_parse_accepts_only_strict_real_dates),
        cmocka_unit_test(test_date_format_pads_with_zeros),
        cmocka_unit_test(test_clock_day_of_turns_at_china_midnight),
        cmocka_unit_test(test_clock_day_start_is_china_midnight_and_inverts_day_of),
        cmocka_unit_test(test_clock_now_can_be_pinned_for_tests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
