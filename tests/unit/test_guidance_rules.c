/* Family guidance rules: every (from, to) of the event workflow, allowed or refused, with done only after the
 * start; the sign-up rule at and around its limits (status, start, capacity, duplicate); the families-reached
 * rule (attendance wins when recorded, else live sign-ups, nothing unless done); local times, phones and
 * masked names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/clock.h"
#include "modules/guidance/guidance.h"

#include <string.h>

/* The workflow as the issue states it, written independently of the table under test. */
static bool move_expected(int from, int to)
{
    return (from == GS_DRAFT && (to == GS_PUBLISHED || to == GS_CANCELLED)) ||
           (from == GS_PUBLISHED && (to == GS_CANCELLED || to == GS_DONE)) ||
           (from == GS_DONE && to == GS_DONE);
}

static void test_event_every_move_is_allowed_or_refused(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < GS__COUNT; from++)
        for (int to = 0; to < GS__COUNT; to++) {
            /* Long after the start, so the start never matters here. */
            const char *p = guidance_event_move_problem(from, to, 1000, 5000);
            if (move_expected(from, to)) {
                assert_null(p);
                allowed++;
            } else {
                assert_non_null(p);
            }
        }
    assert_int_equal(allowed, 5);
    assert_non_null(guidance_event_move_problem(-1, GS_DONE, 0, 0));
    assert_non_null(guidance_event_move_problem(GS_DRAFT, GS__COUNT, 0, 0));
}

static void test_event_done_only_once_started(void **state)
{
    (void)state;
    int64_t start = 1800000000;
    assert_non_null(guidance_event_move_problem(GS_PUBLISHED, GS_DONE, start, start - 1));
    assert_null(guidance_event_move_problem(GS_PUBLISHED, GS_DONE, start, start));
    assert_null(guidance_event_move_problem(GS_PUBLISHED, GS_DONE, start, start + 1));
    /* Cancelling and publishing do not care about the start. */
    assert_null(guidance_event_move_problem(GS_PUBLISHED, GS_CANCELLED, start, start + 100));
    assert_null(guidance_event_move_problem(GS_DRAFT, GS_PUBLISHED, start, start + 100));
    assert_true(strstr(guidance_event_move_problem(GS_CANCELLED, GS_PUBLISHED, 0, 0), "已取消") != NULL);
}

static void test_event_editable_while_draft_or_published(void **state)
{
    (void)state;
    assert_true(guidance_event_editable(GS_DRAFT));
    assert_true(guidance_event_editable(GS_PUBLISHED));
    assert_false(guidance_event_editable(GS_CANCELLED));
    assert_false(guidance_event_editable(GS_DONE));
}

static void test_signup_rule_at_and_around_its_limits(void **state)
{
    (void)state;
    int64_t start = 1800000000, before = start - 60;
    static const struct {
        int status;
        int64_t now, capacity, taken;
        bool dup;
        enum gsu_problem want;
    } cases[] = {
        {GS_PUBLISHED, 1799999940, 2, 0, false, GSU_OK},
        {GS_PUBLISHED, 1799999940, 2, 1, false, GSU_OK},
        {GS_PUBLISHED, 1799999940, 2, 2, false, GSU_FULL},
        {GS_PUBLISHED, 1799999940, 2, 3, false, GSU_FULL},
        {GS_PUBLISHED, 1799999940, 2, 1, true, GSU_DUPLICATE},
        {GS_PUBLISHED, 1799999940, 2, 2, true, GSU_DUPLICATE},
        {GS_PUBLISHED, 1800000000, 2, 0, false, GSU_STARTED},
        {GS_PUBLISHED, 1800000001, 2, 0, false, GSU_STARTED},
        {GS_DRAFT, 1799999940, 2, 0, false, GSU_NOT_OPEN},
        {GS_CANCELLED, 1799999940, 2, 0, false, GSU_NOT_OPEN},
        {GS_DONE, 1799999940, 2, 0, false, GSU_NOT_OPEN},
    };
    assert_int_equal(cases[0].now, before);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum gsu_problem p = guidance_signup_check(cases[i].status, start, cases[i].now, cases[i].capacity,
                                                   cases[i].taken, cases[i].dup);
        assert_int_equal(p, cases[i].want);
        if (p == GSU_OK)
            assert_null(guidance_signup_problem_zh(p));
        else
            assert_non_null(guidance_signup_problem_zh(p));
    }
    assert_true(strstr(guidance_signup_problem_zh(GSU_FULL), "名额已满") != NULL);
    assert_int_equal(guidance_places_left(2, 0), 2);
    assert_int_equal(guidance_places_left(2, 2), 0);
    assert_int_equal(guidance_places_left(2, 5), 0);
}

