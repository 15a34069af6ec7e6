/* The HTML writer: each context escapes hostile input, numbers and times are formatted for people. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/clock.h"
#include "html/html.h"

#include <stdlib.h>
#include <string.h>

/* Run one writer call on a fresh page and compare the whole output. */
#define ASSERT_PAGE(expected, call)                                                                          \
    do {                                                                                                     \
        struct html h = {.b = BUF_INIT};                                                                     \
        struct html *hp = &h;                                                                                \
        call;                                                                                                \
        size_t len;                                                                                          \
        char *out = html_steal(hp, &len);                                                                    \
        assert_string_equal(out, (expected));                                                                \
        assert_int_equal(len, strlen(expected));                                                             \
        free(out);                                                                                           \
    } while (0)

static const char script[] = "<script>alert(1)</script>";
static const char breakout[] = "\" onmouseover=\"x";
static const char chinese[] = "十堰市茅箭区阳光托育中心（普惠）";

static void test_html_lit_writes_markup_verbatim(void **state)
{
    (void)state;
    /* Only string literals compile here: with `const char *tag = "<p>"; html_lit(hp, tag);` the macro expands
     * to `"" tag ""`, which is a syntax error. (Checked by hand; a test cannot assert a compile failure.) */
    ASSERT_PAGE("<p class=\"note\">", html_lit(hp, "<p class=\"note\">"));
    ASSERT_PAGE("", html_lit(hp, ""));
}

static void test_html_text_escapes_a_script_tag(void **state)
{
    (void)state;
    ASSERT_PAGE("&lt;script&gt;alert(1)&lt;/script&gt;", html_text(hp, script));
}

static void test_html_text_escapes_every_special_character(void **state)
{
    (void)state;
    ASSERT_PAGE("a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;",
                html_text(hp, "a & b < c > d \"e\" 'f'"));
    /* An entity in the input is text, not markup: its ampersand is escaped again. */
    ASSERT_PAGE("&amp;lt;", html_text(hp, "&lt;"));
}

static void test_html_text_keeps_chinese_byte_exact(void **state)
{
    (void)state;
    ASSERT_PAGE(chinese, html_text(hp, chinese));
    ASSERT_PAGE("托育&lt;b&gt;", html_text(hp, "托育<b>"));
}

static void test_html_text_of_null_writes_nothing(void **state)
{
    (void)state;
    ASSERT_PAGE("", html_text(hp, NULL));
}

static void test_html_textn_never_emits_a_raw_nul(void **state)
{
    (void)state;
    struct html h = {.b = BUF_INIT};
    html_textn(&h, "a\0<b>", 5);
    size_t len;
    char *out = html_steal(&h, &len);

    assert_null(memchr(out, 0, len));
    assert_string_equal(out, "a\xEF\xBF\xBD&lt;b&gt;");
    free(out);
}

static void test_html_textn_stops_at_n(void **state)
{
    (void)state;
    ASSERT_PAGE("&lt;a", html_textn(hp, "<abc>", 2));
}

static void test_html_attr_keeps_a_quote_breakout_inside_the_value(void **state)
{
    (void)state;
    ASSERT_PAGE(" value=\"&quot; onmouseover=&quot;x\"", html_attr(hp, "value", breakout));
    ASSERT_PAGE(" title=\"&lt;script&gt;alert(1)&lt;/script&gt;\"", html_attr(hp, "title", script));
    ASSERT_PAGE(" title=\"&#39; onfocus=&#39;x\"", html_attr(hp, "title", "' onfocus='x"));
}

static void test_html_attr_keeps_chinese_byte_exact(void **state)
{
    (void)state;
    ASSERT_PAGE(" aria-label=\"十堰市茅箭区阳光托育中心（普惠）\"", html_attr(hp, "aria-label", chinese));
}

static void test_html_attr_of_null_is_an_empty_value(void **state)
{
    (void)state;
    ASSERT_PAGE(" value=\"\"", html_attr(hp, "value", NULL));
}

static void test_html_url_cannot_form_a_scheme_or_leave_the_attribute(void **state)
{
    (void)state;
    ASSERT_PAGE("javascript%3Aalert%281%29", html_url(hp, "javascript:alert(1)"));
    ASSERT_PAGE("%22%20onmouseover%3D%22x", html_url(hp, breakout));
    ASSERT_PAGE("%3Cscript%3Ealert%281%29%3C%2Fscript%3E", html_url(hp, script));
    ASSERT_PAGE("a%26b%3Dc%3Fd%23e%2Ff%27g", html_url(hp, "a&b=c?d#e/f'g"));
}

static void test_html_url_keeps_unreserved_and_encodes_utf8_in_upper_case(void **state)
{
    (void)state;
    ASSERT_PAGE("AZaz09-._~", html_url(hp, "AZaz09-._~"));
    /* 十堰 is E5 8D 81 E5 A0 B0 in UTF-8. */
    ASSERT_PAGE("%E5%8D%81%E5%A0%B0", html_url(hp, "十堰"));
    ASSERT_PAGE("%20%25%2B%FF", html_url(hp, " %+\xff"));
    ASSERT_PAGE("", html_url(hp, NULL));
}

