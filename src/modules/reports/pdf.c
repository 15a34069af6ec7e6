/* The PDF writer (see pdf.h): cairo draws, pango lays text out, libqrencode makes the QR matrix. */
#include "modules/reports/pdf.h"

#include "core/buf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pdf {
    struct buf out;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
    double y;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    buf_add(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

struct pdf *pdf_begin(const char *title)
{
    struct pdf *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->surface = cairo_pdf_surface_create_for_stream(write_out, &p->out, PDF_A4_W, PDF_A4_H);
    if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) goto fail;
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "tuoyu");
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, "十堰市托育服务监管平台");
    p->cr = cairo_create(p->surface);
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) goto fail;
    p->layout = pango_cairo_create_layout(p->cr);
    if (!p->layout) goto fail;
    p->y = PDF_MARGIN;
    return p;
fail:
    pdf_free(p);
    return NULL;
}

void pdf_free(struct pdf *p)
{
    if (!p) return;
    if (p->layout) g_object_unref(p->layout);
    if (p->cr) cairo_destroy(p->cr);
    if (p->surface) cairo_surface_destroy(p->surface);
    buf_free(&p->out);
    free(p);
}

enum err pdf_finish(struct pdf *p, char **out, size_t *len)
{
    enum err e = OK;
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) e = ERR_INTERNAL;
    g_object_unref(p->layout);
    p->layout = NULL;
    cairo_destroy(p->cr);
    p->cr = NULL;
    cairo_surface_finish(p->surface); /* emits the last page and the trailer through write_out */
    cairo_status_t st = cairo_surface_status(p->surface);
    if (st == CAIRO_STATUS_NO_MEMORY)
        e = ERR_NOMEM;
    else if (st != CAIRO_STATUS_SUCCESS)
        e = ERR_INTERNAL;
    if (e == OK) *out = buf_steal(&p->out, len);
    pdf_free(p);
    return e;
}

double pdf_y(const struct pdf *p)
{
    return p->y;
}

void pdf_set_y(struct pdf *p, double y)
{
    p->y = y;
}

double pdf_content_width(void)
{
    return PDF_A4_W - 2 * PDF_MARGIN;
}

void pdf_new_page(struct pdf *p)
{
    cairo_show_page(p->cr);
    p->y = PDF_MARGIN;
}

bool pdf_need(struct pdf *p, double h)
{
    if (p->y + h <= PDF_A4_H - PDF_MARGIN || p->y <= PDF_MARGIN) return false;
    pdf_new_page(p);
    return true;
}

/* Prepare the shared layout for text at width in st. Font sizes are absolute (points in user space), so
 * the surface's nominal resolution does not scale them. */
static void layout_set(struct pdf *p, double width, const char *text, const struct pdf_style *st)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, st->serif ? PDF_FONT_SERIF : PDF_FONT_SANS);
    pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
    pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(p->layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(p->layout, st->align == PDF_CENTER  ? PANGO_ALIGN_CENTER
                                          : st->align == PDF_RIGHT ? PANGO_ALIGN_RIGHT
                                                                   : PANGO_ALIGN_LEFT);
    pango_layout_set_text(p->layout, text, -1);
}

