/* The multipart/form-data parser: what browsers send, the RFC 2046 corners (CRLF, padding, preamble,
 * epilogue, a boundary-like string in the data) and the malformed or oversized bodies it must refuse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define CT "multipart/form-data; boundary=XyZ"

static struct multipart parse_ok(const char *body, size_t len, const char *ct)
{
    struct multipart m;
    enum err e = multipart_parse(body, len, ct, &A, &m);
    if (e != OK) fail_msg("multipart_parse refused: %s", m.detail ? m.detail : "(no detail)");
    return m;
}

static void refused(const char *body, size_t len, const char *ct)
{
    struct multipart m;
    enum err e = multipart_parse(body, len, ct, &A, &m);
    if (e != ERR_BAD_REQUEST) fail_msg("accepted a malformed body: %.*s", (int)(len > 200 ? 200 : len), body);
    assert_non_null(m.detail);
    assert_int_equal(m.nfields + m.nfiles, 0);
}

#define S(lit) lit, sizeof lit - 1

static void test_multipart_reads_fields_and_files_as_browsers_send_them(void **state)
{
    (void)state;
    static const char body[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"csrf\"\r\n"
        "\r\n"
        "tok123\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"text\"\r\n"
        "\r\n"
        "已整改\r\n第二行\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"evidence\"; filename=\"照片 1.png\"\r\n"
        "Content-Type: image/png\r\n"
        "\r\n"
        "PNGDATA\r\n"
        "--XyZ--\r\n";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfields, 2);
    assert_string_equal(m.fields[0].key, "csrf");
    assert_string_equal(m.fields[0].value, "tok123");
    assert_string_equal(m.fields[1].key, "text");
    assert_string_equal(m.fields[1].value, "已整改\r\n第二行");
    assert_int_equal(m.nfiles, 1);
    assert_string_equal(m.files[0].name, "evidence");
    assert_string_equal(m.files[0].filename, "照片 1.png");
    assert_string_equal(m.files[0].content_type, "image/png");
    assert_int_equal(m.files[0].len, 7);
    /* No copy: the file's bytes are the body's. */
    assert_ptr_equal(m.files[0].data, strstr(body, "PNGDATA"));
}

static void test_multipart_takes_quoted_boundary_and_other_parameters(void **state)
{
    (void)state;
    static const char body[] = "--a b:c=d?\r\n"
                               "content-disposition: FORM-DATA; NAME=x\r\n"
                               "\r\n"
                               "1\r\n"
                               "--a b:c=d?--";
    struct multipart m = parse_ok(S(body), "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c=d?\"");
    assert_int_equal(m.nfields, 1);
    assert_string_equal(m.fields[0].key, "x");
    assert_string_equal(m.fields[0].value, "1");
}

