/* Life-cycle rules: every (status, event, role) of the annual-review, change and deregistration workflows,
 * the review's due day under the setting, and what counts as overdue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "modules/lifecycle/lifecycle.h"

#include <string.h>

static const unsigned all_roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY, ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR};
#define NROLES ((int)(sizeof all_roles / sizeof all_roles[0]))

/* The expected move (or -1) for each cell, written out as the workflow reads, not read from the table. */
typedef int (*move_fn)(int from, int event, unsigned role);

static void check_all(move_fn fn, int nstatus, int nevent, int (*expect)(int, int, unsigned))
{
    for (int s = 0; s < nstatus; s++)
        for (int ev = 0; ev < nevent; ev++)
            for (int k = 0; k < NROLES; k++) {
                int want = expect(s, ev, all_roles[k]), got = fn(s, ev, all_roles[k]);
                if (want != got)
                    fail_msg("from %d event %d role %u: want %d, got %d", s, ev, all_roles[k], want, got);
            }
}

static int review_expected(int s, int ev, unsigned role)
{
    if (ev == RVE_SUBMIT && role == ROLE_OPERATOR && (s == RV_NONE || s == RV_DRAFT || s == RV_RETURNED))
        return RV_SUBMITTED;
    if (s == RV_SUBMITTED && role == ROLE_COUNTY && ev == RVE_ACCEPT) return RV_ACCEPTED;
    if (s == RV_SUBMITTED && role == ROLE_COUNTY && ev == RVE_RETURN) return RV_RETURNED;
    return -1;
}

static int change_expected(int s, int ev, unsigned role)
{
    if (s == CH_NONE && ev == CHE_REQUEST && (role == ROLE_OPERATOR || role == ROLE_REGISTRAR))
        return CH_PENDING;
    if (s == CH_PENDING && role == ROLE_COUNTY && ev == CHE_APPROVE) return CH_APPROVED;
    if (s == CH_PENDING && role == ROLE_COUNTY && ev == CHE_REJECT) return CH_REJECTED;
    return -1;
}

static int dereg_expected(int s, int ev, unsigned role)
{
    if (s == DR_NONE && ev == DRE_REQUEST && role == ROLE_OPERATOR) return DR_REQUESTED;
    if (s == DR_NONE && ev == DRE_IMPOSE && role == ROLE_COUNTY) return DR_APPROVED;
    if (s == DR_REQUESTED && role == ROLE_COUNTY && ev == DRE_APPROVE) return DR_APPROVED;
    if (s == DR_REQUESTED && role == ROLE_COUNTY && ev == DRE_REJECT) return DR_REJECTED;
    return -1;
}

static void test_review_workflow_allows_only_listed_moves_per_role(void **state)
{
    (void)state;
    check_all(review_transition, RV__COUNT, RVE__COUNT, review_expected);
}

static void test_review_operator_cannot_decide_and_county_cannot_submit(void **state)
{
    (void)state;
    assert_int_equal(review_transition(RV_SUBMITTED, RVE_ACCEPT, ROLE_OPERATOR), -1);
    assert_int_equal(review_transition(RV_NONE, RVE_SUBMIT, ROLE_COUNTY), -1);
    assert_int_equal(review_transition(RV_SUBMITTED, RVE_ACCEPT, ROLE_CITY), -1);
    assert_int_equal(review_transition(RV_SUBMITTED, RVE_RETURN, ROLE_AUDITOR), -1);
    /* Accepted is final; a submitted review cannot be submitted again before a decision. */
    for (int ev = 0; ev < RVE__COUNT; ev++)
        for (int k = 0; k < NROLES; k++)
            assert_int_equal(review_transition(RV_ACCEPTED, ev, all_roles[k]), -1);
    assert_int_equal(review_transition(RV_SUBMITTED, RVE_SUBMIT, ROLE_OPERATOR), -1);
    assert_int_equal(review_transition(RV_RETURNED, RVE_SUBMIT, ROLE_OPERATOR), RV_SUBMITTED);
}

