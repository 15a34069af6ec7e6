/* Policy support rules: every (status, event, role) of the subsidy and demonstration workflows, allowed or
 * refused and how (403 for a role that never fires the event, 409 for a status the table refuses); the
 * once-per-year-and-type rule as a pure check; who designates at which level; territory; the count of the
 * plan's promises met. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "modules/support/support.h"

#include <string.h>

static const unsigned all_roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY,  ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR, ROLE_UNIT};
#define NROLES ((int)(sizeof all_roles / sizeof all_roles[0]))

/* The subsidy workflow as the issue states it, written independently of the table under test. */
static int subsidy_expected(int from, int event, unsigned role)
{
    if (from == SS_NONE && event == SE_APPLY && (role == ROLE_OPERATOR || role == ROLE_COUNTY))
        return SS_APPLIED;
    if (from == SS_APPLIED && event == SE_APPROVE && role == ROLE_COUNTY) return SS_APPROVED;
    if (from == SS_APPLIED && event == SE_REJECT && role == ROLE_COUNTY) return SS_REJECTED;
    if (from == SS_APPROVED && event == SE_PAY && (role == ROLE_COUNTY || role == ROLE_CITY)) return SS_PAID;
    return -1;
}

static bool subsidy_fires(int event, unsigned role)
{
    for (int from = 0; from < SS__COUNT; from++)
        if (subsidy_expected(from, event, role) >= 0) return true;
    return false;
}

static void test_subsidy_every_move_is_allowed_or_refused_per_role(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < SS__COUNT; from++)
        for (int ev = 0; ev < SE__COUNT; ev++)
            for (int i = 0; i < NROLES; i++) {
                int want = subsidy_expected(from, ev, all_roles[i]), to = -7;
                enum err e = subsidy_check(from, ev, all_roles[i], &to);
                if (want >= 0) {
                    assert_int_equal(e, OK);
                    assert_int_equal(to, want);
                    allowed++;
                } else {
                    assert_int_equal(e, subsidy_fires(ev, all_roles[i]) ? ERR_STATE : ERR_FORBIDDEN);
                    assert_int_equal(to, -7);
                }
            }
    assert_int_equal(allowed, 6);
}

static void test_subsidy_rejected_and_paid_are_final(void **state)
{
    (void)state;
    for (int ev = 0; ev < SE__COUNT; ev++) {
        assert_int_not_equal(subsidy_check(SS_REJECTED, ev, ROLE_COUNTY, NULL), OK);
        assert_int_not_equal(subsidy_check(SS_PAID, ev, ROLE_COUNTY, NULL), OK);
        assert_int_not_equal(subsidy_check(SS_PAID, ev, ROLE_CITY, NULL), OK);
    }
    assert_int_equal(subsidy_check(SS_PAID, SE_PAY, ROLE_CITY, NULL), ERR_STATE);
}

#define B(s) (1u << (s))

static void test_subsidy_once_per_year_and_type(void **state)
{
    (void)state;
    /* Nothing else of the year and type, or only rejected rows: every move is allowed. */
    for (int ev = 0; ev < SE__COUNT; ev++) {
        assert_null(subsidy_once_problem(ev, 0));
        assert_null(subsidy_once_problem(ev, B(SS_REJECTED)));
    }
    /* Another row paid: no application, approval or payment. */
    assert_non_null(subsidy_once_problem(SE_APPLY, B(SS_PAID)));
    assert_non_null(subsidy_once_problem(SE_APPROVE, B(SS_PAID)));
    assert_non_null(subsidy_once_problem(SE_PAY, B(SS_PAID)));
    assert_non_null(strstr(subsidy_once_problem(SE_PAY, B(SS_PAID) | B(SS_REJECTED)), "只能拨付一次"));
    /* Another row approved: no second application or approval; pending: no second application. */
    assert_non_null(subsidy_once_problem(SE_APPLY, B(SS_APPROVED)));
    assert_non_null(subsidy_once_problem(SE_APPROVE, B(SS_APPROVED)));
    assert_non_null(subsidy_once_problem(SE_APPLY, B(SS_APPLIED)));
    assert_null(subsidy_once_problem(SE_APPROVE, B(SS_APPLIED)));
    assert_null(subsidy_once_problem(SE_PAY, B(SS_APPROVED)));
    /* A rejection is always possible. */
    assert_null(subsidy_once_problem(SE_REJECT, B(SS_PAID) | B(SS_APPROVED)));
}

static void test_subsidy_places_required_for_construction_and_operating(void **state)
{
    (void)state;
    assert_true(subsidy_needs_places(ST_CONSTRUCTION));
    assert_true(subsidy_needs_places(ST_OPERATING));
    assert_false(subsidy_needs_places(ST_AWARD));
}