static void test_multipart_refuses_bad_content_types(void **state)
{
    (void)state;
    static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--XyZ--\r\n";
    static const char *const bad[] = {
        NULL,
        "",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/mixed; boundary=XyZ",
        "application/x-www-form-urlencoded",
        "multipart/form-dataX; boundary=XyZ",
        "multipart/form-data; boundary=XyZ; boundary=XyZ",
        "multipart/form-data; boundary=\"XyZ",
        "multipart/form-data; boundary=\"a \"",
        "multipart/form-data; boundary=\"a\\\\b\"",
        "multipart/form-data; boundary=\"a<b\"",
        "multipart/form-data; boundary",
        "multipart/form-data; "
        "boundary=12345678901234567890123456789012345678901234567890123456789012345678901",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(S(body), bad[i]);
    /* 70 characters is the longest boundary allowed. */
    char b70[71], ct[128], big[256];
    memset(b70, 'b', 70);
    b70[70] = 0;
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", b70);
    int n = snprintf(big, sizeof big, "--%s\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--%s--",
                     b70, b70);
    assert_int_equal(parse_ok(big, (size_t)n, ct).nfields, 1);
}

static void test_multipart_handles_crlf_corners(void **state)
{
    (void)state;
    /* Data ending in CR or LF keeps it; a part may end right after its headers; padding after a boundary. */
    static const char body[] = "--XyZ  \t\r\n"
                               "Content-Disposition: form-data; name=a\r\n"
                               "\r\n"
                               "x\r\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=b\r\n"
                               "\r\n"
                               "\n\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=c\r\n"
                               "\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=d\r\n"
                               "\r\n"
                               "\r\n"
                               "--XyZ-- \r\n";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfields, 4);
    assert_string_equal(m.fields[0].value, "x\r");
    assert_string_equal(m.fields[1].value, "\n");
    assert_string_equal(m.fields[2].value, "");
    assert_string_equal(m.fields[3].value, "");

    /* Bare LF line ends (a hand-written body), a bare CR in a header, no CRLF after the boundary. */
    refused(S("--XyZ\nContent-Disposition: form-data; name=a\n\nx\n--XyZ--\n"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\n\r\nx\r\n--XyZ--\r\n"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data;\r name=a\r\n\r\nx\r\n--XyZ--\r\n"), CT);
    refused(S("--XyZ Content-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ--\r\n"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ--trailing\r\n"), CT);
}

static void test_multipart_refuses_missing_final_boundary(void **state)
{
    (void)state;
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ\r\n"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ-"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a\r\n"), CT);
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=a"), CT);
    refused(S("--XyZ\r\n"), CT);
    refused(S("--XyZ--\r\n"), CT); /* no part at all */
    refused(S(""), CT);
    refused(S("no boundary here"), CT);
}

static void test_multipart_keeps_boundary_lookalikes_in_data(void **state)
{
    (void)state;
    /* "--XyZ" not at the start of a line, or after a bare LF, is data. */
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=f; filename=a.bin\r\n"
                               "\r\n"
                               "a--XyZ\n--XyZ\r--XyZ\r\n-XyZ\r\n"
                               "--XyZ--";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfiles, 1);
    assert_int_equal(m.files[0].len, strlen("a--XyZ\n--XyZ\r--XyZ\r\n-XyZ"));
    assert_memory_equal(m.files[0].data, "a--XyZ\n--XyZ\r--XyZ\r\n-XyZ", m.files[0].len);
    /* A delimiter at the start of a line followed by more characters is a delimiter in the data (RFC 2046
     * forbids it), not data. */
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n--XyZW\r\n--XyZ--"), CT);
}

static void test_multipart_reads_an_empty_file(void **state)
{
    (void)state;
    /* What a browser sends for a file input left empty. */
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"evidence\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream\r\n"
                               "\r\n"
                               "\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"other\"; filename=\"e.txt\"\r\n"
                               "\r\n"
                               "\r\n"
                               "--XyZ--\r\n";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfiles, 2);
    assert_int_equal(m.nfields, 0);
    assert_string_equal(m.files[0].filename, "");
    assert_int_equal(m.files[0].len, 0);
    assert_string_equal(m.files[1].filename, "e.txt");
    assert_string_equal(m.files[1].content_type, "application/octet-stream"); /* the default */
    assert_int_equal(m.files[1].len, 0);
}

/* A body of n text parts named p0, p1, … */
static char *parts(int n, size_t *len)
{
    struct buf b = BUF_INIT;
    for (int i = 0; i < n; i++)
        buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"p%d\"\r\n\r\n%d\r\n", i, i);
    buf_printf(&b, "--XyZ--\r\n");
    *len = b.len;
    return b.p;
}

static void test_multipart_refuses_more_than_32_parts(void **state)
{
    (void)state;
    size_t len;
    char *body = parts(MULTIPART_MAX_PARTS, &len);
    struct multipart m = parse_ok(body, len, CT);
    assert_int_equal(m.nfields, 32);
    assert_string_equal(m.fields[31].key, "p31");
    assert_string_equal(m.fields[31].value, "31");
    free(body);
    body = parts(MULTIPART_MAX_PARTS + 1, &len);
    refused(body, len, CT);
    free(body);
}

/* A part whose Content-Disposition line is exactly n bytes (CRLF excluded). */
static char *long_header(size_t n, size_t *len)
{
    const char *head = "Content-Disposition: form-data; name=x; pad=";
    struct buf b = BUF_INIT;
    buf_printf(&b, "--XyZ\r\n%s", head);
    for (size_t i = strlen(head); i < n; i++)
        buf_add(&b, "a", 1);
    buf_printf(&b, "\r\n\r\nv\r\n--XyZ--\r\n");
    *len = b.len;
    return b.p;
}

static void test_multipart_refuses_header_lines_over_1_kib(void **state)
{
    (void)state;
    size_t len;
    char *body = long_header(MULTIPART_HEADER_MAX, &len);
    assert_int_equal(parse_ok(body, len, CT).nfields, 1);
    free(body);
    body = long_header(MULTIPART_HEADER_MAX + 1, &len);
    refused(body, len, CT);
    free(body);
    body = long_header(100000, &len);
    refused(body, len, CT);
    free(body);
    /* Too many header lines. */
    struct buf b = BUF_INIT;
    buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=x\r\n");
    for (int i = 0; i < 20; i++)
        buf_printf(&b, "X-Pad: %d\r\n", i);
    buf_printf(&b, "\r\nv\r\n--XyZ--\r\n");
    refused(b.p, b.len, CT);
    buf_free(&b);
}

