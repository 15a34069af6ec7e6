/* JSON handlers of rectification (整改). Visibility: county officials and inspectors see their district,
 * city officials, admins and auditors all, an operator only its own institution's orders; anything else is
 * 404, so ids of other territories are not even confirmed to exist. Who may move an order is decided by the
 * store against the workflow table (403 for a role that never fires the move, 409 invalid_state for a move
 * the table refuses in the order's status). */
#include "core/clock.h"
#include "modules/filing/filing.h" /* attachment_sniff */
#include "modules/institution/inst.h"
#include "modules/rectification/rectification.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether who may see an order or institution of district belonging to inst_id. */
static bool visible(const struct principal *who, const char *district, int64_t inst_id)
{
    if (who->role == ROLE_OPERATOR) return who->institution_id == inst_id;
    return auth_sees_district(who, district);
}

/* The order r->id[0], when who may see it (ERR_NOT_FOUND otherwise). */
static enum err load_visible(struct req *r, struct rect_order *o)
{
    enum err e = rect_get(r->db, r->a, r->id[0], o);
    if (e != OK) return e;
    return visible(r->who, o->district_code, o->institution_id) ? OK : ERR_NOT_FOUND;
}

/* load_visible, then the request's JSON body. */
static enum err load_with_body(struct req *r, struct rect_order *o, json_t **body)
{
    enum err e = load_visible(r, o);
    return e != OK ? e : req_json(r, body);
}

/* The optional "version" of a move: the order's version as the client read it (absent or null: no check). */
#define VERSION_SPEC(d)                                                                                      \
    {                                                                                                        \
        .name = "version", .type = JT_INT, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = (d), .min = 1,         \
        .max = INT64_MAX                                                                                     \
    }

static json_t *order_json(const struct rect_order *o)
{
    json_t *finding =
        json_pack("{s:I, s:I, s:s?, s:s?, s:s?, s:o}", "id", (json_int_t)o->finding_id, "inspection_id",
                  (json_int_t)o->inspection_id, "severity", o->severity, "clause", o->clause, "description",
                  o->finding_description, "found_on", json_day(o->found_on));
    json_t *j = json_pack(
        "{s:I, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:I, s:o, s:o, s:I, s:I, s:b, s:I, s:s, s:o}",
        "id", (json_int_t)o->id, "institution_id", (json_int_t)o->institution_id, "institution_name",
        o->institution_name, "district_code", o->district_code, "district_name", o->district_name,
        "department_code", o->department_code, "status", o->status, "deadline_on", json_day(o->deadline_on),
        "requirement", o->requirement, "ordered_at", (json_int_t)o->ordered_at, "answered_at",
        o->answered_at ? json_integer(o->answered_at) : json_null(), "closed_on",
        json_day_opt(o->closed_on != 0, o->closed_on), "reopened", (json_int_t)o->reopened, "version",
        (json_int_t)o->version, "overdue", o->overdue, "days_overdue", (json_int_t)o->days_overdue, "level",
        rect_level_names[o->level], "finding", finding);
    return j ? j : json_object();
}

static json_t *evidence_json(const struct rect_evidence_row *v)
{
    json_t *j = json_pack("{s:I, s:s?, s:s?, s:I, s:s?, s:I}", "id", (json_int_t)v->id, "filename",
                          v->filename, "media_type", v->media_type, "size", (json_int_t)v->size, "sha256",
                          v->sha256, "uploaded_at", (json_int_t)v->uploaded_at);
    if (!j) return json_object();
    json_object_set_new(j, "event_id", v->event_id ? json_integer(v->event_id) : json_null());
    return j;
}

static enum err respond_list(struct req *r, struct resp *out, const struct rect_filter *f)
{
    struct rect_order *items;
    int n;
    int64_t total;
    enum err e = rect_list(r->db, r->a, f, &items, &n, &total);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, order_json(&items[i]));
    return resp_json(r, out, 200,
                     json_pack("{s:o, s:I, s:I, s:i}", "items", arr, "total", (json_int_t)total, "per_page",
                               (json_int_t)RECT_PER_PAGE, "page", f->page));
}

