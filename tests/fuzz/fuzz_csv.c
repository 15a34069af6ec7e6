/* libFuzzer harness for the CSV importer: csv_parse (src/modules/imports/csv.c: BOM, UTF-8 or GBK/GB18030
 * decoding, RFC 4180 quoting with line breaks) and, on what it parses, the onboarding row rules
 * (src/modules/imports/onboard_rules.c) the way onboard.c drives them: header → columns
 * (onboard_column_find on trimmed names), each row's trimmed cells → onboard_check_row.
 * Checks: the input is parsed from an exact-size buffer (ASan sees any read past it); a refusal gives a
 * reason; an acceptance gives an encoding of "utf-8" or "gbk", rows whose fields are non-NULL valid UTF-8,
 * start lines that begin at 1 and never go backwards; onboard_check_row returns true exactly when it added
 * no error, names each bad field at most once and only by a column's English key (or "row"), and a clean row
 * has its required cells. Run with scripts/fuzz.sh (seeds in tests/fuzz/corpus/csv, dictionary
 * tests/fuzz/csv.dict). */
#include "modules/imports/imports.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static bool utf8_ok(const unsigned char *p)
{
    while (*p) {
        unsigned c = *p;
        int n;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return false;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
        p += n + 1;
    }
    return true;
}

static bool known_field(const char *f)
{
    if (strcmp(f, "row") == 0) return true;
    for (int c = 0; c < OB__N; c++)
        if (strcmp(f, onboard_columns[c].en) == 0) return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *bytes = malloc(size ? size : 1);
    if (!bytes) return 0;
    memcpy(bytes, data, size);

    struct arena a;
    arena_init(&a, 0);
    struct csv csv;
    const char *why = NULL;
    if (!csv_parse(bytes, size, &a, &csv, &why)) {
        if (!why || !*why) abort();
        goto out;
    }
    if (!csv.encoding || (strcmp(csv.encoding, "utf-8") != 0 && strcmp(csv.encoding, "gbk") != 0)) abort();
    if (csv.nrows < 0) abort();
    for (int r = 0; r < csv.nrows; r++) {
        if (csv.nfields[r] < 1) abort();
        if (csv.line[r] < 1 || (r > 0 && csv.line[r] < csv.line[r - 1])) abort();
        for (int f = 0; f < csv.nfields[r]; f++)
            if (!csv.rows[r][f] || !utf8_ok((const unsigned char *)csv.rows[r][f])) abort();
    }
    if (csv.nrows < 2) goto out;

    /* The onboarding rules on each row, as onboard.c maps columns. */
    int nh = csv.nfields[0];
    int *colmap = arena_alloc(&a, (size_t)nh * sizeof *colmap);
    bool have[OB__N] = {0};
    for (int i = 0; i < nh; i++) {
        const char *name = onboard_trim(&a, csv.rows[0][i]);
        int col = *name ? onboard_column_find(name) : -1;
        if (col < -1 || col >= OB__N) abort();
        colmap[i] = col >= 0 && !have[col] ? col : -1;
        if (col >= 0) have[col] = true;
    }
    static const char *const districts[] = {"420302", "420303", "420304", "420322", "420323",
                                            "420324", "420325", "420381", "420391", "420392"};
    const int64_t today = 20795; /* 2026-12-07 */
    for (int r = 1; r < csv.nrows && r < 64; r++) {
        const char *cells[OB__N];
        for (int c = 0; c < OB__N; c++)
            cells[c] = "";
        for (int i = 0; i < csv.nfields[r] && i < nh; i++)
            if (colmap[i] >= 0) cells[colmap[i]] = onboard_trim(&a, csv.rows[r][i]);
        struct field_errors fe;
        fe_init(&fe, &a);
        struct onboard_row row;
        bool ok = onboard_check_row(cells, districts, 10, today, &a, &row, &fe);
        if (ok != (fe.n == 0)) abort();
        for (int i = 0; i < fe.n; i++) {
            if (!fe.items[i].field || !fe.items[i].message || !*fe.items[i].message) abort();
            if (!known_field(fe.items[i].field)) abort();
            for (int j = 0; j < i; j++)
                if (strcmp(fe.items[i].field, fe.items[j].field) == 0) abort();
        }
        if (ok)
            for (int c = 0; c < OB__N; c++)
                if (onboard_columns[c].required && !*cells[c]) abort();
    }
out:
    arena_free(&a);
    free(bytes);
    return 0;
}
