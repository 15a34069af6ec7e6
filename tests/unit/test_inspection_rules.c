/* Inspection rules: every (status, event, role, department, assignment) of the workflow; each department's
 * competence; the acting department of each role; checklist validation; results checked against a template
 * (unknown, duplicate and missing items, a failed item without a finding or a note). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "json/jspec.h"
#include "modules/inspection/inspection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned all_roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY, ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR};
#define NROLES ((int)(sizeof all_roles / sizeof all_roles[0]))

/* The expected table, spelled out independently of inspection_rules.c. */
static int expected(int from, int event, unsigned role, bool same, bool assigned)
{
    if (from != IS_PLANNED) return -1;
    if (event == INSP_EV_COMPLETE) {
        if ((role == ROLE_INSPECTOR || role == ROLE_COUNTY) && same) return IS_COMPLETED;
        return -1;
    }
    if (event == INSP_EV_CANCEL) {
        if (role == ROLE_COUNTY) return IS_CANCELLED;
        if (role == ROLE_INSPECTOR && assigned) return IS_CANCELLED;
    }
    return -1;
}

static void test_inspection_transitions_allow_only_the_listed_moves(void **state)
{
    (void)state;
    for (int from = 0; from < INSP__COUNT; from++)
        for (int ev = 0; ev < INSP_EV__COUNT; ev++)
            for (int r = 0; r < NROLES; r++)
                for (int same = 0; same < 2; same++)
                    for (int as = 0; as < 2; as++) {
                        int want = expected(from, ev, all_roles[r], same, as);
                        int got = inspection_transition(from, ev, all_roles[r], same, as);
                        if (want != got)
                            fail_msg("from %s by %s as %s same=%d assigned=%d: want %d got %d",
                                     inspection_status_names[from], inspection_event_names[ev],
                                     role_name(all_roles[r]), same, as, want, got);
                    }
}

static void test_inspection_completed_and_cancelled_are_final(void **state)
{
    (void)state;
    for (int ev = 0; ev < INSP_EV__COUNT; ev++)
        for (int r = 0; r < NROLES; r++) {
            assert_int_equal(inspection_transition(IS_COMPLETED, ev, all_roles[r], true, true), -1);
            assert_int_equal(inspection_transition(IS_CANCELLED, ev, all_roles[r], true, true), -1);
        }
}

static void test_inspection_inspector_of_other_department_cannot_complete(void **state)
{
    (void)state;
    assert_int_equal(inspection_transition(IS_PLANNED, INSP_EV_COMPLETE, ROLE_INSPECTOR, false, true), -1);
    assert_int_equal(inspection_transition(IS_PLANNED, INSP_EV_COMPLETE, ROLE_INSPECTOR, true, false),
                     IS_COMPLETED);
}

static void test_inspection_unassigned_inspector_cannot_cancel(void **state)
{
    (void)state;
    assert_int_equal(inspection_transition(IS_PLANNED, INSP_EV_CANCEL, ROLE_INSPECTOR, true, false), -1);
    assert_int_equal(inspection_transition(IS_PLANNED, INSP_EV_CANCEL, ROLE_INSPECTOR, true, true),
                     IS_CANCELLED);
}

static void test_inspection_auditor_city_admin_operator_never_move(void **state)
{
    (void)state;
    unsigned never[] = {ROLE_AUDITOR, ROLE_CITY, ROLE_ADMIN, ROLE_OPERATOR, ROLE_REGISTRAR};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        for (int ev = 0; ev < INSP_EV__COUNT; ev++)
            assert_int_equal(inspection_transition(IS_PLANNED, ev, never[i], true, true), -1);
}

static void test_inspection_table_has_no_move_out_of_final_states(void **state)
{
    (void)state;
    int n;
    const struct inspection_transition *t = inspection_transitions(&n);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        assert_int_equal(t[i].from, IS_PLANNED);
        assert_true(t[i].roles != 0);
    }
}