/* Query filters shared by both lists; bad values go into r->fe. */
static void parse_filters(struct req *r, struct rect_filter *f)
{
    const char *status = req_query(r, "status"), *overdue = req_query(r, "overdue"),
               *level = req_query(r, "level"), *page = req_query(r, "page");
    memset(f, 0, sizeof *f);
    f->page = 1;
    if (status && *status) {
        int s = rect_status_from_name(status);
        if (s > RS_NONE)
            f->status = rect_status_names[s];
        else
            fe_add(&r->fe, "status", "状态应为 open、answered 或 accepted");
    }
    if (overdue && *overdue) {
        if (strcmp(overdue, "1") == 0)
            f->overdue = true;
        else if (strcmp(overdue, "0") != 0)
            fe_add(&r->fe, "overdue", "应为 1 或 0");
    }
    if (level && *level) {
        if (strcmp(level, "county") == 0)
            f->level = RL_COUNTY;
        else if (strcmp(level, "city") == 0)
            f->level = RL_CITY;
        else
            fe_add(&r->fe, "level", "督办层级应为 county 或 city");
    }
    if (page && *page) {
        char *end;
        long v = strtol(page, &end, 10);
        if (*end || v < 1 || v > 100000)
            fe_add(&r->fe, "page", "页码无效");
        else
            f->page = (int)v;
    }
}

