/* The CSV reader for imports: encodings as Excel in China writes them (UTF-8 with or without BOM, GBK), RFC
 * 4180 quoting, and the limits that bound one upload. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "modules/imports/imports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct arena A;

static int setup(void **state)
{
    (void)state;
    arena_init(&A, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&A);
    return 0;
}

static struct csv parse_ok(const char *bytes, size_t len)
{
    struct csv c;
    const char *why = "unset";
    if (!csv_parse(bytes, len, &A, &c, &why)) fail_msg("csv_parse refused: %s", why);
    assert_null(why);
    return c;
}

/* Parse and expect a refusal; returns the reason (never NULL) and the record where it stopped. */
static const char *parse_fail(const char *bytes, size_t len, int *at_row)
{
    struct csv c;
    const char *why = NULL;
    if (csv_parse(bytes, len, &A, &c, &why)) fail_msg("csv_parse accepted %zu bytes it should refuse", len);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
    if (at_row) *at_row = c.nrows;
    return why;
}

#define PARSE_OK(lit)   parse_ok((lit), sizeof(lit) - 1)
#define PARSE_FAIL(lit) parse_fail((lit), sizeof(lit) - 1, NULL)

static void expect_row(const struct csv *c, int row, int n, const char *const *want)
{
    assert_true(row < c->nrows);
    assert_int_equal(c->nfields[row], n);
    for (int i = 0; i < n; i++)
        assert_string_equal(c->rows[row][i], want[i]);
}
#define EXPECT_ROW(c, row, ...)                                                                              \
    do {                                                                                                     \
        const char *const w_[] = {__VA_ARGS__};                                                              \
        expect_row((c), (row), (int)(sizeof w_ / sizeof w_[0]), w_);                                         \
    } while (0)

/* ---- Encodings ---------------------------------------------------------------------------------------- */

static void test_csv_utf8_with_and_without_bom_parse_alike(void **state)
{
    (void)state;
    struct csv plain = PARSE_OK("姓名,身份证号\n张三,420303198501011235\n");
    struct csv bom = PARSE_OK("\xEF\xBB\xBF姓名,身份证号\n张三,420303198501011235\n");
    assert_int_equal(plain.nrows, 2);
    assert_int_equal(bom.nrows, 2);
    EXPECT_ROW(&plain, 0, "姓名", "身份证号");
    /* The BOM is gone from the first header name, so "姓名" matches. */
    EXPECT_ROW(&bom, 0, "姓名", "身份证号");
    EXPECT_ROW(&bom, 1, "张三", "420303198501011235");
}

static void test_csv_gbk_bytes_of_zhang_san_decode_to_utf8(void **state)
{
    (void)state;
    struct csv c = PARSE_OK("\xD5\xC5\xC8\xFD,1\r\n");
    assert_int_equal(c.nrows, 1);
    EXPECT_ROW(&c, 0, "张三", "1");
    assert_memory_equal(c.rows[0][0], "\xE5\xBC\xA0\xE4\xB8\x89", 7);
}

static void test_csv_gbk_header_and_rows_decode(void **state)
{
    (void)state;
    /* 姓名,性别\r\n张三,男\r\n in GBK. */
    struct csv c = PARSE_OK("\xD0\xD5\xC3\xFB,\xD0\xD4\xB1\xF0\r\n\xD5\xC5\xC8\xFD,\xC4\xD0\r\n");
    assert_int_equal(c.nrows, 2);
    EXPECT_ROW(&c, 0, "姓名", "性别");
    EXPECT_ROW(&c, 1, "张三", "男");
}

static void test_csv_gb18030_four_byte_sequence_decodes(void **state)
{
    (void)state;
    /* 81 30 81 30 is U+0080 in GB18030 (beyond GBK): the file is read as GB18030, which contains GBK. */
    struct csv c = PARSE_OK("\xD5\xC5,\x81\x30\x81\x30\n");
    EXPECT_ROW(&c, 0, "张", "\xC2\x80");
}

