/* SVG charts on the server: bars with a target line, trend lines, the districts' tile map. Geometry is
 * computed in doubles and written with two decimals; every value, label and id goes through the escaping
 * writer. */
#include "html/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define VIEW_W   640.0
#define PLOT_L   56.0
#define PLOT_R   16.0
#define PLOT_TOP 28.0

static const char *const palette[5] = {"#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"};
static const char *const ink[5] = {"#08306b", "#08306b", "#08306b", "#ffffff", "#ffffff"};
static const char *const line_colours[6] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"};
static const char *const dashes[6] = {"", "6 3", "2 2", "8 2 2 2", "4 4", "1 3"};

double svg_axis_max(double m)
{
    if (!(m > 0)) return 1;
    double p = pow(10, floor(log10(m)));
    static const double steps[] = {1, 2, 2.5, 5, 10};
    for (int i = 0; i < 5; i++)
        if (steps[i] * p >= m * (1 - 1e-12)) return steps[i] * p;
    return 10 * p;
}

int svg_class_of(int64_t v, int64_t lo, int64_t hi, int k)
{
    if (k <= 1 || hi <= lo) return 0;
    if (v <= lo) return 0;
    if (v >= hi) return k - 1;
    int c = (int)((v - lo) * k / (hi - lo));
    return c >= k ? k - 1 : c;
}

/* v as a fixed-point decimal with d decimals into buf. */
static const char *fixed(char *buf, size_t n, int64_t v, int d)
{
    if (d < 0) d = 0;
    if (d > 3) d = 3;
    int64_t p = 1;
    for (int i = 0; i < d; i++)
        p *= 10;
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    if (d <= 0)
        snprintf(buf, n, "%s%llu", sign, (unsigned long long)a);
    else
        snprintf(buf, n, "%s%llu.%0*u", sign, (unsigned long long)(a / (uint64_t)p), d & 3,
                 (unsigned)(a % (uint64_t)p));
    return buf;
}

static double as_double(int64_t v, int d)
{
    double x = (double)v;
    for (int i = 0; i < d; i++)
        x /= 10;
    return x;
}

/* A number attribute: ` name="1.25"`. */
#define num_attr(h, name, v)                                                                                 \
    do {                                                                                                     \
        char b_[32];                                                                                         \
        snprintf(b_, sizeof b_, "%.2f", (double)(v));                                                        \
        html_attr(h, name, b_);                                                                              \
    } while (0)

static void id_attr(struct html *h, const char *id, const char *suffix)
{
    char b[96];
    snprintf(b, sizeof b, "%s-%s", id ? id : "chart", suffix);
    html_attr(h, "id", b);
}

static void open_figure(struct html *h, const struct svg_chart *c, double view_h, double data_max)
{
    char b[96];
    html_lit(h, "<figure class=\"pchart\"");
    id_attr(h, c->id, "fig");
    html_lit(h, ">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"pchart-svg\"");
    snprintf(b, sizeof b, "0 0 %.0f %.0f", VIEW_W, view_h);
    html_attr(h, "viewBox", b);
    html_attr(h, "aria-label", c->title);
    if (data_max > 0) {
        snprintf(b, sizeof b, "%.6g", data_max);
        html_attr(h, "data-max", b);
    }
    html_lit(h, " preserveAspectRatio=\"xMidYMid meet\">\n<title>");
    html_text(h, c->title);
    html_lit(h, "</title>\n");
}

static void close_svg(struct html *h)
{
    html_lit(h, "</svg>\n");
}

static void text_at(struct html *h, double x, double y, const char *anchor, const char *cls, const char *s)
{
    html_lit(h, "<text");
    num_attr(h, "x", x);
    num_attr(h, "y", y);
    html_attr(h, "text-anchor", anchor);
    if (cls) html_attr(h, "class", cls);
    html_lit(h, ">");
    html_text(h, s);
    html_lit(h, "</text>\n");
}

/* The number of divisions of a value axis topped at axis_max (1, 2, 2.5 or 5 × 10^k): steps of 1, 2 or 5 ×
 * 10^j, so every tick is a round number. */
static int divisions(double axis_max)
{
    double m = axis_max / pow(10, floor(log10(axis_max)));
    return m > 1.9 && m < 2.1 ? 4 : 5;
}