double pdf_text_height(struct pdf *p, double width, const char *text, const struct pdf_style *st)
{
    if (!text || !*text) return 0;
    layout_set(p, width, text, st);
    int w, h;
    pango_layout_get_size(p->layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

double pdf_text_at(struct pdf *p, double x, double y, double width, const char *text,
                   const struct pdf_style *st)
{
    if (!text || !*text) return 0;
    double h = pdf_text_height(p, width, text, st);
    cairo_save(p->cr);
    cairo_set_source_rgb(p->cr, st->gray, st->gray, st->gray);
    cairo_move_to(p->cr, x, y);
    pango_cairo_update_layout(p->cr, p->layout);
    pango_cairo_show_layout(p->cr, p->layout);
    cairo_restore(p->cr);
    return h;
}

double pdf_text(struct pdf *p, const char *text, const struct pdf_style *st, double gap)
{
    double w = pdf_content_width();
    double h = pdf_text_height(p, w, text, st);
    pdf_need(p, h);
    pdf_text_at(p, PDF_MARGIN, p->y, w, text, st);
    p->y += h + gap;
    return h;
}

void pdf_rule(struct pdf *p, double width, double gap)
{
    pdf_need(p, width);
    cairo_save(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, width);
    cairo_move_to(p->cr, PDF_MARGIN, p->y + width / 2);
    cairo_line_to(p->cr, PDF_A4_W - PDF_MARGIN, p->y + width / 2);
    cairo_stroke(p->cr);
    cairo_restore(p->cr);
    p->y += width + gap;
}

#define CELL_PAD 3.0

/* The height of one table row: its tallest cell plus padding. */
static double row_height(struct pdf *p, int ncols, const double *widths, const char *const *cells,
                         const struct pdf_style *st)
{
    double h = st->size * 1.2;
    for (int c = 0; c < ncols; c++) {
        double t = pdf_text_height(p, widths[c] - 2 * CELL_PAD, cells[c], st);
        if (t > h) h = t;
    }
    return h + 2 * CELL_PAD;
}

/* Draw one row at the cursor with its cell borders; fill gray behind a header row. */
static void draw_row(struct pdf *p, int ncols, const double *widths, const enum pdf_align *align,
                     const char *const *cells, const struct pdf_style *base, double h, bool header)
{
    double x = PDF_MARGIN, total = 0;
    for (int c = 0; c < ncols; c++)
        total += widths[c];
    if (header) {
        cairo_save(p->cr);
        cairo_set_source_rgb(p->cr, 0.88, 0.88, 0.88);
        cairo_rectangle(p->cr, x, p->y, total, h);
        cairo_fill(p->cr);
        cairo_restore(p->cr);
    }
    for (int c = 0; c < ncols; c++) {
        struct pdf_style st = *base;
        st.align = header ? PDF_CENTER : align ? align[c] : PDF_LEFT;
        pdf_text_at(p, x + CELL_PAD, p->y + CELL_PAD, widths[c] - 2 * CELL_PAD, cells[c], &st);
        cairo_save(p->cr);
        cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
        cairo_set_line_width(p->cr, 0.5);
        cairo_rectangle(p->cr, x, p->y, widths[c], h);
        cairo_stroke(p->cr);
        cairo_restore(p->cr);
        x += widths[c];
    }
    p->y += h;
}

void pdf_table(struct pdf *p, int ncols, const double *widths, const enum pdf_align *align,
               const char *const *headers, const char *const *cells, int nrows, double size)
{
    struct pdf_style body = {.size = size};
    struct pdf_style head = {.size = size, .bold = true};
    double hh = row_height(p, ncols, widths, headers, &head);
    /* The header and at least one row stay together. */
    pdf_need(p, hh + (nrows > 0 ? row_height(p, ncols, widths, cells, &body) : 0));
    draw_row(p, ncols, widths, NULL, headers, &head, hh, true);
    for (int r = 0; r < nrows; r++) {
        const char *const *row = cells + (size_t)r * (size_t)ncols;
        double h = row_height(p, ncols, widths, row, &body);
        if (pdf_need(p, h)) draw_row(p, ncols, widths, NULL, headers, &head, hh, true);
        draw_row(p, ncols, widths, align, row, &body, h, false);
    }
}

void pdf_bar_chart(struct pdf *p, int n, const char *const *labels, const double *values, double target,
                   const char *target_label, double height)
{
    if (n <= 0) return;
    struct pdf_style small = {.size = 7, .align = PDF_CENTER};
    double label_h = 0, slot = (pdf_content_width() - 30) / n;
    for (int i = 0; i < n; i++) {
        double h = pdf_text_height(p, slot - 2, labels[i], &small);
        if (h > label_h) label_h = h;
    }
    pdf_need(p, height + label_h + 6);
    double x0 = PDF_MARGIN + 30, top = p->y + 10, bottom = p->y + height;
    double maxv = target > 0 ? target : 0;
    for (int i = 0; i < n; i++)
        if (values[i] > maxv) maxv = values[i];
    maxv = maxv > 0 ? maxv * 1.15 : 1;
    double scale = (bottom - top) / maxv;
    cairo_t *cr = p->cr;
    cairo_save(cr);
    /* Axes. */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, top - 5);
    cairo_line_to(cr, x0, bottom);
    cairo_line_to(cr, PDF_A4_W - PDF_MARGIN, bottom);
    cairo_stroke(cr);
    for (int i = 0; i < n; i++) {
        double v = values[i] > 0 ? values[i] : 0;
        double bx = x0 + i * slot + slot * 0.2, bw = slot * 0.6, bh = v * scale;
        if (target > 0 && v >= target)
            cairo_set_source_rgb(cr, 0.13, 0.42, 0.30);
        else
            cairo_set_source_rgb(cr, 0.55, 0.72, 0.85);
        cairo_rectangle(cr, bx, bottom - bh, bw, bh);
        cairo_fill(cr);
        char num[32];
        snprintf(num, sizeof num, "%.2f", values[i]);
        pdf_text_at(p, x0 + i * slot, bottom - bh - 10, slot, num, &small);
        pdf_text_at(p, x0 + i * slot + 1, bottom + 3, slot - 2, labels[i], &small);
    }
    if (target > 0) {
        double ty = bottom - target * scale;
        static const double dash[] = {4, 3};
        cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
        cairo_set_line_width(cr, 1);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, x0, ty);
        cairo_line_to(cr, PDF_A4_W - PDF_MARGIN, ty);
        cairo_stroke(cr);
        struct pdf_style tl = {.size = 7, .align = PDF_RIGHT, .gray = 0};
        pdf_text_at(p, x0, ty - 10, PDF_A4_W - PDF_MARGIN - x0, target_label, &tl);
    }
    cairo_restore(cr);
    p->y = bottom + label_h + 8;
}

enum err pdf_qr_modules(const char *text, unsigned char **modules, int *width)
{
    if (!text || !*text) return ERR_VALIDATION;
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return ERR_VALIDATION;
    size_t n = (size_t)q->width * (size_t)q->width;
    unsigned char *m = malloc(n);
    if (!m) {
        QRcode_free(q);
        return ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = q->data[i] & 1;
    *modules = m;
    *width = q->width;
    QRcode_free(q);
    return OK;
}

enum err pdf_qr(struct pdf *p, double x, double y, double size, const char *text)
{
    unsigned char *m;
    int w;
    enum err e = pdf_qr_modules(text, &m, &w);
    if (e != OK) return e;
    double mod = size / (w + 8); /* 4 modules of quiet zone each side */
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    /* Runs of dark modules as one rectangle each: no hairline seams between neighbours when rasterised. */
    for (int r = 0; r < w; r++)
        for (int c = 0; c < w;) {
            if (!m[r * w + c]) {
                c++;
                continue;
            }
            int start = c;
            while (c < w && m[r * w + c])
                c++;
            cairo_rectangle(cr, x + (4 + start) * mod, y + (4 + r) * mod, (c - start) * mod, mod);
        }
    cairo_fill(cr);
    cairo_restore(cr);
    free(m);
    return OK;
}
