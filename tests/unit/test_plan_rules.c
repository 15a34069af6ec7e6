/* The plan's progress reports: every (status, event, actor) of the workflow, allowed or refused and how; who
 * an actor is to a report (own unit on the task, a unit not on it, a lead unit, the office); the period
 * arithmetic (quarter, half and year of a day, period ends, due days, previous periods); what is overdue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "modules/joint/plan.h"

#include <stdio.h>
#include <string.h>

/* The workflow as the issue states it, written out independently of the table under test. */
static int expected_target(int from, int event, unsigned actors)
{
    bool own = actors & PA_OWN, reviewer = actors & (PA_LEAD | PA_OFFICE);
    if (event == PE_SAVE && own && (from == PR_NONE || from == PR_DRAFT)) return PR_DRAFT;
    if (event == PE_SAVE && own && from == PR_RETURNED) return PR_RETURNED;
    if (event == PE_SUBMIT && own && (from == PR_DRAFT || from == PR_RETURNED)) return PR_SUBMITTED;
    if (event == PE_ACCEPT && reviewer && from == PR_SUBMITTED) return PR_ACCEPTED;
    if (event == PE_RETURN && reviewer && from == PR_SUBMITTED) return PR_RETURNED;
    return -1;
}

static bool expected_fires(int event, unsigned actors)
{
    if (event == PE_SAVE || event == PE_SUBMIT) return actors & PA_OWN;
    return actors & (PA_LEAD | PA_OFFICE);
}

static void test_plan_every_move_is_allowed_or_refused_per_actor(void **state)
{
    (void)state;
    int allowed = 0;
    for (unsigned actors = 0; actors < 8; actors++)
        for (int from = 0; from < PR__COUNT; from++)
            for (int ev = 0; ev < PE__COUNT; ev++) {
                int to = -7;
                enum err e = plan_check(from, ev, actors, &to);
                int want = expected_target(from, ev, actors);
                enum err want_e = want >= 0 ? OK : expected_fires(ev, actors) ? ERR_STATE : ERR_FORBIDDEN;
                if (e != want_e || (e == OK && to != want))
                    fail_msg("%s --%s--> by actors %u: got %d (to %d), want %d (to %d)",
                             plan_status_names[from], plan_event_names[ev], actors, e, to, want_e, want);
                allowed += e == OK;
            }
    /* Per actor set with PA_OWN: 5 moves; with a reviewer bit: 2 moves. Sets 0..7: own in 4, reviewer in 6.
     */
    assert_int_equal(allowed, 4 * 5 + 6 * 2);
}

static void test_plan_nothing_moves_out_of_accepted(void **state)
{
    (void)state;
    for (int ev = 0; ev < PE__COUNT; ev++)
        assert_int_not_equal(plan_check(PR_ACCEPTED, ev, PA_OWN | PA_LEAD | PA_OFFICE, NULL), OK);
}

static void test_plan_actor_own_unit_on_the_task_writes_its_report(void **state)
{
    (void)state;
    assert_int_equal(plan_actor(ROLE_UNIT, "trade_union", "trade_union", "responsible", false), PA_OWN);
    assert_int_equal(plan_actor(ROLE_UNIT, "human_resources", "human_resources", "lead", true), PA_OWN);
}

static void test_plan_actor_unit_not_on_the_task_is_nothing_and_is_forbidden(void **state)
{
    (void)state;
    unsigned a = plan_actor(ROLE_UNIT, "fire_rescue", "fire_rescue", NULL, false);
    assert_int_equal(a, 0);
    assert_int_equal(plan_check(PR_NONE, PE_SAVE, a, NULL), ERR_FORBIDDEN);
    /* Another unit's report: neither own nor lead. */
    a = plan_actor(ROLE_UNIT, "trade_union", "womens_federation", "responsible", false);
    assert_int_equal(a, 0);
    assert_int_equal(plan_check(PR_SUBMITTED, PE_ACCEPT, a, NULL), ERR_FORBIDDEN);
}

static void test_plan_actor_lead_unit_reviews_others_but_not_itself(void **state)
{
    (void)state;
    unsigned a = plan_actor(ROLE_UNIT, "human_resources", "trade_union", "responsible", true);
    assert_int_equal(a, PA_LEAD);
    assert_int_equal(plan_check(PR_SUBMITTED, PE_RETURN, a, NULL), OK);
    assert_int_equal(plan_check(PR_DRAFT, PE_SUBMIT, a, NULL), ERR_FORBIDDEN);
    /* Its own report: own, not lead. */
    a = plan_actor(ROLE_UNIT, "human_resources", "human_resources", "lead", true);
    assert_int_equal(plan_check(PR_SUBMITTED, PE_ACCEPT, a, NULL), ERR_FORBIDDEN);
}

