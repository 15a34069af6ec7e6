/* A small PDF writer for the module's documents: cairo's PDF surface writing into a growable heap buffer, A4
 * pages measured in points (1 pt = 1/72 in), text laid out by pango with a CJK font from fontconfig ("Noto
 * Sans CJK SC", Debian's fonts-noto-cjk), tables with page breaks, rules, a bar chart and QR codes from
 * libqrencode, all vector. One struct pdf is one document, used by one thread. Owner: module reports. */
#ifndef TUOYU_PDF_H
#define TUOYU_PDF_H
#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>

#define PDF_A4_W   595.2756 /* 210 mm */
#define PDF_A4_H   841.8898 /* 297 mm */
#define PDF_MARGIN 56.6929  /* 20 mm */
#define PDF_MM     2.834646 /* points per millimetre */

#define PDF_FONT_SANS  "Noto Sans CJK SC"
#define PDF_FONT_SERIF "Noto Serif CJK SC"

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

/* How a block of text looks. size in points; serif picks PDF_FONT_SERIF (titles). */
struct pdf_style {
    double size;
    bool bold, serif;
    enum pdf_align align;
    double gray; /* 0 black … 1 white */
};

struct pdf; /* opaque */

/* Start a document of A4 pages with its metadata (title; creator "tuoyu"). title is copied. The cursor is
 * at the top margin of page 1. Returns NULL when cairo cannot make the surface (out of memory). Free with
 * pdf_finish (the bytes) or pdf_free (abandon). Does not block. */
struct pdf *pdf_begin(const char *title);
/* Abandon a document and free everything. NULL allowed. */
void pdf_free(struct pdf *p);
/* Finish the document: the PDF bytes go to *out (heap, caller frees with free()), *len their count; p is
 * freed in every case. ERR_INTERNAL when cairo reported an error while drawing (e.g. a missing font never
 * fails: fontconfig falls back), ERR_NOMEM when the buffer could not grow. */
enum err pdf_finish(struct pdf *p, char **out, size_t *len);

/* The cursor: the y (points from the page's top edge) where the next flowing block goes, and the width
 * between the margins. */
double pdf_y(const struct pdf *p);
void pdf_set_y(struct pdf *p, double y);
double pdf_content_width(void);
/* Start a new page; the cursor moves to its top margin. */
void pdf_new_page(struct pdf *p);
/* Start a new page unless h more points fit above the bottom margin. Returns true when it broke. */
bool pdf_need(struct pdf *p, double h);

/* Draw text (UTF-8; NULL draws nothing) wrapped at width points, its top-left at (x, y), in style st.
 * Returns the block's height in points. Does not move the cursor or break pages. */
double pdf_text_at(struct pdf *p, double x, double y, double width, const char *text,
                   const struct pdf_style *st);
/* The height text would take at width in st, without drawing. */
double pdf_text_height(struct pdf *p, double width, const char *text, const struct pdf_style *st);
/* Draw text between the margins at the cursor, breaking the page first when it does not fit, and move the
 * cursor below it plus gap points. Returns the block's height. */
double pdf_text(struct pdf *p, const char *text, const struct pdf_style *st, double gap);
/* A horizontal rule between the margins at the cursor, width points thick; the cursor moves below it plus
 * gap. */
void pdf_rule(struct pdf *p, double width, double gap);

/* A table at the cursor: ncols columns of widths[] points (their sum should not exceed
 * pdf_content_width()), a bold header row on a gray band, then nrows rows of cells (row-major, nrows * ncols
 * strings; NULL draws an empty cell). Cells wrap; numeric columns may be right-aligned with align (NULL: all
 * left). A row that does not fit goes to a new page, which repeats the header. size is the font size. The
 * cursor moves below the table. */
void pdf_table(struct pdf *p, int ncols, const double *widths, const enum pdf_align *align,
               const char *const *headers, const char *const *cells, int nrows, double size);

/* A vertical bar chart at the cursor, height points tall between the margins: one bar per label (values ≥
 * 0), a dashed target line labelled target_label at target (no line when target <= 0), value labels above
 * the bars, labels under them (wrapped). Bars at or above the target are drawn darker. The cursor moves
 * below the chart. */
void pdf_bar_chart(struct pdf *p, int n, const char *const *labels, const double *values, double target,
                   const char *target_label, double height);

/* The QR code of text (ECC level M, 8-bit mode) as filled rectangles with a 4-module quiet zone, the whole
 * symbol (quiet zone included) size points square with its top-left at (x, y). Returns ERR_VALIDATION when
 * text cannot be encoded (too long, empty), ERR_NOMEM. */
enum err pdf_qr(struct pdf *p, double x, double y, double size, const char *text);
/* The module matrix pdf_qr draws, for tests: *modules (heap, caller frees) holds width * width bytes, 1 for
 * a dark module, row-major, no quiet zone. Same errors as pdf_qr. Pure apart from allocation. */
enum err pdf_qr_modules(const char *text, unsigned char **modules, int *width);

#endif
