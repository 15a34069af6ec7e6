/* Areas for the officials' dashboards: the drill-down province → prefecture (city) → county over the
 * GB/T 2260 codes of the districts (the first 2 digits name the province, the first 4 the prefecture), and a
 * lookup from a district code to its row. A national register has 1,641 county-level divisions: a table that
 * lists every one is not usable, so the pages show one level at a time. */
#include "html/html.h"
#include "json/jspec.h"
#include "modules/institution/inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GB/T 2260 province-level divisions. */
static const struct {
    const char *code, *name;
} provinces[] = {
    {"11", "北京市"},         {"12", "天津市"},         {"13", "河北省"},           {"14", "山西省"},
    {"15", "内蒙古自治区"},   {"21", "辽宁省"},         {"22", "吉林省"},           {"23", "黑龙江省"},
    {"31", "上海市"},         {"32", "江苏省"},         {"33", "浙江省"},           {"34", "安徽省"},
    {"35", "福建省"},         {"36", "江西省"},         {"37", "山东省"},           {"41", "河南省"},
    {"42", "湖北省"},         {"43", "湖南省"},         {"44", "广东省"},           {"45", "广西壮族自治区"},
    {"46", "海南省"},         {"50", "重庆市"},         {"51", "四川省"},           {"52", "贵州省"},
    {"53", "云南省"},         {"54", "西藏自治区"},     {"61", "陕西省"},           {"62", "甘肃省"},
    {"63", "青海省"},         {"64", "宁夏回族自治区"}, {"65", "新疆维吾尔自治区"}, {"71", "台湾省"},
    {"81", "香港特别行政区"}, {"82", "澳门特别行政区"}};

/* 湖北's prefecture-level divisions (the province of the 十堰 demo); others are named by code. */
static const struct {
    const char *code, *name;
} prefectures[] = {{"4201", "武汉市"},
                   {"4202", "黄石市"},
                   {"4203", "十堰市"},
                   {"4205", "宜昌市"},
                   {"4206", "襄阳市"},
                   {"4207", "鄂州市"},
                   {"4208", "荆门市"},
                   {"4209", "孝感市"},
                   {"4210", "荆州市"},
                   {"4211", "黄冈市"},
                   {"4212", "咸宁市"},
                   {"4213", "随州市"},
                   {"4228", "恩施土家族苗族自治州"},
                   {"4290", "省直辖县级行政单位"}};

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return s[n] == '\0';
}

static const char *province_name(const char *code)
{
    for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
        if (strncmp(provinces[i].code, code, 2) == 0) return provinces[i].name;
    return NULL;
}

/* The name of the prefecture or province a 2- or 4-digit key stands for (arena when composed). */
static const char *key_name(struct arena *a, const char *key)
{
    const char *p = province_name(key);
    if (strlen(key) == 2) return p ? p : arena_printf(a, "省级区划 %s", key);
    for (size_t i = 0; i < sizeof prefectures / sizeof prefectures[0]; i++)
        if (strcmp(prefectures[i].code, key) == 0) return prefectures[i].name;
    return arena_printf(a, "%s 地级区划 %s00", p ? p : "", key);
}

enum err area_from_req(struct req *r, char out[AREA_MAX])
{
    out[0] = '\0';
    const char *v = req_query(r, "area");
    if (v && !*v) v = NULL;
    if (v) {
        size_t n = strlen(v);
        if ((n != 2 && n != 4 && n != 6) || !all_digits(v, n)) {
            fe_add(&r->fe, "area", "地区代码应为 2 位（省）、4 位（地市）或 6 位（区县）数字");
            return OK;
        }
    }
    if (r->who && r->who->role == ROLE_COUNTY) {
        const char *own = r->who->district;
        /* Another county's area is not found, as for ?district= elsewhere. */
        if (!own || (v && strncmp(own, v, strlen(v)) != 0)) return ERR_NOT_FOUND;
        snprintf(out, AREA_MAX, "%s", own);
        return OK;
    }
    if (v) snprintf(out, AREA_MAX, "%s", v);
    return OK;
}

bool area_holds(const char *area, const char *code)
{
    size_t n = strlen(area);
    return n == 0 || (code && strncmp(code, area, n) == 0 && (n < 6 || code[n] == '\0'));
}

/* The key of code at level digits: its first 2 or 4 digits, or the code itself. Codes that are not 6 digits
 * (local codes) stand for themselves at every level. */
static void key_of(const char *code, int level, char key[AREA_MAX])
{
    size_t n = strlen(code);
    if (level >= 6 || n != 6 || !all_digits(code, 6))
        snprintf(key, AREA_MAX, "%s", code);
    else
        snprintf(key, AREA_MAX, "%.*s", level, code);
}

static int distinct_keys(const char *const *codes, int n, const char *area, int level, char first[AREA_MAX])
{
    int count = 0;
    first[0] = '\0';
    for (int i = 0; i < n && count < 2; i++) {
        if (!area_holds(area, codes[i])) continue;
        char k[AREA_MAX];
        key_of(codes[i], level, k);
        if (count == 0) {
            memcpy(first, k, AREA_MAX);
            count = 1;
        } else if (strcmp(first, k) != 0) {
            count = 2;
        }
    }
    return count;
}

