/* Open data (开放数据): the register of filed and closed institutions as CSV and JSON, and a page that
 * documents every field. Institutions only — no persons, no contacts, no attachments — so there is nothing to
 * mask. One query per download, written straight into one buffer (a few MB for 10,000 institutions). */
#include "modules/public/opendata.h"

#include "core/buf.h"
#include "core/clock.h"
#include "html/layout.h"
#include "modules/filing/filing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every field of an item, in CSV column order: name, type as the JSON has it, meaning. */
static const struct {
    const char *name, *type, *zh;
} od_fields[] = {
    {"id", "integer", "机构在本系统中的编号，长期不变"},
    {"name", "string", "机构名称（登记名称）"},
    {"uscc", "string", "统一社会信用代码（GB 32100，18 位）"},
    {"district_code", "string", "所在区县代码（GB/T 2260；两个功能区为本地代码 420391、420392）"},
    {"district_name", "string", "所在区县名称"},
    {"address", "string", "机构地址"},
    {"service_types", "array of string（CSV 中以分号 ; 分隔）",
     "服务类型：full_day 全日托，half_day 半日托，hourly 计时托，temporary 临时托"},
    {"inclusive", "boolean（CSV 中为 true / false）", "是否为普惠性托育机构"},
    {"places", "integer", "备案托位数"},
    {"filing_number", "string", "备案编号"},
    {"filed_on", "string，日期 YYYY-MM-DD（中国标准时间）", "备案日期"},
    {"state", "string", "状态：filed 已备案，closed 已注销"},
};
#define OD_NFIELDS ((int)(sizeof od_fields / sizeof od_fields[0]))

/* The top level of the JSON document. */
static const struct {
    const char *name, *type, *zh;
} od_top[] = {
    {"title", "string", "数据集名称"},
    {"licence", "string", "使用许可"},
    {"last_updated", "string，日期 YYYY-MM-DD", "数据集中机构信息最近一次变更的日期"},
    {"count", "integer", "机构数"},
    {"items", "array of object", "机构列表，字段见下表，按 id 升序"},
};

#define OD_WHERE                                                                                             \
    " FROM institutions i JOIN districts d ON d.code = i.district_code WHERE i.state IN ('filed', "          \
    "'closed') "

static enum err last_updated(struct db *db, int64_t *day)
{
    int64_t t = 0;
    enum err e = db_int_query(db, "SELECT COALESCE(MAX(i.updated_at), 0)" OD_WHERE, NULL, 0, &t);
    *day = t > 0 ? clock_day_of(t) : 0;
    return e;
}

/* Run the one query and call row() for each institution. */
struct od_row {
    int64_t id, places, filed_on;
    const char *name, *uscc, *district_code, *district_name, *address, *filing_number, *state;
    unsigned service_types;
    bool inclusive, has_filed_on;
};
typedef void (*od_row_fn)(const struct od_row *row, void *ctx);

