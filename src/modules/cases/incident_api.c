/* JSON handlers of incidents. Visibility: officials see their territory (county officials their district),
 * an operator only its own institution's incidents; anything else is 404. Public: yearly counts only. */
#include "core/clock.h"
#include "html/layout.h"
#include "modules/cases/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The incident id as it is now, in full, with status. */
static enum err answer_current(struct req *r, struct resp *out, unsigned status, int64_t id)
{
    struct incident_row row;
    enum err e = incident_get(r->db, r->a, id, &row);
    if (e != OK) return e;
    return resp_json(r, out, status, incident_json(&row, true));
}

static bool visible(const struct principal *who, const char *district, int64_t inst_id)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == inst_id;
    return auth_sees_district(who, district);
}

/* "HH:MM" (00:00–23:59) as seconds after midnight, or -1. */
static int64_t parse_hhmm(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':') return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 3600 + m * 60;
}

/* An occurrence time from either epoch seconds or a CST day plus "HH:MM"; errors into fe. 0 when missing. */
int64_t incident_occurred_from(struct field_errors *fe, bool have_at, int64_t at, bool have_day, int64_t day,
                               const char *time)
{
    if (have_at && (have_day || time)) {
        fe_add(fe, "occurred_at",
               "发生时间请给出 occurred_at，或 occurred_on 加 occurred_time，不要同时给出");
        return 0;
    }
    if (have_at) return at;
    if (!have_day) {
        fe_add(fe, have_day || time ? "occurred_on" : "occurred_at", "请填写发生时间");
        return 0;
    }
    int64_t secs = parse_hhmm(time);
    if (secs < 0) {
        fe_add(fe, "occurred_time", "时间应为 HH:MM（24 小时制）");
        return 0;
    }
    return clock_day_start(day) + secs;
}

/* The range checks of an occurrence time against now, so that they join jspec's errors in one answer. */
void incident_check_occurred(struct field_errors *fe, int64_t occurred_at, int64_t now)
{
    if (occurred_at <= 0) return;
    if (occurred_at > now + 300)
        fe_add(fe, "occurred_at", "发生时间不能晚于报告时间");
    else if (occurred_at < now - 366LL * 86400)
        fe_add(fe, "occurred_at", "发生时间不能早于一年前");
}

json_t *incident_json(const struct incident_row *c, bool full)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:b, s:I, s:s, s:I}", "id",
                          (json_int_t)c->id, "institution_id", (json_int_t)c->institution_id,
                          "institution_name", c->institution_name ? c->institution_name : "", "district_code",
                          c->district_code, "type", c->type, "severity", c->severity, "status", c->status,
                          "occurred_at", (json_int_t)c->occurred_at, "reported_at",
                          (json_int_t)c->reported_at, "deadline_hours", c->deadline_hours, "late", c->late,
                          "children_affected", (json_int_t)c->children_affected, "district_name",
                          c->district_name ? c->district_name : "", "version", (json_int_t)c->version);
    json_object_set_new(j, "substantiated",
                        c->substantiated < 0 ? json_null() : json_boolean(c->substantiated));
    json_object_set_new(j, "closed_at", c->closed_at ? json_integer(c->closed_at) : json_null());
    json_object_set_new(j, "conclusion", c->conclusion ? json_string(c->conclusion) : json_null());
    if (full) {
        json_object_set_new(j, "description", json_string(c->description ? c->description : ""));
        json_object_set_new(j, "actions_taken", json_string(c->actions_taken ? c->actions_taken : ""));
        json_t *notes = json_array();
        for (int i = 0; i < c->nnotes; i++)
            json_array_append_new(notes, json_pack("{s:s, s:s, s:I, s:s}", "kind", c->notes[i].kind, "text",
                                                   c->notes[i].text, "at", (json_int_t)c->notes[i].at, "by",
                                                   c->notes[i].by));
        json_object_set_new(j, "notes", notes);
    }
    return j;
}