enum err area_view_build(struct arena *a, const char *area, const void *rows, int n, size_t size,
                         size_t code_off, size_t name_off, struct area_view *out)
{
    memset(out, 0, sizeof *out);
    const char **codes = arena_alloc(a, sizeof *codes * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        codes[i] = *(const char *const *)((const char *)rows + (size_t)i * size + code_off);
    char cur[AREA_MAX];
    snprintf(cur, sizeof cur, "%s", area ? area : "");
    int level = (int)strlen(cur) + 2;
    if (level > 6) level = 6;
    /* Without an area, show the first level with more than one group: 31 provinces nationally, a city's
     * counties when every district is in one prefecture (the 十堰 demo, as before the drill-down). */
    out->nav = cur[0] != '\0';
    char first[AREA_MAX];
    int count = distinct_keys(codes, n, cur, level, first);
    if (count == 0 && cur[0]) return ERR_NOT_FOUND;
    if (count == 2 && !cur[0]) out->nav = true;
    while (count == 1 && level < 6 && strlen(first) == (size_t)level) {
        memcpy(cur, first, AREA_MAX);
        level += 2;
        count = distinct_keys(codes, n, cur, level, first);
    }
    out->area = arena_strdup(a, cur);
    out->level = level;
    out->group_of = arena_alloc(a, sizeof *out->group_of * (size_t)(n > 0 ? n : 1));
    out->groups = arena_zalloc(a, sizeof *out->groups * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        out->group_of[i] = -1;
        if (!area_holds(cur, codes[i])) continue;
        char k[AREA_MAX];
        key_of(codes[i], level, k);
        int g = out->ngroups - 1;
        /* Rows come in the reference order, where a group's districts are mostly together. */
        if (g < 0 || strcmp(out->groups[g].code, k) != 0)
            for (g = 0; g < out->ngroups && strcmp(out->groups[g].code, k) != 0; g++)
                ;
        if (g == out->ngroups) {
            struct area_group *gr = &out->groups[out->ngroups++];
            gr->code = arena_strdup(a, k);
            gr->name = strlen(k) == 6 || strlen(k) != (size_t)level
                           ? *(const char *const *)((const char *)rows + (size_t)i * size + name_off)
                           : key_name(a, k);
        }
        out->groups[g].nrows++;
        out->group_of[i] = g;
    }
    return OK;
}

void area_breadcrumb(struct html *h, struct arena *a, const struct area_view *v, const char *path)
{
    if (!v->nav) return;
    html_lit(h, "<nav class=\"breadcrumb\" aria-label=\"地区层级\"><a");
    html_attr(h, "href", path);
    html_lit(h, ">全国</a>");
    char key[AREA_MAX];
    size_t n = strlen(v->area);
    for (size_t l = 2; l <= n && l <= 6; l += 2) {
        snprintf(key, sizeof key, "%.*s", (int)l, v->area);
        html_lit(h, " › ");
        const char *name = l == 6 ? key : key_name(a, key);
        if (l == n) {
            html_lit(h, "<span aria-current=\"page\">");
            html_text(h, name);
            html_lit(h, "</span>");
        } else {
            html_lit(h, "<a href=\"");
            html_text(h, path);
            html_lit(h, "?area=");
            html_url(h, key);
            html_lit(h, "\">");
            html_text(h, name);
            html_lit(h, "</a>");
        }
    }
    html_lit(h, "</nav>\n");
}

void area_group_link(struct html *h, const struct area_view *v, const struct area_group *g, const char *path)
{
    if (v->level >= 6 || strlen(g->code) != (size_t)v->level) {
        html_text(h, g->name);
        return;
    }
    html_lit(h, "<a href=\"");
    html_text(h, path);
    html_lit(h, "?area=");
    html_url(h, g->code);
    html_lit(h, "\">");
    html_text(h, g->name);
    html_lit(h, "</a>");
}

/* ---- Code lookup --------------------------------------------------------------------------------------- */

struct code_entry {
    const char *code;
    int row;
};

static int cmp_entry(const void *x, const void *y)
{
    return strcmp(((const struct code_entry *)x)->code, ((const struct code_entry *)y)->code);
}

void code_map_build(struct code_map *m, struct arena *a, const void *rows, int n, size_t size,
                    size_t code_off)
{
    struct code_entry *e = arena_alloc(a, sizeof *e * (size_t)(n > 0 ? n : 1));
    int k = 0;
    for (int i = 0; i < n; i++) {
        const char *c = *(const char *const *)((const char *)rows + (size_t)i * size + code_off);
        if (!c) continue;
        e[k].code = c;
        e[k++].row = i;
    }
    qsort(e, (size_t)k, sizeof *e, cmp_entry);
    m->entries = e;
    m->n = k;
}

int code_map_find(const struct code_map *m, const char *code)
{
    if (!code) return -1;
    struct code_entry key = {code, 0};
    const struct code_entry *f = bsearch(&key, m->entries, (size_t)m->n, sizeof key, cmp_entry);
    return f ? f->row : -1;
}