/* The value axis: round ticks from 0 to axis_max (in value units) over plot height ph from y0 (bottom). */
static void value_axis(struct html *h, double axis_max, double x0, double x1, double y0, double ph, int d)
{
    (void)d;
    int nd = divisions(axis_max);
    html_lit(h, "<g class=\"axis\">\n");
    for (int i = 0; i <= nd; i++) {
        double v = axis_max * i / nd, y = y0 - ph * i / nd;
        html_lit(h, "<line stroke=\"#ccc\" stroke-width=\"1\"");
        num_attr(h, "x1", x0);
        num_attr(h, "y1", y);
        num_attr(h, "x2", x1);
        num_attr(h, "y2", y);
        html_lit(h, "/>\n");
        char b[32];
        if (fabs(v - (double)llround(v)) < 1e-9) {
            snprintf(b, sizeof b, "%lld", (long long)llround(v));
        } else {
            snprintf(b, sizeof b, "%.2f", v);
            size_t n = strlen(b);
            while (n > 0 && b[n - 1] == '0')
                b[--n] = 0;
        }
        text_at(h, x0 - 6, y + 4, "end", "tick", b);
    }
    html_lit(h, "<line stroke=\"#333\" stroke-width=\"1\"");
    num_attr(h, "x1", x0);
    num_attr(h, "y1", y0);
    num_attr(h, "x2", x1);
    num_attr(h, "y2", y0);
    html_lit(h, "/>\n</g>\n");
}

static void table_open(struct html *h, const struct svg_chart *c)
{
    if (c->table_screen_reader_only)
        html_lit(h, "<div class=\"chart-table sr-table\"");
    else
        html_lit(h, "<div class=\"chart-table scroll\" role=\"region\" tabindex=\"0\"");
    html_attr(h, "aria-label", c->title);
    html_lit(h, "><table class=\"chart-data\"");
    id_attr(h, c->id, "data");
    html_lit(h, "><caption>");
    html_text(h, c->title);
    html_lit(h, "（数据）</caption>\n");
}

static void table_close(struct html *h)
{
    html_lit(h, "</table></div>\n</figure>\n");
}

static void cell_value(struct html *h, bool known, int64_t v, int d)
{
    char b[32];
    html_lit(h, "<td class=\"num\">");
    if (known)
        html_text(h, fixed(b, sizeof b, v, d));
    else
        html_lit(h, "—");
    html_lit(h, "</td>");
}

