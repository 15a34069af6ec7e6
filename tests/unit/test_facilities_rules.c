/* Facilities rules: every (from, to, role) of the residential project workflow, allowed or refused and how
 * (403 for a role that takes no step, 409 for a step the table refuses); the fields each step needs (day
 * order, handed_to only on handover and matching the facility form); the lateness rule at, before and after
 * its edges; coverage shares and the 2025 goal; territory and the units that may register rooms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/clock.h"
#include "modules/facilities/facilities.h"

#include <string.h>

static const unsigned all_roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY,  ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR, ROLE_UNIT};
#define NROLES ((int)(sizeof all_roles / sizeof all_roles[0]))

static bool is_writer(unsigned role)
{
    return role == ROLE_ADMIN || role == ROLE_CITY || role == ROLE_COUNTY;
}

static void test_project_every_step_is_allowed_or_refused_per_role(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < PS__COUNT; from++)
        for (int to = 0; to < PS__COUNT; to++)
            for (int i = 0; i < NROLES; i++) {
                unsigned role = all_roles[i];
                enum err e = project_check(from, to, role);
                if (!is_writer(role)) {
                    assert_int_equal(e, ERR_FORBIDDEN);
                } else if (to == from + 1) {
                    assert_int_equal(e, OK);
                    allowed++;
                } else {
                    assert_int_equal(e, ERR_STATE);
                }
            }
    assert_int_equal(allowed, 3 * 3); /* three steps, three writer roles */
}

static void test_project_handed_over_is_final_and_no_step_is_skipped(void **state)
{
    (void)state;
    for (int to = 0; to < PS__COUNT; to++)
        assert_int_equal(project_check(PS_HANDED_OVER, to, ROLE_CITY), ERR_STATE);
    assert_int_equal(project_check(PS_PLANNED, PS_ACCEPTED, ROLE_COUNTY), ERR_STATE);
    assert_int_equal(project_check(PS_PLANNED, PS_HANDED_OVER, ROLE_COUNTY), ERR_STATE);
    assert_int_equal(project_check(PS_BUILT, PS_PLANNED, ROLE_COUNTY), ERR_STATE);
    int n;
    const struct project_transition *t = project_transitions(&n);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        assert_int_equal(t[i].needs_handed_to, t[i].to == PS_HANDED_OVER);
}

struct move_case {
    int to;
    int64_t day, prev;
    int handed_to, form;
    const char *fields; /* the fields expected in error, space-separated; "" for none */
};

