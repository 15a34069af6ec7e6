/* libFuzzer harness for the national identifier codes (src/modules/reference/codes.c): the unified social
 * credit code (GB 32100) and the resident ID number (GB 11643). The input, as a NUL-terminated string, goes
 * through every function, and the results are compared with independent reference implementations written
 * here from the standards (weights, alphabet, check character, calendar):
 *   - uscc_valid ⇔ 18 characters in the alphabet 0-9 A-H J-N P Q R T U W X Y with the right check character;
 *     uscc_check_char agrees with the reference on every 17-character prefix;
 *   - idnum_valid ⇔ 18 characters, 17 digits, the right check character (0-9 or upper-case X), and digits
 *     7–14 a real Gregorian date from the year 1800 on; idnum_check_char agrees with the reference;
 *   - the check functions stop at a NUL inside the first 17 bytes (ASan sees any read past it);
 *   - idnum_normalize keeps the length, changes only x to X, is idempotent and leaves a valid number alone;
 *   - uscc_matches_legal_form is true for at most one legal form; NULL is never valid.
 * Run with scripts/fuzz.sh (seeds in tests/fuzz/corpus/codes). */
#include "core/arena.h"
#include "modules/reference/codes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char uscc_alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int ref_uscc_value(char c)
{
    const char *p = c ? strchr(uscc_alpha, c) : NULL;
    return p ? (int)(p - uscc_alpha) : -1;
}

static char ref_uscc_check(const char *s)
{
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = ref_uscc_value(s[i]);
        if (v < 0) return 0;
        sum += v * w[i];
    }
    int c = 31 - sum % 31;
    return uscc_alpha[c == 31 ? 0 : c];
}

static char ref_id_check(const char *s)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        sum += (s[i] - '0') * w[i];
    }
    return "10X98765432"[sum % 11];
}

static bool ref_real_date(const char *p)
{
    int y = 0, m = 0, d = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + p[i] - '0';
    m = (p[4] - '0') * 10 + p[5] - '0';
    d = (p[6] - '0') * 10 + p[7] - '0';
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || m < 1 || m > 12 || d < 1) return false;
    int md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= md;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-size copies so ASan sees any read past the terminating NUL. */
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    size_t n = strlen(s);

    if (uscc_check_char(s) != ref_uscc_check(s)) abort();
    if (idnum_check_char(s) != ref_id_check(s)) abort();
    if (uscc_valid(NULL) || idnum_valid(NULL)) abort();

    bool uv = uscc_valid(s);
    bool uref = n == 18 && ref_uscc_check(s) != 0 && ref_uscc_check(s) == s[17];
    if (uv != uref) abort();
    int forms = 0;
    for (int lf = 0; lf < LEGAL__COUNT; lf++)
        forms += uscc_matches_legal_form(s, (enum legal_form)lf);
    if (forms > 1) abort();

    bool iv = idnum_valid(s);
    bool iref = n == 18 && ref_id_check(s) != 0 && ref_id_check(s) == s[17] && ref_real_date(s + 6);
    if (iv != iref) abort();

    struct arena a;
    arena_init(&a, 0);
    char *norm = idnum_normalize(&a, s);
    if (!norm || strlen(norm) != n) abort();
    for (size_t i = 0; i < n; i++)
        if (norm[i] != s[i] && !(s[i] == 'x' && norm[i] == 'X')) abort();
    char *again = idnum_normalize(&a, norm);
    if (strcmp(again, norm) != 0) abort();
    if (iv && strcmp(norm, s) != 0) abort(); /* a valid number is already normal */
    arena_free(&a);
    free(s);
    return 0;
}
