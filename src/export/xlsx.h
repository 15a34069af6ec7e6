/* XLSX workbooks through libxlsxwriter: rows given as JSON objects, columns declared once with a Chinese
 * header and a cell type, so every list of the API exports the same way (see export.h for the table of
 * exportable lists). Owner: src/export. */
#ifndef TUOYU_XLSX_H
#define TUOYU_XLSX_H
#include "core/err.h"

#include <jansson.h>
#include <stddef.h>

enum xlsx_kind {
    XK_TEXT,    /* a string (numbers are written as text too) */
    XK_INT,     /* an integer cell */
    XK_NUMBER,  /* a real number, two decimals shown */
    XK_FEN,     /* integer fen shown as yuan (0.00) */
    XK_PERCENT, /* a share 0..1 shown as 0.0% */
    XK_DAY,     /* integer days since 1970-01-01 (CST) or "YYYY-MM-DD" text, written as a date cell */
    XK_TIME,    /* integer seconds since the epoch, written as a CST date-time cell */
    XK_BOOL,    /* true/false or 0/1, written as 是/否 */
};

struct xlsx_col {
    const char *key;    /* the row object's member; "a.b" reads member b of object a */
    const char *header; /* the Chinese column header */
    enum xlsx_kind kind;
};

struct xlsx_sheet {
    const char *name;  /* the sheet's name (≤ 31 characters, no []:*?/\) */
    const char *title; /* optional first line above the header row (NULL: none) */
    const struct xlsx_col *cols;
    int ncols;
    json_t *rows; /* an array of objects; missing or null members give empty cells */
};

/* Writes a workbook holding nsheets sheets into a heap buffer (*out, caller frees with free(), *len bytes).
 * The header row is bold and frozen, columns are sized to their content. ERR_INTERNAL when libxlsxwriter
 * fails; ERR_VALIDATION never (bad cells are written as text). */
enum err xlsx_build(const struct xlsx_sheet *sheets, int nsheets, char **out, size_t *len);

#endif