static void test_project_move_fields(void **state)
{
    (void)state;
    const int64_t today = 20000;
    static const struct move_case cases[] = {
        {PS_BUILT, 20000, 0, -1, FF_STANDALONE, ""},
        {PS_BUILT, 20001, 0, -1, FF_STANDALONE, "day"},        /* tomorrow */
        {PS_ACCEPTED, 19990, 19990, -1, FF_STANDALONE, ""},    /* same day as the build */
        {PS_ACCEPTED, 19989, 19990, -1, FF_STANDALONE, "day"}, /* before the build */
        {PS_ACCEPTED, 19995, 19990, HT_HEALTH, FF_STANDALONE, "handed_to"},
        {PS_HANDED_OVER, 19995, 19990, -1, FF_STANDALONE, "handed_to"},
        {PS_HANDED_OVER, 19995, 19990, HT_HEALTH, FF_STANDALONE, ""},
        {PS_HANDED_OVER, 19995, 19990, HT_EDUCATION, FF_STANDALONE, "handed_to"},
        {PS_HANDED_OVER, 19995, 19990, HT_EDUCATION, FF_WITH_KINDERGARTEN, ""},
        {PS_HANDED_OVER, 19995, 19990, HT_HEALTH, FF_WITH_KINDERGARTEN, "handed_to"},
        {PS_HANDED_OVER, 20005, 19990, -1, FF_WITH_KINDERGARTEN, "day handed_to"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct move_case *c = &cases[i];
        struct arena a;
        arena_init(&a, 0);
        struct field_errors fe;
        fe_init(&fe, &a);
        bool ok = project_move_valid(c->to, c->day, c->prev, c->handed_to, c->form, today, &fe);
        char got[64] = "";
        for (int k = 0; k < fe.n; k++) {
            if (k) strcat(got, " ");
            strcat(got, fe.items[k].field);
        }
        assert_string_equal(got, c->fields);
        assert_int_equal(ok, c->fields[0] == '\0');
        arena_free(&a);
    }
    assert_int_equal(project_handover_department(FF_STANDALONE), HT_HEALTH);
    assert_int_equal(project_handover_department(FF_WITH_KINDERGARTEN), HT_EDUCATION);
}

static void test_project_lateness_at_its_edges(void **state)
{
    (void)state;
    const int64_t delivery = 20000, n = 90;
    /* Not accepted when the housing is delivered: due on the delivery day, late the day after. */
    for (int s = PS_PLANNED; s <= PS_BUILT; s++) {
        assert_int_equal(project_late(s, delivery, 0, delivery - 1, n), PL_NONE);
        assert_int_equal(project_late(s, delivery, 0, delivery, n), PL_NONE);
        assert_int_equal(project_late(s, delivery, 0, delivery + 1, n), PL_NOT_ACCEPTED);
    }
    /* Accepted: n days to hand over, whatever the delivery day. */
    const int64_t acc = 20010;
    assert_int_equal(project_late(PS_ACCEPTED, delivery, acc, acc + n, n), PL_NONE);
    assert_int_equal(project_late(PS_ACCEPTED, delivery, acc, acc + n + 1, n), PL_NOT_HANDED_OVER);
    assert_int_equal(project_late(PS_ACCEPTED, delivery, acc, acc + 31, 30), PL_NOT_HANDED_OVER);
    /* Handed over: never late. */
    assert_int_equal(project_late(PS_HANDED_OVER, delivery, acc, acc + 1000, n), PL_NONE);
    assert_string_equal(project_late_zh(PL_NONE), "");
    assert_true(strlen(project_late_zh(PL_NOT_ACCEPTED)) > 0);
}

static void test_coverage_shares_and_the_2025_goal(void **state)
{
    (void)state;
    assert_int_equal(coverage_permille(0, 0), -1);
    assert_int_equal(coverage_permille(2, 3), 666);
    assert_int_equal(coverage_permille(3, 4), 750);
    assert_int_equal(coverage_permille(4, 4), 1000);
    assert_int_equal(coverage_permille(5, 4), 1000);
    const int64_t end2025 = date_to_days(2025, 12, 31);
    struct coverage none = {0, 0, 5, 1}, part = {10, 7, 3, 0}, all = {10, 10, 3, 0};
    assert_int_equal(coverage_goal(&none, end2025 + 1), GOAL_NA); /* rural communities do not count */
    assert_int_equal(coverage_goal(&part, end2025), GOAL_ON_TRACK);
    assert_int_equal(coverage_goal(&part, end2025 + 1), GOAL_MISSED);
    assert_int_equal(coverage_goal(&all, end2025 + 1), GOAL_MET);
    assert_int_equal(coverage_goal(&all, end2025 - 100), GOAL_MET);
}

static void test_territory_and_units(void **state)
{
    (void)state;
    assert_true(facilities_may_write(ROLE_CITY, NULL, "420303"));
    assert_true(facilities_may_write(ROLE_ADMIN, NULL, "420303"));
    assert_true(facilities_may_write(ROLE_COUNTY, "420303", "420303"));
    assert_false(facilities_may_write(ROLE_COUNTY, "420303", "420302"));
    assert_false(facilities_may_write(ROLE_COUNTY, NULL, "420302"));
    assert_false(facilities_may_write(ROLE_AUDITOR, NULL, "420303"));
    assert_false(facilities_may_write(ROLE_UNIT, NULL, "420303"));
    assert_false(facilities_may_write(ROLE_OPERATOR, NULL, "420303"));
    assert_int_equal(facilities_unit_promoter("trade_union"), PM_UNION);
    assert_int_equal(facilities_unit_promoter("womens_federation"), PM_WOMEN_FEDERATION);
    assert_int_equal(facilities_unit_promoter("health_commission"), PM_HEALTH);
    assert_int_equal(facilities_unit_promoter("education"), -1);
    assert_int_equal(facilities_unit_promoter(NULL), -1);
}

static void test_validation_helpers(void **state)
{
    (void)state;
    assert_null(community_code_problem("420303001001"));
    assert_null(community_code_problem("ZW01"));
    assert_non_null(community_code_problem(""));
    assert_non_null(community_code_problem(NULL));
    assert_non_null(community_code_problem("a b"));
    assert_non_null(community_code_problem("123456789012345678901")); /* 21 */
    assert_int_equal(facilities_name_index(project_status_names, "handed_over"), PS_HANDED_OVER);
    assert_int_equal(facilities_name_index(room_status_names, "open"), MB_OPEN);
    assert_int_equal(facilities_name_index(room_status_names, "Open"), -1);
    assert_string_equal(facilities_zh(facility_form_names, facility_form_names_zh, "with_kindergarten"),
                        "与幼儿园合建");
    assert_string_equal(facilities_zh(facility_form_names, facility_form_names_zh, "x"), "未知");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_project_every_step_is_allowed_or_refused_per_role),
        cmocka_unit_test(test_project_handed_over_is_final_and_no_step_is_skipped),
        cmocka_unit_test(test_project_move_fields),
        cmocka_unit_test(test_project_lateness_at_its_edges),
        cmocka_unit_test(test_coverage_shares_and_the_2025_goal),
        cmocka_unit_test(test_territory_and_units),
        cmocka_unit_test(test_validation_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
