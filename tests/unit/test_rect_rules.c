/* Rectification rules: every (status, event, role) of the workflow, allowed or refused and how; who may
 * supervise a finding; deadline bounds; escalation at, below and above its boundaries; evidence file names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "modules/rectification/rectification.h"

#include <stdio.h>
#include <string.h>

static const unsigned all_roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY, ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR};
#define NROLES ((int)(sizeof all_roles / sizeof all_roles[0]))

/* The workflow as the issue states it, written out independently of the table under test. */
static int expected_target(int from, int event, unsigned role)
{
    bool supervisor = role == ROLE_INSPECTOR || role == ROLE_COUNTY;
    if (from == RS_NONE && event == REV_ORDER && supervisor) return RS_OPEN;
    if (from == RS_OPEN && event == REV_ANSWER && role == ROLE_OPERATOR) return RS_ANSWERED;
    if (from == RS_ANSWERED && event == REV_ACCEPT && supervisor) return RS_ACCEPTED;
    if (from == RS_ANSWERED && event == REV_REOPEN && supervisor) return RS_OPEN;
    return -1;
}

static void test_rect_every_move_is_allowed_or_refused_per_role(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < RS__COUNT; from++)
        for (int ev = 0; ev < REV__COUNT; ev++)
            for (int i = 0; i < NROLES; i++) {
                int want = expected_target(from, ev, all_roles[i]);
                int got = rect_transition(from, ev, all_roles[i]);
                if (got != want)
                    fail_msg("%s --%s--> by %s: got %d, want %d", rect_status_names[from],
                             rect_event_names[ev], role_name(all_roles[i]), got, want);
                allowed += got >= 0;
            }
    /* order: 2 roles; answer: 1; accept: 2; reopen: 2. */
    assert_int_equal(allowed, 7);
}

static void test_rect_check_says_forbidden_for_a_role_that_never_fires_and_state_otherwise(void **state)
{
    (void)state;
    for (int from = 0; from < RS__COUNT; from++)
        for (int ev = 0; ev < REV__COUNT; ev++)
            for (int i = 0; i < NROLES; i++) {
                unsigned role = all_roles[i];
                int to = -7;
                enum err e = rect_check(from, ev, role, &to);
                int want = expected_target(from, ev, role);
                bool ever = false;
                for (int f = 0; f < RS__COUNT; f++)
                    ever |= expected_target(f, ev, role) >= 0;
                if (want >= 0) {
                    assert_int_equal(e, OK);
                    assert_int_equal(to, want);
                } else if (!ever) {
                    assert_int_equal(e, ERR_FORBIDDEN);
                } else {
                    assert_int_equal(e, ERR_STATE);
                }
            }
}

static void test_rect_nothing_leaves_accepted(void **state)
{
    (void)state;
    for (int ev = 0; ev < REV__COUNT; ev++)
        for (int i = 0; i < NROLES; i++)
            assert_int_equal(rect_transition(RS_ACCEPTED, ev, all_roles[i]), -1);
}

static void test_rect_a_finding_gets_one_order_and_an_answer_waits_for_verification(void **state)
{
    (void)state;
    assert_int_equal(rect_check(RS_OPEN, REV_ORDER, ROLE_INSPECTOR, NULL), ERR_STATE);
    assert_int_equal(rect_check(RS_ANSWERED, REV_ORDER, ROLE_COUNTY, NULL), ERR_STATE);
    assert_int_equal(rect_check(RS_ANSWERED, REV_ANSWER, ROLE_OPERATOR, NULL), ERR_STATE);
    assert_int_equal(rect_check(RS_OPEN, REV_ACCEPT, ROLE_INSPECTOR, NULL), ERR_STATE);
    assert_int_equal(rect_check(RS_OPEN, REV_REOPEN, ROLE_COUNTY, NULL), ERR_STATE);
    /* Operators never order or verify; officials other than the county never act; auditors never write. */
    assert_int_equal(rect_check(RS_ANSWERED, REV_ACCEPT, ROLE_OPERATOR, NULL), ERR_FORBIDDEN);
    assert_int_equal(rect_check(RS_NONE, REV_ORDER, ROLE_CITY, NULL), ERR_FORBIDDEN);
    assert_int_equal(rect_check(RS_OPEN, REV_ANSWER, ROLE_INSPECTOR, NULL), ERR_FORBIDDEN);
    assert_int_equal(rect_check(RS_ANSWERED, REV_REOPEN, ROLE_AUDITOR, NULL), ERR_FORBIDDEN);
}

