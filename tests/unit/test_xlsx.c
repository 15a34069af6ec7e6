/* xlsx_build: a workbook is a zip whose directory names one worksheet per sheet asked for; rows of any shape
 * (missing members, wrong types, nested "a.b" keys) never fail the build. */
#include "export/xlsx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static bool contains(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0) return true;
    return false;
}

static void two_sheets(void **state)
{
    (void)state;
    json_t *rows =
        json_pack("[{s:s, s:i, s:i, s:f, s:{s:s}}, {s:i}, {s:null}]", "name", "张湾区托育中心", "places", 60,
                  "fee", 150000, "share", 0.25, "district", "name", "张湾区", "name", 7, "places");
    static const struct xlsx_col cols[] = {
        {"name", "机构名称", XK_TEXT},
        {"places", "托位", XK_INT},
        {"fee", "收费（元）", XK_FEN},
        {"share", "普惠占比", XK_PERCENT},
        {"district.name", "县（市、区）", XK_TEXT},
        {"day", "日期", XK_DAY},
    };
    struct xlsx_sheet sheets[] = {
        {"机构", "十堰市托育机构", cols, 6, rows},
        {"机构", NULL, cols, 2, rows}, /* the same name twice: the second is renamed */
    };
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(xlsx_build(sheets, 2, &out, &len), OK);
    assert_true(len > 1000);
    assert_memory_equal(out, "PK", 2);
    assert_true(contains(out, len, "xl/worksheets/sheet1.xml"));
    assert_true(contains(out, len, "xl/worksheets/sheet2.xml"));
    assert_false(contains(out, len, "xl/worksheets/sheet3.xml"));
    free(out);
    json_decref(rows);
}

static void no_sheets(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(xlsx_build(NULL, 0, &out, &len), OK);
    assert_memory_equal(out, "PK", 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(two_sheets), cmocka_unit_test(no_sheets)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
