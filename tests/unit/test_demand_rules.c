/* Parents' demand rules: every (status, event, actor) of the choice workflow, allowed or refused and how
 * (403 for an actor that never fires the event, 409 for a status the table refuses); the chosen institutions
 * (none, too many, duplicates, bad ids); the months of an application (born, not in the past, at most 12
 * months ahead, under three at the start); the age band at the start month; phone numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules/demand/demand.h"

#include <string.h>

static const unsigned actors[] = {DEMAND_BY_INSTITUTION, DEMAND_BY_PARENT};

/* The workflow as the issue states it, written independently of the table under test. */
static int expected(int from, int event, unsigned actor)
{
    bool open = from == DCH_PENDING || from == DCH_WAITLISTED;
    if (actor == DEMAND_BY_INSTITUTION) {
        if (event == DCE_OFFER && open) return DCH_OFFERED;
        if (event == DCE_DECLINE && open) return DCH_DECLINED;
        if (event == DCE_WAITLIST && from == DCH_PENDING) return DCH_WAITLISTED;
        return -1;
    }
    if (event == DCE_ACCEPT && from == DCH_OFFERED) return DCH_ACCEPTED;
    if (event == DCE_WITHDRAW && (open || from == DCH_OFFERED)) return DCH_WITHDRAWN;
    return -1;
}

static bool fires(int event, unsigned actor)
{
    return actor == DEMAND_BY_INSTITUTION ? event <= DCE_DECLINE : event >= DCE_ACCEPT;
}

static void test_choice_transitions_follow_the_issue(void **state)
{
    (void)state;
    for (int from = 0; from < DCH__COUNT; from++)
        for (int ev = 0; ev < DCE__COUNT; ev++)
            for (size_t k = 0; k < sizeof actors / sizeof actors[0]; k++) {
                int to = -7;
                enum err e = demand_choice_check(from, ev, actors[k], &to);
                int want = expected(from, ev, actors[k]);
                if (want >= 0) {
                    assert_int_equal(e, OK);
                    assert_int_equal(to, want);
                } else {
                    assert_int_equal(e, fires(ev, actors[k]) ? ERR_STATE : ERR_FORBIDDEN);
                    assert_int_equal(to, -7);
                }
            }
}

static void test_answered_and_closed_choices_refuse_every_move(void **state)
{
    (void)state;
    int closed[] = {DCH_DECLINED, DCH_ACCEPTED, DCH_WITHDRAWN};
    for (size_t i = 0; i < 3; i++)
        for (int ev = 0; ev < DCE__COUNT; ev++)
            for (size_t k = 0; k < 2; k++)
                assert_int_not_equal(demand_choice_check(closed[i], ev, actors[k], NULL), OK);
    /* An unknown status is refused, never indexed. */
    assert_int_equal(demand_choice_check(-1, DCE_OFFER, DEMAND_BY_INSTITUTION, NULL), ERR_STATE);
    assert_int_equal(demand_choice_check(99, DCE_ACCEPT, DEMAND_BY_PARENT, NULL), ERR_STATE);
}

static void test_names_cover_the_enums(void **state)
{
    (void)state;
    for (int i = 0; i < DCH__COUNT; i++) {
        assert_non_null(choice_status_names[i]);
        assert_non_null(choice_status_names_zh[i]);
        assert_int_equal(demand_name_index(choice_status_names, choice_status_names[i]), i);
    }
    assert_null(choice_status_names[DCH__COUNT]);
    assert_null(choice_event_names[DCE__COUNT]);
    assert_int_equal(demand_name_index(choice_status_names, "open"), -1);
    assert_int_equal(demand_name_index(choice_status_names, NULL), -1);
}

static void test_choices_at_most_three_distinct(void **state)
{
    (void)state;
    int bad = 0;
    int64_t one[] = {5}, three[] = {5, 6, 7}, four[] = {5, 6, 7, 8}, dup[] = {5, 6, 5}, zero[] = {5, 0};
    assert_int_equal(demand_choices_check(one, 0, &bad), DCP_NONE);
    assert_int_equal(demand_choices_check(one, 1, &bad), DCP_OK);
    assert_int_equal(bad, -1);
    assert_int_equal(demand_choices_check(three, 3, &bad), DCP_OK);
    assert_int_equal(demand_choices_check(four, 4, &bad), DCP_TOO_MANY);
    assert_int_equal(demand_choices_check(dup, 3, &bad), DCP_DUPLICATE);
    assert_int_equal(bad, 2);
    assert_int_equal(demand_choices_check(zero, 2, &bad), DCP_BAD_ID);
    assert_int_equal(bad, 1);
}