static void test_change_workflow_allows_only_listed_moves_per_role(void **state)
{
    (void)state;
    check_all(change_transition, CH__COUNT, CHE__COUNT, change_expected);
    assert_int_equal(change_transition(CH_APPROVED, CHE_REJECT, ROLE_COUNTY), -1);
    assert_int_equal(change_transition(CH_REJECTED, CHE_APPROVE, ROLE_COUNTY), -1);
    assert_int_equal(change_transition(CH_PENDING, CHE_APPROVE, ROLE_OPERATOR), -1);
}

static void test_dereg_workflow_allows_only_listed_moves_per_role(void **state)
{
    (void)state;
    check_all(dereg_transition, DR__COUNT, DRE__COUNT, dereg_expected);
    assert_int_equal(dereg_transition(DR_NONE, DRE_IMPOSE, ROLE_OPERATOR), -1);
    assert_int_equal(dereg_transition(DR_REQUESTED, DRE_IMPOSE, ROLE_COUNTY), -1);
    assert_int_equal(dereg_transition(DR_APPROVED, DRE_REJECT, ROLE_COUNTY), -1);
}

static void test_tables_name_known_statuses_and_one_role_set_each(void **state)
{
    (void)state;
    int n;
    const struct lc_transition *t = review_transitions(&n);
    assert_int_equal(n, 5);
    for (int i = 0; i < n; i++)
        assert_true(t[i].to > RV_NONE && t[i].to < RV__COUNT && t[i].roles);
    t = change_transitions(&n);
    assert_int_equal(n, 3);
    t = dereg_transitions(&n);
    assert_int_equal(n, 4);
    assert_int_equal(lc_status_from_name(review_status_names, "returned"), RV_RETURNED);
    assert_int_equal(lc_status_from_name(change_status_names, "pending"), CH_PENDING);
    assert_int_equal(lc_status_from_name(dereg_status_names, "bogus"), -1);
    assert_int_equal(lc_status_from_name(dereg_status_names, NULL), -1);
}

static void test_review_due_day_defaults_to_march_31_of_the_next_year(void **state)
{
    (void)state;
    assert_int_equal(review_due_on(2025, DEFAULT_ANNUAL_REVIEW_DUE), date_to_days(2026, 3, 31));
    assert_int_equal(review_due_on(2025, 630), date_to_days(2026, 6, 30));
    assert_int_equal(review_due_on(2025, 115), date_to_days(2026, 1, 15));
    /* Settings that name no day every year fall back to March 31. */
    const int64_t bad[] = {0, -331, 1332, 1301, 229, 431, 1232, 100, 99999};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(review_due_on(2025, bad[i]), date_to_days(2026, 3, 31));
}

static void test_review_default_year_is_the_previous_calendar_year(void **state)
{
    (void)state;
    assert_int_equal(review_default_year(date_to_days(2026, 1, 1)), 2025);
    assert_int_equal(review_default_year(date_to_days(2026, 12, 31)), 2025);
    assert_int_equal(review_year_end(2025), date_to_days(2025, 12, 31));
}

static void test_review_overdue_only_after_due_day_for_institutions_filed_by_year_end(void **state)
{
    (void)state;
    int64_t due = date_to_days(2026, 3, 31), filed = date_to_days(2024, 5, 1);
    /* On the due day itself it is not overdue; the day after it is. */
    assert_false(review_is_overdue(2025, 331, due, filed, RV_NONE));
    assert_true(review_is_overdue(2025, 331, due + 1, filed, RV_NONE));
    assert_true(review_is_overdue(2025, 331, due + 1, filed, RV_RETURNED));
    assert_true(review_is_overdue(2025, 331, due + 1, filed, RV_DRAFT));
    assert_false(review_is_overdue(2025, 331, due + 1, filed, RV_SUBMITTED));
    assert_false(review_is_overdue(2025, 331, due + 1, filed, RV_ACCEPTED));
    /* Filed on December 31 counts; filed on January 1 of the next year does not; never filed does not. */
    assert_true(review_is_overdue(2025, 331, due + 1, date_to_days(2025, 12, 31), RV_NONE));
    assert_false(review_is_overdue(2025, 331, due + 1, date_to_days(2026, 1, 1), RV_NONE));
    assert_false(review_is_overdue(2025, 331, due + 1, 0, RV_NONE));
    /* A later due day set locally moves the boundary. */
    assert_false(review_is_overdue(2025, 630, due + 1, filed, RV_NONE));
    assert_true(review_is_overdue(2025, 630, date_to_days(2026, 7, 1), filed, RV_NONE));
}

