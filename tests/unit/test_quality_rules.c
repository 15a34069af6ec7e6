/* Quality assessment rules: template validation (the shipped default and broken uploads), scoring with
 * subtotals, level thresholds at, below and above, the veto of basic indicators, due dates at the boundary,
 * and every (status, event, role) of the assessment workflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "modules/quality/quality.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small valid template: X (a1 20 basic, a2 20), Y (b1 30), Z (c1 10, c2 20); A ≥ 90, B ≥ 80, C ≥ 60. */
static const char small_template[] =
    "{\"title\":\"测试模板\",\"levels\":{\"A\":90,\"B\":80,\"C\":60},\"categories\":["
    "{\"code\":\"X\",\"name\":\"办托条件\",\"origin\":\"standard\",\"items\":[{\"code\":\"X1\",\"name\":"
    "\"甲\","
    "\"indicators\":[{\"code\":\"a1\",\"text\":\"消防合格\",\"points\":20,\"basic\":true},"
    "{\"code\":\"a2\",\"text\":\"场地\",\"points\":20}]}]},"
    "{\"code\":\"Y\",\"name\":\"托育队伍\",\"items\":[{\"code\":\"Y1\",\"name\":\"乙\","
    "\"indicators\":[{\"code\":\"b1\",\"text\":\"人员\",\"points\":30}]}]},"
    "{\"code\":\"Z\",\"name\":\"保育照护\",\"items\":[{\"code\":\"Z1\",\"name\":\"丙\","
    "\"indicators\":[{\"code\":\"c1\",\"text\":\"作息\",\"points\":10,\"clause\":\"本地\"},"
    "{\"code\":\"c2\",\"text\":\"游戏\",\"points\":20}]}]}]}";

struct fx {
    struct arena a;
    struct field_errors fe;
    struct quality_template t;
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    arena_init(&x->a, 0);
    fe_init(&x->fe, &x->a);
    json_t *j = json_loads(small_template, 0, NULL);
    assert_non_null(j);
    assert_true(quality_template_parse(j, &x->a, &x->t, &x->fe));
    json_decref(j);
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

static bool has_field(const struct field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->n; i++)
        if (strcmp(fe->items[i].field, field) == 0) return true;
    return false;
}

static bool has_message_part(const struct field_errors *fe, const char *part)
{
    for (int i = 0; i < fe->n; i++)
        if (strstr(fe->items[i].message, part)) return true;
    return false;
}

/* Parse text (with one substitution of from → to, when from is given) and return the errors. */
static bool parse_edited(struct arena *a, struct field_errors *fe, const char *from, const char *to)
{
    char buf[4096];
    const char *src = small_template;
    if (from) {
        const char *at = strstr(src, from);
        assert_non_null(at);
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - src), src, to, at + strlen(from));
        src = buf;
    }
    json_t *j = json_loads(src, 0, NULL);
    assert_non_null(j);
    struct quality_template t;
    fe_init(fe, a);
    bool ok = quality_template_parse(j, a, &t, fe);
    json_decref(j);
    return ok;
}

static void test_template_small_parses_with_category_points(void **state)
{
    struct fx *x = *state;
    assert_int_equal(x->t.ncats, 3);
    assert_int_equal(x->t.nitems, 3);
    assert_int_equal(x->t.ninds, 5);
    assert_int_equal(x->t.total_points, 100);
    assert_int_equal(x->t.cats[0].points, 40);
    assert_int_equal(x->t.cats[1].points, 30);
    assert_int_equal(x->t.cats[2].points, 30);
    assert_true(x->t.inds[0].basic);
    assert_false(x->t.inds[1].basic);
    assert_string_equal(x->t.cats[0].origin, "standard");
    assert_string_equal(x->t.cats[1].origin, "placeholder"); /* the default when not said */
    assert_string_equal(x->t.inds[3].clause, "本地");
    assert_int_equal(x->t.inds[4].category, 2);
    assert_int_equal(x->t.level_min[0], 90);
    assert_int_equal(x->t.level_min[2], 60);
}

static void test_template_refuses_points_not_summing_to_100(void **state)
{
    struct fx *x = *state;
    struct field_errors fe;
    assert_false(parse_edited(&x->a, &fe, "\"points\":30", "\"points\":31"));
    assert_true(has_field(&fe, "categories"));
    assert_true(has_message_part(&fe, "101"));
    assert_false(parse_edited(&x->a, &fe, "\"points\":30", "\"points\":29"));
    assert_true(has_message_part(&fe, "99"));
}

