/* The module's pure rules: receipt numbers, verification codes (keyed MACs), month parsing and the
 * report's ratios. No I/O apart from reading the loaded keys. */
#include "auth/pii.h"
#include "core/clock.h"
#include "modules/reports/reports.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_MAC_BYTES 12
#define CODE_RAW_BYTES (8 + CODE_MAC_BYTES)

const char *receipt_number(struct arena *a, const char *filing_number, const char *district_code,
                           int64_t filed_on, int64_t filing_id)
{
    char district[16];
    int year, seq, used = 0;
    if (filing_number && sscanf(filing_number, "TY-%15[0-9]-%4d-%d%n", district, &year, &seq, &used) == 3 &&
        filing_number[used] == 0)
        return arena_printf(a, "备字〔%d〕%s-%04d号", year, district, seq);
    int y, m, d;
    days_to_date(filed_on, &y, &m, &d);
    return arena_printf(a, "备字〔%d〕%s-%04lld号", y, district_code ? district_code : "",
                        (long long)filing_id);
}

/* The MAC of a filing id under the receipts key. false without keys. */
static bool code_mac(const unsigned char id[8], unsigned char mac[CODE_MAC_BYTES])
{
    unsigned char key[32];
    if (!pii_derive_key("receipts", 1, key)) return false;
    crypto_generichash(mac, CODE_MAC_BYTES, id, 8, key, sizeof key);
    sodium_memzero(key, sizeof key);
    return true;
}

enum err receipt_code(struct arena *a, int64_t filing_id, const char **code)
{
    unsigned char raw[CODE_RAW_BYTES];
    uint64_t v = (uint64_t)filing_id;
    for (int i = 7; i >= 0; i--, v >>= 8)
        raw[i] = (unsigned char)(v & 0xff);
    if (!code_mac(raw, raw + 8)) return ERR_INTERNAL;
    size_t n = sodium_base64_ENCODED_LEN(CODE_RAW_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *s = arena_alloc(a, n);
    sodium_bin2base64(s, n, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    *code = s;
    return OK;
}

bool receipt_code_check(const char *code, int64_t *filing_id)
{
    unsigned char raw[CODE_RAW_BYTES], mac[CODE_MAC_BYTES];
    size_t bin = 0;
    const char *end = NULL;
    if (!code || strlen(code) !=
                     sodium_base64_ENCODED_LEN(CODE_RAW_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1)
        return false;
    if (sodium_base642bin(raw, sizeof raw, code, strlen(code), NULL, &bin, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        bin != sizeof raw || *end != 0)
        return false;
    if (!code_mac(raw, mac) || sodium_memcmp(mac, raw + 8, CODE_MAC_BYTES) != 0) return false;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | raw[i];
    if (v == 0 || v > INT64_MAX) return false;
    *filing_id = (int64_t)v;
    return true;
}

bool monthly_parse(const char *s, int *year, int *month)
{
    if (!s || strlen(s) != 7 || s[4] != '-') return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5);
    if (y < 2000 || y > 2999 || m < 1 || m > 12) return false;
    *year = y;
    *month = m;
    return true;
}

double monthly_per_1000(int64_t places, int64_t population)
{
    return population > 0 ? (double)places * 1000.0 / (double)population : -1;
}

double monthly_share(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)part / (double)whole : -1;
}
