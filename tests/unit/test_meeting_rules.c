/* Meeting rules: every (status, event, actor) of the meeting and resolution workflows, allowed or refused and
 * how; who acts for the office and as the owner unit, per role; overdue at, before and after the deadline;
 * the day checks; resolution numbers; blank texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/clock.h"
#include "modules/joint/meeting.h"

#include <string.h>

/* A principal of each kind, towards a resolution owned by "education". */
struct who {
    const char *label;
    unsigned role;
    const char *unit;
};
static const struct who people[] = {
    {"city official", ROLE_CITY, MEETING_OFFICE_UNIT},
    {"office unit officer", ROLE_UNIT, MEETING_OFFICE_UNIT},
    {"owner unit officer", ROLE_UNIT, "education"},
    {"other unit officer", ROLE_UNIT, "civil_affairs"},
    {"admin", ROLE_ADMIN, NULL},
    {"auditor", ROLE_AUDITOR, NULL},
    {"county official", ROLE_COUNTY, NULL},
    {"inspector", ROLE_INSPECTOR, NULL},
    {"operator", ROLE_OPERATOR, NULL},
    {"registrar", ROLE_REGISTRAR, NULL},
};
#define NPEOPLE ((int)(sizeof people / sizeof people[0]))
#define OWNER   "education"

static bool office(const struct who *w)
{
    return w->role == ROLE_CITY || (w->role == ROLE_UNIT && strcmp(w->unit, MEETING_OFFICE_UNIT) == 0);
}

/* The workflows as the issue states them, written out independently of the tables under test. */
static int expected_meeting(int from, int event, const struct who *w)
{
    if (from == MS_PLANNED && event == MEV_RECORD && office(w)) return MS_HELD;
    if (from == MS_HELD && event == MEV_RESOLVE && office(w)) return MS_HELD;
    return -1;
}

static int expected_resolution(int from, int event, const struct who *w)
{
    bool owner = w->role == ROLE_UNIT && strcmp(w->unit, OWNER) == 0;
    if (from == RES_OPEN && event == MEV_UPDATE && (owner || office(w))) return RES_OPEN;
    if (from == RES_OPEN && event == MEV_DONE && (owner || office(w))) return RES_DONE;
    if (from == RES_DONE && event == MEV_REOPEN && office(w)) return RES_OPEN;
    return -1;
}

/* Whether some status lets w fire event in a workflow (so a refusal elsewhere is 409, not 403). */
static bool fires(int (*expected)(int, int, const struct who *), int nstatus, int event, const struct who *w)
{
    for (int s = 0; s < nstatus; s++)
        if (expected(s, event, w) >= 0) return true;
    return false;
}

static void test_meeting_every_move_is_allowed_or_refused_per_actor(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < MS__COUNT; from++)
        for (int ev = 0; ev < MEV__COUNT; ev++)
            for (int i = 0; i < NPEOPLE; i++) {
                const struct who *w = &people[i];
                int want = expected_meeting(from, ev, w), to = -7;
                enum err e = meeting_check(from, ev, meeting_actor(w->role, w->unit, NULL), &to);
                if (want >= 0) {
                    assert_int_equal(e, OK);
                    assert_int_equal(to, want);
                    allowed++;
                } else {
                    assert_int_equal(e,
                                     fires(expected_meeting, MS__COUNT, ev, w) ? ERR_STATE : ERR_FORBIDDEN);
                    assert_int_equal(to, -7);
                }
            }
    assert_int_equal(allowed, 4); /* record and resolve, each by the city and the office unit */
}

static void test_resolution_every_move_is_allowed_or_refused_per_actor(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < RES__COUNT; from++)
        for (int ev = 0; ev < MEV__COUNT; ev++)
            for (int i = 0; i < NPEOPLE; i++) {
                const struct who *w = &people[i];
                int want = expected_resolution(from, ev, w), to = -7;
                enum err e = resolution_check(from, ev, meeting_actor(w->role, w->unit, OWNER), &to);
                if (want >= 0) {
                    assert_int_equal(e, OK);
                    assert_int_equal(to, want);
                    allowed++;
                } else {
                    assert_int_equal(e, fires(expected_resolution, RES__COUNT, ev, w) ? ERR_STATE
                                                                                      : ERR_FORBIDDEN);
                }
            }
    /* update and done by city, office unit, owner (6), reopen by city and office unit (2) */
    assert_int_equal(allowed, 8);
}

static void test_owner_unit_may_not_reopen_and_other_unit_may_not_follow_up(void **state)
{
    (void)state;
    assert_int_equal(resolution_check(RES_DONE, MEV_REOPEN, meeting_actor(ROLE_UNIT, OWNER, OWNER), NULL),
                     ERR_FORBIDDEN);
    assert_int_equal(resolution_check(RES_OPEN, MEV_UPDATE, meeting_actor(ROLE_UNIT, "finance", OWNER), NULL),
                     ERR_FORBIDDEN);
    assert_int_equal(resolution_check(RES_DONE, MEV_DONE, meeting_actor(ROLE_UNIT, OWNER, OWNER), NULL),
                     ERR_STATE);
    assert_int_equal(resolution_check(RES_OPEN, MEV_DONE, meeting_actor(ROLE_AUDITOR, NULL, OWNER), NULL),
                     ERR_FORBIDDEN);
    /* the office's unit owning a resolution acts both as office and owner */
    assert_int_equal(meeting_actor(ROLE_UNIT, MEETING_OFFICE_UNIT, MEETING_OFFICE_UNIT),
                     MA_OFFICE | MA_OWNER);
}