static void test_csv_refuses_bytes_invalid_in_utf8_and_gbk(void **state)
{
    (void)state;
    PARSE_FAIL("a,\x80\n");          /* a lone 0x80: neither UTF-8 nor GB18030 */
    PARSE_FAIL("a,b\n\xFF\xFF,c\n"); /* 0xFF never starts a character in either */
    PARSE_FAIL("\xD5\xC5\xC8");      /* GBK cut in the middle of a character */
}

static void test_csv_refuses_utf16_and_nul_bytes(void **state)
{
    (void)state;
    const char *why = PARSE_FAIL("\xFF\xFEh\0i\0");
    assert_non_null(strstr(why, "UTF-16"));
    PARSE_FAIL("a,b\n\0,c\n");
}

static void test_csv_overlong_utf8_is_not_taken_as_utf8(void **state)
{
    (void)state;
    /* C0 AF would be an overlong "/": not UTF-8. It happens to be a GBK character, so it decodes as that,
     * never as "/". */
    struct csv c = PARSE_OK("\xC0\xAF\n");
    assert_string_not_equal(c.rows[0][0], "/");
    assert_int_equal((unsigned char)c.rows[0][0][0] >= 0x80, 1);
}

/* ---- RFC 4180 ----------------------------------------------------------------------------------------- */

static void test_csv_quoted_fields_keep_commas_and_newlines(void **state)
{
    (void)state;
    struct csv c = PARSE_OK("name,address\r\n\"王, 五\",\"十堰市\r\n张湾区\"\r\n\"a\nb\",c\n");
    assert_int_equal(c.nrows, 3);
    EXPECT_ROW(&c, 1, "王, 五", "十堰市\r\n张湾区");
    EXPECT_ROW(&c, 2, "a\nb", "c");
}

static void test_csv_doubled_quotes_are_one_quote(void **state)
{
    (void)state;
    struct csv c = PARSE_OK("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n");
    EXPECT_ROW(&c, 0, "say \"hi\"", "\"", "");
}

static void test_csv_crlf_lf_and_lone_cr_end_records(void **state)
{
    (void)state;
    struct csv c = PARSE_OK("a,b\r\nc,d\ne,f\rg,h");
    assert_int_equal(c.nrows, 4);
    EXPECT_ROW(&c, 0, "a", "b");
    EXPECT_ROW(&c, 1, "c", "d");
    EXPECT_ROW(&c, 2, "e", "f");
    EXPECT_ROW(&c, 3, "g", "h"); /* no line break after the last record */
}

static void test_csv_trailing_empty_lines_are_ignored_but_inner_ones_kept(void **state)
{
    (void)state;
    struct csv c = PARSE_OK("a\r\n\r\nb\r\n\r\n\n");
    assert_int_equal(c.nrows, 3);
    EXPECT_ROW(&c, 0, "a");
    EXPECT_ROW(&c, 1, ""); /* keeps record numbers equal to the spreadsheet's rows */
    EXPECT_ROW(&c, 2, "b");
}

static void test_csv_empty_fields_and_empty_input(void **state)
{
    (void)state;
    struct csv c = PARSE_OK(",,\n,\"\",x\n");
    EXPECT_ROW(&c, 0, "", "", "");
    EXPECT_ROW(&c, 1, "", "", "x");
    struct csv e = parse_ok("", 0);
    assert_int_equal(e.nrows, 0);
    struct csv b = PARSE_OK("\xEF\xBB\xBF");
    assert_int_equal(b.nrows, 0);
}

static void test_csv_unterminated_quote_is_an_error_at_its_record(void **state)
{
    (void)state;
    int row = -1;
    static const char text[] = "h1,h2\nok,ok\n\"never closed,x\nmore\n";
    const char *why = parse_fail(text, sizeof text - 1, &row);
    assert_non_null(strstr(why, "引号"));
    assert_int_equal(row, 2);
    PARSE_FAIL("\"");
    PARSE_FAIL("a,\"b\"\"\n"); /* the last quote is an escaped one: still open */
}

