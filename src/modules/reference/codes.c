/* GB 32100 (unified social credit code) and GB 11643 (resident ID number): check characters and validity.
 * Pure functions over NUL-terminated ASCII; no I/O, no allocation, no locale. */
#include "modules/reference/codes.h"

#include "core/arena.h"

#include <stddef.h>
#include <string.h>

const char *const legal_form_names[] = {"enterprise", "social_org", "public_institution", NULL};

/* GB 32100: 31 symbols, the digits and the upper-case letters without I O S V Z. */
static const char codes_uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int codes_uscc_weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Value of c in the USCC alphabet, or -1. Lower case is not accepted: the standard prints upper case only. */
static int codes_uscc_value(char c)
{
    if (c == '\0') return -1;
    const char *p = strchr(codes_uscc_alphabet, c);
    return p ? (int)(p - codes_uscc_alphabet) : -1;
}

/* The check character of the first 17 characters of a USCC, or 0 when one of them is not in the alphabet (or
 * the string is shorter than 17). first17 is borrowed; only its first 17 bytes are read. */
char uscc_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = codes_uscc_value(first17[i]);
        if (v < 0) return 0;
        sum += v * codes_uscc_weights[i];
    }
    return codes_uscc_alphabet[(31 - sum % 31) % 31];
}

/* Whether s is a valid USCC: exactly 18 characters of the alphabet, upper case, with the right check
 * character. NULL is invalid. */
bool uscc_valid(const char *s)
{
    if (!s || strlen(s) != 18) return false;
    char want = uscc_check_char(s);
    return want != 0 && s[17] == want;
}

/* Whether the USCC's first character (registration authority: 1 institutional organs, 5 civil affairs,
 * 9 market regulation) agrees with the legal form. Only the first character decides; the second (type within
 * the authority) varies too much between regions to refuse on. A NULL or empty code, or an unknown form,
 * never matches. */
bool uscc_matches_legal_form(const char *uscc, enum legal_form lf)
{
    if (!uscc) return false;
    switch (lf) {
    case LEGAL_ENTERPRISE:
        return uscc[0] == '9';
    case LEGAL_SOCIAL_ORG:
        return uscc[0] == '5';
    case LEGAL_PUBLIC_INSTITUTION:
        return uscc[0] == '1';
    default:
        return false;
    }
}

static const int codes_id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

/* The check character ('0'-'9' or 'X') of the first 17 digits of an ID number, or 0 when one of them is not
 * a digit (or the string is shorter than 17). first17 is borrowed; only its first 17 bytes are read. */
char idnum_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        char c = first17[i];
        if (c < '0' || c > '9') return 0;
        sum += (c - '0') * codes_id_weights[i];
    }
    return "10X98765432"[sum % 11];
}

static bool codes_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Whether the eight digits at p (YYYYMMDD, already known to be digits) name a real Gregorian date. Years
 * before 1800 are refused: nobody alive was born then, and year 0000 is not a date at all. */
static bool codes_is_real_date(const char *p)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    int m = (p[4] - '0') * 10 + (p[5] - '0');
    int d = (p[6] - '0') * 10 + (p[7] - '0');
    if (y < 1800 || m < 1 || m > 12 || d < 1) return false;
    int last = mdays[m - 1] + (m == 2 && codes_is_leap(y) ? 1 : 0);
    return d <= last;
}

/* Whether s is a valid resident ID number: 18 characters, 17 digits, the right check character ('X' upper
 * case only), and digits 7–14 a real date from 1800 on. NULL is invalid. Does not judge the area code or
 * whether the birth date lies in the future (that needs a clock). */
bool idnum_valid(const char *s)
{
    if (!s || strlen(s) != 18) return false;
    char want = idnum_check_char(s);
    if (want == 0 || s[17] != want) return false;
    return codes_is_real_date(s + 6);
}

char *idnum_normalize(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    for (char *p = out; *p; p++)
        if (*p == 'x') *p = 'X';
    return out;
}
