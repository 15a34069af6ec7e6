/* County assessment rules: scores at, below and above their targets; values per 1,000 residents and as
 * shares; the weights check (each missing or bad weight named, the sum); the weighted total with an indicator
 * without data left out and the other weights renormalised (the rule: total = Σ wᵢ·sᵢ / Σ wᵢ over the
 * indicators with data); ranks with ties; the indicator table itself (codes, default weights summing to 100,
 * a source for every target); the records URLs and the scoreboard JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/arena.h"
#include "modules/assessment/assessment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPS 1e-9

static void test_assessment_score_is_capped_at_100_and_proportional_below_target(void **state)
{
    (void)state;
    static const struct {
        double value, target, want;
    } cases[] = {
        {0.0, 4.5, 0.0},    {4.5, 4.5, 100.0}, {4.4999, 4.5, 99.99777777777778},
        {9.0, 4.5, 100.0},  {2.25, 4.5, 50.0}, {1.0, 1.0, 100.0},
        {0.999, 1.0, 99.9}, {1.5, 1.0, 100.0}, {-1.0, 1.0, 0.0},
        {0.25, 0.5, 50.0},  {0.0, 0.0, 100.0}, {3.0, 1.0, 100.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_true(fabs(asm_score(cases[i].value, cases[i].target) - cases[i].want) < 1e-6);
}

static void test_assessment_places_are_per_1000_residents_and_shares_are_fractions(void **state)
{
    (void)state;
    struct asm_cell c = {.num = 90, .den = 20000};
    asm_cell_compute(&c, AI_PLACES, 4.5);
    assert_true(c.has_data);
    assert_true(fabs(c.value - 4.5) < EPS);
    assert_true(fabs(c.score - 100.0) < EPS);
    c = (struct asm_cell){.num = 45, .den = 20000};
    asm_cell_compute(&c, AI_PLACES, 4.5);
    assert_true(fabs(c.value - 2.25) < EPS);
    assert_true(fabs(c.score - 50.0) < EPS);
    c = (struct asm_cell){.num = 3, .den = 4};
    asm_cell_compute(&c, AI_INSPECTION, 1.0);
    assert_true(fabs(c.value - 0.75) < EPS);
    assert_true(fabs(c.score - 75.0) < EPS);
    c = (struct asm_cell){.num = 30, .den = 100};
    asm_cell_compute(&c, AI_INCLUSIVE, 0.5);
    assert_true(fabs(c.score - 60.0) < EPS);
}

static void test_assessment_zero_denominator_or_unknown_population_is_no_data(void **state)
{
    (void)state;
    struct asm_cell c = {.num = 88, .den = 0, .has_data = true};
    asm_cell_compute(&c, AI_PLACES, 4.5);
    assert_false(c.has_data);
    c = (struct asm_cell){.num = 0, .den = -1};
    asm_cell_compute(&c, AI_COMPLAINTS, 1.0);
    assert_false(c.has_data);
    c = (struct asm_cell){.num = 0, .den = 1};
    asm_cell_compute(&c, AI_DEMONSTRATION, 1.0);
    assert_true(c.has_data);
    assert_true(fabs(c.score) < EPS);
}

static void test_assessment_demonstration_needs_at_least_one(void **state)
{
    (void)state;
    for (int n = 0; n <= 3; n++) {
        struct asm_cell c = {.num = n, .den = 1};
        asm_cell_compute(&c, AI_DEMONSTRATION, 1.0);
        assert_true(fabs(c.score - (n >= 1 ? 100.0 : 0.0)) < EPS);
    }
}

static void all_given(bool g[AI__COUNT])
{
    for (int i = 0; i < AI__COUNT; i++)
        g[i] = true;
}

static bool fe_names(const struct field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->n; i++)
        if (strcmp(fe->items[i].field, field) == 0) return true;
    return false;
}

static void test_assessment_weights_must_be_given_non_negative_and_sum_to_100(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 4096);
    struct field_errors fe;
    int64_t w[AI__COUNT];
    bool g[AI__COUNT];
    all_given(g);
    for (int i = 0; i < AI__COUNT; i++)
        w[i] = asm_rules[i].default_weight;
    fe_init(&fe, &a);
    assert_true(asm_weights_check(w, g, &fe));
    assert_int_equal(fe.n, 0);

    /* Sum 101 and 99: one error on "weights". */
    w[0] += 1;
    fe_init(&fe, &a);
    assert_false(asm_weights_check(w, g, &fe));
    assert_int_equal(fe.n, 1);
    assert_true(fe_names(&fe, "weights"));
    w[0] -= 2;
    fe_init(&fe, &a);
    assert_false(asm_weights_check(w, g, &fe));
    assert_true(fe_names(&fe, "weights"));
    w[0] += 1;

    /* A negative weight and a missing one are each named; the sum is not judged then. */
    w[AI_TASKS] = -5;
    g[AI_COMPLAINTS] = false;
    fe_init(&fe, &a);
    assert_false(asm_weights_check(w, g, &fe));
    assert_int_equal(fe.n, 2);
    assert_true(fe_names(&fe, "weights.task_progress"));
    assert_true(fe_names(&fe, "weights.complaints_on_time"));
    assert_false(fe_names(&fe, "weights"));

    /* 100 on one indicator and 0 elsewhere is allowed; 101 on one is not. */
    all_given(g);
    for (int i = 0; i < AI__COUNT; i++)
        w[i] = 0;
    w[AI_PLACES] = 100;
    fe_init(&fe, &a);
    assert_true(asm_weights_check(w, g, &fe));
    w[AI_PLACES] = 101;
    fe_init(&fe, &a);
    assert_false(asm_weights_check(w, g, &fe));
    assert_true(fe_names(&fe, "weights.places_per_1000"));
    arena_free(&a);
}

