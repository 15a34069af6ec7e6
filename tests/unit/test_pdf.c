/* The PDF writer and the module's pure rules: the QR matrix of a known string (version, finder patterns,
 * determinism, refusals), a document that starts with %PDF- and ends with %%EOF, wrapping, tables that break
 * pages, receipt numbers, verification codes that refuse any change, month parsing and the ratios. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/pii.h"
#include "core/arena.h"
#include "modules/reports/pdf.h"
#include "modules/reports/reports.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_qr_matrix_of_a_known_string(void **state)
{
    (void)state;
    unsigned char *m, *m2;
    int w, w2;
    /* 30 bytes in 8-bit mode at level M: more than version 2 holds (26), so version 3, 29 modules. */
    assert_int_equal(pdf_qr_modules("https://example.org/verify/ABC", &m, &w), OK);
    assert_int_equal(w, 29);
    /* The three finder patterns: a dark 7×7 ring, a light ring inside, a dark 3×3 core. */
    const int corners[3][2] = {{0, 0}, {0, w - 7}, {w - 7, 0}};
    for (int k = 0; k < 3; k++)
        for (int r = 0; r < 7; r++)
            for (int c = 0; c < 7; c++) {
                bool ring = r == 0 || r == 6 || c == 0 || c == 6;
                bool core = r >= 2 && r <= 4 && c >= 2 && c <= 4;
                assert_int_equal(m[(corners[k][0] + r) * w + corners[k][1] + c], ring || core ? 1 : 0);
            }
    /* The timing pattern on row 6 alternates between the finders. */
    for (int c = 8; c < w - 8; c++)
        assert_int_equal(m[6 * w + c], c % 2 == 0 ? 1 : 0);
    /* The same text gives the same symbol; another text another one. */
    assert_int_equal(pdf_qr_modules("https://example.org/verify/ABC", &m2, &w2), OK);
    assert_int_equal(w2, w);
    assert_memory_equal(m, m2, (size_t)(w * w));
    free(m2);
    assert_int_equal(pdf_qr_modules("https://example.org/verify/ABD", &m2, &w2), OK);
    assert_true(w2 != w || memcmp(m, m2, (size_t)(w * w)) != 0);
    free(m2);
    free(m);
}

static void test_qr_refuses_empty_and_oversized_text(void **state)
{
    (void)state;
    unsigned char *m;
    int w;
    assert_int_equal(pdf_qr_modules("", &m, &w), ERR_VALIDATION);
    assert_int_equal(pdf_qr_modules(NULL, &m, &w), ERR_VALIDATION);
    char *big = malloc(3001);
    memset(big, 'x', 3000);
    big[3000] = 0; /* version 40-M holds 2331 bytes */
    assert_int_equal(pdf_qr_modules(big, &m, &w), ERR_VALIDATION);
    free(big);
}

/* Count page objects ("/Type /Page" not followed by "s"). */
static int pages(const char *p, size_t n)
{
    int count = 0;
    const char *needle = "/Type /Page";
    size_t k = strlen(needle);
    for (size_t i = 0; i + k < n; i++)
        if (memcmp(p + i, needle, k) == 0 && p[i + k] != 's') count++;
    return count;
}

static void test_document_is_a_pdf_with_metadata(void **state)
{
    (void)state;
    struct pdf *p = pdf_begin("托育机构备案回执");
    assert_non_null(p);
    const struct pdf_style st = {.size = 12};
    assert_true(pdf_text(p, "十堰市张湾区托育机构", &st, 4) > 10);
    pdf_rule(p, 1, 4);
    assert_int_equal(pdf_qr(p, PDF_MARGIN, pdf_y(p), 40 * PDF_MM, "http://127.0.0.1:8080/verify/x"), OK);
    char *out;
    size_t len;
    assert_int_equal(pdf_finish(p, &out, &len), OK);
    assert_true(len > 1000);
    assert_memory_equal(out, "%PDF-", 5);
    assert_non_null(memmem(out, len, "%%EOF", 5));
    assert_non_null(memmem(out, len, "(tuoyu)", 7)); /* /Creator */
    assert_int_equal(pages(out, len), 1);
    free(out);
}

static void test_text_wraps_at_the_width(void **state)
{
    (void)state;
    struct pdf *p = pdf_begin("t");
    const struct pdf_style st = {.size = 10};
    const char *text =
        "根据《托育机构登记和备案办法（试行）》，你单位报送的托育机构备案材料已收悉，经审核，准予备案。";
    double wide = pdf_text_height(p, 480, text, &st), narrow = pdf_text_height(p, 100, text, &st);
    assert_true(wide > 0);
    assert_true(narrow > 3 * wide);
    assert_true(pdf_text_height(p, 100, "", &st) == 0);
    assert_true(pdf_text_height(p, 100, NULL, &st) == 0);
    pdf_free(p);
}