static void test_plan_actor_responsible_unit_cannot_review_its_own_report(void **state)
{
    (void)state;
    unsigned a = plan_actor(ROLE_UNIT, "trade_union", "trade_union", "responsible", false);
    assert_int_equal(plan_check(PR_SUBMITTED, PE_ACCEPT, a, NULL), ERR_FORBIDDEN);
    assert_int_equal(plan_check(PR_SUBMITTED, PE_SUBMIT, a, NULL), ERR_STATE);
}

static void test_plan_actor_office_is_city_or_health_commission_officer(void **state)
{
    (void)state;
    assert_int_equal(plan_actor(ROLE_CITY, "health_commission", "trade_union", "responsible", false),
                     PA_OFFICE);
    assert_int_equal(plan_actor(ROLE_UNIT, "health_commission", "trade_union", "responsible", false),
                     PA_OFFICE);
    /* The office's own report: it may write it and, as the office, review it. */
    assert_int_equal(plan_actor(ROLE_UNIT, "health_commission", "health_commission", "lead", true),
                     PA_OWN | PA_OFFICE);
    /* Other officials are not the office. */
    static const unsigned others[] = {ROLE_ADMIN,     ROLE_COUNTY,   ROLE_AUDITOR,
                                      ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_REGISTRAR};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(plan_actor(others[i], "health_commission", "trade_union", "responsible", true), 0);
    assert_int_equal(plan_actor(ROLE_UNIT, NULL, NULL, "lead", true), 0);
}

static void test_plan_quarter_of_a_day(void **state)
{
    (void)state;
    char p[PLAN_PERIOD_MAX];
    assert_string_equal(plan_period_of(date_to_days(2026, 1, 1), PK_QUARTER, p), "2026Q1");
    assert_string_equal(plan_period_of(date_to_days(2026, 3, 31), PK_QUARTER, p), "2026Q1");
    assert_string_equal(plan_period_of(date_to_days(2026, 4, 1), PK_QUARTER, p), "2026Q2");
    assert_string_equal(plan_period_of(date_to_days(2026, 12, 31), PK_QUARTER, p), "2026Q4");
    assert_string_equal(plan_period_of(date_to_days(2026, 6, 30), PK_HALF, p), "2026H1");
    assert_string_equal(plan_period_of(date_to_days(2026, 7, 1), PK_HALF, p), "2026H2");
    assert_string_equal(plan_period_of(date_to_days(2026, 7, 1), PK_YEAR, p), "2026");
}

static void test_plan_period_ends_and_due_days(void **state)
{
    (void)state;
    int64_t first, last;
    assert_true(plan_period_parse("2024Q1", PK_QUARTER, &first, &last));
    assert_int_equal(first, date_to_days(2024, 1, 1));
    assert_int_equal(last, date_to_days(2024, 3, 31));
    assert_true(plan_period_parse("2025Q4", PK_QUARTER, &first, &last));
    assert_int_equal(last, date_to_days(2025, 12, 31));
    assert_true(plan_period_parse("2025H1", PK_HALF, &first, &last));
    assert_int_equal(last, date_to_days(2025, 6, 30));
    assert_true(plan_period_parse("2025", PK_YEAR, &first, &last));
    assert_int_equal(first, date_to_days(2025, 1, 1));
    assert_int_equal(last, date_to_days(2025, 12, 31));
    assert_int_equal(plan_period_due("2026Q1", PK_QUARTER, 10), date_to_days(2026, 4, 10));
    assert_int_equal(plan_period_due("2025Q4", PK_QUARTER, 10), date_to_days(2026, 1, 10));
    assert_int_equal(plan_period_due("2026Q1", PK_QUARTER, 0), date_to_days(2026, 3, 31));
    assert_int_equal(plan_period_due("2026Q5", PK_QUARTER, 10), -1);
}

