/* Onboarding rules: a clean row parses into the registry's values; each kind of bad cell is reported under
 * its column, every bad field of a row at once and each at most once; headers in English or Chinese; dates
 * as spreadsheets write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/clock.h"
#include "json/jspec.h"
#include "modules/filing/filing.h"
#include "modules/imports/imports.h"
#include "modules/reference/codes.h"

#include <stdio.h>
#include <string.h>

static const char *const districts[] = {"420302", "420303", "420304"};
#define ND 3

struct ctx {
    struct arena a;
    struct field_errors fe;
    const char *cells[OB__N];
    char uscc[19];
    int64_t today;
};

/* A valid enterprise code of district 420303 with its check character. */
static void make_uscc(char out[19], const char *org9)
{
    snprintf(out, 19, "91420303%s", org9);
    out[17] = uscc_check_char(out);
    out[18] = 0;
}

static int setup(void **state)
{
    static struct ctx c;
    memset(&c, 0, sizeof c);
    arena_init(&c.a, 0);
    fe_init(&c.fe, &c.a);
    make_uscc(c.uscc, "MA4XXXXX1");
    const char *cells[OB__N] = {
        [OB_USCC] = c.uscc,
        [OB_NAME] = "十堰市小星星托育服务有限公司",
        [OB_LEGAL_FORM] = "企业",
        [OB_DISTRICT] = "420303",
        [OB_ADDRESS] = "十堰市张湾区北京路1号",
        [OB_SCOPE] = "3岁以下婴幼儿照护服务",
        [OB_REGISTERED_ON] = "2023/5/6",
        [OB_AUTHORITY] = "十堰市市场监督管理局",
        [OB_SERVICE_TYPES] = "全日托、hourly",
        [OB_INCLUSIVE] = "是",
        [OB_PLACES] = "60",
        [OB_MIN_AGE] = "6",
        [OB_MAX_AGE] = "36",
        [OB_PROVIDER_KIND] = "家庭托育点",
        [OB_FILING_NUMBER] = "TY-420303-2024-0007",
        [OB_FILED_ON] = "2024年6月1日",
    };
    memcpy(c.cells, cells, sizeof cells);
    date_parse("2026-12-07", &c.today);
    *state = &c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    arena_free(&c->a);
    return 0;
}

static bool check(struct ctx *c, struct onboard_row *row)
{
    c->fe.n = 0;
    return onboard_check_row(c->cells, districts, ND, c->today, &c->a, row, &c->fe);
}

/* Whether fe holds exactly the fields listed (NULL-terminated), each once. */
static void assert_fields(const struct field_errors *fe, const char *const *fields)
{
    int n = 0;
    for (; fields[n]; n++) {
        int hits = 0;
        for (int i = 0; i < fe->n; i++)
            hits += strcmp(fe->items[i].field, fields[n]) == 0;
        if (hits != 1) fail_msg("field %s reported %d times", fields[n], hits);
    }
    if (fe->n != n) {
        for (int i = 0; i < fe->n; i++)
            print_message("  %s: %s\n", fe->items[i].field, fe->items[i].message);
        fail_msg("%d errors, expected %d", fe->n, n);
    }
}

static void test_clean_row_parses(void **state)
{
    struct ctx *c = *state;
    struct onboard_row r;
    assert_true(check(c, &r));
    assert_int_equal(c->fe.n, 0);
    assert_string_equal(r.uscc, c->uscc);
    assert_int_equal(r.legal_form, LEGAL_ENTERPRISE);
    int64_t d;
    date_parse("2023-05-06", &d);
    assert_int_equal(r.registered_on, d);
    assert_int_equal(r.service_types, (1u << SVC_FULL_DAY) | (1u << SVC_HOURLY));
    assert_true(r.inclusive);
    assert_int_equal(r.places, 60);
    assert_int_equal(r.min_age_months, 6);
    assert_int_equal(r.max_age_months, 36);
    assert_true(r.home_based);
    assert_string_equal(r.filing_number, "TY-420303-2024-0007");
    date_parse("2024-06-01", &d);
    assert_int_equal(r.filed_on, d);
    assert_int_equal(r.given, (1u << OB__N) - 1);
}

static void test_optional_cells_may_be_empty(void **state)
{
    struct ctx *c = *state;
    for (int k = OB_SERVICE_TYPES; k < OB__N; k++)
        c->cells[k] = "";
    struct onboard_row r;
    assert_true(check(c, &r));
    assert_int_equal(r.given, (1u << OB_SERVICE_TYPES) - 1);
    assert_int_equal(r.min_age_months, -1);
    assert_null(r.filing_number);
    assert_int_equal(r.filed_on, 0);
    assert_false(r.home_based);
}

static void test_lower_case_uscc_is_accepted(void **state)
{
    struct ctx *c = *state;
    char lower[19];
    for (int i = 0; i < 19; i++)
        lower[i] = (char)(c->uscc[i] >= 'A' && c->uscc[i] <= 'Z' ? c->uscc[i] + 32 : c->uscc[i]);
    c->cells[OB_USCC] = lower;
    struct onboard_row r;
    assert_true(check(c, &r));
    assert_string_equal(r.uscc, c->uscc);
}