static enum err each_institution(struct db *db, od_row_fn fn, void *ctx)
{
    struct db_rows *r = NULL;
    enum err e =
        db_query(db,
                 "SELECT i.id, i.name, i.uscc, i.district_code, d.name, i.address, i.service_types, "
                 "i.inclusive, i.places, i.filing_number, i.filed_on, i.state" OD_WHERE "ORDER BY i.id",
                 NULL, 0, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        struct od_row row = {
            .id = db_int(r, 0),
            .name = db_text(r, 1),
            .uscc = db_text(r, 2),
            .district_code = db_text(r, 3),
            .district_name = db_text(r, 4),
            .address = db_text(r, 5),
            .service_types = (unsigned)db_int(r, 6),
            .inclusive = db_int(r, 7) != 0,
            .places = db_int(r, 8),
            .filing_number = db_text(r, 9),
            .has_filed_on = !db_isnull(r, 10),
            .filed_on = db_isnull(r, 10) ? 0 : db_int(r, 10),
            .state = db_text(r, 11),
        };
        fn(&row, ctx);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

static void csv_row(const struct od_row *o, void *p)
{
    struct buf *b = p;
    char num[32], day[11];
    snprintf(num, sizeof num, "%lld", (long long)o->id);
    buf_csv_cell(b, num, false);
    buf_csv_cell(b, o->name, false);
    buf_csv_cell(b, o->uscc, false);
    buf_csv_cell(b, o->district_code, false);
    buf_csv_cell(b, o->district_name, false);
    buf_csv_cell(b, o->address, false);
    struct buf types = BUF_INIT;
    for (int t = 0; t < SVC__COUNT; t++)
        if (o->service_types & (1u << t)) {
            if (types.len) buf_addc(&types, ';');
            buf_adds(&types, service_type_names[t]);
        }
    buf_csv_cell(b, types.len ? types.p : "", false);
    buf_free(&types);
    buf_csv_cell(b, o->inclusive ? "true" : "false", false);
    snprintf(num, sizeof num, "%lld", (long long)o->places);
    buf_csv_cell(b, num, false);
    buf_csv_cell(b, o->filing_number, false);
    buf_csv_cell(b, o->has_filed_on ? date_format(o->filed_on, day) : "", false);
    buf_csv_cell(b, o->state, true);
}

enum err opendata_csv(struct req *r, struct resp *out)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "\xEF\xBB\xBF"); /* BOM: spreadsheet programs then read UTF-8 */
    for (int i = 0; i < OD_NFIELDS; i++)
        buf_csv_cell(&b, od_fields[i].name, i == OD_NFIELDS - 1);
    enum err e = each_institution(r->db, csv_row, &b);
    if (e != OK) {
        buf_free(&b);
        return e;
    }
    out->status = 200;
    out->body = buf_steal(&b, &out->len);
    out->content_type = "text/csv; charset=utf-8";
    resp_header(r, out, "Content-Disposition", "attachment; filename=\"shiyan-childcare-institutions.csv\"");
    return OK;
}

struct json_ctx {
    struct buf *b;
    int64_t count;
};

static void json_row(const struct od_row *o, void *p)
{
    struct json_ctx *c = p;
    char day[11];
    json_t *types = json_array();
    for (int t = 0; t < SVC__COUNT; t++)
        if (o->service_types & (1u << t)) json_array_append_new(types, json_string(service_type_names[t]));
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:I, s:s?, s:s?, s:s}", "id", (json_int_t)o->id, "name",
        o->name ? o->name : "", "uscc", o->uscc ? o->uscc : "", "district_code",
        o->district_code ? o->district_code : "", "district_name", o->district_name ? o->district_name : "",
        "address", o->address ? o->address : "", "service_types", types, "inclusive", o->inclusive, "places",
        (json_int_t)o->places, "filing_number", o->filing_number, "filed_on",
        o->has_filed_on ? date_format(o->filed_on, day) : NULL, "state", o->state ? o->state : "");
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!s) return;
    if (c->count++) buf_addc(c->b, ',');
    buf_adds(c->b, s);
    free(s);
}

enum err opendata_json(struct req *r, struct resp *out)
{
    int64_t day = 0;
    enum err e = last_updated(r->db, &day);
    if (e != OK) return e;
    struct buf items = BUF_INIT;
    struct json_ctx c = {&items, 0};
    e = each_institution(r->db, json_row, &c);
    if (e != OK) {
        buf_free(&items);
        return e;
    }
    /* The head through jansson (escaping), the items spliced in as already written. */
    char d[11];
    json_t *head = json_pack(
        "{s:s, s:s, s:o, s:I}", "title", "十堰市托育机构名录（已备案及已注销）", "licence", OD_LICENCE,
        "last_updated", day ? json_string(date_format(day, d)) : json_null(), "count", (json_int_t)c.count);
    char *hs = json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(head);
    struct buf b = BUF_INIT;
    buf_add(&b, hs, strlen(hs) - 1); /* without its closing brace */
    free(hs);
    buf_adds(&b, ",\"items\":[");
    buf_add(&b, items.p ? items.p : "", items.len);
    buf_adds(&b, "]}");
    buf_free(&items);
    out->status = 200;
    out->body = buf_steal(&b, &out->len);
    out->content_type = "application/json; charset=utf-8";
    return OK;
}