static void test_html_composes_a_safe_link(void **state)
{
    (void)state;
    ASSERT_PAGE("<a href=\"/institutions/a%22%3E%3Cb\">&lt;b&gt;</a>", {
        html_lit(hp, "<a href=\"/institutions/");
        html_url(hp, "a\"><b");
        html_lit(hp, "\">");
        html_text(hp, "<b>");
        html_lit(hp, "</a>");
    });
}

static void test_html_int_writes_decimal(void **state)
{
    (void)state;
    ASSERT_PAGE("0", html_int(hp, 0));
    ASSERT_PAGE("-42", html_int(hp, -42));
    ASSERT_PAGE("9223372036854775807", html_int(hp, INT64_MAX));
    ASSERT_PAGE("-9223372036854775808", html_int(hp, INT64_MIN));
}

static void test_html_yuan_shows_fen_as_yuan_with_two_decimals(void **state)
{
    (void)state;
    static const struct {
        int64_t fen;
        const char *text;
    } cases[] = {
        {0, "0.00"},
        {5, "0.05"},
        {50, "0.50"},
        {100, "1.00"},
        {123456, "1234.56"},
        {-1, "-0.01"},
        {-100, "-1.00"},
        {-123450, "-1234.50"},
        {INT64_MAX, "92233720368547758.07"},
        {INT64_MIN, "-92233720368547758.08"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ASSERT_PAGE(cases[i].text, html_yuan(hp, cases[i].fen));
}

static void test_html_date_writes_iso_day(void **state)
{
    (void)state;
    ASSERT_PAGE("2024-02-29", html_date(hp, date_to_days(2024, 2, 29)));
    ASSERT_PAGE("1970-01-01", html_date(hp, 0));
    ASSERT_PAGE("1900-01-01", html_date(hp, date_to_days(1900, 1, 1)));
}

static void test_html_time_is_china_time_across_midnight(void **state)
{
    (void)state;
    /* 2026-11-28 00:00 in China is 2026-11-27 16:00 UTC. */
    int64_t cst_midnight = date_to_days(2026, 11, 28) * 86400 - 8 * 3600;
    ASSERT_PAGE("2026-11-27 23:59", html_time(hp, cst_midnight - 1));
    ASSERT_PAGE("2026-11-28 00:00", html_time(hp, cst_midnight));
    ASSERT_PAGE("2026-11-28 13:45", html_time(hp, cst_midnight + 13 * 3600 + 45 * 60 + 59));
    ASSERT_PAGE("1970-01-01 08:00", html_time(hp, 0));
    ASSERT_PAGE("1970-01-01 07:59", html_time(hp, -1));
    ASSERT_PAGE("1969-12-31 23:59", html_time(hp, -8 * 3600 - 1));
}

static void test_html_steal_hands_over_and_leaves_the_writer_empty(void **state)
{
    (void)state;
    struct html h = {.b = BUF_INIT};
    size_t len = 99;
    char *empty = html_steal(&h, &len);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    assert_int_equal(len, 0);
    free(empty);

    html_lit(&h, "<p>");
    html_text(&h, "一");
    html_lit(&h, "</p>");
    char *page = html_steal(&h, NULL);
    assert_string_equal(page, "<p>一</p>");
    free(page);

    html_lit(&h, "<br>");
    char *again = html_steal(&h, &len);
    assert_string_equal(again, "<br>");
    free(again);

    html_text(&h, "discarded");
    html_free(&h);
    html_free(&h);
    assert_null(h.b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_lit_writes_markup_verbatim),
        cmocka_unit_test(test_html_text_escapes_a_script_tag),
        cmocka_unit_test(test_html_text_escapes_every_special_character),
        cmocka_unit_test(test_html_text_keeps_chinese_byte_exact),
        cmocka_unit_test(test_html_text_of_null_writes_nothing),
        cmocka_unit_test(test_html_textn_never_emits_a_raw_nul),
        cmocka_unit_test(test_html_textn_stops_at_n),
        cmocka_unit_test(test_html_attr_keeps_a_quote_breakout_inside_the_value),
        cmocka_unit_test(test_html_attr_keeps_chinese_byte_exact),
        cmocka_unit_test(test_html_attr_of_null_is_an_empty_value),
        cmocka_unit_test(test_html_url_cannot_form_a_scheme_or_leave_the_attribute),
        cmocka_unit_test(test_html_url_keeps_unreserved_and_encodes_utf8_in_upper_case),
        cmocka_unit_test(test_html_composes_a_safe_link),
        cmocka_unit_test(test_html_int_writes_decimal),
        cmocka_unit_test(test_html_yuan_shows_fen_as_yuan_with_two_decimals),
        cmocka_unit_test(test_html_date_writes_iso_day),
        cmocka_unit_test(test_html_time_is_china_time_across_midnight),
        cmocka_unit_test(test_html_steal_hands_over_and_leaves_the_writer_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