/* GET /api/v1/rectifications?status=&overdue=1&level=county|city&institution=&district=&page= */
enum err rect_api_list(struct req *r, struct resp *out)
{
    struct rect_filter f;
    parse_filters(r, &f);
    const char *inst = req_query(r, "institution"), *district = req_query(r, "district");
    if (inst && *inst) {
        char *end;
        long long v = strtoll(inst, &end, 10);
        if (*end || v < 1)
            fe_add(&r->fe, "institution", "机构编号无效");
        else
            f.institution_id = v;
    }
    if (district && *district) {
        const char *name;
        enum err e = district_name(r->db, r->a, district, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(&r->fe, "district", "未知的区县");
        else if (e != OK)
            return e;
        f.district = district;
    }
    if (r->fe.n) return ERR_VALIDATION;
    /* County officials and inspectors are confined to their district whatever they ask for. */
    if (r->who->role == ROLE_COUNTY || r->who->role == ROLE_INSPECTOR) {
        if (f.district && strcmp(f.district, r->who->district ? r->who->district : "") != 0)
            return resp_json(r, out, 200,
                             json_pack("{s:[], s:i, s:i, s:i}", "items", "total", 0, "per_page",
                                       RECT_PER_PAGE, "page", f.page));
        f.district = r->who->district;
    }
    return respond_list(r, out, &f);
}

/* GET /api/v1/institutions/{id}/rectifications */
enum err rect_api_inst_list(struct req *r, struct resp *out)
{
    struct institution inst;
    enum err e = inst_get(r->db, r->a, r->id[0], &inst);
    if (e != OK) return e;
    if (!visible(r->who, inst.district_code, inst.id)) return ERR_NOT_FOUND;
    struct rect_filter f;
    parse_filters(r, &f);
    if (r->fe.n) return ERR_VALIDATION;
    f.institution_id = inst.id;
    return respond_list(r, out, &f);
}

/* GET /api/v1/rectifications/{id}: the order with its events and evidence. */
enum err rect_api_get(struct req *r, struct resp *out)
{
    struct rect_order o;
    enum err e = load_visible(r, &o);
    if (e != OK) return e;
    struct rect_event_row *ev;
    struct rect_evidence_row *files;
    int nev, nfiles;
    e = rect_events(r->db, r->a, o.id, &ev, &nev);
    if (e == OK) e = rect_evidence(r->db, r->a, o.id, &files, &nfiles);
    if (e != OK) return e;
    json_t *j = order_json(&o), *events = json_array(), *evidence = json_array();
    for (int i = 0; i < nev; i++) {
        json_t *x =
            json_pack("{s:I, s:s?, s:s?, s:I, s:s?}", "id", (json_int_t)ev[i].id, "event", ev[i].event,
                      "text", ev[i].text, "at", (json_int_t)ev[i].at, "by", ev[i].by_name);
        if (!x) continue;
        json_object_set_new(x, "deadline_on", json_day_opt(ev[i].deadline_on != 0, ev[i].deadline_on));
        json_array_append_new(events, x);
    }
    for (int i = 0; i < nfiles; i++)
        json_array_append_new(evidence, evidence_json(&files[i]));
    json_object_set_new(j, "events", events);
    json_object_set_new(j, "evidence", evidence);
    return resp_json(r, out, 200, j);
}

/* POST /api/v1/findings/{id}/rectification {deadline_on, requirement} */
enum err rect_api_order(struct req *r, struct resp *out)
{
    struct rect_finding f;
    enum err e = rect_finding_get(r->db, r->a, r->id[0], &f);
    if (e != OK) return e;
    if (!auth_sees_district(r->who, f.district_code)) return ERR_NOT_FOUND;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    int64_t deadline = 0, today = clock_day_of(clock_now());
    const char *requirement = NULL;
    bool have_deadline = false;
    struct jspec spec[] = {
        {.name = "deadline_on", .type = JT_DATE, .dst = &deadline, .present = &have_deadline},
        JS_STRING("requirement", &requirement, 1, 2000),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    /* What the store would refuse besides, for the fields the validator let through: one answer, every field.
     */
    const char *problem =
        have_deadline && !fe_has(&r->fe, "deadline_on") ? rect_deadline_problem(deadline, today) : NULL;
    if (problem) fe_add(&r->fe, "deadline_on", problem);
    if (requirement && !fe_has(&r->fe, "requirement") && text_blank(requirement))
        fe_add(&r->fe, "requirement", "请填写整改要求");
    if (r->fe.n) return ERR_VALIDATION;
    struct rect_order o;
    e = rect_order_create(r->db, r->a, r->who, f.id, deadline, requirement, today, &r->fe, &o);
    if (e != OK) return e;
    return resp_json(r, out, 201, order_json(&o));
}

/* POST /api/v1/rectifications/{id}/evidence?filename= (raw PDF, JPEG or PNG body) */
enum err rect_api_evidence_add(struct req *r, struct resp *out)
{
    struct rect_order o;
    enum err e = load_visible(r, &o);
    if (e != OK) return e;
    if (r->body_len == 0) {
        fe_add(&r->fe, "body", "文件内容为空");
        return ERR_VALIDATION;
    }
    const char *media = attachment_sniff(r->body, r->body_len);
    const char *name = rect_evidence_filename(r->a, req_query(r, "filename"), media);
    struct rect_evidence_row v;
    e = rect_evidence_add(r->db, r->a, r->who, o.id, name, r->body, r->body_len, &v);
    if (e == ERR_UNSUPPORTED_MEDIA) r->error_detail = "只接受 PDF、JPEG 或 PNG 文件（按内容判断）";
    if (e != OK) return e;
    return resp_json(r, out, 201, evidence_json(&v));
}

/* "file name.pdf" → "file%20name.pdf" for filename*=UTF-8''… (RFC 5987 attr-chars kept). Arena string. */
static const char *rfc5987(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1), *p = out;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
            strchr("!#$&+-.^_`|~", *q)) {
            *p++ = (char)*q;
        } else {
            *p++ = '%';
            *p++ = hex[*q >> 4];
            *p++ = hex[*q & 15];
        }
    }
    *p = 0;
    return out;
}