void svg_bars(struct html *h, const struct svg_chart *c, const struct svg_bar *bars, int n, bool has_target,
              int64_t target, const char *target_label)
{
    const double view_h = 276, ph = SVG_PLOT_H, y0 = PLOT_TOP + ph, x0 = PLOT_L, x1 = VIEW_W - PLOT_R;
    int d = c->decimals;
    double m = has_target ? as_double(target, d) : 0;
    for (int i = 0; i < n; i++)
        if (bars[i].known && as_double(bars[i].value, d) > m) m = as_double(bars[i].value, d);
    double axis_max = svg_axis_max(m);
    open_figure(h, c, view_h, axis_max);
    if (c->unit) text_at(h, 4, 16, "start", "unit", c->unit);
    value_axis(h, axis_max, x0, x1, y0, ph, d);
    double slot = n > 0 ? (x1 - x0) / n : x1 - x0, bw = slot * 0.62;
    char b[32];
    html_lit(h, "<g class=\"bars\">\n");
    for (int i = 0; i < n; i++) {
        double cx = x0 + slot * i + slot / 2;
        if (bars[i].known) {
            double v = as_double(bars[i].value, d), bh = v > 0 ? v * ph / axis_max : 0;
            bool below = has_target && bars[i].value < target;
            html_lit(h, "<rect");
            html_attr(h, "class", below ? "bar below" : "bar");
            html_attr(h, "data-label", bars[i].label);
            html_attr(h, "data-value", fixed(b, sizeof b, bars[i].value, d));
            num_attr(h, "x", cx - bw / 2);
            num_attr(h, "y", y0 - bh);
            num_attr(h, "width", bw);
            num_attr(h, "height", bh);
            html_attr(h, "fill", below ? "#6baed6" : "#2171b5");
            html_lit(h, "><title>");
            html_text(h, bars[i].label);
            html_lit(h, "：");
            html_text(h, b);
            html_lit(h, "</title></rect>\n");
            text_at(h, cx, y0 - bh - 4, "middle", "val", b);
        }
        text_at(h, cx, y0 + 16, "middle", "lbl", bars[i].label);
    }
    html_lit(h, "</g>\n");
    if (has_target) {
        double ty = y0 - as_double(target, d) * ph / axis_max;
        html_lit(h,
                 "<g class=\"target\"><line stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
        html_attr(h, "data-value", fixed(b, sizeof b, target, d));
        num_attr(h, "x1", x0);
        num_attr(h, "y1", ty);
        num_attr(h, "x2", x1);
        num_attr(h, "y2", ty);
        html_lit(h, "/>\n");
        /* The label goes above the plot, right-aligned with a sample of the line, clear of the bars. */
        char lab[160];
        snprintf(lab, sizeof lab, "%s %s", target_label ? target_label : "目标", b);
        text_at(h, x1, 16, "end", "target-label", lab);
        html_lit(h, "<line stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
        num_attr(h, "x1", x1 - 8.0 * (double)strlen(lab) * 0.62 - 34);
        num_attr(h, "y1", 12);
        num_attr(h, "x2", x1 - 8.0 * (double)strlen(lab) * 0.62 - 8);
        num_attr(h, "y2", 12);
        html_lit(h, "/>\n");
        html_lit(h, "</g>\n");
    }
    close_svg(h);
    table_open(h, c);
    html_lit(h, "<thead><tr><th scope=\"col\">项目</th><th scope=\"col\">");
    html_text(h, c->unit ? c->unit : "数值");
    html_lit(h, "</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, bars[i].label);
        html_lit(h, "</th>");
        cell_value(h, bars[i].known, bars[i].value, d);
        html_lit(h, "</tr>\n");
    }
    if (has_target) {
        html_lit(h, "<tr class=\"target-row\"><th scope=\"row\">");
        html_text(h, target_label ? target_label : "目标");
        html_lit(h, "</th>");
        cell_value(h, true, target, d);
        html_lit(h, "</tr>\n");
    }
    html_lit(h, "</tbody>\n");
    table_close(h);
}

void svg_lines(struct html *h, const struct svg_chart *c, const char *const *labels, int npoints,
               const struct svg_series *s, int nseries)
{
    if (nseries > 6) nseries = 6;
    const double view_h = 264, ph = 190, top = PLOT_TOP + 18, y0 = top + ph, x0 = PLOT_L,
                 x1 = VIEW_W - PLOT_R;
    int d = c->decimals;
    double m = 0;
    for (int k = 0; k < nseries; k++)
        for (int i = 0; i < npoints; i++)
            if (as_double(s[k].values[i], d) > m) m = as_double(s[k].values[i], d);
    double axis_max = svg_axis_max(m);
    open_figure(h, c, view_h, axis_max);
    if (c->unit) text_at(h, 4, 16, "start", "unit", c->unit);
    /* Legend: a short line sample and the series' name, left to right. */
    html_lit(h, "<g class=\"legend\">\n");
    double lx = x0;
    for (int k = 0; k < nseries; k++) {
        html_lit(h, "<line stroke-width=\"3\"");
        html_attr(h, "stroke", line_colours[k]);
        if (*dashes[k]) html_attr(h, "stroke-dasharray", dashes[k]);
        num_attr(h, "x1", lx);
        num_attr(h, "y1", PLOT_TOP + 2);
        num_attr(h, "x2", lx + 22);
        num_attr(h, "y2", PLOT_TOP + 2);
        html_lit(h, "/>\n");
        text_at(h, lx + 26, PLOT_TOP + 6, "start", "lgd", s[k].name);
        lx += 40 + 14.0 * (double)(s[k].name ? strlen(s[k].name) / 3 + 1 : 2);
    }
    html_lit(h, "</g>\n");
    value_axis(h, axis_max, x0, x1, y0, ph, d);
    double step = npoints > 1 ? (x1 - x0 - 12) / (npoints - 1) : 0;
    int every = npoints > 8 ? (npoints + 5) / 6 : 1;
    for (int i = 0; i < npoints; i++)
        if ((npoints - 1 - i) % every == 0)
            text_at(h, x0 + 6 + step * i + (i == npoints - 1 && npoints > 1 ? 6 : 0), y0 + 16,
                    i == npoints - 1 && npoints > 1 ? "end" : "middle", "lbl", labels[i]);
    char b[32];
    for (int k = 0; k < nseries; k++) {
        html_lit(h, "<g class=\"series\"");
        html_attr(h, "data-series", s[k].name);
        html_lit(h, ">\n<polyline fill=\"none\" stroke-width=\"2.5\"");
        html_attr(h, "stroke", line_colours[k]);
        if (*dashes[k]) html_attr(h, "stroke-dasharray", dashes[k]);
        html_lit(h, " points=\"");
        for (int i = 0; i < npoints; i++) {
            char p[48];
            snprintf(p, sizeof p, "%s%.2f,%.2f", i ? " " : "", x0 + 6 + step * i,
                     y0 - as_double(s[k].values[i], d) * ph / axis_max);
            html_text(h, p);
        }
        html_lit(h, "\"/>\n");
        for (int i = 0; i < npoints; i++) {
            html_lit(h, "<circle r=\"2.5\"");
            html_attr(h, "fill", line_colours[k]);
            num_attr(h, "cx", x0 + 6 + step * i);
            num_attr(h, "cy", y0 - as_double(s[k].values[i], d) * ph / axis_max);
            html_attr(h, "data-value", fixed(b, sizeof b, s[k].values[i], d));
            html_lit(h, "><title>");
            html_text(h, labels[i]);
            html_lit(h, " ");
            html_text(h, s[k].name);
            html_lit(h, "：");
            html_text(h, b);
            html_lit(h, "</title></circle>\n");
        }
        html_lit(h, "</g>\n");
    }
    close_svg(h);
    table_open(h, c);
    html_lit(h, "<thead><tr><th scope=\"col\">月份</th>");
    for (int k = 0; k < nseries; k++) {
        html_lit(h, "<th scope=\"col\">");
        html_text(h, s[k].name);
        html_lit(h, "</th>");
    }
    html_lit(h, "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < npoints; i++) {
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, labels[i]);
        html_lit(h, "</th>");
        for (int k = 0; k < nseries; k++)
            cell_value(h, true, s[k].values[i], d);
        html_lit(h, "</tr>\n");
    }
    html_lit(h, "</tbody>\n");
    table_close(h);
}

/* The fixed tile layout: column, row of each district of 十堰 (north up). */
static const struct {
    const char *code;
    int col, row;
} layout[] = {
    {"420322", 1, 0}, /* 郧西县 */
    {"420304", 2, 0}, /* 郧阳区 */
    {"420391", 3, 0}, /* 经开区 */
    {"420381", 4, 0}, /* 丹江口市 */
    {"420324", 0, 1}, /* 竹溪县 */
    {"420323", 1, 1}, /* 竹山县 */
    {"420303", 2, 1}, /* 张湾区 */
    {"420302", 3, 1}, /* 茅箭区 */
    {"420392", 4, 1}, /* 武当山特区 */
    {"420325", 2, 2}, /* 房县 */
};
#define TILE_W 116.0
#define TILE_H 64.0
#define TILE_X 30.0
#define TILE_Y 12.0

void svg_tilemap(struct html *h, const struct svg_chart *c, const struct svg_tile *t, int n)
{
    int d = c->decimals;
    int64_t lo = 0, hi = 0;
    int known = 0;
    for (int i = 0; i < n; i++)
        if (t[i].known) {
            if (!known || t[i].value < lo) lo = t[i].value;
            if (!known || t[i].value > hi) hi = t[i].value;
            known++;
        }
    int k = known < 5 ? known : 5;
    if (hi <= lo) k = 1;
    int extra = 0;
    for (int i = 0; i < n; i++) {
        bool placed = false;
        for (size_t j = 0; j < sizeof layout / sizeof layout[0]; j++)
            if (t[i].code && strcmp(layout[j].code, t[i].code) == 0) placed = true;
        if (!placed) extra++;
    }
    int rows = 3 + (extra + 4) / 5;
    double legend_y = TILE_Y + rows * (TILE_H + 6) + 14, view_h = legend_y + 44;
    open_figure(h, c, view_h, 0);
    char b[32];
    int next_extra = 0;
    for (int i = 0; i < n; i++) {
        int col = -1, row = -1;
        for (size_t j = 0; j < sizeof layout / sizeof layout[0]; j++)
            if (t[i].code && strcmp(layout[j].code, t[i].code) == 0) {
                col = layout[j].col;
                row = layout[j].row;
            }
        if (col < 0) {
            col = next_extra % 5;
            row = 3 + next_extra / 5;
            next_extra++;
        }
        int cls = t[i].known ? svg_class_of(t[i].value, lo, hi, k) : -1;
        /* With fewer classes than colours, spread them over the palette so they stay distinguishable. */
        int shade = cls < 0 ? -1 : (k <= 1 ? 2 : cls * 4 / (k - 1));
        double x = TILE_X + col * (TILE_W + 6), y = TILE_Y + row * (TILE_H + 6);
        html_lit(h, "<g class=\"tile\"");
        html_attr(h, "data-code", t[i].code);
        html_lit(h, "><rect rx=\"4\"");
        num_attr(h, "x", x);
        num_attr(h, "y", y);
        num_attr(h, "width", TILE_W);
        num_attr(h, "height", TILE_H);
        html_attr(h, "fill", shade < 0 ? "#e0e0e0" : palette[shade]);
        if (t[i].known) html_attr(h, "data-value", fixed(b, sizeof b, t[i].value, d));
        snprintf(b, sizeof b, "%d", cls);
        html_attr(h, "data-class", b);
        html_lit(h, "><title>");
        html_text(h, t[i].label);
        html_lit(h, "：");
        if (t[i].known)
            html_text(h, fixed(b, sizeof b, t[i].value, d));
        else
            html_lit(h, "无数据");
        html_lit(h, "</title></rect>\n<text");
        num_attr(h, "x", x + TILE_W / 2);
        num_attr(h, "y", y + 26);
        html_lit(h, " text-anchor=\"middle\" class=\"tile-name\"");
        html_attr(h, "fill", shade < 0 ? "#333333" : ink[shade]);
        html_lit(h, ">");
        html_text(h, t[i].label);
        html_lit(h, "</text>\n<text");
        num_attr(h, "x", x + TILE_W / 2);
        num_attr(h, "y", y + 48);
        html_lit(h, " text-anchor=\"middle\" class=\"tile-value\"");
        html_attr(h, "fill", shade < 0 ? "#333333" : ink[shade]);
        html_lit(h, ">");
        if (t[i].known)
            html_text(h, fixed(b, sizeof b, t[i].value, d));
        else
            html_lit(h, "无数据");
        html_lit(h, "</text></g>\n");
    }
    /* Legend: one swatch per class with its range, then the grey of unknown values. */
    html_lit(h, "<g class=\"legend\">\n");
    double lx = TILE_X;
    for (int i = 0; i < k; i++) {
        int shade = k <= 1 ? 2 : i * 4 / (k - 1);
        int64_t a = lo + (hi - lo) * i / k, z = k == 1 ? hi : lo + (hi - lo) * (i + 1) / k;
        html_lit(h, "<rect width=\"18\" height=\"14\" stroke=\"#999\"");
        num_attr(h, "x", lx);
        num_attr(h, "y", legend_y);
        html_attr(h, "fill", palette[shade]);
        html_lit(h, "/>\n");
        char r[80], a_s[32], z_s[32];
        snprintf(r, sizeof r, "%s–%s", fixed(a_s, sizeof a_s, a, d), fixed(z_s, sizeof z_s, z, d));
        text_at(h, lx + 22, legend_y + 12, "start", "lgd", r);
        lx += 100;
    }
    html_lit(h, "<rect width=\"18\" height=\"14\" stroke=\"#999\" fill=\"#e0e0e0\"");
    num_attr(h, "x", lx);
    num_attr(h, "y", legend_y);
    html_lit(h, "/>\n");
    text_at(h, lx + 22, legend_y + 12, "start", "lgd", "无数据");
    html_lit(h, "</g>\n");
    close_svg(h);
    table_open(h, c);
    html_lit(h, "<thead><tr><th scope=\"col\">区县</th><th scope=\"col\">");
    html_text(h, c->unit ? c->unit : "数值");
    html_lit(h, "</th><th scope=\"col\">分级（1 最低）</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        html_lit(h, "<tr><th scope=\"row\">");
        html_text(h, t[i].label);
        html_lit(h, "</th>");
        cell_value(h, t[i].known, t[i].value, d);
        html_lit(h, "<td class=\"num\">");
        if (t[i].known)
            html_int(h, svg_class_of(t[i].value, lo, hi, k) + 1);
        else
            html_lit(h, "—");
        html_lit(h, "</td></tr>\n");
    }
    html_lit(h, "</tbody>\n");
    table_close(h);
}