static void test_assessment_weighted_total_leaves_out_no_data_and_renormalises(void **state)
{
    (void)state;
    struct asm_cell c[AI__COUNT];
    int64_t w[AI__COUNT] = {0};
    memset(c, 0, sizeof c);
    /* Three indicators: 50 (w 20), 100 (w 30), no data (w 50). Total = (20·50 + 30·100) / 50 = 80. */
    c[AI_PLACES] = (struct asm_cell){.has_data = true, .score = 50};
    c[AI_FILED] = (struct asm_cell){.has_data = true, .score = 100};
    c[AI_TASKS] = (struct asm_cell){.has_data = false, .score = 0};
    w[AI_PLACES] = 20;
    w[AI_FILED] = 30;
    w[AI_TASKS] = 50;
    double t = -1;
    assert_true(asm_weighted_total(c, w, &t));
    assert_true(fabs(t - 80.0) < EPS);
    /* With data for the third at 0 the total drops to (1000 + 3000 + 0) / 100 = 40. */
    c[AI_TASKS].has_data = true;
    assert_true(asm_weighted_total(c, w, &t));
    assert_true(fabs(t - 40.0) < EPS);
    /* An indicator with data but weight 0 changes nothing. */
    c[AI_INCLUSIVE] = (struct asm_cell){.has_data = true, .score = 0};
    assert_true(asm_weighted_total(c, w, &t));
    assert_true(fabs(t - 40.0) < EPS);
    /* Nothing with data and a positive weight: no total. */
    memset(c, 0, sizeof c);
    c[AI_INCLUSIVE] = (struct asm_cell){.has_data = true, .score = 70};
    assert_false(asm_weighted_total(c, w, &t));
}

static void test_assessment_ranks_share_ties_and_skip_rows_without_total(void **state)
{
    (void)state;
    struct asm_row rows[4];
    memset(rows, 0, sizeof rows);
    struct asm_board b = {.year = 2026, .rows = rows, .n = 4};
    for (int i = 0; i < AI__COUNT; i++) {
        b.weights[i] = 0;
        b.targets[i] = 1.0;
    }
    b.weights[AI_FILED] = 100;
    const char *codes[] = {"a", "b", "c", "d"};
    int64_t num[] = {1, 3, 3, 0}, den[] = {4, 4, 4, 0};
    for (int k = 0; k < 4; k++) {
        rows[k].district_code = rows[k].district_name = codes[k];
        rows[k].population = -1;
        rows[k].c[AI_FILED].num = num[k];
        rows[k].c[AI_FILED].den = den[k];
    }
    asm_board_score(&b);
    assert_true(fabs(rows[0].total - 25.0) < EPS);
    assert_true(fabs(rows[1].total - 75.0) < EPS);
    assert_int_equal(rows[1].rank, 1);
    assert_int_equal(rows[2].rank, 1);
    assert_int_equal(rows[0].rank, 3);
    assert_false(rows[3].has_total);
    assert_int_equal(rows[3].rank, 0);
    assert_false(rows[0].c[AI_PLACES].has_data);
}

static void test_assessment_rounding_is_half_away_from_zero(void **state)
{
    (void)state;
    assert_true(fabs(asm_round(66.665, 2) - 66.67) < EPS);
    assert_true(fabs(asm_round(0.125, 2) - 0.13) < EPS);
    assert_true(fabs(asm_round(12.344, 2) - 12.34) < EPS);
    assert_true(fabs(asm_round(-1.005, 2) + 1.01) < EPS);
    assert_true(fabs(asm_round(2.0 / 3.0, 4) - 0.6667) < EPS);
}