/* GET /api/v1/rectifications/{id}/evidence/{eid}: the file, as an attachment. */
enum err rect_api_evidence_get(struct req *r, struct resp *out)
{
    struct rect_order o;
    enum err e = load_visible(r, &o);
    if (e != OK) return e;
    struct rect_evidence_row v;
    const void *data = NULL;
    e = rect_evidence_get(r->db, r->a, o.id, r->id[1], &v, &data);
    if (e != OK) return e;
    const char *ext = strcmp(v.media_type, "image/jpeg") == 0  ? "jpg"
                      : strcmp(v.media_type, "image/png") == 0 ? "png"
                                                               : "pdf";
    resp_header(r, out, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"evidence-%lld.%s\"; filename*=UTF-8''%s",
                             (long long)v.id, ext, rfc5987(r->a, v.filename)));
    return resp_bytes(r, out, 200, v.media_type, data, (size_t)v.size);
}

struct ids_ctx {
    int64_t *ids;
};

static void each_id(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct ids_ctx *c = p;
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        fe_add(fe, path, "应为已上传证明材料的编号");
    else
        c->ids[index] = json_integer_value(v);
}

/* POST /api/v1/rectifications/{id}/answer {text, evidence_ids?, version?} */
enum err rect_api_answer(struct req *r, struct resp *out)
{
    struct rect_order o;
    json_t *body;
    enum err e = load_with_body(r, &o, &body);
    if (e != OK) return e;
    json_t *arr = json_object_get(body, "evidence_ids");
    size_t nids = json_is_array(arr) ? json_array_size(arr) : 0;
    struct ids_ctx c = {arena_zalloc(r->a, (nids ? nids : 1) * sizeof(int64_t))};
    const char *text = NULL;
    int64_t version = 0;
    struct jspec spec[] = {
        JS_STRING("text", &text, 1, 2000),
        {.name = "evidence_ids",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .each = each_id,
         .ctx = &c,
         .min = 0,
         .max = 20},
        VERSION_SPEC(&version),
        JS_END,
    };
    if (!jspec_parse(body, spec, "", &r->fe)) return ERR_VALIDATION;
    e = rect_answer(r->db, r->a, r->who, o.id, text, c.ids, (int)nids, NULL, 0, version, &r->fe, &o);
    if (e != OK) return e;
    return resp_json(r, out, 200, order_json(&o));
}

/* POST /api/v1/rectifications/{id}/verify {decision: accept|reopen, text, deadline_on (reopen), version?} */
enum err rect_api_verify(struct req *r, struct resp *out)
{
    struct rect_order o;
    json_t *body;
    enum err e = load_with_body(r, &o, &body);
    if (e != OK) return e;
    static const char *const decisions[] = {"accept", "reopen", NULL};
    int decision = -1;
    const char *text = NULL;
    int64_t deadline = 0, version = 0;
    struct jspec spec[] = {
        JS_ENUM("decision", &decision, decisions),
        {.name = "text",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &text,
         .min = 0,
         .max = 2000},
        {.name = "deadline_on", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &deadline},
        VERSION_SPEC(&version),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    int event = decision == 0 ? REV_ACCEPT : decision == 1 ? REV_REOPEN : -1;
    /* What the store would refuse besides, for the fields the validator let through: one answer, every field.
     */
    if (event == REV_REOPEN) {
        if (!fe_has(&r->fe, "text") && text_blank(text)) fe_add(&r->fe, "text", "退回重新整改时必须说明理由");
        if (!fe_has(&r->fe, "deadline_on")) {
            const char *problem =
                deadline ? rect_deadline_problem(deadline, clock_day_of(clock_now())) : "请填写新的整改期限";
            if (problem) fe_add(&r->fe, "deadline_on", problem);
        }
    }
    if (r->fe.n) return ERR_VALIDATION;
    e = rect_verify(r->db, r->a, r->who, o.id, event, text, deadline, version, &r->fe, &o);
    if (e != OK) return e;
    return resp_json(r, out, 200, order_json(&o));
}
