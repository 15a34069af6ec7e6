/* The streaming JSON writer: it writes what jansson writes for the same values, escapes hostile strings,
 * never emits invalid UTF-8 and puts commas where they belong in nested lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "json/jw.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* jansson's compact text of v (which is consumed), as resp_json writes it. */
static char *jansson_text(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_ENCODE_ANY);
    json_decref(v);
    return s;
}

static char *jw_string_text(const char *s)
{
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_str(&w, s);
    return buf_steal(&b, NULL);
}

static char *jw_real_text(double v)
{
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_real(&w, v);
    return buf_steal(&b, NULL);
}

static void test_jw_strings_match_jansson(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "plain",
        "十堰市茅箭区阳光托育中心（普惠）",
        "quote \" and backslash \\",
        "</script><script>alert(1)</script>",
        "line\nbreak\r\ttab\b\f",
        "\x01\x02\x1f\x7f",
        "emoji 😀 and 𠀀",
        "a/b",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *want = jansson_text(json_string(cases[i]));
        char *got = jw_string_text(cases[i]);
        assert_non_null(want);
        assert_string_equal(got, want);
        free(want);
        free(got);
    }
}

static void test_jw_invalid_utf8_becomes_replacement_characters(void **state)
{
    (void)state;
    /* A lone continuation byte, a truncated sequence at the end, an overlong '/', a surrogate, > U+10FFFF. */
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\x80z", "\"a\xEF\xBF\xBDz\""},
        {"ab\xE5\x8D", "\"ab\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = jw_string_text(cases[i].in);
        assert_string_equal(got, cases[i].out);
        json_error_t err;
        json_t *back = json_loads(got, JSON_DECODE_ANY, &err);
        assert_non_null(back); /* valid JSON text whatever the input */
        json_decref(back);
        free(got);
    }
}

static void test_jw_reals_match_jansson(void **state)
{
    (void)state;
    static const double cases[] = {0,    2200, 1200.5, 32.6361,   110.7806,       -0.25,
                                   1e20, 1e-7, 4.5e9,  0.1 + 0.2, 123456789012.0, -3e-300};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *want = jansson_text(json_real(cases[i]));
        char *got = jw_real_text(cases[i]);
        assert_string_equal(got, want);
        free(want);
        free(got);
    }
    char *nan = jw_real_text(NAN);
    assert_string_equal(nan, "null");
    free(nan);
    char *inf = jw_real_text(-INFINITY);
    assert_string_equal(inf, "null");
    free(inf);
}

static void test_jw_nested_list_has_commas_in_place(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_obj_begin(&w);
    jw_key(&w, "items");
    jw_arr_begin(&w);
    for (int i = 0; i < 3; i++) {
        jw_obj_begin(&w);
        jw_kint(&w, "id", i + 1);
        jw_kstr(&w, "name", i == 1 ? NULL : "x");
        jw_key(&w, "types");
        jw_arr_begin(&w);
        for (int k = 0; k < i; k++)
            jw_str(&w, "t");
        jw_arr_end(&w);
        jw_key(&w, "empty");
        jw_obj_begin(&w);
        jw_obj_end(&w);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_kint(&w, "total", -9007199254740993LL);
    jw_kbool(&w, "ok", true);
    jw_kbool(&w, "no", false);
    jw_knull(&w, "next");
    jw_kreal(&w, "r", 1.5);
    jw_obj_end(&w);
    assert_int_equal(w.depth, 0);
    char *got = buf_steal(&b, NULL);
    assert_string_equal(got, "{\"items\":[{\"id\":1,\"name\":\"x\",\"types\":[],\"empty\":{}},"
                             "{\"id\":2,\"name\":null,\"types\":[\"t\"],\"empty\":{}},"
                             "{\"id\":3,\"name\":\"x\",\"types\":[\"t\",\"t\"],\"empty\":{}}],"
                             "\"total\":-9007199254740993,\"ok\":true,\"no\":false,\"next\":null,\"r\":1.5}");
    json_t *back = json_loads(got, 0, NULL);
    assert_non_null(back);
    assert_int_equal(json_array_size(json_object_get(back, "items")), 3);
    json_decref(back);
    free(got);
}

static void test_jw_hostile_keys_are_escaped(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_obj_begin(&w);
    jw_kint(&w, "a\":1,\"b", 2);
    jw_obj_end(&w);
    char *got = buf_steal(&b, NULL);
    json_t *back = json_loads(got, 0, NULL);
    assert_non_null(back);
    assert_int_equal(json_object_size(back), 1);
    assert_int_equal(json_integer_value(json_object_get(back, "a\":1,\"b")), 2);
    json_decref(back);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jw_strings_match_jansson),
        cmocka_unit_test(test_jw_invalid_utf8_becomes_replacement_characters),
        cmocka_unit_test(test_jw_reals_match_jansson),
        cmocka_unit_test(test_jw_nested_list_has_commas_in_place),
        cmocka_unit_test(test_jw_hostile_keys_are_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