static void test_plan_period_parse_refuses_malformed_and_other_kinds(void **state)
{
    (void)state;
    static const char *const bad[] = {"",        "2026",   "2026Q0", "2026Q5", "2026q1", "26Q1",
                                      "2026Q12", "1999Q4", "abcdQ1", "2026H1", " 2026Q1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (plan_period_parse(bad[i], PK_QUARTER, NULL, NULL)) fail_msg("accepted %s", bad[i]);
    assert_false(plan_period_parse(NULL, PK_QUARTER, NULL, NULL));
    assert_false(plan_period_parse("2026H3", PK_HALF, NULL, NULL));
    assert_false(plan_period_parse("2026Q1", PK_YEAR, NULL, NULL));
}

static void test_plan_previous_and_last_closed_period(void **state)
{
    (void)state;
    char p[PLAN_PERIOD_MAX];
    assert_true(plan_period_prev("2026Q1", PK_QUARTER, p));
    assert_string_equal(p, "2025Q4");
    assert_true(plan_period_prev("2026Q3", PK_QUARTER, p));
    assert_string_equal(p, "2026Q2");
    assert_true(plan_period_prev("2026H1", PK_HALF, p));
    assert_string_equal(p, "2025H2");
    assert_true(plan_period_prev("2026", PK_YEAR, p));
    assert_string_equal(p, "2025");
    assert_false(plan_period_prev("bad", PK_QUARTER, p));
    assert_string_equal(plan_period_last_closed(date_to_days(2026, 4, 1), PK_QUARTER, p), "2026Q1");
    assert_string_equal(plan_period_last_closed(date_to_days(2026, 3, 31), PK_QUARTER, p), "2025Q4");
    assert_string_equal(plan_period_last_closed(date_to_days(2026, 1, 1), PK_QUARTER, p), "2025Q4");
}

static void test_plan_report_overdue_only_after_the_due_day_without_a_submission(void **state)
{
    (void)state;
    int64_t due = date_to_days(2026, 4, 10);
    assert_false(plan_report_overdue(PR_NONE, due, due));
    assert_true(plan_report_overdue(PR_NONE, due, due + 1));
    assert_true(plan_report_overdue(PR_DRAFT, due, due + 1));
    assert_true(plan_report_overdue(PR_RETURNED, due, due + 1));
    assert_false(plan_report_overdue(PR_SUBMITTED, due, due + 1));
    assert_false(plan_report_overdue(PR_ACCEPTED, due, due + 100));
}

static void test_plan_task_overdue_after_deadline_until_every_lead_is_done(void **state)
{
    (void)state;
    int64_t d = date_to_days(2025, 12, 31);
    assert_false(plan_task_overdue(0, d + 10, 3, 0)); /* no deadline */
    assert_false(plan_task_overdue(d, d, 3, 0));      /* on the day */
    assert_true(plan_task_overdue(d, d + 1, 3, 2));
    assert_false(plan_task_overdue(d, d + 1, 3, 3));
}

static void test_plan_names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < PR__COUNT; i++)
        assert_int_equal(plan_status_from_name(plan_status_names[i]), i);
    for (int i = 0; i < PE__COUNT; i++)
        assert_int_equal(plan_event_from_name(plan_event_names[i]), i);
    for (int i = 0; i < PP__COUNT; i++)
        assert_int_equal(plan_progress_from_name(plan_progress_names[i]), i);
    assert_int_equal(plan_progress_from_name("finished"), -1);
    assert_int_equal(plan_status_from_name(NULL), -1);
    assert_int_equal(plan_period_kind_from_name("half"), PK_HALF);
    assert_int_equal(plan_period_kind_from_name("month"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_every_move_is_allowed_or_refused_per_actor),
        cmocka_unit_test(test_plan_nothing_moves_out_of_accepted),
        cmocka_unit_test(test_plan_actor_own_unit_on_the_task_writes_its_report),
        cmocka_unit_test(test_plan_actor_unit_not_on_the_task_is_nothing_and_is_forbidden),
        cmocka_unit_test(test_plan_actor_lead_unit_reviews_others_but_not_itself),
        cmocka_unit_test(test_plan_actor_responsible_unit_cannot_review_its_own_report),
        cmocka_unit_test(test_plan_actor_office_is_city_or_health_commission_officer),
        cmocka_unit_test(test_plan_quarter_of_a_day),
        cmocka_unit_test(test_plan_period_ends_and_due_days),
        cmocka_unit_test(test_plan_period_parse_refuses_malformed_and_other_kinds),
        cmocka_unit_test(test_plan_previous_and_last_closed_period),
        cmocka_unit_test(test_plan_report_overdue_only_after_the_due_day_without_a_submission),
        cmocka_unit_test(test_plan_task_overdue_after_deadline_until_every_lead_is_done),
        cmocka_unit_test(test_plan_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
