/* XLSX workbooks from JSON rows through libxlsxwriter. libxlsxwriter 1.1.4 (Debian 12) writes only to a file,
 * so the workbook goes to a private temporary file that is read back and removed. */
#include "export/xlsx.h"

#include "core/log.h"
#include "core/mem.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXCEL_EPOCH_1970 25569.0 /* the Excel serial number of 1970-01-01 */
#define CST_OFFSET       (8 * 3600)
#define COL_WIDTH_MIN    6.0
#define COL_WIDTH_MAX    60.0

struct formats {
    lxw_format *header, *title, *number, *fen, *percent, *day, *time;
};

/* The member of row named by key; "a.b" reads member b of object a. NULL when absent. */
static json_t *member(json_t *row, const char *key)
{
    const char *dot = strchr(key, '.');
    if (!dot) return json_object_get(row, key);
    char head[64];
    size_t n = (size_t)(dot - key);
    if (n >= sizeof head) return NULL;
    memcpy(head, key, n);
    head[n] = 0;
    json_t *inner = json_object_get(row, head);
    return json_is_object(inner) ? member(inner, dot + 1) : NULL;
}

/* The display width of a UTF-8 string in Excel's character units: wide (CJK) characters count two. */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            w += 1;
        else if (*p >= 0xc0)
            w += *p >= 0xe0 ? 2 : 1; /* lead byte: 3- and 4-byte sequences are wide */
    }
    return w;
}

/* "YYYY-MM-DD" → days since 1970-01-01, or false when s is not such a date. */
static bool parse_day(const char *s, double *days)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    /* days from civil (Howard Hinnant's algorithm) */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = (double)(era * 146097 + doe - 719468);
    return true;
}

/* Writes one cell; returns its display width. */
static double write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, json_t *v, enum xlsx_kind kind,
                         const struct formats *f)
{
    char buf[64];
    if (!v || json_is_null(v)) return 0;
    if (json_is_string(v) && kind != XK_TEXT && kind != XK_DAY) kind = XK_TEXT;
    switch (kind) {
    case XK_INT:
        if (json_is_integer(v)) {
            worksheet_write_number(ws, row, col, (double)json_integer_value(v), NULL);
            return (double)snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        }
        break;
    case XK_NUMBER:
    case XK_PERCENT:
        if (json_is_number(v)) {
            worksheet_write_number(ws, row, col, json_number_value(v),
                                   kind == XK_PERCENT ? f->percent : f->number);
            return 10;
        }
        break;
    case XK_FEN:
        if (json_is_integer(v)) {
            worksheet_write_number(ws, row, col, (double)json_integer_value(v) / 100.0, f->fen);
            return (double)snprintf(buf, sizeof buf, "%.2f", (double)json_integer_value(v) / 100.0) + 2;
        }
        break;
    case XK_DAY: {
        double days;
        if (json_is_integer(v))
            days = (double)json_integer_value(v);
        else if (!json_is_string(v) || !parse_day(json_string_value(v), &days))
            break;
        worksheet_write_number(ws, row, col, days + EXCEL_EPOCH_1970, f->day);
        return 11;
    }
    case XK_TIME:
        if (json_is_integer(v)) {
            double t = (double)(json_integer_value(v) + CST_OFFSET) / 86400.0 + EXCEL_EPOCH_1970;
            worksheet_write_number(ws, row, col, t, f->time);
            return 17;
        }
        break;
    case XK_BOOL:
        if (json_is_boolean(v) || json_is_integer(v)) {
            bool yes = json_is_boolean(v) ? json_is_true(v) : json_integer_value(v) != 0;
            worksheet_write_string(ws, row, col, yes ? "是" : "否", NULL);
            return 2;
        }
        break;
    case XK_TEXT:
        break;
    }
    /* Text, and any value of an unexpected type: written as text so nothing is lost. */
    if (json_is_string(v)) {
        worksheet_write_string(ws, row, col, json_string_value(v), NULL);
        return text_width(json_string_value(v));
    }
    char *dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!dump) return 0;
    worksheet_write_string(ws, row, col, dump, NULL);
    double w = text_width(dump);
    free(dump);
    return w;
}

/* A sheet name Excel accepts: at most 31 characters (counted as UTF-8 characters), none of []:*?/\ and
 * distinct from the earlier sheets (a suffix " (n)" otherwise). Writes into out. */