static int ym(int y, int m)
{
    return y * 12 + m - 1;
}

static void test_month_parse_and_format(void **state)
{
    (void)state;
    int v = 0;
    char buf[8];
    assert_true(demand_month_parse("2026-01", &v));
    assert_int_equal(v, ym(2026, 1));
    assert_string_equal(demand_month_format(v, buf), "2026-01");
    assert_true(demand_month_parse("2025-12", &v));
    assert_string_equal(demand_month_format(v, buf), "2025-12");
    const char *bad[] = {"2026-13",    "2026-00", "2026-1",  "26-01", "2026/01",
                         "2026-01-01", "",        "abcd-ef", NULL};
    for (int i = 0; bad[i]; i++)
        assert_false(demand_month_parse(bad[i], &v));
    assert_false(demand_month_parse(NULL, &v));
    /* 2026-12-07 is day 20794; 1970-01-01 is day 0; 2024-02-29 (a leap day) is day 19782. */
    assert_int_equal(demand_month_of_day(0), ym(1970, 1));
    assert_int_equal(demand_month_of_day(20794), ym(2026, 12));
    assert_int_equal(demand_month_of_day(19782), ym(2024, 2));
    assert_int_equal(demand_month_of_day(19783), ym(2024, 3));
}

static void test_months_of_an_application(void **state)
{
    (void)state;
    int now = ym(2026, 12);
    /* Table: birth, start, problems. */
    struct {
        int birth, start;
        unsigned want;
    } cases[] = {
        {ym(2025, 6), ym(2027, 3), 0},                               /* 21 months at the start */
        {ym(2026, 12), ym(2026, 12), 0},                             /* born this month, start now */
        {ym(2025, 6), ym(2027, 12), 0},                              /* exactly 12 months ahead */
        {ym(2025, 6), ym(2028, 1), DMP_START_FAR},                   /* 13 months ahead */
        {ym(2025, 6), ym(2026, 11), DMP_START_PAST},                 /* last month */
        {ym(2027, 1), ym(2027, 3), DMP_BIRTH_FUTURE},                /* not born yet */
        {ym(2024, 3), ym(2027, 2), 0},                               /* 35 months: under three */
        {ym(2024, 3), ym(2027, 3), DMP_AGE_OVER},                    /* 36 months: three years old */
        {ym(2026, 6), ym(2026, 5), DMP_START_PAST | DMP_AGE_UNBORN}, /* starts before birth */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(demand_months_problem(cases[i].birth, cases[i].start, now), cases[i].want);
}

static void test_age_band_at_the_start_month(void **state)
{
    (void)state;
    int b = ym(2025, 1);
    assert_int_equal(demand_age_band(b, b), 0);
    assert_int_equal(demand_age_band(b, b + 11), 0);
    assert_int_equal(demand_age_band(b, b + 12), 1);
    assert_int_equal(demand_age_band(b, b + 23), 1);
    assert_int_equal(demand_age_band(b, b + 24), 2);
    assert_int_equal(demand_age_band(b, b + 35), 2);
    assert_int_equal(demand_age_band(b, b + 36), -1);
    assert_int_equal(demand_age_band(b, b - 1), -1);
    assert_string_equal(demand_band_names[2], "2-3");
}

static void test_phone_normalise(void **state)
{
    (void)state;
    char out[16];
    assert_true(demand_phone_normalise("138 1234-5678", out));
    assert_string_equal(out, "13812345678");
    assert_true(demand_phone_normalise("+8613812345678", out));
    assert_string_equal(out, "8613812345678");
    assert_false(demand_phone_normalise("123456", out));
    assert_false(demand_phone_normalise("1381234567x", out));
    assert_false(demand_phone_normalise("1234567890123456", out));
    assert_false(demand_phone_normalise(NULL, out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice_transitions_follow_the_issue),
        cmocka_unit_test(test_answered_and_closed_choices_refuse_every_move),
        cmocka_unit_test(test_names_cover_the_enums),
        cmocka_unit_test(test_choices_at_most_three_distinct),
        cmocka_unit_test(test_month_parse_and_format),
        cmocka_unit_test(test_months_of_an_application),
        cmocka_unit_test(test_age_band_at_the_start_month),
        cmocka_unit_test(test_phone_normalise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