static int dem_expected(int from, int event, unsigned role)
{
    bool decider = role == ROLE_COUNTY || role == ROLE_CITY;
    if (from == DS_NONE && event == DE_APPLY && role == ROLE_OPERATOR) return DS_APPLIED;
    if ((from == DS_APPLIED || from == DS_EVALUATED) && event == DE_EVALUATE && decider) return DS_EVALUATED;
    if (from == DS_EVALUATED && event == DE_DESIGNATE && decider) return DS_DESIGNATED;
    if ((from == DS_APPLIED || from == DS_EVALUATED) && event == DE_REJECT && decider) return DS_REJECTED;
    return -1;
}

static bool dem_fires(int event, unsigned role)
{
    for (int from = 0; from < DS__COUNT; from++)
        if (dem_expected(from, event, role) >= 0) return true;
    return false;
}

static void test_demonstration_every_move_is_allowed_or_refused_per_role(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = 0; from < DS__COUNT; from++)
        for (int ev = 0; ev < DE__COUNT; ev++)
            for (int i = 0; i < NROLES; i++) {
                int want = dem_expected(from, ev, all_roles[i]), to = -7;
                enum err e = dem_check(from, ev, all_roles[i], &to);
                if (want >= 0) {
                    assert_int_equal(e, OK);
                    assert_int_equal(to, want);
                    allowed++;
                } else {
                    assert_int_equal(e, dem_fires(ev, all_roles[i]) ? ERR_STATE : ERR_FORBIDDEN);
                }
            }
    assert_int_equal(allowed, 1 + 2 * 2 + 2 + 2 * 2);
}

static void test_demonstration_designation_needs_evaluation(void **state)
{
    (void)state;
    assert_int_equal(dem_check(DS_APPLIED, DE_DESIGNATE, ROLE_COUNTY, NULL), ERR_STATE);
    assert_int_equal(dem_check(DS_DESIGNATED, DE_REJECT, ROLE_CITY, NULL), ERR_STATE);
    assert_int_equal(dem_check(DS_REJECTED, DE_EVALUATE, ROLE_CITY, NULL), ERR_STATE);
}

static void test_demonstration_level_follows_the_role(void **state)
{
    (void)state;
    assert_null(dem_level_problem(ROLE_COUNTY, DL_COUNTY));
    assert_non_null(dem_level_problem(ROLE_COUNTY, DL_CITY));
    assert_null(dem_level_problem(ROLE_CITY, DL_CITY));
    assert_non_null(dem_level_problem(ROLE_CITY, DL_COUNTY));
    assert_non_null(dem_level_problem(ROLE_CITY, -1));
    assert_non_null(dem_level_problem(ROLE_COUNTY, DL__COUNT));
}

static void test_support_territory(void **state)
{
    (void)state;
    assert_true(support_may_act(ROLE_COUNTY, "420303", "420303"));
    assert_false(support_may_act(ROLE_COUNTY, "420303", "420302"));
    assert_false(support_may_act(ROLE_COUNTY, NULL, "420302"));
    assert_true(support_may_act(ROLE_CITY, NULL, "420302"));
    assert_true(support_may_act(0, NULL, "420302"));
    assert_false(support_may_act(ROLE_AUDITOR, NULL, "420302"));
    assert_false(support_may_act(ROLE_OPERATOR, "420302", "420302"));
}

static void test_policy_met_count_with_liability_at_and_around_today(void **state)
{
    (void)state;
    assert_int_equal(policy_met_count(false, 0, false, false, false, 100), 0);
    assert_int_equal(policy_met_count(true, 100, true, true, true, 100), 5); /* valid through today */
    assert_int_equal(policy_met_count(true, 99, true, true, true, 100), 4);  /* expired yesterday */
    assert_int_equal(policy_met_count(false, 101, false, false, true, 100), 2);
}

static void test_support_names_parse(void **state)
{
    (void)state;
    assert_int_equal(support_name_index(subsidy_type_names, "award"), ST_AWARD);
    assert_int_equal(support_name_index(subsidy_status_names, "paid"), SS_PAID);
    assert_int_equal(support_name_index(dem_status_names, "designated"), DS_DESIGNATED);
    assert_int_equal(support_name_index(subsidy_type_names, "Award"), -1);
    assert_int_equal(support_name_index(subsidy_type_names, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subsidy_every_move_is_allowed_or_refused_per_role),
        cmocka_unit_test(test_subsidy_rejected_and_paid_are_final),
        cmocka_unit_test(test_subsidy_once_per_year_and_type),
        cmocka_unit_test(test_subsidy_places_required_for_construction_and_operating),
        cmocka_unit_test(test_demonstration_every_move_is_allowed_or_refused_per_role),
        cmocka_unit_test(test_demonstration_designation_needs_evaluation),
        cmocka_unit_test(test_demonstration_level_follows_the_role),
        cmocka_unit_test(test_support_territory),
        cmocka_unit_test(test_policy_met_count_with_liability_at_and_around_today),
        cmocka_unit_test(test_support_names_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
