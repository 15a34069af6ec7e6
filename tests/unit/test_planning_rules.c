/* Planning rules: places needed at a target per 1,000 residents rounded up exactly (targets in thousandths),
 * the gap, ratios, the parsing of a typed target, the checks of a population entry, and the projection of
 * children under three from births. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules/planning/planning.h"

#include <string.h>

static void test_planning_needed_rounds_up_exactly(void **state)
{
    (void)state;
    /* 123,457 × 4.5 / 1,000 = 555.5565 → 556 */
    assert_int_equal(plan_needed(123457, 4500), 556);
    /* Exactly divisible: 2,000 × 4.5 / 1,000 = 9, not 10 */
    assert_int_equal(plan_needed(2000, 4500), 9);
    /* Just above an integer: 2,001 × 4.5 / 1,000 = 9.0045 → 10 */
    assert_int_equal(plan_needed(2001, 4500), 10);
    /* A float would give 0.1 × 3 = 0.30000000000000004 trouble; integers do not: 100,000 × 0.3 → 30 */
    assert_int_equal(plan_needed(100000, 300), 30);
    /* The census of 十堰: 3,209,004 × 4.5 / 1,000 = 14,440.518 → 14,441 */
    assert_int_equal(plan_needed(3209004, 4500), 14441);
    assert_int_equal(plan_needed(498594, 4500), 2244); /* 茅箭区: 2,243.673 */
    assert_int_equal(plan_needed(1, 4500), 1);
    assert_int_equal(plan_needed(0, 4500), 0);
    assert_int_equal(plan_needed(-5, 4500), 0);
    assert_int_equal(plan_needed(1000, 0), 0);
    assert_int_equal(plan_needed(100000000, 100000), 10000000);
}

static void test_planning_gap_never_below_zero(void **state)
{
    (void)state;
    assert_int_equal(plan_gap(556, 88), 468);
    assert_int_equal(plan_gap(556, 556), 0);
    assert_int_equal(plan_gap(556, 700), 0);
    assert_int_equal(plan_vacancies(44, 30), 14);
    assert_int_equal(plan_vacancies(44, 50), 0);
}

static void test_planning_ratios_round_half_up(void **state)
{
    (void)state;
    assert_int_equal(plan_per_1000_milli(88, 123457), 713); /* 0.71280… */
    assert_int_equal(plan_per_1000_milli(450, 100000), 4500);
    assert_int_equal(plan_per_1000_milli(1, 2000000), 1); /* 0.0005 → 0.001 */
    assert_int_equal(plan_per_1000_milli(10, 0), -1);
    assert_int_equal(plan_permille(1, 3), 333);
    assert_int_equal(plan_permille(2, 3), 667);
    assert_int_equal(plan_permille(44, 88), 500);
    assert_int_equal(plan_permille(0, 0), -1);
}

static void test_planning_target_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int64_t milli;
    } cases[] = {
        {"4.5", true, 4500},   {"4.55", true, 4550},  {"6", true, 6000}, {"0.001", true, 1},
        {"100", true, 100000}, {"100.001", false, 0}, {"0", false, 0},   {"4.5555", false, 0},
        {"", false, 0},        {"4.", false, 0},      {".5", true, 500}, {"-1", false, 0},
        {"4,5", false, 0},     {"abc", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t m = -1;
        bool ok = plan_target_parse(cases[i].s, &m);
        if (ok != cases[i].ok) fail_msg("%s: %d", cases[i].s, ok);
        if (ok) assert_int_equal(m, cases[i].milli);
    }
    assert_false(plan_target_parse(NULL, NULL));
}

static int fields_of(int64_t year, int64_t residents, int64_t births, const char *source, char *out)
{
    struct arena a;
    arena_init(&a, 0);
    struct field_errors fe;
    fe_init(&fe, &a);
    plan_population_check(year, residents, births, source, &fe);
    out[0] = 0;
    for (int i = 0; i < fe.n; i++) {
        strcat(out, fe.items[i].field);
        strcat(out, ";");
    }
    int n = fe.n;
    arena_free(&a);
    return n;
}

static void test_planning_population_check_names_each_field(void **state)
{
    (void)state;
    char f[256];
    assert_int_equal(fields_of(2026, 123457, 1000, "统计年鉴", f), 0);
    assert_int_equal(fields_of(2026, 123457, -1, NULL, f), 0);
    assert_int_equal(fields_of(1999, 0, -2, NULL, f), 3);
    assert_string_equal(f, "year;residents;births;");
    assert_int_equal(fields_of(2101, 1000, 101, NULL, f), 2);
    assert_string_equal(f, "year;births;");
    assert_int_equal(fields_of(2026, 1000, 100, NULL, f), 0);
    assert_int_equal(fields_of(2026, PLAN_RESIDENTS_MAX + 1, 0, NULL, f), 1);
    assert_string_equal(f, "residents;");
}

static void test_planning_projection_sums_three_years_of_births(void **state)
{
    (void)state;
    int years[] = {2020, 2021, 2022, 2023};
    int64_t births[] = {4000, 3800, 3500, 3300};
    struct plan_proj_year p[PLAN_PROJ_MAX];
    int n = plan_project(years, births, 4, 2026, p);
    assert_int_equal(n, 7);
    assert_int_equal(p[0].year, 2020);
    assert_int_equal(p[0].under_three, -1);
    assert_int_equal(p[1].under_three, -1);
    assert_int_equal(p[2].under_three, 4000 + 3800 + 3500);
    assert_int_equal(p[3].under_three, 3800 + 3500 + 3300);
    assert_false(p[3].projected);
    /* The trend over the last three intervals: (3300 − 4000) / 3 = −233.3 → −233 a year. */
    assert_true(p[4].projected);
    assert_int_equal(p[4].births, 3300 - 233);
    assert_int_equal(p[5].births, 3300 - 466);
    assert_int_equal(p[6].births, 3300 - 699);
    for (int i = 0; i < n; i++)
        assert_int_equal(p[i].year, 2020 + i);
    assert_int_equal(p[6].under_three, p[4].births + p[5].births + p[6].births);
}

static void test_planning_projection_fills_gaps_and_never_goes_negative(void **state)
{
    (void)state;
    int years[] = {2020, 2022};
    int64_t births[] = {100, 20};
    struct plan_proj_year p[PLAN_PROJ_MAX];
    int n = plan_project(years, births, 2, 2025, p);
    assert_int_equal(n, 6);
    assert_true(p[1].projected);
    assert_int_equal(p[1].births, 60);
    assert_int_equal(p[3].births, 0); /* 20 − 40 */
    assert_int_equal(p[5].births, 0);
    assert_int_equal(plan_project(years, births, 0, 2025, p), 0);
    /* A single year: flat. */
    int one[] = {2024};
    int64_t b1[] = {500};
    n = plan_project(one, b1, 1, 2027, p);
    assert_int_equal(n, 4);
    assert_int_equal(p[3].births, 500);
    assert_int_equal(p[3].under_three, 1500);
    /* At most PLAN_PROJ_MAX years. */
    assert_int_equal(plan_project(one, b1, 1, 2100, p), PLAN_PROJ_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planning_needed_rounds_up_exactly),
        cmocka_unit_test(test_planning_gap_never_below_zero),
        cmocka_unit_test(test_planning_ratios_round_half_up),
        cmocka_unit_test(test_planning_target_parse),
        cmocka_unit_test(test_planning_population_check_names_each_field),
        cmocka_unit_test(test_planning_projection_sums_three_years_of_births),
        cmocka_unit_test(test_planning_projection_fills_gaps_and_never_goes_negative),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