static void test_inspection_each_department_has_its_competence(void **state)
{
    (void)state;
    const char *want[][2] = {{"health", "卫生保健"},     {"health", "饮用水"},   {"fire", "消防"},
                             {"police", "人防物防技防"}, {"market", "食品安全"}, {"market", "收费"},
                             {"emergency", "应急预案"},  {"education", "托班"},  {"housing", "房屋"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *c = inspection_department_competence(want[i][0]);
        assert_non_null(c);
        if (!strstr(c, want[i][1])) fail_msg("%s: %s lacks %s", want[i][0], c, want[i][1]);
    }
    int n = 0;
    for (; inspection_department_codes[n]; n++)
        assert_true(inspection_department_valid(inspection_department_codes[n]));
    assert_int_equal(n, 7);
    assert_false(inspection_department_valid("tax"));
    assert_false(inspection_department_valid(NULL));
    assert_false(inspection_department_valid("Health"));
    assert_null(inspection_department_competence("tax"));
}

static void test_inspection_acting_department_by_role(void **state)
{
    (void)state;
    struct principal p = {0};
    p.role = ROLE_INSPECTOR;
    p.department = "fire";
    assert_string_equal(inspection_acting_department(&p), "fire");
    p.department = NULL;
    assert_string_equal(inspection_acting_department(&p), "health");
    p.role = ROLE_COUNTY;
    p.department = "fire"; /* officials always act as health */
    assert_string_equal(inspection_acting_department(&p), "health");
    p.role = ROLE_CITY;
    assert_string_equal(inspection_acting_department(&p), "health");
    p.role = ROLE_OPERATOR;
    assert_null(inspection_acting_department(&p));
    p.role = ROLE_AUDITOR;
    assert_null(inspection_acting_department(&p));
    assert_null(inspection_acting_department(NULL));
}

static void test_inspection_names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(inspection_name_index(inspection_severity_names, "critical"), FSEV_CRITICAL);
    assert_int_equal(inspection_name_index(inspection_severity_names, "low"), FSEV_LOW);
    assert_int_equal(inspection_name_index(inspection_severity_names, "severe"), -1);
    assert_int_equal(inspection_name_index(inspection_severity_names, NULL), -1);
    assert_int_equal(inspection_name_index(inspection_kind_names, "random"), INSP_RANDOM);
    assert_int_equal(inspection_name_index(inspection_item_result_names, "na"), CHECK_NA);
    for (int i = 0; i < FSEV__COUNT; i++)
        assert_non_null(inspection_severity_names_zh[i]);
    assert_null(inspection_severity_names[FSEV__COUNT]);
    assert_string_equal(inspection_outcome(0), "pass");
    assert_string_equal(inspection_outcome(3), "findings");
}

struct fx {
    struct arena a;
    struct field_errors fe;
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    arena_init(&x->a, 4096);
    fe_init(&x->fe, &x->a);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    arena_free(&x->a);
    free(x);
    return 0;
}

static bool has_error(const struct field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->n; i++)
        if (strcmp(fe->items[i].field, field) == 0) return true;
    return false;
}

static void test_checklist_code_boundaries(void **state)
{
    (void)state;
    assert_true(checklist_code_valid("H01"));
    assert_true(checklist_code_valid("a_b-9"));
    assert_true(checklist_code_valid("12345678901234567890123456789012"));   /* 32 */
    assert_false(checklist_code_valid("123456789012345678901234567890123")); /* 33 */
    assert_false(checklist_code_valid(""));
    assert_false(checklist_code_valid(NULL));
    assert_false(checklist_code_valid("H 01"));
    assert_false(checklist_code_valid("卫01"));
    assert_false(checklist_code_valid("<b>"));
}

static void test_checklist_refuses_duplicate_codes_and_blank_text(void **state)
{
    struct fx *x = *state;
    struct checklist_item items[] = {
        {"A1", "检查内容", "条款"},
        {"A1", "另一项", "条款"},
        {"A 2", "  ", ""},
    };
    assert_false(checklist_items_check(items, 3, &x->fe));
    assert_true(has_error(&x->fe, "items[1].code"));
    assert_true(has_error(&x->fe, "items[2].code"));
    assert_true(has_error(&x->fe, "items[2].text"));
    assert_true(has_error(&x->fe, "items[2].clause"));
    assert_false(has_error(&x->fe, "items[0].code"));
}

static void test_checklist_refuses_empty_list_and_accepts_valid(void **state)
{
    struct fx *x = *state;
    assert_false(checklist_items_check(NULL, 0, &x->fe));
    assert_true(has_error(&x->fe, "items"));
    x->fe.n = 0;
    struct checklist_item items[] = {{"A1", "内容", "条款"}, {"A2", "内容", "条款"}};
    assert_true(checklist_items_check(items, 2, &x->fe));
    assert_int_equal(x->fe.n, 0);
}

