/* JSON handlers of the county assessment. Officials read the scoreboard (county officials only their own
 * district's row, with its rank among all); the city and admins set a year's weights and freeze a year. A
 * frozen year is served from its snapshot, never recomputed. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/assessment/assessment.h"
#include "modules/institution/inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The current year in China time. */
static int this_year(void)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    return y;
}

/* A year in ASM_YEAR_MIN..ASM_YEAR_MAX from s (absent: dflt); a bad one adds a field error under key. */
static int parse_year(struct req *r, const char *key, const char *s, int dflt)
{
    int64_t y = dflt;
    if (!page_parse_int(s, ASM_YEAR_MIN, ASM_YEAR_MAX, dflt, &y))
        fe_addf(&r->fe, key, "年份应为 %d 到 %d 的整数", ASM_YEAR_MIN, ASM_YEAR_MAX);
    return (int)y;
}

/* The district a request is confined to: a county official's own (asking for another is 404), else the one
 * asked for (422 when unknown), else NULL for all. */
static enum err scope(struct req *r, const char **district)
{
    const char *asked = req_query(r, "district");
    if (asked && !*asked) asked = NULL;
    *district = NULL;
    if (r->who->role == ROLE_COUNTY) {
        if (asked && (!r->who->district || strcmp(asked, r->who->district) != 0)) return ERR_NOT_FOUND;
        *district = r->who->district;
        return OK;
    }
    if (asked) {
        const char *name;
        enum err e = district_name(r->db, r->a, asked, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "未知的区县");
        else if (e != OK)
            return e;
        *district = asked;
    }
    return OK;
}

/* Keep only district's row in a scoreboard's "districts" (nothing when district is NULL), and only the rows
 * of area ("" all). */
static void only_district(json_t *board, const char *district, const char *area)
{
    if (!district && !area[0]) return;
    json_t *rows = json_object_get(board, "districts"), *kept = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *code = json_string_value(json_object_get(row, "district_code"));
        if (code && (!district || strcmp(code, district) == 0) && area_holds(area, code))
            json_array_append(kept, row);
    }
    json_object_set_new(board, "districts", kept);
}

enum err assessment_api_get(struct req *r, struct resp *out)
{
    int year = parse_year(r, "year", req_query(r, "year"), this_year());
    const char *district;
    enum err e = scope(r, &district);
    if (e != OK) return e;
    char area[AREA_MAX];
    e = area_from_req(r, area);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    json_t *board;
    e = asm_scoreboard(r->db, r->a, year, &board);
    if (e != OK) return e;
    only_district(board, district, area);
    return resp_json(r, out, 200, board);
}

/* ---- Settings ------------------------------------------------------------------------------------------ */

struct settings_in {
    int64_t w[AI__COUNT];
    bool wgiven[AI__COUNT];
    double t[AI__COUNT];
    bool tgiven[AI__COUNT];
};

static void each_weights(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    (void)index;
    struct settings_in *in = ctx;
    const char *key;
    json_t *val;
    json_object_foreach (v, key, val) {
        int i = asm_indicator_from_code(key);
        char field[128];
        snprintf(field, sizeof field, "%s.%s", path, key);
        if (i < 0) {
            fe_add(fe, field, "未知的考核指标");
            continue;
        }
        in->wgiven[i] = true;
        if (!json_is_integer(val) || json_integer_value(val) < 0 || json_integer_value(val) > 100) {
            fe_add(fe, field, "权重应为 0 到 100 的整数");
            in->w[i] = -1;
        } else {
            in->w[i] = json_integer_value(val);
        }
    }
}

static void each_targets(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    (void)index;
    struct settings_in *in = ctx;
    const char *key;
    json_t *val;
    json_object_foreach (v, key, val) {
        int i = asm_indicator_from_code(key);
        char field[128];
        snprintf(field, sizeof field, "%s.%s", path, key);
        if (i < 0) {
            fe_add(fe, field, "未知的考核指标");
            continue;
        }
        /* Shares are fractions (0, 1]; places per 1,000 and the count of demonstrations up to 1000. */
        double max = asm_rules[i].scale == 1.0 && i != AI_DEMONSTRATION ? 1.0 : 1000.0;
        double t = json_is_number(val) ? json_number_value(val) : -1;
        if (!(t > 0 && t <= max)) {
            fe_addf(fe, field, "目标值应为大于 0、不超过 %g 的数", max);
            continue;
        }
        in->t[i] = t;
        in->tgiven[i] = true;
    }
}