static void field_rows(struct html *h, const char *name, const char *type, const char *zh)
{
    html_lit(h, "<tr><th scope=\"row\"><code>");
    html_text(h, name);
    html_lit(h, "</code></th><td>");
    html_text(h, type);
    html_lit(h, "</td><td>");
    html_text(h, zh);
    html_lit(h, "</td></tr>\n");
}

enum err opendata_schema(struct req *r, struct resp *out)
{
    int64_t day = 0, count = 0;
    enum err e = last_updated(r->db, &day);
    if (e == OK) e = db_int_query(r->db, "SELECT COUNT(*)" OD_WHERE, NULL, 0, &count);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "开放数据");
    html_lit(
        &h, "<h1>开放数据：托育机构名录</h1>\n<p>十堰市已备案和已注销的托育机构名录，供公众和开发者下载使用。"
            "数据只含机构信息，不含任何个人信息（没有姓名、身份证号码或电话）。</p>\n<ul>\n"
            "<li><a href=\"/open-data/institutions.csv\">institutions.csv</a>（UTF-8，带 BOM，逗号分隔，"
            "RFC 4180 引号规则，首行为字段名）</li>\n"
            "<li><a href=\"/open-data/institutions.json\">institutions.json</a>（UTF-8 JSON）</li>\n</ul>\n"
            "<p>机构数：");
    html_int(&h, count);
    html_lit(&h, "；最近更新：");
    if (day)
        html_date(&h, day);
    else
        html_lit(&h, "—");
    html_lit(&h,
             "。</p>\n<h2 id=\"fields\">机构字段</h2>\n<p>CSV 的列与 JSON 中 <code>items</code> "
             "每个对象的字段相同，顺序如下。没有值的字段在 JSON 中为 null，在 CSV 中为空。</p>\n"
             "<div class=\"scroll\"><table aria-labelledby=\"fields\"><thead><tr><th scope=\"col\">字段</th>"
             "<th scope=\"col\">类型</th><th scope=\"col\">含义</th></tr></thead><tbody>\n");
    for (int i = 0; i < OD_NFIELDS; i++)
        field_rows(&h, od_fields[i].name, od_fields[i].type, od_fields[i].zh);
    html_lit(&h, "</tbody></table></div>\n<h2 id=\"top\">JSON 文档顶层字段</h2>\n"
                 "<div class=\"scroll\"><table aria-labelledby=\"top\"><thead><tr><th scope=\"col\">字段</th>"
                 "<th scope=\"col\">类型</th><th scope=\"col\">含义</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < sizeof od_top / sizeof od_top[0]; i++)
        field_rows(&h, od_top[i].name, od_top[i].type, od_top[i].zh);
    html_lit(
        &h,
        "</tbody></table></div>\n<h2 id=\"stats\">年度统计（分区县）</h2>\n<p>2021 "
        "年（实施方案印发）起每年每个"
        "区县一行，当年数字截至今日。</p>\n<ul>\n<li><a href=\"/open-data/statistics.csv\">statistics.csv</a>"
        "（UTF-8，带 BOM）</li>\n<li><a href=\"/open-data/statistics.json\">statistics.json</a>（UTF-8 "
        "JSON，顶层字段 title、licence、generated_on、count、items）</li>\n</ul>\n<div "
        "class=\"scroll\"><table "
        "aria-labelledby=\"stats\"><thead><tr><th scope=\"col\">字段</th><th scope=\"col\">类型</th>"
        "<th scope=\"col\">含义</th></tr></thead><tbody>\n");
    for (int i = 0; i < od_stats_nfields; i++)
        field_rows(&h, od_stats_fields[i].name, od_stats_fields[i].type, od_stats_fields[i].zh);
    html_lit(&h, "</tbody></table></div>\n<h2>许可</h2>\n<p>");
    html_text(&h, OD_LICENCE);
    html_lit(&h, "</p>\n");
    page_end(&h);
    return resp_html(r, out, 200, &h);
}