static void test_template_refuses_duplicate_codes_and_names(void **state)
{
    struct fx *x = *state;
    struct field_errors fe;
    assert_false(parse_edited(&x->a, &fe, "\"code\":\"c2\"", "\"code\":\"a1\""));
    assert_true(has_field(&fe, "categories[2].items[0].indicators[1].code"));
    /* An indicator may not take an item's or category's code either. */
    assert_false(parse_edited(&x->a, &fe, "\"code\":\"b1\"", "\"code\":\"X1\""));
    assert_true(has_field(&fe, "categories[1].items[0].indicators[0].code"));
    assert_false(parse_edited(&x->a, &fe, "\"name\":\"保育照护\"", "\"name\":\"办托条件\""));
    assert_true(has_field(&fe, "categories[2].name"));
}

static void test_template_reports_every_bad_field_with_its_path(void **state)
{
    struct fx *x = *state;
    struct field_errors fe;
    assert_false(parse_edited(&x->a, &fe, "\"points\":10,", "\"points\":0,\"colour\":1,"));
    assert_true(has_field(&fe, "categories[2].items[0].indicators[0].points"));
    assert_true(has_field(&fe, "categories[2].items[0].indicators[0].colour"));
    assert_false(parse_edited(&x->a, &fe, "\"code\":\"a2\"", "\"code\":\"a 2\""));
    assert_true(has_field(&fe, "categories[0].items[0].indicators[1].code"));
    assert_false(parse_edited(&x->a, &fe, "\"origin\":\"standard\"", "\"origin\":\"national\""));
    assert_true(has_field(&fe, "categories[0].origin"));
    assert_false(parse_edited(&x->a, &fe, "\"title\":\"测试模板\",", ""));
    assert_true(has_field(&fe, "title"));
    assert_false(parse_edited(&x->a, &fe,
                              "\"indicators\":[{\"code\":\"b1\",\"text\":\"人员\",\"points\":30}]",
                              "\"indicators\":[]"));
    assert_true(has_field(&fe, "categories[1].items[0].indicators"));
}