static json_t *settings_json(int year, const int64_t w[AI__COUNT], const double t[AI__COUNT])
{
    json_t *weights = json_object(), *targets = json_object();
    for (int i = 0; i < AI__COUNT; i++) {
        json_object_set_new(weights, asm_rules[i].code, json_integer(w[i]));
        json_object_set_new(targets, asm_rules[i].code, json_real(t[i]));
    }
    return json_pack("{s:i, s:o, s:o}", "year", year, "weights", weights, "targets", targets);
}

enum err assessment_api_weights(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct settings_in in;
    memset(&in, 0, sizeof in);
    int64_t year = 0;
    bool weights_present = false;
    struct jspec spec[] = {
        JS_INT("year", &year, ASM_YEAR_MIN, ASM_YEAR_MAX),
        {.name = "weights", .type = JT_OBJECT, .each = each_weights, .ctx = &in, .present = &weights_present},
        {.name = "targets",
         .type = JT_OBJECT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .each = each_targets,
         .ctx = &in},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    /* Weights named but bad are reported above; the check adds the missing ones and the sum. */
    if (weights_present) {
        bool bad = false;
        for (int i = 0; i < AI__COUNT; i++)
            bad = bad || (in.wgiven[i] && in.w[i] < 0);
        if (!bad) {
            asm_weights_check(in.w, in.wgiven, &r->fe);
        } else {
            for (int i = 0; i < AI__COUNT; i++)
                if (!in.wgiven[i] && asm_rules[i].default_weight != 0)
                    fe_addf(&r->fe, "weights", "缺少指标 %s 的权重", asm_rules[i].code);
        }
    }
    if (r->fe.n) return ERR_VALIDATION;
    int64_t w[AI__COUNT];
    double t[AI__COUNT];
    bool configured;
    e = asm_settings_get(r->db, (int)year, w, t, &configured);
    if (e != OK) return e;
    for (int i = 0; i < AI__COUNT; i++) {
        w[i] = in.w[i];
        if (in.tgiven[i]) t[i] = in.t[i];
    }
    e = asm_settings_set(r->db, r->who, (int)year, w, t);
    if (e == ERR_STATE) r->error_detail = "该年度考核结果已冻结，不能再修改权重";
    if (e != OK) return e;
    return resp_json(r, out, 200, settings_json((int)year, w, t));
}

/* ---- Freezing and comparing ---------------------------------------------------------------------------- */

enum err assessment_api_freeze(struct req *r, struct resp *out)
{
    int64_t year = r->id[0];
    if (year < ASM_YEAR_MIN || year > ASM_YEAR_MAX)
        fe_addf(&r->fe, "year", "年份应为 %d 到 %d 的整数", ASM_YEAR_MIN, ASM_YEAR_MAX);
    else if (year > this_year())
        fe_add(&r->fe, "year", "不能冻结尚未开始的年度");
    if (r->fe.n) return ERR_VALIDATION;
    struct asm_board b;
    enum err e = asm_board_load(r->db, r->a, (int)year, &b);
    if (e != OK) return e;
    const char *text = json_text(r->a, asm_board_json(&b, r->a));
    if (!text) return ERR_NOMEM;
    e = asm_snapshot_put(r->db, r->who, (int)year, text);
    if (e == ERR_STATE) r->error_detail = "该年度考核结果已冻结";
    if (e != OK) return e;
    json_t *board;
    e = asm_scoreboard(r->db, r->a, (int)year, &board);
    if (e != OK) return e;
    return resp_json(r, out, 201, board);
}

#define COMPARE_MAX_YEARS 5

/* "2025,2026" into distinct years (2..COMPARE_MAX_YEARS); errors under "years". */
static int parse_years(struct req *r, int years[COMPARE_MAX_YEARS])
{
    const char *s = req_query(r, "years");
    if (!s || !*s) {
        fe_add(&r->fe, "years", "请给出要比较的年份，如 years=2025,2026");
        return 0;
    }
    int n = 0;
    bool bad = false;
    const char *p = s;
    while (*p && !bad) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char buf[8];
        int64_t y = 0;
        if (len == 0 || len >= sizeof buf) {
            bad = true;
            break;
        }
        memcpy(buf, p, len);
        buf[len] = 0;
        if (!page_parse_int(buf, ASM_YEAR_MIN, ASM_YEAR_MAX, 0, &y) || n == COMPARE_MAX_YEARS) {
            bad = true;
            break;
        }
        for (int i = 0; i < n; i++)
            if (years[i] == y) bad = true;
        years[n++] = (int)y;
        p = comma ? comma + 1 : p + len;
        if (comma && !*p) bad = true;
    }
    if (bad || n < 2) {
        fe_addf(&r->fe, "years", "应为 2 到 %d 个不重复的年份（%d–%d），以逗号分隔", COMPARE_MAX_YEARS,
                ASM_YEAR_MIN, ASM_YEAR_MAX);
        return 0;
    }
    return n;
}