static void test_children_per_caregiver_rounds_and_refuses_zero(void **state)
{
    (void)state;
    assert_true(lc_children_per_caregiver(10, 0) < 0);
    assert_true(lc_children_per_caregiver(10, 3) > 3.29 && lc_children_per_caregiver(10, 3) < 3.31);
    assert_true(lc_children_per_caregiver(0, 2) == 0);
}

static const struct lc_decision review_decision = {.yes = "accept",
                                                   .no = "return",
                                                   .yes_event = 1,
                                                   .no_event = 2,
                                                   .bad_decision = "bad decision",
                                                   .reason_required = "reason required"};

static void test_decision_check_grants_refuses_and_needs_a_reason_to_refuse(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct field_errors fe;
    fe_init(&fe, &a);
    const char *reason = "  \u3000 ";
    assert_int_equal(lc_decision_check(&review_decision, "accept", &reason, &fe), 1);
    assert_null(reason);
    assert_int_equal(fe.n, 0);
    reason = NULL;
    assert_int_equal(lc_decision_check(&review_decision, "return", &reason, &fe), 2);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.items[0].field, "reason");
    fe.n = 0;
    reason = "材料不全";
    assert_int_equal(lc_decision_check(&review_decision, "return", &reason, &fe), 2);
    assert_string_equal(reason, "材料不全");
    assert_int_equal(fe.n, 0);
    assert_int_equal(lc_decision_check(&review_decision, "approve", &reason, &fe), -1);
    assert_string_equal(fe.items[0].field, "decision");
    fe.n = 0;
    char *longer = arena_alloc(&a, 2002);
    memset(longer, 'x', 2001);
    longer[2001] = 0;
    reason = longer;
    lc_decision_check(&review_decision, "return", &reason, &fe);
    assert_int_equal(fe.n, 1);
    assert_string_equal(fe.items[0].field, "reason");
    arena_free(&a);
}

static void test_blank_to_null_keeps_text_and_drops_blanks(void **state)
{
    (void)state;
    assert_null(lc_blank_to_null(NULL));
    assert_null(lc_blank_to_null(""));
    assert_null(lc_blank_to_null(" \t\r\n\u3000"));
    assert_string_equal(lc_blank_to_null(" 理由 "), " 理由 ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review_workflow_allows_only_listed_moves_per_role),
        cmocka_unit_test(test_review_operator_cannot_decide_and_county_cannot_submit),
        cmocka_unit_test(test_change_workflow_allows_only_listed_moves_per_role),
        cmocka_unit_test(test_dereg_workflow_allows_only_listed_moves_per_role),
        cmocka_unit_test(test_tables_name_known_statuses_and_one_role_set_each),
        cmocka_unit_test(test_review_due_day_defaults_to_march_31_of_the_next_year),
        cmocka_unit_test(test_review_default_year_is_the_previous_calendar_year),
        cmocka_unit_test(test_review_overdue_only_after_due_day_for_institutions_filed_by_year_end),
        cmocka_unit_test(test_children_per_caregiver_rounds_and_refuses_zero),
        cmocka_unit_test(test_decision_check_grants_refuses_and_needs_a_reason_to_refuse),
        cmocka_unit_test(test_blank_to_null_keeps_text_and_drops_blanks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