static void test_rect_table_rows_name_known_statuses_and_events(void **state)
{
    (void)state;
    int n = 0;
    const struct rect_transition *t = rect_transitions(&n);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++) {
        assert_true(t[i].from >= 0 && t[i].from < RS__COUNT);
        assert_true(t[i].to > RS_NONE && t[i].to < RS__COUNT);
        assert_true(t[i].event >= 0 && t[i].event < REV__COUNT);
        assert_true(t[i].roles != 0);
        assert_true((t[i].roles & (ROLE_CITY | ROLE_ADMIN | ROLE_AUDITOR | ROLE_REGISTRAR)) == 0);
    }
    assert_int_equal(rect_status_from_name("answered"), RS_ANSWERED);
    assert_int_equal(rect_status_from_name("Answered"), -1);
    assert_int_equal(rect_status_from_name(NULL), -1);
    assert_int_equal(rect_event_from_name("reopen"), REV_REOPEN);
    assert_int_equal(rect_event_from_name("close"), -1);
}

static void test_rect_supervision_is_the_county_or_an_inspector_of_the_department(void **state)
{
    (void)state;
    assert_true(rect_may_supervise(ROLE_COUNTY, "420303", "health", "420303", "fire"));
    assert_false(rect_may_supervise(ROLE_COUNTY, "420302", "health", "420303", "health"));
    assert_true(rect_may_supervise(ROLE_INSPECTOR, "420303", "fire", "420303", "fire"));
    assert_false(rect_may_supervise(ROLE_INSPECTOR, "420303", "health", "420303", "fire"));
    assert_false(rect_may_supervise(ROLE_INSPECTOR, "420302", "fire", "420303", "fire"));
    assert_false(rect_may_supervise(ROLE_INSPECTOR, NULL, NULL, "420303", "fire"));
    assert_false(rect_may_supervise(ROLE_INSPECTOR, "420303", NULL, "420303", NULL));
    assert_false(rect_may_supervise(ROLE_CITY, NULL, "health", "420303", "health"));
    assert_false(rect_may_supervise(ROLE_ADMIN, NULL, NULL, "420303", "health"));
    assert_false(rect_may_supervise(ROLE_OPERATOR, "420303", NULL, "420303", "health"));
}