static void test_table_breaks_pages_and_repeats_the_header(void **state)
{
    (void)state;
    struct pdf *p = pdf_begin("t");
    enum { ROWS = 120 };
    static const char *cells[ROWS * 2];
    for (int i = 0; i < ROWS; i++) {
        cells[2 * i] = "张湾区";
        cells[2 * i + 1] = "12";
    }
    static const char *const headers[] = {"县市区", "托位"};
    static const double widths[] = {200, 100};
    static const enum pdf_align align[] = {PDF_LEFT, PDF_RIGHT};
    pdf_table(p, 2, widths, align, headers, cells, ROWS, 9);
    assert_true(pdf_y(p) < PDF_A4_H - PDF_MARGIN + 0.01);
    char *out;
    size_t len;
    assert_int_equal(pdf_finish(p, &out, &len), OK);
    assert_true(pages(out, len) >= 3); /* about 18 pt a row: 120 rows do not fit on two pages */
    free(out);
}

static void test_receipt_number_from_the_filing_number(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 4096);
    assert_string_equal(receipt_number(&a, "TY-420303-2026-0007", "420303", 0, 9),
                        "备字〔2026〕420303-0007号");
    assert_string_equal(receipt_number(&a, "TY-420392-2027-0123", "420392", 0, 9),
                        "备字〔2027〕420392-0123号");
    /* Another shape: the approval year and the filing id. */
    int64_t day = 20819; /* 2027-01-01 */
    assert_string_equal(receipt_number(&a, "X-1", "420302", day, 42), "备字〔2027〕420302-0042号");
    assert_string_equal(receipt_number(&a, NULL, "420302", day, 12345), "备字〔2027〕420302-12345号");
    assert_string_equal(receipt_number(&a, "TY-420303-2026-0007x", "420303", day, 5),
                        "备字〔2027〕420303-0005号");
    arena_free(&a);
}

static void test_verification_code_refuses_any_change(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 4096);
    const char *code, *code2;
    int64_t id = 0;
    assert_int_equal(receipt_code(&a, 12345, &code), OK);
    assert_int_equal(strlen(code), 27);
    assert_int_equal(receipt_code(&a, 12345, &code2), OK);
    assert_string_equal(code, code2); /* deterministic: the same receipt prints the same QR */
    assert_true(receipt_code_check(code, &id));
    assert_int_equal(id, 12345);
    /* Every single-character change fails. */
    char *t = arena_strdup(&a, code);
    for (size_t i = 0; i < 27; i++) {
        char orig = t[i];
        t[i] = orig == 'A' ? 'B' : 'A';
        assert_false(receipt_code_check(t, &id));
        t[i] = orig;
    }
    assert_false(receipt_code_check("", &id));
    assert_false(receipt_code_check(NULL, &id));
    assert_false(receipt_code_check("AAAAAAAAAAAAAAAAAAAAAAAAAAA", &id));
    assert_false(receipt_code_check("AAAAAAAAAAAAAAAAAAAAAAAAAA=", &id));
    assert_int_equal(receipt_code(&a, 12346, &code2), OK);
    assert_string_not_equal(code, code2);
    arena_free(&a);
}

static void test_month_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int y, m;
    } cases[] = {
        {"2026-01", true, 2026, 1},  {"2026-12", true, 2026, 12}, {"2000-06", true, 2000, 6},
        {"2026-13", false, 0, 0},    {"2026-00", false, 0, 0},    {"2026-1", false, 0, 0},
        {"26-01", false, 0, 0},      {"2026/01", false, 0, 0},    {"1999-12", false, 0, 0},
        {"2026-01-01", false, 0, 0}, {"", false, 0, 0},           {"abcd-ef", false, 0, 0},
        {"+202-01", false, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int y = 0, m = 0;
        assert_int_equal(monthly_parse(cases[i].s, &y, &m), cases[i].ok);
        if (cases[i].ok) {
            assert_int_equal(y, cases[i].y);
            assert_int_equal(m, cases[i].m);
        }
    }
    int y, m;
    assert_false(monthly_parse(NULL, &y, &m));
}

static void test_ratios(void **state)
{
    (void)state;
    assert_float_equal(monthly_per_1000(88, 431859), 0.20377, 1e-4);
    assert_float_equal(monthly_per_1000(4500, 1000000), 4.5, 1e-9);
    assert_true(monthly_per_1000(10, 0) < 0);
    assert_float_equal(monthly_share(1, 4), 0.25, 1e-9);
    assert_true(monthly_share(0, 0) < 0);
}

int main(void)
{
    char key_file[] = "/tmp/tuoyu-test-pdf-XXXXXX";
    int fd = mkstemp(key_file);
    if (fd < 0 || sodium_init() < 0) return 1;
    close(fd);
    unlink(key_file); /* pii_init creates it */
    setenv("TUOYU_KEY_FILE", key_file, 1);
    if (pii_init(NULL, true) != OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_matrix_of_a_known_string),
        cmocka_unit_test(test_qr_refuses_empty_and_oversized_text),
        cmocka_unit_test(test_document_is_a_pdf_with_metadata),
        cmocka_unit_test(test_text_wraps_at_the_width),
        cmocka_unit_test(test_table_breaks_pages_and_repeats_the_header),
        cmocka_unit_test(test_receipt_number_from_the_filing_number),
        cmocka_unit_test(test_verification_code_refuses_any_change),
        cmocka_unit_test(test_month_parse),
        cmocka_unit_test(test_ratios),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(key_file);
    return rc;
}