enum err incident_api_report(struct req *r, struct resp *out)
{
    int64_t inst_id = r->id[0];
    if (r->who->role != ROLE_OPERATOR || r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct incident_input in = {.type = -1, .severity = -1};
    int64_t at = 0, day = 0;
    bool have_at = false, have_day = false;
    const char *time = NULL;
    struct jspec spec[] = {
        JS_ENUM("type", &in.type, incident_type_names),
        JS_ENUM("severity", &in.severity, incident_severity_names),
        {.name = "occurred_at",
         .type = JT_INT,
         .flags = JS_OPTIONAL,
         .dst = &at,
         .min = 946684800,
         .max = 4102444800,
         .present = &have_at},
        {.name = "occurred_on", .type = JT_DATE, .flags = JS_OPTIONAL, .dst = &day, .present = &have_day},
        {.name = "occurred_time", .type = JT_STRING, .flags = JS_OPTIONAL, .dst = &time, .min = 5, .max = 5},
        JS_INT("children_affected", &in.children_affected, 0, 1000),
        JS_STRING("description", &in.description, 5, 4000),
        JS_STRING("actions_taken", &in.actions_taken, 2, 4000),
        JS_END,
    };
    bool ok = jspec_parse(body, spec, "", &r->fe);
    bool occurred_named = false; /* jspec has said what is wrong with the time already */
    for (int i = 0; i < r->fe.n; i++)
        occurred_named |= strncmp(r->fe.items[i].field, "occurred_", 9) == 0;
    if (!occurred_named) {
        int before = r->fe.n;
        in.occurred_at = incident_occurred_from(&r->fe, have_at, at, have_day, day, time);
        if (r->fe.n == before) incident_check_occurred(&r->fe, in.occurred_at, clock_now());
    }
    if (!ok || r->fe.n) return ERR_VALIDATION;
    int64_t id = 0;
    e = incident_report(r->db, r->who, inst_id, &in, 0, &r->fe, &id);
    if (e != OK) return e;
    return answer_current(r, out, 201, id);
}

/* Filters of GET /api/v1/incidents from the query, each bad one into r->fe. */
static void parse_filter(struct req *r, struct incident_filter *f)
{
    memset(f, 0, sizeof *f);
    f->late = -1;
    f->district = req_query(r, "district");
    f->type = req_query(r, "type");
    f->severity = req_query(r, "severity");
    f->status = req_query(r, "status");
    if (f->district && !*f->district) f->district = NULL;
    if (f->type && !*f->type) f->type = NULL;
    if (f->severity && !*f->severity) f->severity = NULL;
    if (f->status && !*f->status) f->status = NULL;
    if (f->type && cases_name_index(incident_type_names, f->type) < 0)
        fe_add(&r->fe, "type", "未知的事件类型");
    if (f->severity && cases_name_index(incident_severity_names, f->severity) < 0)
        fe_add(&r->fe, "severity", "未知的严重程度");
    if (f->status && cases_name_index(incident_status_names, f->status) <= 0)
        fe_add(&r->fe, "status", "状态应为 reported、following 或 closed");
    int64_t v = 0;
    const char *late = req_query(r, "late");
    if (!page_parse_int(late, 0, 1, -1, &v)) fe_add(&r->fe, "late", "应为 0 或 1");
    f->late = (int)v;
    if (!page_parse_int(req_query(r, "institution_id"), 1, INT64_MAX, 0, &f->institution_id))
        fe_add(&r->fe, "institution_id", "应为正整数");
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    int64_t d;
    if (from && *from) {
        if (date_parse(from, &d))
            f->from = clock_day_start(d);
        else
            fe_add(&r->fe, "from", "日期应为 YYYY-MM-DD");
    }
    if (to && *to) {
        if (date_parse(to, &d))
            f->to = clock_day_start(d + 1);
        else
            fe_add(&r->fe, "to", "日期应为 YYYY-MM-DD");
    }
    if (!page_parse_int(req_query(r, "page"), 1, 100000, 1, &v)) fe_add(&r->fe, "page", "应为正整数");
    f->page = (int)v;
    /* A county official sees its own district whatever it asks for. */
    if (r->who && r->who->role == ROLE_COUNTY) f->district = r->who->district;
}

enum err incident_api_list(struct req *r, struct resp *out)
{
    struct incident_filter f;
    parse_filter(r, &f);
    if (r->fe.n) return ERR_VALIDATION;
    struct incident_row *items;
    int n;
    int64_t total;
    enum err e = incident_list(r->db, r->a, &f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, incident_json(&items[i], false));
    return resp_json(r, out, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

enum err incident_load_visible(struct req *r, struct incident_row *row)
{
    enum err e = incident_get(r->db, r->a, r->id[0], row);
    if (e != OK) return e;
    return visible(r->who, row->district_code, row->institution_id) ? OK : ERR_NOT_FOUND;
}

/* incident_load_visible, then the request's JSON body (a hidden incident is 404 whatever the body). */
static enum err load_visible_body(struct req *r, struct incident_row *row, json_t **body)
{
    enum err e = incident_load_visible(r, row);
    return e == OK ? req_json(r, body) : e;
}

enum err incident_api_get(struct req *r, struct resp *out)
{
    struct incident_row row;
    enum err e = incident_load_visible(r, &row);
    if (e != OK) return e;
    return resp_json(r, out, 200, incident_json(&row, true));
}

enum err incident_api_note(struct req *r, struct resp *out)
{
    struct incident_row row;
    json_t *body;
    enum err e = load_visible_body(r, &row, &body);
    if (e != OK) return e;
    const char *text = NULL;
    struct jspec spec[] = {JS_STRING("text", &text, 2, 4000), JS_END};
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = incident_follow_up(r->db, r->who, row.id, text, 0);
    if (e != OK) return e;
    return answer_current(r, out, 200, row.id);
}

enum err incident_api_close(struct req *r, struct resp *out)
{
    struct incident_row row;
    json_t *body;
    enum err e = load_visible_body(r, &row, &body);
    if (e != OK) return e;
    const char *conclusion = NULL;
    bool subst = false, have_subst = false;
    struct jspec spec[] = {
        JS_STRING("conclusion", &conclusion, 2, 4000),
        {.name = "substantiated",
         .type = JT_BOOL,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &subst,
         .present = &have_subst},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = incident_close(r->db, r->who, row.id, conclusion, have_subst ? (subst ? 1 : 0) : -1, 0, &r->fe);
    if (e != OK) return e;
    return answer_current(r, out, 200, row.id);
}

enum err incident_stats_req(struct req *r, int *year, struct incident_stat **rows, int *n)
{
    int y, m, d;
    days_to_date(clock_day_of(clock_now()), &y, &m, &d);
    int64_t asked = y;
    if (!page_parse_int(req_query(r, "year"), 2000, y, y, &asked)) {
        fe_addf(&r->fe, "year", "年份应为 2000–%d", y);
        return ERR_VALIDATION;
    }
    *year = (int)asked;
    return incident_stats(r->db, r->a, *year, rows, n);
}

enum err incident_api_stats(struct req *r, struct resp *out)
{
    int year, n;
    struct incident_stat *rows;
    enum err e = incident_stats_req(r, &year, &rows, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "district_code",
                                             rows[i].district_code, "district_name", rows[i].district_name,
                                             "serious_injuries", (json_int_t)rows[i].serious_injuries,
                                             "deaths", (json_int_t)rows[i].deaths, "substantiated_abuse",
                                             (json_int_t)rows[i].substantiated_abuse, "total_incidents",
                                             (json_int_t)rows[i].total));
    return resp_json(r, out, 200, json_pack("{s:i, s:o}", "year", year, "districts", arr));
}
