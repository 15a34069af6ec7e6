/* The county assessment's pure rules: the indicator table (targets and default weights with where each comes
 * from), scores, weights, weighted totals, ranks and the scoreboard's JSON. No I/O. */
#include "modules/assessment/assessment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The indicators. Targets are the plan's where it names one; the rest, and every weight, are local settings
 * that the city may change per year (POST /api/v1/assessment/weights). "The plan" is 十堰市促进3岁以下婴幼儿
 * 照护服务发展实施方案 (/work/shared/seed/shiyan-under3-care-plan.txt). Weights sum to 100. */
const struct asm_rule asm_rules[AI__COUNT] = {
    [AI_PLACES] = {"places_per_1000", "每千人口托位数", "个/千人", 4.5, 20, 1000.0,
                   "国家“十四五”规划纲要：2025 年每千人口拥有 3 岁以下婴幼儿托位数 4.5 个（实施方案"
                   "“到2025年…基本形成…服务体系”所对应的全国目标；方案本身未写数字）",
                   "本地设置"},
    [AI_INCLUSIVE] =
        {"inclusive_share", "普惠托位占比", "", 0.5, 15, 1.0,
         "本地设置（实施方案 一(二)“政策引导、普惠优先”，二(三)1“坚持普惠优先原则”；方案未定比例）",
         "本地设置"},
    [AI_FILED] = {"filed_share", "登记机构备案率", "", 1.0, 15, 1.0,
                  "实施方案 二(三)3：机构经核准登记后，应及时向当地县级卫生健康部门备案（目标为全部备案）",
                  "本地设置"},
    [AI_INSPECTION] =
        {"inspection_coverage", "监督检查覆盖率", "", 1.0, 15, 1.0,
         "本地设置（实施方案 二(四)1 强化动态监督管理、三(三) 定期督导；每家已备案机构每年至少检查一次）",
         "本地设置"},
    [AI_RECTIFICATION] = {"rectification_on_time", "整改按期完成率", "", 1.0, 10, 1.0,
                          "本地设置（实施方案 二(四)2 加大对违法违规行为的查处力度；整改期限由检查人员下达）",
                          "本地设置"},
    [AI_COMPLAINTS] = {"complaints_on_time", "投诉按期答复率", "", 1.0, 10, 1.0,
                       "本地设置（投诉自受理起 15 个工作日内答复，见 cases_rules.c）", "本地设置"},
    [AI_DEMONSTRATION] =
        {"demonstration", "示范性托育机构", "家", 1.0, 5, 1.0,
         "实施方案 二(一)5：由各县市区主导在辖区内重点建设一家承担指导功能的普惠示范性婴幼儿照护"
         "服务试点机构（至少 1 家）",
         "本地设置"},
    [AI_TASKS] = {"task_progress", "任务与议定事项完成率", "", 1.0, 10, 1.0,
                  "本地设置（实施方案 三(一) 纳入目标责任考核；联席会议议定事项按期办结）", "本地设置"},
    [AI_GUIDANCE] =
        {"guidance_reach", "家庭科学育儿指导覆盖", "户/千人", 2.0, 0, 1000.0,
         "本地设置（实施方案 二(一)3 加强对婴幼儿家庭的科学照护指导；一 “到2021年底之前，各县市区普遍"
         "开展家庭科学育儿指导”；方案未定数量；默认权重 0，不计分，由市卫健委按年度设定）",
         "本地设置"},
};

int asm_indicator_from_code(const char *code)
{
    if (!code) return -1;
    for (int i = 0; i < AI__COUNT; i++)
        if (strcmp(asm_rules[i].code, code) == 0) return i;
    return -1;
}

double asm_value(int64_t num, int64_t den, double scale)
{
    return den > 0 ? (double)num * scale / (double)den : 0.0;
}

double asm_score(double value, double target)
{
    if (target <= 0) return 100.0;
    if (value <= 0) return 0.0;
    double s = value / target;
    return (s >= 1.0 ? 1.0 : s) * 100.0;
}

void asm_cell_compute(struct asm_cell *c, int ind, double target)
{
    if (c->den <= 0 || ind < 0 || ind >= AI__COUNT) {
        c->has_data = false;
        c->value = c->score = 0;
        return;
    }
    c->has_data = true;
    c->value = asm_value(c->num, c->den, asm_rules[ind].scale);
    c->score = asm_score(c->value, target);
}

bool asm_weights_check(const int64_t w[AI__COUNT], const bool given[AI__COUNT], struct field_errors *fe)
{
    int before = fe->n;
    int64_t sum = 0;
    bool all = true;
    for (int i = 0; i < AI__COUNT; i++) {
        char field[64];
        snprintf(field, sizeof field, "weights.%s", asm_rules[i].code);
        if (!given[i] && asm_rules[i].default_weight == 0) {
            continue; /* an indicator that does not count by default may be left out: weight 0 */
        } else if (!given[i]) {
            fe_add(fe, field, "缺少该指标的权重");
            all = false;
        } else if (w[i] < 0 || w[i] > 100) {
            fe_add(fe, field, "权重应为 0 到 100 的整数");
            all = false;
        } else {
            sum += w[i];
        }
    }
    if (all && sum != 100) fe_addf(fe, "weights", "权重之和应为 100（现为 %lld）", (long long)sum);
    return fe->n == before;
}

bool asm_weighted_total(const struct asm_cell c[AI__COUNT], const int64_t w[AI__COUNT], double *total)
{
    double num = 0;
    int64_t wsum = 0;
    for (int i = 0; i < AI__COUNT; i++) {
        if (!c[i].has_data || w[i] <= 0) continue;
        num += (double)w[i] * c[i].score;
        wsum += w[i];
    }
    if (wsum == 0) {
        *total = 0;
        return false;
    }
    *total = num / (double)wsum;
    return true;
}