static void test_template_levels_must_descend_within_range(void **state)
{
    struct fx *x = *state;
    struct field_errors fe;
    assert_false(parse_edited(&x->a, &fe, "\"B\":80", "\"B\":90"));
    assert_true(has_field(&fe, "levels"));
    assert_false(parse_edited(&x->a, &fe, "\"A\":90", "\"A\":101"));
    assert_true(has_field(&fe, "levels.A"));
    assert_false(parse_edited(&x->a, &fe, "\"C\":60", "\"D\":60"));
    assert_true(has_field(&fe, "levels.C"));
    assert_true(has_field(&fe, "levels.D"));
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* The shipped default (data/quality/wst821-v1.json, found from this source file's path) is a valid template
 * with the standard's seven categories in its order and weights (1,000-point scale scaled to 100). */
static void test_default_template_has_the_standards_seven_categories(void **state)
{
    struct fx *x = *state;
    char path[1024];
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    snprintf(path, sizeof path, "%.*s/../../data/quality/wst821-v1.json", (int)(slash ? slash - file : 1),
             slash ? file : ".");
    char *text = read_file(path);
    /* __FILE__ is relative to the build directory, where meson test runs; run by hand from the source root:
     */
    if (!text) text = read_file("data/quality/wst821-v1.json");
    assert_non_null(text);
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    struct quality_template t;
    struct field_errors fe;
    fe_init(&fe, &x->a);
    bool ok = quality_template_parse(j, &x->a, &t, &fe);
    for (int i = 0; i < fe.n; i++)
        print_error("%s: %s\n", fe.items[i].field, fe.items[i].message);
    assert_true(ok);
    json_decref(j);
    static const char *const names[] = {"办托条件", "托育队伍", "保育照护", "卫生保健",
                                        "养育支持", "安全保障", "机构管理"};
    static const int64_t weights[] = {10, 14, 20, 21, 8, 20, 7};
    assert_int_equal(t.ncats, 7);
    int basics = 0;
    for (int i = 0; i < 7; i++) {
        assert_string_equal(t.cats[i].name, names[i]);
        assert_int_equal(t.cats[i].points, weights[i]);
        assert_string_equal(t.cats[i].origin, "standard");
        assert_in_range(t.cats[i].nitems, 3, 6);
    }
    for (int i = 0; i < t.ninds; i++) {
        basics += t.inds[i].basic;
        assert_string_equal(t.inds[i].origin, "placeholder");
    }
    assert_in_range(basics, 3, 16);
    assert_int_equal(t.total_points, 100);
}

/* Scores for the small template: a1 a2 b1 c1 c2. */
static int scores_of(struct quality_score *s, int64_t a1, int64_t a2, int64_t b1, int64_t c1, int64_t c2)
{
    s[0] = (struct quality_score){"a1", a1, NULL};
    s[1] = (struct quality_score){"a2", a2, "记录齐全"};
    s[2] = (struct quality_score){"b1", b1, NULL};
    s[3] = (struct quality_score){"c1", c1, NULL};
    s[4] = (struct quality_score){"c2", c2, NULL};
    return 5;
}

static void test_score_totals_and_subtotals_per_category(void **state)
{
    struct fx *x = *state;
    struct quality_score s[5];
    struct quality_result r;
    int n = scores_of(s, 20, 15, 25, 7, 18);
    assert_true(quality_score_compute(&x->t, s, n, &x->a, &r, &x->fe));
    assert_int_equal(r.total, 85);
    assert_int_equal(r.max, 100);
    assert_int_equal(r.ncats, 3);
    assert_string_equal(r.cats[0].name, "办托条件");
    assert_int_equal(r.cats[0].points, 35);
    assert_int_equal(r.cats[0].max, 40);
    assert_int_equal(r.cats[1].points, 25);
    assert_int_equal(r.cats[2].points, 25);
    assert_int_equal(r.cats[2].max, 30);
    assert_int_equal(r.nvetoes, 0);
    assert_int_equal(r.level, 'B');
}

static void test_level_thresholds_at_below_and_above(void **state)
{
    (void)state;
    const int64_t min[3] = {90, 80, 60};
    static const struct {
        int64_t total;
        char level;
    } cases[] = {{100, 'A'}, {90, 'A'}, {89, 'B'}, {80, 'B'}, {79, 'C'},
                 {60, 'C'},  {59, 'D'}, {0, 'D'},  {91, 'A'}, {61, 'C'}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got = quality_level(min, cases[i].total, false);
        if (got != cases[i].level)
            fail_msg("total %lld: level %c, want %c", (long long)cases[i].total, got, cases[i].level);
    }
    assert_int_equal(quality_level(min, 100, true), 'D');
}

static void test_score_thresholds_follow_the_template(void **state)
{
    struct fx *x = *state;
    struct quality_score s[5];
    struct quality_result r;
    /* 90 exactly (basic a1 in full) → A; one point less → B. */
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 20, 20, 30, 10, 10), &x->a, &r, &x->fe));
    assert_int_equal(r.total, 90);
    assert_int_equal(r.level, 'A');
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 20, 19, 30, 10, 10), &x->a, &r, &x->fe));
    assert_int_equal(r.level, 'B');
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 20, 0, 30, 10, 0), &x->a, &r, &x->fe));
    assert_int_equal(r.total, 60);
    assert_int_equal(r.level, 'C');
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 20, 0, 29, 10, 0), &x->a, &r, &x->fe));
    assert_int_equal(r.level, 'D');
}

static void test_basic_indicator_short_of_full_points_vetoes_to_d(void **state)
{
    struct fx *x = *state;
    struct quality_score s[5];
    struct quality_result r;
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 19, 20, 30, 10, 20), &x->a, &r, &x->fe));
    assert_int_equal(r.total, 99);
    assert_int_equal(r.nvetoes, 1);
    assert_string_equal(r.vetoes[0], "a1");
    assert_int_equal(r.level, 'D');
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 0, 20, 30, 10, 20), &x->a, &r, &x->fe));
    assert_int_equal(r.level, 'D');
    /* Non-basic indicators below full points never veto. */
    assert_true(quality_score_compute(&x->t, s, scores_of(s, 20, 0, 30, 10, 20), &x->a, &r, &x->fe));
    assert_int_equal(r.nvetoes, 0);
    assert_int_equal(r.level, 'B');
}