static void sheet_name(const char *want, int index, char *out, size_t cap, char used[][128], int nused)
{
    size_t o = 0;
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)(want && *want ? want : "Sheet");
         *p && chars < 28;) {
        size_t n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
        if (o + n + 1 >= cap) break;
        if (n == 1 && strchr("[]:*?/\\'", *p)) {
            out[o++] = '_';
            p++;
        } else {
            for (size_t i = 0; i < n && p[i]; i++)
                out[o++] = (char)p[i];
            p += n;
        }
        chars++;
    }
    out[o] = 0;
    for (int i = 0; i < nused; i++)
        if (strcmp(used[i], out) == 0) {
            snprintf(out + o, cap - o, "(%d)", index + 1);
            break;
        }
}

static void write_sheet(lxw_workbook *wb, const struct xlsx_sheet *s, int index, char used[][128],
                        const struct formats *f)
{
    char name[128];
    sheet_name(s->name, index, name, sizeof name, used, index);
    snprintf(used[index], 128, "%s", name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws) return;
    double *width = xcalloc((size_t)(s->ncols > 0 ? s->ncols : 1), sizeof *width);
    lxw_row_t r = 0;
    if (s->title) {
        worksheet_write_string(ws, r++, 0, s->title, f->title);
    }
    lxw_row_t header_row = r;
    for (int c = 0; c < s->ncols; c++) {
        worksheet_write_string(ws, r, (lxw_col_t)c, s->cols[c].header, f->header);
        width[c] = text_width(s->cols[c].header) + 2;
    }
    r++;
    size_t i;
    json_t *row;
    if (json_is_array(s->rows))
        json_array_foreach (s->rows, i, row) {
            if (!json_is_object(row)) continue;
            for (int c = 0; c < s->ncols; c++) {
                double w = write_cell(ws, r, (lxw_col_t)c, member(row, s->cols[c].key), s->cols[c].kind, f);
                if (w + 2 > width[c]) width[c] = w + 2;
            }
            r++;
        }
    for (int c = 0; c < s->ncols; c++) {
        double w = width[c] < COL_WIDTH_MIN   ? COL_WIDTH_MIN
                   : width[c] > COL_WIDTH_MAX ? COL_WIDTH_MAX
                                              : width[c];
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
    }
    if (s->ncols > 0)
        worksheet_autofilter(ws, header_row, 0, r > header_row + 1 ? r - 1 : header_row,
                             (lxw_col_t)(s->ncols - 1));
    worksheet_freeze_panes(ws, header_row + 1, 0);
    free(width);
}

static enum err read_file(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return ERR_IO;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || st.st_size < 0) {
        fclose(fp);
        return ERR_IO;
    }
    size_t n = (size_t)st.st_size;
    char *p = xmalloc(n ? n : 1);
    size_t got = fread(p, 1, n, fp);
    fclose(fp);
    if (got != n) {
        free(p);
        return ERR_IO;
    }
    *out = p;
    *len = n;
    return OK;
}

enum err xlsx_build(const struct xlsx_sheet *sheets, int nsheets, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/tuoyu-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        log_msg(LOG_ERROR, "xlsx: cannot create a temporary file: %s", strerror(errno));
        return ERR_IO;
    }
    close(fd);

    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        return ERR_INTERNAL;
    }
    struct formats f = {
        .header = workbook_add_format(wb),
        .title = workbook_add_format(wb),
        .number = workbook_add_format(wb),
        .fen = workbook_add_format(wb),
        .percent = workbook_add_format(wb),
        .day = workbook_add_format(wb),
        .time = workbook_add_format(wb),
    };
    format_set_bold(f.header);
    format_set_bg_color(f.header, 0xE8EEF4);
    format_set_border(f.header, LXW_BORDER_THIN);
    format_set_bold(f.title);
    format_set_font_size(f.title, 13);
    format_set_num_format(f.number, "0.00");
    format_set_num_format(f.fen, "#,##0.00");
    format_set_num_format(f.percent, "0.0%");
    format_set_num_format(f.day, "yyyy-mm-dd");
    format_set_num_format(f.time, "yyyy-mm-dd hh:mm");
    workbook_set_properties(wb, &(lxw_doc_properties){.title = "tuoyu", .company = "十堰市托育服务"});

    char(*used)[128] = xcalloc((size_t)(nsheets > 0 ? nsheets : 1), sizeof *used);
    for (int i = 0; i < nsheets; i++)
        write_sheet(wb, &sheets[i], i, used, &f);
    if (nsheets == 0) workbook_add_worksheet(wb, NULL);
    free(used);

    lxw_error rc = workbook_close(wb);
    enum err e = OK;
    if (rc != LXW_NO_ERROR) {
        log_msg(LOG_ERROR, "xlsx: %s", lxw_strerror(rc));
        e = ERR_INTERNAL;
    } else {
        e = read_file(path, out, len);
    }
    unlink(path);
    return e;
}
