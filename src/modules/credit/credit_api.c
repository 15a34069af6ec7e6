/* JSON handlers of institutions' credit records. Officials read their territory (county officials their own
 * district); admin, city and county officials record and revoke; the public sees records in force only. The
 * export for the credit platforms (信用中国/信用湖北) is institution data only: name, USCC, kind, decision,
 * authority and dates — never a person. */
#include "core/buf.h"
#include "core/clock.h"
#include "modules/credit/credit.h"
#include "modules/institution/inst.h"

#include <stdlib.h>
#include <string.h>

#define CREDIT_PER_PAGE 50

/* The query parameter key as a whole number 1..max into *out: untouched when absent or empty, msg into r->fe
 * when bad. */
static void query_int(struct req *r, const char *key, int64_t max, const char *msg, int64_t *out)
{
    const char *s = req_query(r, key);
    if (!s || !*s) return;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 1 || v > max)
        fe_add(&r->fe, key, msg);
    else
        *out = v;
}

/* Parse the list and export filters of the query into f (county officials are confined to their district).
 * Bad values go into r->fe; returns false when there were any. */
static bool parse_filter(struct req *r, struct credit_filter *f)
{
    memset(f, 0, sizeof *f);
    f->kind = -1;
    f->in_force = -1;
    f->page = 1;
    f->per_page = CREDIT_PER_PAGE;
    const char *s = req_query(r, "in_force");
    if (s && *s) {
        if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
            f->in_force = 1;
        else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
            f->in_force = 0;
        else
            fe_add(&r->fe, "in_force", "应为 1 或 0");
    }
    s = req_query(r, "kind");
    if (s && *s && (f->kind = credit_index(credit_kind_names, s)) < 0)
        fe_add(&r->fe, "kind",
               "应为 operating_unfiled、serious_violation、repeated_violation、abuse、fraud 或 other");
    s = req_query(r, "district");
    if (s && *s) {
        const char *name = NULL;
        enum err e = district_name(r->db, r->a, s, &name);
        if (e == OK)
            f->district = s;
        else
            fe_add(&r->fe, "district", "不是十堰市的区县代码");
    }
    if (r->who->role == ROLE_COUNTY) f->district = r->who->district;
    query_int(r, "institution_id", INT64_MAX, "应为正整数", &f->institution_id);
    query_int(r, "page", 100000, "应为 1 到 100000 之间的整数", &f->page);
    query_int(r, "per_page", 200, "应为 1 到 200 之间的整数", &f->per_page);
    return r->fe.n == 0;
}

enum err credit_api_add_inst(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct credit_record c;
    e = credit_add_json(r->db, r->a, r->who, r->id[0], body, &r->fe, &c);
    if (e != OK) return e;
    return resp_json(r, out, 201, credit_json(&c, true));
}

enum err credit_api_list_inst(struct req *r, struct resp *out)
{
    struct credit_filter f;
    if (!parse_filter(r, &f)) return ERR_VALIDATION;
    struct credit_record *items;
    int n;
    int64_t total;
    enum err e = credit_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, credit_json(&items[i], true));
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:I, s:I}", "items", arr, "total", (json_int_t)total, "page",
                               (json_int_t)f.page, "per_page", (json_int_t)f.per_page));
}

enum err credit_api_revoke(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *reason = NULL;
    struct jspec spec[] = {JS_STRING("reason", &reason, 1, 1000), JS_END};
    /* Territory first: a record elsewhere is 404 whatever the body says. */
    struct credit_record c;
    e = credit_get(r->db, r->a, r->id[0], &c);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, c.district_code)) return ERR_NOT_FOUND;
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = credit_revoke(r->db, r->a, r->who, c.id, reason, &r->fe, &c);
    if (e == ERR_STATE) r->error_detail = "该信用记录已撤销，不能重复撤销";
    if (e != OK) return e;
    return resp_json(r, out, 200, credit_json(&c, true));
}

/* One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. */
static const char *const export_cols[] = {
    "institution_name", "uscc",       "kind",           "kind_zh",         "summary", "decision_number",
    "authority",        "decided_on", "publicity_from", "publicity_until", "status",  "in_force",
    "district_code",    NULL};

enum err credit_api_export(struct req *r, struct resp *out)
{
    const char *format = req_query(r, "format");
    bool csv = !format || !*format || strcmp(format, "csv") == 0;
    if (!csv && strcmp(format, "json") != 0) fe_add(&r->fe, "format", "应为 csv 或 json");
    struct credit_filter f;
    if (!parse_filter(r, &f)) return ERR_VALIDATION;
    f.page = 1;
    f.per_page = 0; /* every matching row */
    struct credit_record *items;
    int n;
    int64_t total;
    enum err e = credit_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    if (!csv) {
        json_t *arr = json_array();
        for (int i = 0; i < n; i++) {
            json_t *j = credit_json(&items[i], false);
            json_object_set_new(
                j, "status", json_string(items[i].status >= 0 ? credit_status_names[items[i].status] : ""));
            json_array_append_new(arr, j);
        }
        char today[11];
        return resp_json(r, out, 200,
                         json_pack("{s:s, s:I, s:o}", "exported_on",
                                   date_format(clock_day_of(clock_now()), today), "count", (json_int_t)n,
                                   "items", arr));
    }
    struct buf b = BUF_INIT;
    buf_adds(&b, "\xEF\xBB\xBF"); /* BOM: Excel then reads the file as UTF-8 */
    for (int c = 0; export_cols[c]; c++)
        buf_csv_cell(&b, export_cols[c], !export_cols[c + 1]);
    for (int i = 0; i < n; i++) {
        const struct credit_record *c = &items[i];
        char d1[11], d2[11], d3[11];
        const char *kind = c->kind >= 0 ? credit_kind_names[c->kind] : "other";
        const char *kind_zh = c->kind >= 0 ? credit_kind_names_zh[c->kind] : "其他失信行为";
        buf_csv_cell(&b, c->institution_name, false);
        buf_csv_cell(&b, c->uscc, false);
        buf_csv_cell(&b, kind, false);
        buf_csv_cell(&b, kind_zh, false);
        buf_csv_cell(&b, c->summary, false);
        buf_csv_cell(&b, c->decision_number, false);
        buf_csv_cell(&b, c->authority, false);
        buf_csv_cell(&b, date_format(c->decided_on, d1), false);
        buf_csv_cell(&b, date_format(c->publicity_from, d2), false);
        buf_csv_cell(&b, date_format(c->publicity_until, d3), false);
        buf_csv_cell(&b, c->status >= 0 ? credit_status_names[c->status] : "", false);
        buf_csv_cell(&b, c->in_force ? "1" : "0", false);
        buf_csv_cell(&b, c->district_code, true);
    }
    out->status = 200;
    out->body = buf_steal(&b, &out->len);
    out->content_type = "text/csv; charset=utf-8";
    resp_header(r, out, "Content-Disposition", "attachment; filename=\"institution-credit-records.csv\"");
    return OK;
}

/* The portal: records in force of any institution in the register — the unfiled ones included, since
 * operating unfiled is itself a record the public must be able to see. */
enum err credit_api_public(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    struct credit_record *items;
    int n;
    e = credit_in_force_list(r->db, r->a, inst.id, clock_day_of(clock_now()), &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, credit_json(&items[i], false));
    return resp_json(r, out, 200,
                     json_pack("{s:I, s:s, s:s, s:o}", "institution_id", (json_int_t)inst.id,
                               "institution_name", inst.name, "uscc", inst.uscc, "items", arr));
}