static void test_multipart_keeps_binary_data_with_nul_bytes(void **state)
{
    (void)state;
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=f; filename=x.bin\r\n"
                               "\r\n"
                               "\x89PNG\0\0\r\n\0\xff\r\n"
                               "--XyZ--\r\n";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfiles, 1);
    assert_int_equal(m.files[0].len, 10);
    assert_memory_equal(m.files[0].data, "\x89PNG\0\0\r\n\0\xff", 10);
    /* A text field cannot hold NUL: it would end the C string the handlers see. */
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=t\r\n\r\na\0b\r\n--XyZ--\r\n"), CT);
    /* Nor may a header line. */
    refused(S("--XyZ\r\nContent-Disposition: form-data; name=t\0\r\n\r\nab\r\n--XyZ--\r\n"), CT);
}

static void test_multipart_ignores_preamble_and_epilogue(void **state)
{
    (void)state;
    static const char body[] = "This is the preamble, with a --XyZ not at the start of a line.\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=a\r\n"
                               "\r\n"
                               "1\r\n"
                               "--XyZ--\r\n"
                               "The epilogue, with a --XyZ\r\n--XyZ\r\nthat is ignored.";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfields, 1);
    assert_string_equal(m.fields[0].value, "1");
}

static void test_multipart_refuses_bad_part_headers(void **state)
{
    (void)state;
    static const char *const bad[] = {
        /* no Content-Disposition */
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n",
        /* not form-data, no name, empty name, duplicate name, duplicate header */
        "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; filename=a.png\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a; filename=x; filename=y\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n"
        "x\r\n--XyZ--\r\n",
        /* unterminated quote, junk after a value, a header without a colon, a folded header */
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"b\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--XyZ--\r\n",
        /* a name that is not UTF-8, a filename that is not either */
        "--XyZ\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a; filename=\"\xe4\xb8\"\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a; filename=\"\xc0\xaf\"\r\n\r\nx\r\n--XyZ--\r\n",
        /* encodings we would have to decode, an empty or repeated Content-Type */
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "eA==\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type:\r\n\r\nx\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: a/b\r\n\r\n"
        "x\r\n--XyZ--\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(bad[i], strlen(bad[i]), CT);
}

static void test_multipart_decodes_browser_escapes_in_names(void **state)
{
    (void)state;
    /* Browsers send '"' as %22 and keep backslashes; filename* is ignored; unknown headers are ignored. */
    static const char body[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"a%22b\"; filename=\"C:\\dir\\%0Ax.pdf\"; "
        "filename*=UTF-8''y.pdf\r\n"
        "X-Whatever: yes\r\n"
        "Content-Transfer-Encoding: binary\r\n"
        "\r\n"
        "%PDF\r\n"
        "--XyZ--\r\n";
    struct multipart m = parse_ok(S(body), CT);
    assert_int_equal(m.nfiles, 1);
    assert_string_equal(m.files[0].name, "a\"b");
    assert_string_equal(m.files[0].filename, "C:\\dir\\\nx.pdf");
    assert_int_equal(m.files[0].len, 4);
}

static void test_multipart_is_matches_the_media_type_only(void **state)
{
    (void)state;
    assert_true(multipart_is("multipart/form-data; boundary=x"));
    assert_true(multipart_is(" MULTIPART/FORM-DATA;boundary=x"));
    assert_true(multipart_is("multipart/form-data"));
    assert_false(multipart_is("multipart/form-datax"));
    assert_false(multipart_is("application/x-www-form-urlencoded"));
    assert_false(multipart_is(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_multipart_reads_fields_and_files_as_browsers_send_them, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_multipart_takes_quoted_boundary_and_other_parameters, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_bad_content_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_handles_crlf_corners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_missing_final_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_keeps_boundary_lookalikes_in_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_reads_an_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_more_than_32_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_header_lines_over_1_kib, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_keeps_binary_data_with_nul_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_ignores_preamble_and_epilogue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_bad_part_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_decodes_browser_escapes_in_names, setup, teardown),
        cmocka_unit_test(test_multipart_is_matches_the_media_type_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