static void test_score_names_each_missing_unknown_repeated_and_over_max_indicator(void **state)
{
    struct fx *x = *state;
    struct quality_score s[6];
    struct quality_result r;
    scores_of(s, 21, 20, 30, 10, 20);
    s[2] = (struct quality_score){"zz", 1, NULL}; /* b1 missing, zz unknown */
    s[4] = (struct quality_score){"c1", 1, NULL}; /* c1 twice, c2 missing */
    s[5] = (struct quality_score){"a2", -1, NULL};
    assert_false(quality_score_compute(&x->t, s, 5, &x->a, &r, &x->fe));
    assert_true(has_field(&x->fe, "scores[0].points"));
    assert_true(has_message_part(&x->fe, "a1"));
    assert_true(has_field(&x->fe, "scores[2].indicator"));
    assert_true(has_field(&x->fe, "scores[4].indicator"));
    assert_true(has_field(&x->fe, "scores.b1"));
    assert_true(has_field(&x->fe, "scores.c2"));
    assert_false(has_field(&x->fe, "scores.a1"));
    assert_int_equal(x->fe.n, 5);
    fe_init(&x->fe, &x->a);
    assert_false(quality_score_compute(&x->t, s + 1, 5, &x->a, &r, &x->fe)); /* a2 scored twice, -1 */
    assert_true(has_field(&x->fe, "scores.a1"));
    fe_init(&x->fe, &x->a);
    assert_false(quality_score_compute(&x->t, s, 0, &x->a, &r, &x->fe));
    assert_int_equal(x->fe.n, 5);
}

static void test_rating_is_due_from_the_end_of_the_period(void **state)
{
    (void)state;
    int64_t d = 19000;
    assert_int_equal(quality_due_on(d, 1095), d + 1095);
    assert_false(quality_rating_due(d, d, 1095));
    assert_false(quality_rating_due(d, d + 1094, 1095));
    assert_true(quality_rating_due(d, d + 1095, 1095));
    assert_true(quality_rating_due(d, d + 4000, 1095));
    assert_true(quality_rating_due(d, d + 30, 30));
    assert_false(quality_rating_due(d, d + 29, 30));
}

static void test_quality_transitions_allow_only_the_listed_moves(void **state)
{
    (void)state;
    static const unsigned roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY, ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR};
    for (int from = 0; from < QS__COUNT; from++)
        for (int ev = 0; ev < QE__COUNT; ev++)
            for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++) {
                unsigned role = roles[k];
                bool assessor = role == ROLE_CITY || role == ROLE_COUNTY;
                int want = -1;
                if (assessor && from == QS_DRAFT && ev == QE_EDIT) want = QS_DRAFT;
                if (assessor && from == QS_DRAFT && ev == QE_PUBLISH) want = QS_PUBLISHED;
                if (assessor && from == QS_PUBLISHED && ev == QE_SUPERSEDE) want = QS_SUPERSEDED;
                int got = quality_transition(from, ev, role);
                if (got != want)
                    fail_msg("from %s event %d role %s: got %d want %d", quality_status_names[from], ev,
                             role_name(role), got, want);
            }
}

static void test_published_and_superseded_are_immutable(void **state)
{
    (void)state;
    assert_int_equal(quality_transition(QS_PUBLISHED, QE_EDIT, ROLE_CITY), -1);
    assert_int_equal(quality_transition(QS_PUBLISHED, QE_PUBLISH, ROLE_COUNTY), -1);
    for (int ev = 0; ev < QE__COUNT; ev++)
        assert_int_equal(quality_transition(QS_SUPERSEDED, ev, ROLE_CITY | ROLE_COUNTY | ROLE_ADMIN), -1);
    int n = 0;
    quality_transitions(&n);
    assert_int_equal(n, 3);
    assert_int_equal(quality_status_from_name("published"), QS_PUBLISHED);
    assert_int_equal(quality_status_from_name("final"), -1);
    assert_int_equal(quality_status_from_name(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_template_small_parses_with_category_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_refuses_points_not_summing_to_100, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_refuses_duplicate_codes_and_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_reports_every_bad_field_with_its_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_levels_must_descend_within_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_template_has_the_standards_seven_categories, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_score_totals_and_subtotals_per_category, setup, teardown),
        cmocka_unit_test(test_level_thresholds_at_below_and_above),
        cmocka_unit_test_setup_teardown(test_score_thresholds_follow_the_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_indicator_short_of_full_points_vetoes_to_d, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_score_names_each_missing_unknown_repeated_and_over_max_indicator,
                                        setup, teardown),
        cmocka_unit_test(test_rating_is_due_from_the_end_of_the_period),
        cmocka_unit_test(test_quality_transitions_allow_only_the_listed_moves),
        cmocka_unit_test(test_published_and_superseded_are_immutable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