static void test_each_bad_cell_names_its_column(void **state)
{
    struct ctx *c = *state;
    char bad_check[19];
    memcpy(bad_check, c->uscc, 19);
    bad_check[17] = bad_check[17] == '0' ? '1' : '0';
    static const struct {
        int col;
        const char *value, *field;
    } cases[] = {
        {OB_USCC, "", "uscc"},
        {OB_USCC, "ABC", "uscc"},
        {OB_NAME, "", "name"},
        {OB_NAME, "某", "name"},
        {OB_LEGAL_FORM, "合伙企业", "legal_form"},
        {OB_LEGAL_FORM, "social_org", "legal_form"}, /* a 91… code is an enterprise's */
        {OB_DISTRICT, "420399", "district_code"},
        {OB_DISTRICT, "", "district_code"},
        {OB_ADDRESS, "", "address"},
        {OB_SCOPE, "餐饮服务", "business_scope"},
        {OB_REGISTERED_ON, "2024-02-30", "registered_on"},
        {OB_REGISTERED_ON, "2099-01-01", "registered_on"},
        {OB_REGISTERED_ON, "yesterday", "registered_on"},
        {OB_AUTHORITY, "", "authority"},
        {OB_SERVICE_TYPES, "夜托", "service_types"},
        {OB_INCLUSIVE, "maybe", "inclusive"},
        {OB_PLACES, "-5", "places"},
        {OB_PLACES, "abc", "places"},
        {OB_PLACES, "10001", "places"},
        {OB_MIN_AGE, "40", "min_age_months"},
        {OB_MIN_AGE, "", "min_age_months"},  /* max given alone */
        {OB_MAX_AGE, "3", "max_age_months"}, /* below min 6 */
        {OB_PROVIDER_KIND, "school", "provider_kind"},
        {OB_FILING_NUMBER, "", "filing_number"}, /* a day without a number */
        {OB_FILED_ON, "", "filed_on"},           /* a number without a day */
        {OB_FILING_NUMBER, "TY 1", "filing_number"},
        {OB_FILED_ON, "2025-13-01", "filed_on"},
        {OB_FILED_ON, "2020-01-01", "filed_on"}, /* before the registration */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *was = c->cells[cases[i].col];
        c->cells[cases[i].col] = cases[i].value;
        struct onboard_row r;
        if (check(c, &r)) fail_msg("case %zu (%s = \"%s\") passed", i, cases[i].field, cases[i].value);
        const char *const want[] = {cases[i].field, NULL};
        assert_fields(&c->fe, want);
        c->cells[cases[i].col] = was;
    }
    c->cells[OB_USCC] = bad_check;
    struct onboard_row r;
    assert_false(check(c, &r));
    const char *const want[] = {"uscc", NULL};
    assert_fields(&c->fe, want);
    assert_non_null(strstr(c->fe.items[0].message, "校验位"));
}

static void test_every_bad_field_at_once(void **state)
{
    struct ctx *c = *state;
    c->cells[OB_USCC] = "";
    c->cells[OB_NAME] = "";
    c->cells[OB_LEGAL_FORM] = "x";
    c->cells[OB_DISTRICT] = "999999";
    c->cells[OB_SCOPE] = "";
    c->cells[OB_REGISTERED_ON] = "2024-02-30";
    c->cells[OB_PLACES] = "-1";
    c->cells[OB_FILED_ON] = "";
    struct onboard_row r;
    assert_false(check(c, &r));
    const char *const want[] = {"uscc",          "name",           "legal_form",
                                "district_code", "business_scope", "places",
                                "registered_on", "filed_on",       NULL};
    assert_fields(&c->fe, want);
}

static void test_headers_and_dates(void **state)
{
    (void)state;
    assert_int_equal(onboard_column_find("uscc"), OB_USCC);
    assert_int_equal(onboard_column_find("USCC"), OB_USCC);
    assert_int_equal(onboard_column_find("统一社会信用代码"), OB_USCC);
    assert_int_equal(onboard_column_find("备案日期"), OB_FILED_ON);
    assert_int_equal(onboard_column_find("托位数"), OB_PLACES);
    assert_int_equal(onboard_column_find("colour"), -1);
    assert_int_equal(onboard_column_find(""), -1);
    int64_t a, b;
    assert_true(date_parse("2024-03-05", &a));
    const char *const same[] = {"2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "2024/3/5 0:00", NULL};
    for (int i = 0; same[i]; i++) {
        assert_true(onboard_parse_date(same[i], &b));
        assert_int_equal(a, b);
    }
    const char *const bad[] = {"24-3-5", "2024-02-30", "2024/3", "2024-03-05x", "", NULL};
    for (int i = 0; bad[i]; i++)
        if (onboard_parse_date(bad[i], &b)) fail_msg("\"%s\" parsed", bad[i]);
}

static void test_trim(void **state)
{
    struct ctx *c = *state;
    assert_string_equal(onboard_trim(&c->a, "  a b \t"), "a b");
    assert_string_equal(onboard_trim(&c->a, "\xE3\x80\x80托育\xE3\x80\x80"), "托育");
    assert_string_equal(onboard_trim(&c->a, "   "), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clean_row_parses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optional_cells_may_be_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lower_case_uscc_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_bad_cell_names_its_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_bad_field_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headers_and_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trim, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
