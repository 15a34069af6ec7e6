/* The table of exportable lists (src/export/export_specs.c): each list once, a pattern of the API, a usable
 * sheet and file name, well-formed column keys, Chinese headers, and no column that would carry an ID number
 * or a phone number in clear. */
#include "export/export.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void test_each_list_once_with_a_usable_name(void **state)
{
    (void)state;
    assert_true(nexport_specs >= 40);
    for (int i = 0; i < nexport_specs; i++) {
        const struct export_spec *s = &export_specs[i];
        assert_string_equal(s->method, "GET");
        assert_true(strncmp(s->pattern, "/api/v1/", 8) == 0);
        assert_non_null(s->items);
        assert_true(utf8_len(s->title) >= 1 && utf8_len(s->title) <= 28);
        assert_null(strpbrk(s->title, "[]:*?/\\'"));
        for (const char *p = s->file; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
        assert_true(s->ncols > 0);
        assert_true(!s->per_page || s->per_page_max > 0);
        assert_true(s->paging != EXP_ONE || !s->per_page);
        for (int k = 0; k < i; k++)
            assert_false(strcmp(export_specs[k].pattern, s->pattern) == 0);
        assert_ptr_equal(export_spec_find("GET", s->pattern), s);
    }
    assert_null(export_spec_find("GET", "/api/v1/dashboard"));
    assert_null(export_spec_find("POST", "/api/v1/institutions"));
    assert_null(export_spec_find(NULL, NULL));
}

static void test_columns_are_well_formed_and_headed_in_chinese(void **state)
{
    (void)state;
    for (int i = 0; i < nexport_specs; i++) {
        const struct export_spec *s = &export_specs[i];
        for (int c = 0; c < s->ncols; c++) {
            const char *key = s->cols[c].key;
            assert_true(*key && key[strlen(key) - 1] != '.' && *key != '.');
            assert_null(strstr(key, ".."));
            for (const char *p = key; *p; p++)
                assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.');
            bool wide = false;
            for (const unsigned char *p = (const unsigned char *)s->cols[c].header; *p; p++)
                wide |= *p >= 0xe0;
            if (!wide) fail_msg("%s: header of %s is not Chinese", s->pattern, key);
            for (int k = 0; k < c; k++)
                if (strcmp(s->cols[k].key, key) == 0) fail_msg("%s: %s twice", s->pattern, key);
        }
    }
}

static void test_no_personal_number_in_clear(void **state)
{
    (void)state;
    for (int i = 0; i < nexport_specs; i++)
        for (int c = 0; c < export_specs[i].ncols; c++) {
            const char *key = export_specs[i].cols[c].key;
            bool personal = strstr(key, "id_number") || strstr(key, "phone") || strstr(key, "guardian") ||
                            strstr(key, "contact") || strstr(key, "id_card");
            if (personal && !strstr(key, "_masked"))
                fail_msg("%s: column %s may hold personal data in clear", export_specs[i].pattern, key);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_list_once_with_a_usable_name),
        cmocka_unit_test(test_columns_are_well_formed_and_headed_in_chinese),
        cmocka_unit_test(test_no_personal_number_in_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