static void test_assessment_table_has_codes_sources_and_default_weights_summing_to_100(void **state)
{
    (void)state;
    int64_t sum = 0;
    for (int i = 0; i < AI__COUNT; i++) {
        assert_non_null(asm_rules[i].code);
        assert_int_equal(asm_indicator_from_code(asm_rules[i].code), i);
        assert_non_null(asm_rules[i].target_source);
        assert_true(strlen(asm_rules[i].target_source) > 0);
        assert_string_equal(asm_rules[i].weight_source, "本地设置");
        assert_true(asm_rules[i].default_target > 0);
        sum += asm_rules[i].default_weight;
    }
    assert_int_equal(sum, 100);
    assert_true(fabs(asm_rules[AI_PLACES].default_target - 4.5) < EPS);
    assert_int_equal(asm_indicator_from_code("nope"), -1);
    assert_int_equal(asm_indicator_from_code(NULL), -1);
}

static void test_assessment_records_urls_name_district_and_year(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 4096);
    assert_string_equal(asm_records_url(&a, AI_PLACES, "420303", NULL, 2026),
                        "/api/v1/institutions?district=420303&state=filed");
    assert_string_equal(asm_records_url(&a, AI_INSPECTION, "420303", NULL, 2026),
                        "/api/v1/inspections?district=420303&status=completed&from=2026-01-01&to=2026-12-31");
    assert_string_equal(asm_records_url(&a, AI_COMPLAINTS, "420302", NULL, 2025),
                        "/api/v1/complaints?district=420302");
    assert_string_equal(asm_records_url(&a, AI_TASKS, "420303", "county_zhangwan", 2026),
                        "/api/v1/task-reports?unit=county_zhangwan");
    assert_null(asm_records_url(&a, AI_TASKS, "420391", NULL, 2026));
    arena_free(&a);
}

static void test_assessment_board_json_marks_no_data_and_has_every_indicator(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 8192);
    struct asm_row row;
    memset(&row, 0, sizeof row);
    row.district_code = "420381";
    row.district_name = "丹江口市";
    row.population = -1;
    row.c[AI_FILED].num = 1;
    row.c[AI_FILED].den = 2;
    struct asm_board b = {.year = 2026, .rows = &row, .n = 1};
    for (int i = 0; i < AI__COUNT; i++) {
        b.weights[i] = asm_rules[i].default_weight;
        b.targets[i] = asm_rules[i].default_target;
    }
    asm_board_score(&b);
    json_t *j = asm_board_json(&b, &a);
    json_t *d = json_array_get(json_object_get(j, "districts"), 0);
    json_t *places = json_object_get(json_object_get(d, "indicators"), "places_per_1000");
    assert_true(json_is_true(json_object_get(places, "no_data")));
    assert_true(json_is_null(json_object_get(places, "score")));
    assert_true(json_is_null(json_object_get(d, "population")));
    json_t *filed = json_object_get(json_object_get(d, "indicators"), "filed_share");
    assert_true(fabs(json_number_value(json_object_get(filed, "score")) - 50.0) < EPS);
    /* Only filed_share has data: the total is its score, and the district ranks first. */
    assert_true(fabs(json_number_value(json_object_get(d, "total")) - 50.0) < EPS);
    assert_int_equal(json_integer_value(json_object_get(d, "rank")), 1);
    assert_int_equal(json_object_size(json_object_get(d, "indicators")), AI__COUNT);
    json_decref(j);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assessment_score_is_capped_at_100_and_proportional_below_target),
        cmocka_unit_test(test_assessment_places_are_per_1000_residents_and_shares_are_fractions),
        cmocka_unit_test(test_assessment_zero_denominator_or_unknown_population_is_no_data),
        cmocka_unit_test(test_assessment_demonstration_needs_at_least_one),
        cmocka_unit_test(test_assessment_weights_must_be_given_non_negative_and_sum_to_100),
        cmocka_unit_test(test_assessment_weighted_total_leaves_out_no_data_and_renormalises),
        cmocka_unit_test(test_assessment_ranks_share_ties_and_skip_rows_without_total),
        cmocka_unit_test(test_assessment_rounding_is_half_away_from_zero),
        cmocka_unit_test(test_assessment_table_has_codes_sources_and_default_weights_summing_to_100),
        cmocka_unit_test(test_assessment_records_urls_name_district_and_year),
        cmocka_unit_test(test_assessment_board_json_marks_no_data_and_has_every_indicator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
