/* Planning rules: places needed at a target per 1,000 residents (exact integer arithmetic on targets held in
 * thousandths), the gap, ratios, validation of population entries, and the projection of children under
 * three from births. Pure: no I/O. */
#include "modules/planning/planning.h"

#include <string.h>

int64_t plan_needed(int64_t residents, int64_t target_milli)
{
    if (residents <= 0 || target_milli <= 0) return 0;
    /* residents ≤ 1e8 and target ≤ 1e5 in practice: the product stays far below INT64_MAX. */
    int64_t num = residents * target_milli;
    return (num + 999999) / 1000000;
}

int64_t plan_gap(int64_t needed, int64_t places)
{
    return needed > places ? needed - places : 0;
}

int64_t plan_per_1000_milli(int64_t places, int64_t residents)
{
    if (residents <= 0) return -1;
    if (places < 0) places = 0;
    return (places * 1000000 * 2 + residents) / (2 * residents);
}

int64_t plan_permille(int64_t part, int64_t whole)
{
    if (whole <= 0) return -1;
    if (part < 0) part = 0;
    return (part * 1000 * 2 + whole) / (2 * whole);
}

int64_t plan_vacancies(int64_t places, int64_t enrolled)
{
    return places > enrolled ? places - enrolled : 0;
}

bool plan_target_parse(const char *s, int64_t *milli)
{
    if (!s || !*s) return false;
    int64_t v = 0;
    int decimals = -1, digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || decimals >= 3 || v > PLAN_TARGET_MAX) return false;
        v = v * 10 + (*p - '0');
        digits++;
        if (decimals >= 0) decimals++;
    }
    if (!digits || decimals == 0) return false;
    for (int i = decimals < 0 ? 0 : decimals; i < 3; i++)
        v *= 10;
    if (v < 1 || v > PLAN_TARGET_MAX) return false;
    *milli = v;
    return true;
}

void plan_population_check(int64_t year, int64_t residents, int64_t births, const char *source,
                           struct field_errors *fe)
{
    if (year < PLAN_YEAR_MIN || year > PLAN_YEAR_MAX)
        fe_addf(fe, "year", "年份应在 %d 至 %d 之间", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
    if (residents < 1 || residents > PLAN_RESIDENTS_MAX)
        fe_addf(fe, "residents", "常住人口应为 1 至 %d 之间的整数", PLAN_RESIDENTS_MAX);
    else if (births > residents / 10)
        fe_add(fe, "births", "出生人数不应超过常住人口的十分之一");
    if (births < -1) fe_add(fe, "births", "出生人数不能为负数");
    if (source && utf8_chars(source) > PLAN_SOURCE_MAX)
        fe_addf(fe, "source", "不能超过 %d 字", PLAN_SOURCE_MAX);
}

/* The mean yearly change of births over the last up to three intervals of the filled series b[0..n). */
static int64_t yearly_trend(const int64_t *b, int n)
{
    if (n < 2) return 0;
    int k = n - 1 < 3 ? n - 1 : 3;
    int64_t d = b[n - 1] - b[n - 1 - k];
    /* Round half away from zero so that a steady decline is not flattened by truncation. */
    return d >= 0 ? (2 * d + k) / (2 * k) : -((-2 * d + k) / (2 * k));
}

int plan_project(const int *years, const int64_t *births, int n, int last_year, struct plan_proj_year *out)
{
    if (n <= 0) return 0;
    int first = years[0], last_rec = years[n - 1];
    if (last_year < last_rec) last_year = last_rec;
    int count = last_year - first + 1;
    if (count > PLAN_PROJ_MAX) count = PLAN_PROJ_MAX;
    int64_t filled[PLAN_PROJ_MAX];
    int nfilled = 0; /* recorded span, gaps interpolated */
    for (int i = 0; i < count; i++) {
        int y = first + i;
        out[i].year = y;
        out[i].under_three = -1;
        if (y > last_rec) break;
        int j = 0;
        while (j < n && years[j] < y)
            j++;
        if (j < n && years[j] == y) {
            out[i].births = births[j];
            out[i].projected = false;
        } else { /* between years[j-1] and years[j] */
            int y0 = years[j - 1], y1 = years[j];
            int64_t b0 = births[j - 1], b1 = births[j];
            out[i].births = b0 + (b1 - b0) * (y - y0) / (y1 - y0);
            out[i].projected = true;
        }
        filled[nfilled++] = out[i].births;
    }
    int64_t step = yearly_trend(filled, nfilled);
    int64_t last_b = filled[nfilled - 1];
    for (int i = nfilled; i < count; i++) {
        int64_t b = last_b + step * (i - nfilled + 1);
        out[i].year = first + i;
        out[i].births = b > 0 ? b : 0;
        out[i].projected = true;
    }
    for (int i = 2; i < count; i++)
        out[i].under_three = out[i].births + out[i - 1].births + out[i - 2].births;
    return count;
}