static void test_office_is_city_officials_and_office_unit_officers_only(void **state)
{
    (void)state;
    assert_true(meeting_is_office(ROLE_CITY, NULL));
    assert_true(meeting_is_office(ROLE_UNIT, MEETING_OFFICE_UNIT));
    assert_false(meeting_is_office(ROLE_UNIT, "education"));
    assert_false(meeting_is_office(ROLE_UNIT, NULL));
    assert_false(meeting_is_office(ROLE_ADMIN, MEETING_OFFICE_UNIT));
    assert_false(meeting_is_office(ROLE_COUNTY, MEETING_OFFICE_UNIT));
    assert_int_equal(meeting_actor(ROLE_COUNTY, NULL, OWNER), 0);
    assert_int_equal(meeting_actor(ROLE_UNIT, NULL, OWNER), MA_UNIT);
}

static void test_resolution_is_overdue_only_when_open_after_its_deadline(void **state)
{
    (void)state;
    const int64_t d = 20000;
    struct {
        int status;
        int64_t today;
        bool overdue;
        int64_t days;
    } cases[] = {
        {RES_OPEN, d - 1, false, 0},  {RES_OPEN, d, false, 0},      {RES_OPEN, d + 1, true, 1},
        {RES_OPEN, d + 30, true, 30}, {RES_DONE, d + 30, false, 0}, {RES_DONE, d, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(resolution_overdue(cases[i].status, d, cases[i].today), cases[i].overdue);
        assert_int_equal(resolution_days_overdue(cases[i].status, d, cases[i].today), cases[i].days);
    }
}

static void test_meeting_days_are_bounded(void **state)
{
    (void)state;
    const int64_t t = 20000;
    assert_null(meeting_planned_day_problem(t, t));
    assert_null(meeting_planned_day_problem(t + 2 * 366, t));
    assert_non_null(meeting_planned_day_problem(t + 2 * 366 + 1, t));
    assert_null(meeting_planned_day_problem(t - 366, t));
    assert_non_null(meeting_planned_day_problem(t - 367, t));
    assert_null(meeting_held_day_problem(t, t));
    assert_non_null(meeting_held_day_problem(t + 1, t));
    assert_non_null(meeting_held_day_problem(t - 367, t));
    assert_null(resolution_deadline_problem(t, t));
    assert_non_null(resolution_deadline_problem(t - 1, t));
    assert_null(resolution_deadline_problem(t + 3 * 366, t));
    assert_non_null(resolution_deadline_problem(t + 3 * 366 + 1, t));
}

static void test_at_most_two_plenary_meetings_a_year(void **state)
{
    (void)state;
    assert_null(meeting_plenary_problem(MK_PLENARY, 0));
    assert_null(meeting_plenary_problem(MK_PLENARY, 1));
    assert_non_null(meeting_plenary_problem(MK_PLENARY, 2));
    assert_null(meeting_plenary_problem(MK_TOPIC, 5));
    assert_null(meeting_plenary_problem(MK_LIAISON, 5));
}

static void test_resolution_number_is_year_meeting_item(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(resolution_number(&a, date_to_days(2026, 3, 6), 1, 3), "2026-1-3");
    assert_string_equal(resolution_number(&a, date_to_days(2025, 12, 31), 2, 12), "2025-2-12");
    arena_free(&a);
}

static void test_blank_sees_ascii_and_ideographic_spaces(void **state)
{
    (void)state;
    assert_true(meeting_blank(NULL));
    assert_true(meeting_blank(""));
    assert_true(meeting_blank(" \t\r\n\xe3\x80\x80"));
    assert_false(meeting_blank(" 办结 "));
    assert_int_equal(meeting_name_index(meeting_kind_names, "liaison"), MK_LIAISON);
    assert_int_equal(meeting_name_index(meeting_kind_names, "Plenary"), -1);
    assert_int_equal(meeting_name_index(meeting_kind_names, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meeting_every_move_is_allowed_or_refused_per_actor),
        cmocka_unit_test(test_resolution_every_move_is_allowed_or_refused_per_actor),
        cmocka_unit_test(test_owner_unit_may_not_reopen_and_other_unit_may_not_follow_up),
        cmocka_unit_test(test_office_is_city_officials_and_office_unit_officers_only),
        cmocka_unit_test(test_resolution_is_overdue_only_when_open_after_its_deadline),
        cmocka_unit_test(test_meeting_days_are_bounded),
        cmocka_unit_test(test_at_most_two_plenary_meetings_a_year),
        cmocka_unit_test(test_resolution_number_is_year_meeting_item),
        cmocka_unit_test(test_blank_sees_ascii_and_ideographic_spaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