static void test_csv_text_after_a_closing_quote_is_an_error(void **state)
{
    (void)state;
    PARSE_FAIL("\"a\"b,c\n");
    PARSE_FAIL("\"a\" ,c\n");
}

/* ---- Limits ------------------------------------------------------------------------------------------- */

static void test_csv_allows_64_fields_and_refuses_65(void **state)
{
    (void)state;
    char line[256];
    size_t n = 0;
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, i ? ",%d" : "%d", i % 10);
    struct csv c = parse_ok(line, n);
    assert_int_equal(c.nfields[0], 64);
    n += (size_t)snprintf(line + n, sizeof line - n, ",x");
    int row = -1;
    parse_fail(line, n, &row);
    assert_int_equal(row, 0);
}

static void test_csv_allows_4096_byte_fields_and_refuses_4097(void **state)
{
    (void)state;
    char *buf = malloc(9000);
    /* Unquoted. */
    memset(buf, 'x', 4096);
    struct csv c = parse_ok(buf, 4096);
    assert_int_equal(strlen(c.rows[0][0]), 4096);
    memset(buf, 'x', 4097);
    parse_fail(buf, 4097, NULL);
    /* Quoted: 4096 bytes inside the quotes, then one more. */
    buf[0] = '"';
    memset(buf + 1, 'y', 4096);
    buf[4097] = '"';
    c = parse_ok(buf, 4098);
    assert_int_equal(strlen(c.rows[0][0]), 4096);
    memset(buf + 1, 'y', 4097);
    buf[4098] = '"';
    parse_fail(buf, 4099, NULL);
    /* Escapes count as the one quote they stand for: 4096 "" pairs are 4096 bytes. */
    buf[0] = '"';
    for (int i = 0; i < 4096; i++)
        buf[1 + 2 * i] = buf[2 + 2 * i] = '"';
    buf[8193] = '"';
    c = parse_ok(buf, 8194);
    assert_int_equal(strlen(c.rows[0][0]), 4096);
    /* Multi-byte characters count in bytes: 1366 × 3 = 4098. */
    size_t n = 0;
    for (int i = 0; i < 1366; i++) {
        memcpy(buf + n, "张", 3);
        n += 3;
    }
    parse_fail(buf, n, NULL);
    free(buf);
}

static char *many_rows(int data_rows, size_t *len)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "name,id_number,birth_on\r\n");
    for (int i = 0; i < data_rows; i++)
        buf_printf(&b, "\"孩子%d\",4203032024%08d,2024-01-01\r\n", i, i);
    return buf_steal(&b, len);
}

