/* Charts drawn as SVG on the server (issue 7): bars against a target line, trend lines, a tile map of the
 * districts. Written through the escaping HTML writer; pure (no I/O). Each chart is a <figure class="pchart">
 * holding an <svg role="img"> with a <title> and a viewBox (so it scales to the width of a phone and prints),
 * followed by a compact <table class="chart-data"> with the same numbers for screen readers and print.
 * Values are fixed-point integers with c->decimals decimals (352 with 2 decimals is 3.52), so the numbers in
 * the chart, its data-value attributes and its table are the same digits. Owner: module planning. */
#ifndef TUOYU_SVG_H
#define TUOYU_SVG_H
#include "html/html.h"

#include <stdbool.h>
#include <stdint.h>

struct svg_chart {
    const char *id;    /* unique on the page ([a-z0-9-]): the title's and the table's ids derive from it */
    const char *title; /* the chart's <title> and the table's caption */
    const char *unit;  /* the values' unit, shown on the axis and in the table head ("每千人托位") */
    int decimals;      /* 0..3 */
    /* The table is visually hidden on screen (read by screen readers, printed): for long series whose
     * numbers would swamp the page. */
    bool table_screen_reader_only;
};

struct svg_bar {
    const char *label;
    int64_t value;
    bool known; /* false: no bar, "—" in the table */
};
/* Vertical bars, one per label, each a <rect class="bar" data-label data-value> whose height is
 * value × SVG_PLOT_H / the axis maximum (data-max on the <svg>), a value axis with ticks and, when
 * has_target, a dashed horizontal line at target labelled target_label. Labels and values borrowed. */
#define SVG_PLOT_H 220.0
void svg_bars(struct html *h, const struct svg_chart *c, const struct svg_bar *bars, int n, bool has_target,
              int64_t target, const char *target_label);

struct svg_series {
    const char *name;
    const int64_t *values; /* npoints of them */
};
/* One line per series over the labels (months), each a <polyline class="series" data-series> with a point
 * (<circle data-value>) per label, a legend and a value axis from 0. At most 6 series. */
void svg_lines(struct html *h, const struct svg_chart *c, const char *const *labels, int npoints,
               const struct svg_series *s, int nseries);

struct svg_tile {
    const char *code, *label;
    int64_t value;
    bool known;
};
/* The districts of 十堰 as a grid of tiles placed roughly as on the map (a fixed layout by district code;
 * unknown codes go to an extra row), each coloured by its value in at most 5 equal-interval classes between
 * the smallest and largest known values, with a legend; unknown values are grey. */
void svg_tilemap(struct html *h, const struct svg_chart *c, const struct svg_tile *t, int n);

/* The class (0..k-1) of v among k equal intervals of [lo, hi]; 0 when hi ≤ lo. Pure. */
int svg_class_of(int64_t v, int64_t lo, int64_t hi, int k);
/* The top of a value axis for a maximum m > 0: the smallest of 1, 2, 2.5, 5 × 10^k at or above m. 1 for m ≤
 * 0. */
double svg_axis_max(double m);

#endif