static const struct checklist_item tmpl[] = {{"A1", "一", "c1"}, {"A2", "二", "c2"}, {"A3", "三", "c3"}};

static void test_results_all_pass_are_consistent(void **state)
{
    struct fx *x = *state;
    struct inspection_item_in res[] = {
        {"A1", CHECK_PASS, NULL}, {"A2", CHECK_NA, NULL}, {"A3", CHECK_PASS, ""}};
    assert_true(inspection_results_check(tmpl, 3, res, 3, NULL, 0, &x->fe));
}

static void test_results_fail_without_finding_is_refused_naming_it(void **state)
{
    struct fx *x = *state;
    struct inspection_item_in res[] = {
        {"A1", CHECK_PASS, NULL}, {"A2", CHECK_FAIL, "  "}, {"A3", CHECK_PASS, NULL}};
    assert_false(inspection_results_check(tmpl, 3, res, 3, NULL, 0, &x->fe));
    assert_true(has_error(&x->fe, "items[1].result"));
    assert_non_null(strstr(x->fe.items[0].message, "A2"));
}

static void test_results_fail_with_finding_or_note_is_accepted(void **state)
{
    struct fx *x = *state;
    struct inspection_item_in res[] = {
        {"A1", CHECK_FAIL, NULL}, {"A2", CHECK_FAIL, "已当场整改"}, {"A3", CHECK_PASS, NULL}};
    struct inspection_finding_in f[] = {{"A1", FSEV_HIGH, "条款", "描述"}};
    assert_true(inspection_results_check(tmpl, 3, res, 3, f, 1, &x->fe));
    assert_int_equal(x->fe.n, 0);
}

static void test_results_finding_for_another_item_does_not_cover_a_fail(void **state)
{
    struct fx *x = *state;
    struct inspection_item_in res[] = {
        {"A1", CHECK_FAIL, NULL}, {"A2", CHECK_PASS, NULL}, {"A3", CHECK_PASS, NULL}};
    struct inspection_finding_in f[] = {{"A2", FSEV_LOW, "条款", "描述"}, {NULL, FSEV_LOW, "条款", "描述"}};
    assert_false(inspection_results_check(tmpl, 3, res, 3, f, 2, &x->fe));
    assert_true(has_error(&x->fe, "items[0].result"));
}

static void test_results_unknown_duplicate_and_missing_items_are_refused(void **state)
{
    struct fx *x = *state;
    struct inspection_item_in res[] = {
        {"A1", CHECK_PASS, NULL}, {"A1", CHECK_PASS, NULL}, {"ZZ", CHECK_PASS, NULL}};
    struct inspection_finding_in f[] = {{"QQ", FSEV_LOW, "条款", "描述"}};
    assert_false(inspection_results_check(tmpl, 3, res, 3, f, 1, &x->fe));
    assert_true(has_error(&x->fe, "items[1].code"));
    assert_true(has_error(&x->fe, "items[2].code"));
    assert_true(has_error(&x->fe, "items")); /* A2 and A3 unanswered */
    assert_true(has_error(&x->fe, "findings[0].item_code"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inspection_transitions_allow_only_the_listed_moves),
        cmocka_unit_test(test_inspection_completed_and_cancelled_are_final),
        cmocka_unit_test(test_inspection_inspector_of_other_department_cannot_complete),
        cmocka_unit_test(test_inspection_unassigned_inspector_cannot_cancel),
        cmocka_unit_test(test_inspection_auditor_city_admin_operator_never_move),
        cmocka_unit_test(test_inspection_table_has_no_move_out_of_final_states),
        cmocka_unit_test(test_inspection_each_department_has_its_competence),
        cmocka_unit_test(test_inspection_acting_department_by_role),
        cmocka_unit_test(test_inspection_names_round_trip),
        cmocka_unit_test(test_checklist_code_boundaries),
        cmocka_unit_test_setup_teardown(test_checklist_refuses_duplicate_codes_and_blank_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_checklist_refuses_empty_list_and_accepts_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_all_pass_are_consistent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_fail_without_finding_is_refused_naming_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_results_fail_with_finding_or_note_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_finding_for_another_item_does_not_cover_a_fail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_results_unknown_duplicate_and_missing_items_are_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