static void test_csv_allows_100000_data_rows_and_refuses_100001(void **state)
{
    (void)state;
    size_t len;
    char *text = many_rows(100000, &len);
    struct csv c = parse_ok(text, len);
    assert_int_equal(c.nrows, 100001);
    free(text);
    arena_free(&A);
    arena_init(&A, 0);

    /* Blank lines after the last row do not count. */
    struct buf b = BUF_INIT;
    text = many_rows(100000, &len);
    buf_add(&b, text, len);
    buf_adds(&b, "\r\n\r\n,\r\n");
    free(text);
    size_t blen;
    char *btext = buf_steal(&b, &blen);
    /* ",\r\n" is a record of two empty fields: a row, one too many. */
    int row = -1;
    parse_fail(btext, blen, &row);
    assert_int_equal(row, 100001);
    parse_ok(btext, blen - 3);
    free(btext);
    arena_free(&A);
    arena_init(&A, 0);

    text = many_rows(100001, &len);
    const char *why = parse_fail(text, len, &row);
    assert_non_null(strstr(why, "100000"));
    assert_int_equal(row, 100001);
    free(text);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_csv_parses_10000_gbk_rows_well_under_a_second(void **state)
{
    (void)state;
    /* Twelve columns like a children import, with Chinese names in GBK and some quoted fields. */
    struct buf b = BUF_INIT;
    buf_adds(&b, "\xD0\xD5\xC3\xFB,id_number,birth_on,sex,class,start_on,guardian_name,guardian_relation,"
                 "guardian_phone,admission_checked_on,admission_examiner,admission_result\r\n");
    for (int i = 0; i < 10000; i++)
        buf_printf(&b,
                   "\xD5\xC5\xC8\xFD%d,42030320240101%04d,2024-01-01,\xC4\xD0,\"\xB0\xE0, %d\",2025-03-01,"
                   "\xD5\xC5\xC8\xFD,\"\"\"\xB8\xB8\"\"\",138%08d,2025-02-20,\"\xCA\xAE\xD1\xDF\r\n\","
                   "\xBA\xCF\xB8\xF1\r\n",
                   i, i, i % 500, i);
    size_t len;
    char *text = buf_steal(&b, &len);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct csv c = parse_ok(text, len);
    double s = seconds_since(&t0);
    free(text);
    assert_int_equal(c.nrows, 10001);
    assert_int_equal(c.nfields[10000], 12);
    assert_string_equal(c.rows[10000][0], "张三9999");
    assert_string_equal(c.rows[10000][7], "\"父\"");
    assert_string_equal(c.rows[10000][10], "十堰\r\n");
    print_message("parsed 10000 GBK rows (%zu bytes) in %.3f s\n", len, s);
    assert_true(s < 0.5);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* What buf_csv_cell writes, csv_parse reads back unchanged: commas, quotes, line breaks, empty and NULL
 * cells. */
static void test_csv_cells_written_by_buf_csv_cell_parse_back(void **state)
{
    (void)state;
    const char *cells[] = {"plain", "a,b", "say \"hi\"", "line\r\nbreak", "", "张湾区"};
    struct buf b = BUF_INIT;
    buf_csv_cell(&b, "h1", false);
    buf_csv_cell(&b, "h2", false);
    buf_csv_cell(&b, "h3", false);
    buf_csv_cell(&b, "h4", false);
    buf_csv_cell(&b, "h5", false);
    buf_csv_cell(&b, "h6", true);
    for (int i = 0; i < 6; i++)
        buf_csv_cell(&b, i == 4 ? NULL : cells[i], i == 5);
    struct csv c = parse_ok(b.p, b.len);
    assert_int_equal(c.nrows, 2);
    expect_row(&c, 1, 6, cells);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_csv_utf8_with_and_without_bom_parse_alike),
        T(test_csv_cells_written_by_buf_csv_cell_parse_back),
        T(test_csv_gbk_bytes_of_zhang_san_decode_to_utf8),
        T(test_csv_gbk_header_and_rows_decode),
        T(test_csv_gb18030_four_byte_sequence_decodes),
        T(test_csv_refuses_bytes_invalid_in_utf8_and_gbk),
        T(test_csv_refuses_utf16_and_nul_bytes),
        T(test_csv_overlong_utf8_is_not_taken_as_utf8),
        T(test_csv_quoted_fields_keep_commas_and_newlines),
        T(test_csv_doubled_quotes_are_one_quote),
        T(test_csv_crlf_lf_and_lone_cr_end_records),
        T(test_csv_trailing_empty_lines_are_ignored_but_inner_ones_kept),
        T(test_csv_empty_fields_and_empty_input),
        T(test_csv_unterminated_quote_is_an_error_at_its_record),
        T(test_csv_text_after_a_closing_quote_is_an_error),
        T(test_csv_allows_64_fields_and_refuses_65),
        T(test_csv_allows_4096_byte_fields_and_refuses_4097),
        T(test_csv_allows_100000_data_rows_and_refuses_100001),
        T(test_csv_parses_10000_gbk_rows_well_under_a_second),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