enum err assessment_api_compare(struct req *r, struct resp *out)
{
    int years[COMPARE_MAX_YEARS];
    int n = parse_years(r, years);
    const char *district;
    enum err e = scope(r, &district);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    json_t *boards[COMPARE_MAX_YEARS] = {0};
    json_t *yl = json_array(), *rows = json_array();
    for (int k = 0; k < n && e == OK; k++) {
        e = asm_scoreboard(r->db, r->a, years[k], &boards[k]);
        if (e != OK) break;
        only_district(boards[k], district, "");
        json_t *y = json_pack("{s:i, s:O}", "year", years[k], "frozen", json_object_get(boards[k], "frozen"));
        json_object_set(y, "frozen_at",
                        json_object_get(boards[k], "frozen_at") ? json_object_get(boards[k], "frozen_at")
                                                                : json_null());
        json_object_set(y, "weights", json_object_get(boards[k], "weights"));
        json_array_append_new(yl, y);
    }
    if (e == OK) {
        /* Districts in the order of the first year's board; a district missing from a year shows null. */
        size_t i;
        json_t *row;
        json_array_foreach (json_object_get(boards[0], "districts"), i, row) {
            const char *code = json_string_value(json_object_get(row, "district_code"));
            json_t *per = json_array();
            json_t *first_total = NULL, *last_total = NULL;
            for (int k = 0; k < n; k++) {
                json_t *match = NULL, *x;
                size_t j;
                json_array_foreach (json_object_get(boards[k], "districts"), j, x) {
                    const char *c2 = json_string_value(json_object_get(x, "district_code"));
                    if (code && c2 && strcmp(code, c2) == 0) match = x;
                }
                json_t *scores = json_object();
                json_t *total = match ? json_object_get(match, "total") : NULL;
                if (match) {
                    const char *ind;
                    json_t *cell;
                    json_object_foreach (json_object_get(match, "indicators"), ind, cell)
                        json_object_set(scores, ind, json_object_get(cell, "score"));
                }
                json_array_append_new(per, json_pack("{s:i, s:O, s:O, s:o}", "year", years[k], "total",
                                                     total ? total : json_null(), "rank",
                                                     match && json_object_get(match, "rank")
                                                         ? json_object_get(match, "rank")
                                                         : json_null(),
                                                     "scores", scores));
                if (k == 0) first_total = total;
                if (k == n - 1) last_total = total;
            }
            json_t *d = json_pack("{s:O, s:O, s:o}", "district_code", json_object_get(row, "district_code"),
                                  "district_name", json_object_get(row, "district_name"), "years", per);
            json_object_set_new(
                d, "change",
                json_is_number(first_total) && json_is_number(last_total)
                    ? json_real(asm_round(json_number_value(last_total) - json_number_value(first_total), 2))
                    : json_null());
            json_array_append_new(rows, d);
        }
    }
    for (int k = 0; k < n; k++)
        json_decref(boards[k]);
    if (e != OK) {
        json_decref(yl);
        json_decref(rows);
        return e;
    }
    return resp_json(r, out, 200, json_pack("{s:o, s:o}", "years", yl, "districts", rows));
}