static void test_families_reached_rule(void **state)
{
    (void)state;
    /* Done: attendance when recorded (also 0 and more than signed up), else the live sign-ups. */
    assert_int_equal(guidance_event_reach(GS_DONE, -1, 12), 12);
    assert_int_equal(guidance_event_reach(GS_DONE, 0, 12), 0);
    assert_int_equal(guidance_event_reach(GS_DONE, 20, 12), 20);
    assert_int_equal(guidance_event_reach(GS_DONE, -1, 0), 0);
    /* Anything not done reaches nobody yet. */
    for (int s = 0; s < GS__COUNT; s++)
        if (s != GS_DONE) assert_int_equal(guidance_event_reach(s, 30, 12), 0);
}

static void test_local_times_round_trip_in_cst(void **state)
{
    (void)state;
    int64_t t;
    assert_true(guidance_parse_time("2026-12-20T09:30", &t));
    assert_int_equal(t, clock_day_start(date_to_days(2026, 12, 20)) + 9 * 3600 + 30 * 60);
    /* 2026-12-20 09:30 CST is 01:30 UTC. */
    assert_int_equal(t % 86400, 3600 + 1800);
    char out[17];
    assert_string_equal(guidance_format_time(t, out), "2026-12-20T09:30");
    assert_true(guidance_parse_time("2026-12-20 00:00", &t));
    assert_string_equal(guidance_format_time(t, out), "2026-12-20T00:00");
    assert_string_equal(guidance_format_time(t - 60, out), "2026-12-19T23:59");
    const char *bad[] = {"",
                         "2026-12-20",
                         "2026-12-20T24:00",
                         "2026-12-20T09:60",
                         "2026-02-30T09:00",
                         "2026-12-20T9:30",
                         "2026-12-20X09:30",
                         "2026-12-20T09:30Z",
                         "tomorrow"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(guidance_parse_time(bad[i], &t));
    assert_false(guidance_parse_time(NULL, &t));
}

static void test_phone_normalise(void **state)
{
    (void)state;
    char out[16];
    assert_true(guidance_phone_normalise("138 0000-2222", out));
    assert_string_equal(out, "13800002222");
    assert_true(guidance_phone_normalise("+8613800002222", out));
    assert_string_equal(out, "8613800002222");
    assert_false(guidance_phone_normalise("12ab", out));
    assert_false(guidance_phone_normalise("123456", out));
    assert_false(guidance_phone_normalise("1234567890123456", out));
    assert_false(guidance_phone_normalise(NULL, out));
    assert_false(guidance_phone_normalise("138+0000", out));
}

static void test_mask_name(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1024);
    assert_string_equal(guidance_mask_name(&a, "张小红"), "张**");
    assert_string_equal(guidance_mask_name(&a, "欧阳明月"), "欧***");
    assert_string_equal(guidance_mask_name(&a, "李"), "*");
    assert_string_equal(guidance_mask_name(&a, "Anna"), "A***");
    assert_string_equal(guidance_mask_name(&a, ""), "*");
    assert_string_equal(guidance_mask_name(&a, NULL), "*");
    arena_free(&a);
}

static void test_names_parse(void **state)
{
    (void)state;
    assert_int_equal(guidance_name_index(gev_status_names, "done"), GS_DONE);
    assert_int_equal(guidance_name_index(gev_venue_names, "online"), GV_ONLINE);
    assert_int_equal(guidance_name_index(gev_kind_names, "course"), GK_COURSE);
    assert_int_equal(guidance_name_index(guidance_age_names, "2to3"), 2);
    assert_int_equal(guidance_name_index(gev_status_names, "Done"), -1);
    assert_int_equal(guidance_name_index(gev_status_names, NULL), -1);
    for (int i = 0; i < GS__COUNT; i++)
        assert_non_null(gev_status_names_zh[i]);
    for (int i = 0; i < GV__COUNT; i++)
        assert_non_null(gev_venue_names_zh[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_every_move_is_allowed_or_refused),
        cmocka_unit_test(test_event_done_only_once_started),
        cmocka_unit_test(test_event_editable_while_draft_or_published),
        cmocka_unit_test(test_signup_rule_at_and_around_its_limits),
        cmocka_unit_test(test_families_reached_rule),
        cmocka_unit_test(test_local_times_round_trip_in_cst),
        cmocka_unit_test(test_phone_normalise),
        cmocka_unit_test(test_mask_name),
        cmocka_unit_test(test_names_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