static void test_rect_deadline_is_after_today_and_at_most_180_days_ahead(void **state)
{
    (void)state;
    const int64_t today = 20000;
    static const struct {
        int64_t offset;
        bool ok;
    } cases[] = {{-30, false}, {-1, false}, {0, false}, {1, true}, {90, true}, {180, true}, {181, false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *msg = rect_deadline_problem(today + cases[i].offset, today);
        if ((msg == NULL) != cases[i].ok) fail_msg("deadline today%+lld", (long long)cases[i].offset);
    }
}

static void test_rect_escalation_boundaries(void **state)
{
    (void)state;
    const int64_t deadline = 20000, city = 15;
    static const struct {
        int status;
        int64_t today_offset;
        int level;
        int64_t late;
    } cases[] = {
        {RS_OPEN, -5, RL_NONE, 0},      {RS_OPEN, 0, RL_NONE, 0},     /* the deadline day itself is in time */
        {RS_OPEN, 1, RL_COUNTY, 1},     {RS_OPEN, 15, RL_COUNTY, 15}, /* exactly city days late: county */
        {RS_OPEN, 16, RL_CITY, 16},     {RS_OPEN, 400, RL_CITY, 400}, /* more than city days: city */
        {RS_ANSWERED, 3, RL_COUNTY, 3}, {RS_ANSWERED, 20, RL_CITY, 20}, /* answered but not accepted */
        {RS_ACCEPTED, 1, RL_NONE, 0},   {RS_ACCEPTED, 100, RL_NONE, 0}, /* accepted never escalates */
        {RS_NONE, 100, RL_NONE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t today = deadline + cases[i].today_offset;
        int got = rect_escalation(cases[i].status, deadline, today, city);
        if (got != cases[i].level)
            fail_msg("%s, today deadline%+lld: level %d, want %d", rect_status_names[cases[i].status],
                     (long long)cases[i].today_offset, got, cases[i].level);
        assert_int_equal(rect_days_overdue(cases[i].status, deadline, today), cases[i].late);
    }
}

static void test_rect_escalation_follows_the_configured_city_days(void **state)
{
    (void)state;
    assert_int_equal(rect_escalation(RS_OPEN, 100, 105, 5), RL_COUNTY);
    assert_int_equal(rect_escalation(RS_OPEN, 100, 106, 5), RL_CITY);
    assert_int_equal(rect_escalation(RS_OPEN, 100, 101, 0), RL_CITY); /* 0: straight to the city */
    assert_int_equal(rect_escalation(RS_OPEN, 100, 130, 30), RL_COUNTY);
    assert_int_equal(rect_escalation(RS_OPEN, 100, 131, 30), RL_CITY);
}

static void test_rect_evidence_filename_is_cleaned(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(rect_evidence_filename(&a, "整改照片.jpg", "image/jpeg"), "整改照片.jpg");
    assert_string_equal(rect_evidence_filename(&a, "../../etc/passwd", "application/pdf"), "passwd");
    assert_string_equal(rect_evidence_filename(&a, "C:\\Users\\x\\报告.pdf", "application/pdf"), "报告.pdf");
    assert_string_equal(rect_evidence_filename(&a, "a\"b;c\r\n.pdf", "application/pdf"), "a_b_c__.pdf");
    assert_string_equal(rect_evidence_filename(&a, "bad\xff\xfe.png", "image/png"), "bad__.png");
    assert_string_equal(rect_evidence_filename(&a, NULL, "image/png"), "evidence.png");
    assert_string_equal(rect_evidence_filename(&a, "", "image/jpeg"), "evidence.jpg");
    assert_string_equal(rect_evidence_filename(&a, "dir/", "application/pdf"), "evidence.pdf");
    assert_string_equal(rect_evidence_filename(&a, "..", NULL), "evidence.pdf");
    char longname[400];
    for (int i = 0; i < 130; i++)
        memcpy(longname + 3 * i, "图", 3);
    longname[390] = 0;
    const char *cut = rect_evidence_filename(&a, longname, "application/pdf");
    assert_int_equal(strlen(cut), 3 * RECT_FILENAME_MAX);
    /* A sequence cut in the middle is replaced, never kept half. */
    assert_string_equal(rect_evidence_filename(&a, "x\xe5\x9b", "application/pdf"), "x__");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rect_every_move_is_allowed_or_refused_per_role),
        cmocka_unit_test(test_rect_check_says_forbidden_for_a_role_that_never_fires_and_state_otherwise),
        cmocka_unit_test(test_rect_nothing_leaves_accepted),
        cmocka_unit_test(test_rect_a_finding_gets_one_order_and_an_answer_waits_for_verification),
        cmocka_unit_test(test_rect_table_rows_name_known_statuses_and_events),
        cmocka_unit_test(test_rect_supervision_is_the_county_or_an_inspector_of_the_department),
        cmocka_unit_test(test_rect_deadline_is_after_today_and_at_most_180_days_ahead),
        cmocka_unit_test(test_rect_escalation_boundaries),
        cmocka_unit_test(test_rect_escalation_follows_the_configured_city_days),
        cmocka_unit_test(test_rect_evidence_filename_is_cleaned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
