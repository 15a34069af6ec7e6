/* CSV as spreadsheets in China write it: UTF-8 with or without a BOM ("CSV UTF-8" in Excel) or GBK (Excel's
 * plain "CSV" on a Chinese Windows), then RFC 4180: commas, CRLF or LF, quoted fields with "" escapes and
 * embedded commas and line breaks. The limits keep one upload's parse bounded in time and memory. */
#include "modules/imports/imports.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#define CSV_MAX_DATA_ROWS 100000
#define CSV_MAX_FIELDS    64
#define CSV_MAX_FIELD     4096 /* bytes of UTF-8 */

/* Whether p[0..n) is well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else
            return false;
        if (n - i < len) return false;
        if (p[i + 1] < lo || p[i + 1] > hi) return false;
        for (size_t k = 2; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

/* GB18030 (a superset of GBK and GB2312) to UTF-8 into the arena. NULL when the bytes are not valid GB18030
 * either, or glibc has no converter. */
static char *gb18030_to_utf8(const char *in, size_t n, struct arena *a, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return NULL;
    /* Each GB18030 sequence of k bytes becomes at most 2k bytes of UTF-8 (1→1, 2→3, 4→4). */
    size_t cap = 2 * n + 4;
    char *out = arena_alloc(a, cap + 1);
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = cap;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    bool ok = rc != (size_t)-1 && il == 0;
    /* Flush any shift state (none for GB18030, but the interface asks for it). */
    if (ok) ok = iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1;
    iconv_close(cd);
    if (!ok) return NULL;
    *op = 0;
    *out_len = (size_t)(op - out);
    return out;
}

/* A growing array of row pointers in the arena (old copies are left behind: at most twice the final size). */
struct rows_acc {
    char ***rows;
    int *nfields;
    int *line;
    int n, cap;
};

static void rows_push(struct rows_acc *acc, struct arena *a, char **fields, int nf, int line)
{
    if (acc->n == acc->cap) {
        int cap = acc->cap ? acc->cap * 2 : 64;
        char ***rows = arena_alloc(a, (size_t)cap * sizeof *rows);
        int *nfields = arena_alloc(a, (size_t)cap * sizeof *nfields);
        int *lines = arena_alloc(a, (size_t)cap * sizeof *lines);
        if (acc->n) {
            memcpy(rows, acc->rows, (size_t)acc->n * sizeof *rows);
            memcpy(nfields, acc->nfields, (size_t)acc->n * sizeof *nfields);
            memcpy(lines, acc->line, (size_t)acc->n * sizeof *lines);
        }
        acc->rows = rows;
        acc->nfields = nfields;
        acc->line = lines;
        acc->cap = cap;
    }
    acc->line[acc->n] = line;
    char **copy = arena_alloc(a, (size_t)nf * sizeof *copy);
    memcpy(copy, fields, (size_t)nf * sizeof *copy);
    acc->rows[acc->n] = copy;
    acc->nfields[acc->n] = nf;
    acc->n++;
}

/* Parse text[0..n) (UTF-8, no BOM). On failure *why says what and acc holds the rows before the bad one. */
static bool parse_rfc4180(const char *text, size_t n, struct arena *a, struct rows_acc *acc, const char **why)
{
    const char *p = text, *end = text + n;
    char *fields[CSV_MAX_FIELDS];
    char field[CSV_MAX_FIELD + 1];
    /* Physical line of the record start (1-based): line breaks (CRLF, LF, lone CR) between lp and p. */
    const char *lp = text;
    int line = 1;
    while (p < end) {
        for (; lp < p; lp++)
            if (*lp == '\n' || (*lp == '\r' && (lp + 1 == end || lp[1] != '\n'))) line++;
        int nf = 0;
        for (;;) {
            size_t len = 0;
            if (p < end && *p == '"') {
                p++;
                for (;;) {
                    const char *q = memchr(p, '"', (size_t)(end - p));
                    if (!q) {
                        *why = "引号没有闭合（某个以 \" 开始的字段缺少结尾的 \"）";
                        return false;
                    }
                    size_t chunk = (size_t)(q - p);
                    if (len + chunk > CSV_MAX_FIELD) goto too_long;
                    memcpy(field + len, p, chunk);
                    len += chunk;
                    p = q + 1;
                    if (p < end && *p == '"') { /* "" stands for one quote */
                        if (len + 1 > CSV_MAX_FIELD) goto too_long;
                        field[len++] = '"';
                        p++;
                        continue;
                    }
                    break;
                }
                if (p < end && *p != ',' && *p != '\r' && *p != '\n') {
                    *why = "引号字段的结尾 \" 之后只能是逗号或换行";
                    return false;
                }
            } else {
                const char *q = p;
                while (q < end && *q != ',' && *q != '\r' && *q != '\n')
                    q++;
                len = (size_t)(q - p);
                if (len > CSV_MAX_FIELD) goto too_long;
                memcpy(field, p, len);
                p = q;
            }
            if (nf == CSV_MAX_FIELDS) {
                *why = "一行超过 64 列";
                return false;
            }
            fields[nf++] = arena_strndup(a, field, len);
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            /* End of the record: CRLF, LF, a lone CR, or the end of the text. */
            if (p < end && *p == '\r') p++;
            if (p < end && *p == '\n') p++;
            break;
        }
        bool blank = nf == 1 && fields[0][0] == 0;
        if (acc->n > CSV_MAX_DATA_ROWS) { /* header + the most data rows already read */
            if (blank) continue;          /* blank lines after the last row */
            *why = "数据行超过 100000 行，请分成几个文件导入";
            return false;
        }
        rows_push(acc, a, fields, nf, line);
    }
    /* Blank lines at the end (a final line break, or a few more) are not records. */
    while (acc->n > 0 && acc->nfields[acc->n - 1] == 1 && acc->rows[acc->n - 1][0][0] == 0)
        acc->n--;
    return true;
too_long:
    *why = "某个字段超过 4096 字节";
    return false;
}

/* See imports.h. Everything *out points to lives in a. On failure out->nrows is the number of records read
 * before the bad one, i.e. the 0-based record (row) where the problem is, and out->rows holds those records;
 * on a decoding failure it is 0. Pure; linear in len. */
bool csv_parse(const char *bytes, size_t len, struct arena *a, struct csv *out, const char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    const unsigned char *u = (const unsigned char *)bytes;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        *why = "文件是 UTF-16 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”";
        return false;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        bytes += 3;
        len -= 3;
    }
    if (memchr(bytes, 0, len)) {
        *why = "文件含有空字节，不是 CSV 文本";
        return false;
    }
    const char *text = bytes;
    size_t n = len;
    out->encoding = "utf-8";
    if (!utf8_valid((const unsigned char *)bytes, len)) {
        out->encoding = "gbk";
        text = gb18030_to_utf8(bytes, len, a, &n);
        if (!text) {
            *why = "文件编码无法识别：既不是 UTF-8，也不是 GBK/GB18030";
            return false;
        }
    }
    struct rows_acc acc = {0};
    bool ok = parse_rfc4180(text, n, a, &acc, why);
    out->rows = acc.rows;
    out->nfields = acc.nfields;
    out->line = acc.line;
    out->nrows = acc.n;
    return ok;
}
