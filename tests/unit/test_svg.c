/* SVG charts: bars carry their label and value and a height proportional to the value on the axis shown, the
 * target line sits at the target, labels are escaped, each chart is followed by a table with the same
 * numbers, lines have a point per month, the tile map classes values into at most five classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "html/svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render_bars(const struct svg_bar *b, int n, bool has_target, int64_t target)
{
    struct html h = {.b = BUF_INIT};
    struct svg_chart c = {.id = "t1", .title = "每千人托位数", .unit = "托位/千人", .decimals = 2};
    svg_bars(&h, &c, b, n, has_target, target, "目标");
    size_t len;
    return html_steal(&h, &len);
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The number after attr=" in the element that starts at p. */
static double attr_num(const char *p, const char *attr)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", attr);
    const char *end = strchr(p, '>');
    const char *q = strstr(p, key);
    if (!q || (end && q > end)) return -1;
    return strtod(q + strlen(key), NULL);
}

static void test_svg_bars_heights_follow_values(void **state)
{
    (void)state;
    struct svg_bar b[] = {
        {"茅箭区", 352, true}, {"张湾区", 450, true}, {"<郧西>", 0, true}, {"房县", 0, false}};
    char *s = render_bars(b, 4, true, 450);
    assert_non_null(strstr(s, "role=\"img\""));
    assert_non_null(strstr(s, "viewBox=\"0 0 640 276\""));
    assert_non_null(strstr(s, "aria-label=\"每千人托位数\""));
    assert_non_null(strstr(s, "<title>每千人托位数</title>"));
    assert_non_null(strstr(s, "data-max=\"5\""));
    assert_int_equal(count(s, "<rect class=\"bar"), 3); /* the unknown one has no bar */
    assert_non_null(strstr(s, "data-label=\"&lt;郧西&gt;\""));
    assert_null(strstr(s, "<郧西>"));
    const char *p = strstr(s, "data-label=\"茅箭区\"");
    assert_non_null(p);
    const char *r1 = strstr(s, "<rect class=\"bar below\" data-label=\"茅箭区\" data-value=\"3.52\"");
    const char *r2 = strstr(s, "<rect class=\"bar\" data-label=\"张湾区\" data-value=\"4.50\"");
    assert_non_null(r1);
    assert_non_null(r2);
    /* axis max 5: 3.52 → 220 × 3.52 / 5 = 154.88; 4.50 → 198 */
    assert_true(attr_num(r1, "height") > 154.87 && attr_num(r1, "height") < 154.89);
    assert_true(attr_num(r2, "height") > 197.99 && attr_num(r2, "height") < 198.01);
    /* The target line at 4.50: y = 28 + 220 − 198 = 50 */
    const char *t = strstr(s, "<g class=\"target\">");
    assert_non_null(t);
    assert_true(attr_num(strstr(t, "<line"), "y1") > 49.99 && attr_num(strstr(t, "<line"), "y1") < 50.01);
    /* The table follows the chart, with every value and the target. */
    const char *tab = strstr(s, "<table class=\"chart-data\"");
    assert_non_null(tab);
    assert_true(tab > strstr(s, "</svg>"));
    assert_non_null(strstr(tab, "<th scope=\"row\">茅箭区</th><td class=\"num\">3.52</td>"));
    assert_non_null(strstr(tab, "<th scope=\"row\">房县</th><td class=\"num\">—</td>"));
    assert_non_null(strstr(tab, "<th scope=\"row\">目标</th><td class=\"num\">4.50</td>"));
    free(s);
}

static void test_svg_axis_max_steps(void **state)
{
    (void)state;
    assert_true(svg_axis_max(0) == 1);
    assert_true(svg_axis_max(4.5) == 5);
    assert_true(svg_axis_max(5) == 5);
    assert_true(svg_axis_max(5.01) == 10);
    assert_true(svg_axis_max(1234) == 2000);
    assert_true(svg_axis_max(2100) == 2500);
    assert_true(svg_axis_max(0.3) == 0.5);
}

static void test_svg_lines_point_per_month_and_table(void **state)
{
    (void)state;
    const char *labels[] = {"2026-01", "2026-02", "2026-03"};
    int64_t places[] = {100, 150, 200}, enrolled[] = {80, 90, 120};
    struct svg_series s[] = {{"托位", places}, {"在托", enrolled}};
    struct html h = {.b = BUF_INIT};
    struct svg_chart c = {.id = "tr", .title = "趋势", .unit = "人", .decimals = 0};
    svg_lines(&h, &c, labels, 3, s, 2);
    size_t len;
    char *out = html_steal(&h, &len);
    assert_int_equal(count(out, "<polyline"), 2);
    assert_int_equal(count(out, "<circle"), 6);
    assert_non_null(strstr(out, "data-series=\"托位\""));
    assert_non_null(
        strstr(out, "<th scope=\"row\">2026-02</th><td class=\"num\">150</td><td class=\"num\">90</td>"));
    free(out);
}

static void test_svg_tilemap_classes(void **state)
{
    (void)state;
    assert_int_equal(svg_class_of(0, 0, 100, 5), 0);
    assert_int_equal(svg_class_of(19, 0, 100, 5), 0);
    assert_int_equal(svg_class_of(20, 0, 100, 5), 1);
    assert_int_equal(svg_class_of(99, 0, 100, 5), 4);
    assert_int_equal(svg_class_of(100, 0, 100, 5), 4);
    assert_int_equal(svg_class_of(7, 7, 7, 5), 0);
    struct svg_tile t[] = {{"420302", "茅箭区", 100, true},
                           {"420303", "张湾区", 500, true},
                           {"420381", "丹江口市", 0, false},
                           {"999999", "其他", 300, true}};
    struct html h = {.b = BUF_INIT};
    struct svg_chart c = {.id = "map", .title = "分布", .unit = "托位", .decimals = 0};
    svg_tilemap(&h, &c, t, 4);
    size_t len;
    char *out = html_steal(&h, &len);
    assert_int_equal(count(out, "<g class=\"tile\""), 4);
    assert_non_null(strstr(out, "data-code=\"420381\"><rect rx=\"4\" x=\"518.00\" y=\"12.00\""));
    assert_non_null(strstr(out, "fill=\"#e0e0e0\" data-class=\"-1\""));
    assert_non_null(strstr(out, "data-value=\"500\" data-class=\"2\"")); /* three known values: 3 classes */
    assert_non_null(strstr(out, "无数据"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_bars_heights_follow_values),
        cmocka_unit_test(test_svg_axis_max_steps),
        cmocka_unit_test(test_svg_lines_point_per_month_and_table),
        cmocka_unit_test(test_svg_tilemap_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