double asm_round(double v, int places)
{
    static const double pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (places < 0) places = 0;
    if (places > 6) places = 6;
    /* The tiny nudge keeps 0.125 (stored as 0.12499999…) rounding the way a person expects. */
    double m = pow10[places];
    return v >= 0 ? floor(v * m + 0.5 + 1e-9) / m : -floor(-v * m + 0.5 + 1e-9) / m;
}

void asm_board_score(struct asm_board *b)
{
    for (int k = 0; k < b->n; k++) {
        struct asm_row *row = &b->rows[k];
        for (int i = 0; i < AI__COUNT; i++)
            asm_cell_compute(&row->c[i], i, b->targets[i]);
        double t = 0;
        row->has_total = asm_weighted_total(row->c, b->weights, &t);
        row->total = row->has_total ? asm_round(t, 2) : 0;
    }
    for (int k = 0; k < b->n; k++) {
        struct asm_row *row = &b->rows[k];
        row->rank = 0;
        if (!row->has_total) continue;
        int better = 0;
        for (int j = 0; j < b->n; j++)
            if (b->rows[j].has_total && b->rows[j].total > row->total) better++;
        row->rank = better + 1;
    }
}

const char *asm_records_url(struct arena *a, int ind, const char *district, const char *unit, int year)
{
    switch (ind) {
    case AI_PLACES:
    case AI_INCLUSIVE:
        return arena_printf(a, "/api/v1/institutions?district=%s&state=filed", district);
    case AI_FILED:
        return arena_printf(a, "/api/v1/institutions?district=%s", district);
    case AI_INSPECTION:
        return arena_printf(a,
                            "/api/v1/inspections?district=%s&status=completed&from=%04d-01-01&to=%04d-12-31",
                            district, year, year);
    case AI_RECTIFICATION:
        return arena_printf(a, "/api/v1/rectifications?district=%s", district);
    case AI_COMPLAINTS:
        return arena_printf(a, "/api/v1/complaints?district=%s", district);
    case AI_DEMONSTRATION:
        return arena_printf(a, "/api/v1/demonstrations?district=%s&status=designated", district);
    case AI_TASKS:
        return unit ? arena_printf(a, "/api/v1/task-reports?unit=%s", unit) : NULL;
    case AI_GUIDANCE:
        return arena_printf(a, "/api/v1/guidance/reach?year=%d", year);
    default:
        return NULL;
    }
}

static json_t *cell_json(const struct asm_board *b, const struct asm_row *row, int i, struct arena *a)
{
    const struct asm_cell *c = &row->c[i];
    const char *url = asm_records_url(a, i, row->district_code, row->unit_code, b->year);
    json_t *j = json_pack("{s:I, s:I, s:I, s:f, s:b}", "numerator", (json_int_t)c->num, "denominator",
                          (json_int_t)c->den, "weight", (json_int_t)b->weights[i], "target", b->targets[i],
                          "no_data", !c->has_data);
    json_object_set_new(j, "value", c->has_data ? json_real(asm_round(c->value, 4)) : json_null());
    json_object_set_new(j, "score", c->has_data ? json_real(asm_round(c->score, 2)) : json_null());
    json_object_set_new(j, "records", url ? json_string(url) : json_null());
    /* The resolutions the county owns are the other half of the task indicator. */
    if (i == AI_TASKS && row->unit_code)
        json_object_set_new(j, "records_also",
                            json_pack("[s]", arena_printf(a, "/api/v1/resolutions?unit=%s", row->unit_code)));
    return j;
}

json_t *asm_board_json(const struct asm_board *b, struct arena *a)
{
    json_t *inds = json_array(), *weights = json_object(), *targets = json_object();
    for (int i = 0; i < AI__COUNT; i++) {
        const struct asm_rule *ru = &asm_rules[i];
        json_array_append_new(inds, json_pack("{s:s, s:s, s:s, s:f, s:I, s:s, s:s}", "code", ru->code, "name",
                                              ru->name_zh, "unit", ru->unit_zh, "target", b->targets[i],
                                              "weight", (json_int_t)b->weights[i], "target_source",
                                              ru->target_source, "weight_source", ru->weight_source));
        json_object_set_new(weights, ru->code, json_integer(b->weights[i]));
        json_object_set_new(targets, ru->code, json_real(b->targets[i]));
    }
    json_t *rows = json_array();
    for (int k = 0; k < b->n; k++) {
        const struct asm_row *row = &b->rows[k];
        json_t *cells = json_object();
        for (int i = 0; i < AI__COUNT; i++)
            json_object_set_new(cells, asm_rules[i].code, cell_json(b, row, i, a));
        json_t *d = json_pack("{s:s, s:s, s:o}", "district_code", row->district_code, "district_name",
                              row->district_name, "indicators", cells);
        json_object_set_new(d, "population",
                            row->population >= 0 ? json_integer(row->population) : json_null());
        json_object_set_new(d, "total", row->has_total ? json_real(row->total) : json_null());
        json_object_set_new(d, "rank", row->rank > 0 ? json_integer(row->rank) : json_null());
        json_array_append_new(rows, d);
    }
    return json_pack(
        "{s:i, s:b, s:b, s:I, s:s, s:o, s:o, s:o, s:o}", "year", b->year, "frozen", 0, "configured",
        b->configured, "computed_at", (json_int_t)b->computed_at, "weighted_total_rule",
        "总分 = Σ(权重×得分) ÷ Σ(有数据指标的权重)：无数据的指标不计入，其余指标的权重按比例放大到 100",
        "weights", weights, "targets", targets, "indicators", inds, "districts", rows);
}
