/* JSON handlers of meetings, resolutions, notices and the units' inbox. Visibility: the office (city
 * officials, the office unit's officers), admins and auditors see everything; a unit officer sees the
 * meetings its unit was invited to (and every plenary meeting of a member unit), the resolutions of those
 * meetings and those its unit owns, and the notices sent to its unit; anything else is 404. Who may move a
 * meeting or resolution is decided by the store against the workflow tables (403 for an actor that never
 * fires the move, 409 invalid_state for a move the table refuses in the current status). */
#include "core/clock.h"
#include "modules/joint/meeting.h"
#include "modules/joint/plan.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_MAX  2000
#define LONG_MAX_ 20000

/* Whether who sees everything of the joint meeting (the office, admins, auditors). */
static bool sees_all(const struct principal *who)
{
    return meeting_is_office(who->role, who->unit) || who->role == ROLE_ADMIN || who->role == ROLE_AUDITOR;
}

/* A required text that is not only blanks (when the validator let it through). */
static void need_words(struct req *r, const char *field, const char *s, const char *message)
{
    if (s && !fe_has(&r->fe, field) && meeting_blank(s)) fe_add(&r->fe, field, message);
}

/* ---- JSON of the rows ---- */

static json_t *meeting_json(const struct meeting *m, bool with_units)
{
    json_t *j =
        json_pack("{s:I, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I}", "id",
                  (json_int_t)m->id, "kind", m->kind, "title", m->title, "held_on", json_day(m->held_on),
                  "location", m->location, "agenda", m->agenda, "status", m->status, "minutes", m->minutes,
                  "version", (json_int_t)m->version, "created_at", (json_int_t)m->created_at, "resolutions",
                  (json_int_t)m->nresolutions, "open_resolutions", (json_int_t)m->nopen);
    if (!j) return json_object();
    json_object_set_new(j, "recorded_at", m->recorded_at ? json_integer(m->recorded_at) : json_null());
    if (with_units) {
        json_t *units = json_array();
        for (int i = 0; i < m->nunits; i++) {
            json_t *u = json_pack("{s:s?, s:s?}", "code", m->units[i].code, "name", m->units[i].name);
            if (!u) continue;
            json_object_set_new(u, "attended",
                                m->units[i].attended < 0 ? json_null() : json_boolean(m->units[i].attended));
            json_array_append_new(units, u);
        }
        json_object_set_new(j, "units", units);
    }
    return j;
}

static json_t *resolution_json(const struct resolution *x)
{
    json_t *j = json_pack(
        "{s:I, s:I, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:o, s:b, s:I, s:I, s:{s:s?, s:s?, s:o}}", "id",
        (json_int_t)x->id, "meeting_id", (json_int_t)x->meeting_id, "number", x->number, "text", x->text,
        "owner_unit", x->owner_unit, "owner_name", x->owner_name, "deadline_on", json_day(x->deadline_on),
        "status", x->status, "done_on", json_day_opt(x->done_on != 0, x->done_on), "overdue", x->overdue,
        "days_overdue", (json_int_t)x->days_overdue, "version", (json_int_t)x->version, "meeting", "title",
        x->meeting_title, "kind", x->meeting_kind, "held_on", json_day(x->meeting_held_on));
    return j ? j : json_object();
}

static json_t *notice_json(const struct notice *n, bool with_body, bool unit_view)
{
    json_t *j = json_pack("{s:I, s:s?, s:I, s:b}", "id", (json_int_t)n->id, "title", n->title, "created_at",
                          (json_int_t)n->created_at, "to_all", n->to_all);
    if (!j) return json_object();
    if (with_body) json_object_set_new(j, "body", json_string(n->body ? n->body : ""));
    if (unit_view) {
        json_object_set_new(j, "read", json_boolean(n->read_at != 0));
        json_object_set_new(j, "read_at", n->read_at ? json_integer(n->read_at) : json_null());
        json_object_set_new(j, "read_by", n->read_by ? json_string(n->read_by) : json_null());
    } else {
        json_object_set_new(j, "recipients", json_integer(n->nrecipients));
        json_object_set_new(j, "read_count", json_integer(n->nread));
        json_object_set_new(j, "unread_count", json_integer(n->nrecipients - n->nread));
    }
    return j;
}

/* ---- Loading with visibility ---- */

/* The meeting r->id[0] when who sees it (ERR_NOT_FOUND otherwise). */
static enum err load_meeting(struct req *r, struct meeting *m)
{
    enum err e = meeting_get(r->db, r->a, r->id[0], m);
    if (e != OK || sees_all(r->who)) return e;
    bool sees = false;
    e = meeting_unit_sees(r->db, m->id, r->who->unit, &sees);
    if (e != OK) return e;
    return sees ? OK : ERR_NOT_FOUND;
}

/* The resolution r->id[0] when who sees it: the owner unit, units that see its meeting, the office. */
static enum err load_resolution(struct req *r, struct resolution *x)
{
    enum err e = resolution_get(r->db, r->a, r->id[0], x);
    if (e != OK || sees_all(r->who)) return e;
    if (r->who->unit && strcmp(r->who->unit, x->owner_unit) == 0) return OK;
    bool sees = false;
    e = meeting_unit_sees(r->db, x->meeting_id, r->who->unit, &sees);
    if (e != OK) return e;
    return sees ? OK : ERR_NOT_FOUND;
}

/* ---- Meetings ---- */

/* An array of unit codes: each a string of 1..64 characters (arena copies into ctx). */
struct codes {
    const char **items;
    int n, cap;
    struct arena *a;
};

static void each_code(json_t *value, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct codes *c = ctx;
    (void)index;
    if (!json_is_string(value) || json_string_length(value) < 1 || json_string_length(value) > 64) {
        fe_add(fe, path, "应为单位代码");
        return;
    }
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 8;
        const char **p = arena_alloc(c->a, sizeof *p * (size_t)cap);
        if (c->n) memcpy(p, c->items, sizeof *p * (size_t)c->n);
        c->items = p;
        c->cap = cap;
    }
    c->items[c->n++] = arena_strdup(c->a, json_string_value(value));
}

/* Unknown codes of c into r->fe as field[i] (the store checks again inside its transaction; checking here
 * too puts them in the same 422 as every other bad field). */
static enum err check_codes(struct req *r, const char *field, const struct codes *c)
{
    for (int i = 0; i < c->n; i++) {
        bool known;
        enum err e = meeting_unit_known(r->db, c->items[i], &known, NULL);
        if (e != OK) return e;
        if (!known) fe_addf(&r->fe, arena_printf(r->a, "%s[%d]", field, i), "%s", "未知的单位");
    }
    return OK;
}

/* POST /api/v1/meetings {kind, title, held_on, location, agenda, units?} */
enum err meeting_api_create(struct req *r, struct resp *out)
{
    if (!meeting_is_office(r->who->role, r->who->unit)) return ERR_FORBIDDEN;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    int kind = -1;
    int64_t held_on = 0;
    const char *title = NULL, *location = NULL, *agenda = NULL;
    bool have_day = false;
    struct codes units = {.a = r->a};
    struct jspec spec[] = {
        JS_ENUM("kind", &kind, meeting_kind_names),
        JS_STRING("title", &title, 1, 200),
        {.name = "held_on", .type = JT_DATE, .dst = &held_on, .present = &have_day},
        JS_STRING("location", &location, 1, 200),
        JS_STRING("agenda", &agenda, 1, TEXT_MAX),
        {.name = "units",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL,
         .each = each_code,
         .ctx = &units,
         .max = 64},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    int64_t today = clock_day_of(clock_now());
    const char *problem =
        have_day && !fe_has(&r->fe, "held_on") ? meeting_planned_day_problem(held_on, today) : NULL;
    if (problem) fe_add(&r->fe, "held_on", problem);
    need_words(r, "title", title, "请填写会议名称");
    need_words(r, "location", location, "请填写会议地点");
    need_words(r, "agenda", agenda, "请填写会议议程");
    if (kind != MK_PLENARY && kind >= 0 && units.n == 0 && !fe_has(&r->fe, "units"))
        fe_add(&r->fe, "units", "请选择参会单位");
    e = check_codes(r, "units", &units);
    if (e != OK) return e;
    if (r->fe.n) return ERR_VALIDATION;
    struct meeting_new in = {.kind = kind,
                             .title = title,
                             .location = location,
                             .agenda = agenda,
                             .held_on = held_on,
                             .units = units.items,
                             .nunits = units.n};
    struct meeting m;
    e = meeting_create(r->db, r->a, r->who, &in, today, &r->fe, &m);
    if (e != OK) return e;
    return resp_json(r, out, 201, meeting_json(&m, true));
}

/* GET /api/v1/meetings */
enum err meeting_api_list(struct req *r, struct resp *out)
{
    struct meeting *items;
    int n;
    enum err e = meeting_list(r->db, r->a, sees_all(r->who) ? NULL : r->who->unit, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, meeting_json(&items[i], false));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

static json_t *resolutions_json(struct req *r, const struct resolution_filter *f, enum err *e)
{
    struct resolution *items;
    int n;
    json_t *arr = json_array();
    *e = resolution_list(r->db, r->a, f, &items, &n);
    for (int i = 0; *e == OK && i < n; i++)
        json_array_append_new(arr, resolution_json(&items[i]));
    return arr;
}

/* GET /api/v1/meetings/{id}: the meeting, its units and its resolutions. */
enum err meeting_api_get(struct req *r, struct resp *out)
{
    struct meeting m;
    enum err e = load_meeting(r, &m);
    if (e != OK) return e;
    struct resolution_filter f = {.meeting_id = m.id};
    json_t *res = resolutions_json(r, &f, &e);
    if (e != OK) {
        json_decref(res);
        return e;
    }
    json_t *j = meeting_json(&m, true);
    json_object_set_new(j, "resolution_items", res);
    return resp_json(r, out, 200, j);
}

/* POST /api/v1/meetings/{id}/record {held_on, minutes, attended: [unit codes]} */
enum err meeting_api_record(struct req *r, struct resp *out)
{
    struct meeting m;
    enum err e = load_meeting(r, &m);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    int64_t held_on = 0;
    bool have_day = false;
    const char *minutes = NULL;
    struct codes att = {.a = r->a};
    struct jspec spec[] = {
        {.name = "held_on", .type = JT_DATE, .dst = &held_on, .present = &have_day},
        JS_STRING("minutes", &minutes, 1, LONG_MAX_),
        JS_ARRAY("attended", each_code, &att, 0, 64),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    const char *problem = have_day && !fe_has(&r->fe, "held_on")
                              ? meeting_held_day_problem(held_on, clock_day_of(clock_now()))
                              : NULL;
    if (problem) fe_add(&r->fe, "held_on", problem);
    need_words(r, "minutes", minutes, "请填写会议纪要");
    for (int i = 0; i < att.n; i++) {
        bool invited = false;
        for (int j = 0; j < m.nunits && !invited; j++)
            invited = strcmp(m.units[j].code, att.items[i]) == 0;
        if (!invited) fe_addf(&r->fe, arena_printf(r->a, "attended[%d]", i), "%s", "该单位不在参会单位之列");
    }
    /* A refused move is refused before any field is judged. */
    enum err allowed = meeting_check(meeting_name_index(meeting_status_names, m.status), MEV_RECORD,
                                     meeting_actor(r->who->role, r->who->unit, NULL), NULL);
    if (allowed != OK) return allowed;
    if (r->fe.n) return ERR_VALIDATION;
    e = meeting_record(r->db, r->a, r->who, m.id, held_on, minutes, att.items, att.n,
                       clock_day_of(clock_now()), &r->fe, &m);
    if (e != OK) return e;
    return resp_json(r, out, 200, meeting_json(&m, true));
}

/* POST /api/v1/meetings/{id}/resolutions {text, owner_unit, deadline_on} */
enum err meeting_api_resolution_add(struct req *r, struct resp *out)
{
    struct meeting m;
    enum err e = load_meeting(r, &m);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    const char *text = NULL, *owner = NULL;
    int64_t deadline = 0;
    struct jspec spec[] = {
        JS_STRING("text", &text, 1, TEXT_MAX),
        JS_STRING("owner_unit", &owner, 1, 64),
        JS_DATE("deadline_on", &deadline),
        JS_END,
    };
    bool have_deadline = false;
    spec[2].present = &have_deadline;
    jspec_parse(body, spec, "", &r->fe);
    need_words(r, "text", text, "请填写议定事项");
    if (owner && !fe_has(&r->fe, "owner_unit")) {
        bool known;
        e = meeting_unit_known(r->db, owner, &known, NULL);
        if (e != OK) return e;
        if (!known) fe_add(&r->fe, "owner_unit", "未知的单位");
    }
    const char *problem = have_deadline && !fe_has(&r->fe, "deadline_on")
                              ? resolution_deadline_problem(deadline, m.held_on)
                              : NULL;
    if (problem) fe_add(&r->fe, "deadline_on", problem);
    enum err allowed = meeting_check(meeting_name_index(meeting_status_names, m.status), MEV_RESOLVE,
                                     meeting_actor(r->who->role, r->who->unit, NULL), NULL);
    if (allowed != OK) return allowed;
    if (r->fe.n) return ERR_VALIDATION;
    struct resolution x;
    e = resolution_create(r->db, r->a, r->who, m.id, text, owner, deadline, &r->fe, &x);
    if (e != OK) return e;
    return resp_json(r, out, 201, resolution_json(&x));
}

/* ---- Resolutions ---- */

/* GET /api/v1/resolutions?unit=&status=&overdue=1&meeting= */
enum err resolution_api_list(struct req *r, struct resp *out)
{
    struct resolution_filter f = {0};
    const char *unit = req_query(r, "unit"), *status = req_query(r, "status"),
               *overdue = req_query(r, "overdue"), *meeting = req_query(r, "meeting");
    if (unit && *unit) {
        bool known;
        enum err e = meeting_unit_known(r->db, unit, &known, NULL);
        if (e != OK) return e;
        if (!known) fe_add(&r->fe, "unit", "未知的单位");
        f.unit = unit;
    }
    if (status && *status) {
        int s = meeting_name_index(resolution_status_names, status);
        if (s < 0)
            fe_add(&r->fe, "status", "状态应为 open 或 done");
        else
            f.status = resolution_status_names[s];
    }
    if (overdue && *overdue) {
        if (strcmp(overdue, "1") == 0)
            f.overdue = true;
        else if (strcmp(overdue, "0") != 0)
            fe_add(&r->fe, "overdue", "应为 1 或 0");
    }
    if (meeting && *meeting) {
        char *end;
        long long v = strtoll(meeting, &end, 10);
        if (*end || v < 1)
            fe_add(&r->fe, "meeting", "会议编号无效");
        else
            f.meeting_id = v;
    }
    if (r->fe.n) return ERR_VALIDATION;
    /* A unit officer outside the office sees its own unit's resolutions, whatever it asks for. */
    if (!sees_all(r->who)) {
        if (f.unit && strcmp(f.unit, r->who->unit ? r->who->unit : "") != 0)
            return resp_json(r, out, 200, json_pack("{s:[]}", "items"));
        f.unit = r->who->unit;
    }
    enum err e;
    json_t *arr = resolutions_json(r, &f, &e);
    if (e != OK) {
        json_decref(arr);
        return e;
    }
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

/* GET /api/v1/resolutions/{id}: with its follow-up. */
enum err resolution_api_get(struct req *r, struct resp *out)
{
    struct resolution x;
    enum err e = load_resolution(r, &x);
    if (e != OK) return e;
    struct resolution_update *u;
    int n;
    e = resolution_updates(r->db, r->a, x.id, &u, &n);
    if (e != OK) return e;
    json_t *j = resolution_json(&x), *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:I}", "id",
                                             (json_int_t)u[i].id, "event", u[i].event, "text", u[i].text,
                                             "unit_code", u[i].unit_code, "unit_name", u[i].unit_name, "by",
                                             u[i].by_name, "at", (json_int_t)u[i].at));
    json_object_set_new(j, "updates", arr);
    return resp_json(r, out, 200, j);
}

/* POST /api/v1/resolutions/{id}/updates {text, done?} */
enum err resolution_api_update(struct req *r, struct resp *out)
{
    struct resolution x;
    enum err e = load_resolution(r, &x);
    if (e != OK) return e;
    json_t *body;
    e = req_json(r, &body);
    if (e != OK) return e;
    const char *text = NULL;
    bool done = false;
    struct jspec spec[] = {
        JS_STRING("text", &text, 1, TEXT_MAX),
        {.name = "done", .type = JT_BOOL, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &done},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    need_words(r, "text", text, "请填写办理进展");
    enum err allowed =
        resolution_check(meeting_name_index(resolution_status_names, x.status), done ? MEV_DONE : MEV_UPDATE,
                         meeting_actor(r->who->role, r->who->unit, x.owner_unit), NULL);
    if (allowed != OK) return allowed;
    if (r->fe.n) return ERR_VALIDATION;
    e = resolution_follow_up(r->db, r->a, r->who, x.id, text, done, clock_day_of(clock_now()), &x);
    if (e != OK) return e;
    return resp_json(r, out, 200, resolution_json(&x));
}

/* POST /api/v1/resolutions/{id}/reopen {text?} */
enum err resolution_api_reopen(struct req *r, struct resp *out)
{
    struct resolution x;
    enum err e = load_resolution(r, &x);
    if (e != OK) return e;
    const char *text = NULL;
    if (r->body_len) {
        json_t *body;
        e = req_json(r, &body);
        if (e != OK) return e;
        struct jspec spec[] = {
            {.name = "text",
             .type = JT_STRING,
             .flags = JS_OPTIONAL | JS_NULLABLE,
             .dst = &text,
             .min = 1,
             .max = TEXT_MAX},
            JS_END,
        };
        jspec_parse(body, spec, "", &r->fe);
    }
    enum err allowed = resolution_check(meeting_name_index(resolution_status_names, x.status), MEV_REOPEN,
                                        meeting_actor(r->who->role, r->who->unit, x.owner_unit), NULL);
    if (allowed != OK) return allowed;
    if (r->fe.n) return ERR_VALIDATION;
    e = resolution_reopen(r->db, r->a, r->who, x.id, text ? text : "办公室退回重新办理", &x);
    if (e != OK) return e;
    return resp_json(r, out, 200, resolution_json(&x));
}

/* ---- Notices ---- */

/* POST /api/v1/notices {title, body, to_all?, units?} */
enum err notice_api_create(struct req *r, struct resp *out)
{
    if (!meeting_is_office(r->who->role, r->who->unit)) return ERR_FORBIDDEN;
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    const char *title = NULL, *text = NULL;
    bool to_all = false;
    struct codes units = {.a = r->a};
    struct jspec spec[] = {
        JS_STRING("title", &title, 1, 200),
        JS_STRING("body", &text, 1, LONG_MAX_),
        {.name = "to_all", .type = JT_BOOL, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &to_all},
        {.name = "units",
         .type = JT_ARRAY,
         .flags = JS_OPTIONAL,
         .each = each_code,
         .ctx = &units,
         .max = 64},
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    need_words(r, "title", title, "请填写标题");
    need_words(r, "body", text, "请填写正文");
    e = check_codes(r, "units", &units);
    if (e != OK) return e;
    if (!fe_has(&r->fe, "units")) {
        if (to_all && units.n)
            fe_add(&r->fe, "units", "发送给全体成员单位时不再选择单位");
        else if (!to_all && units.n == 0)
            fe_add(&r->fe, "units", "请选择接收单位，或发送给全体成员单位");
    }
    if (r->fe.n) return ERR_VALIDATION;
    struct notice n;
    e = notice_create(r->db, r->a, r->who, title, text, to_all, units.items, units.n, &r->fe, &n);
    if (e != OK) return e;
    return resp_json(r, out, 201, notice_json(&n, true, false));
}

/* GET /api/v1/notices?unread=1 */
enum err notice_api_list(struct req *r, struct resp *out)
{
    const char *unread = req_query(r, "unread");
    bool unread_only = false;
    if (unread && *unread) {
        if (strcmp(unread, "1") == 0)
            unread_only = true;
        else if (strcmp(unread, "0") != 0) {
            fe_add(&r->fe, "unread", "应为 1 或 0");
            return ERR_VALIDATION;
        }
    }
    bool unit_view = !sees_all(r->who);
    struct notice *items;
    int n;
    enum err e = notice_list(r->db, r->a, unit_view ? r->who->unit : NULL, unread_only, &items, &n);
    if (e != OK) return e;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, notice_json(&items[i], false, unit_view));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", arr));
}

/* GET /api/v1/notices/{id}: a unit officer's reading marks it read for the unit. */
enum err notice_api_get(struct req *r, struct resp *out)
{
    struct notice n;
    bool unit_view = r->who->role == ROLE_UNIT;
    enum err e = notice_get(r->db, r->a, r->who, r->id[0], unit_view ? r->who->unit : NULL, unit_view, &n);
    /* The office's own officers read every notice, sent to their unit or not. */
    if (e == ERR_NOT_FOUND && unit_view && sees_all(r->who)) {
        unit_view = false;
        e = notice_get(r->db, r->a, r->who, r->id[0], NULL, false, &n);
    }
    if (e != OK) return e;
    return resp_json(r, out, 200, notice_json(&n, true, unit_view));
}

static json_t *receipts_json(struct req *r, int64_t id, enum err *e)
{
    struct notice_receipt *rc;
    int n;
    json_t *arr = json_array();
    *e = notice_receipts(r->db, r->a, id, &rc, &n);
    for (int i = 0; *e == OK && i < n; i++) {
        json_t *x = json_pack("{s:s?, s:s?, s:b}", "unit_code", rc[i].unit_code, "unit_name", rc[i].unit_name,
                              "read", rc[i].read_at != 0);
        if (!x) continue;
        json_object_set_new(x, "read_at", rc[i].read_at ? json_integer(rc[i].read_at) : json_null());
        json_object_set_new(x, "read_by", rc[i].read_by ? json_string(rc[i].read_by) : json_null());
        json_array_append_new(arr, x);
    }
    return arr;
}

/* GET /api/v1/notices/{id}/receipts (the office, admins, auditors) */
enum err notice_api_receipts(struct req *r, struct resp *out)
{
    if (!sees_all(r->who)) return ERR_FORBIDDEN;
    struct notice n;
    enum err e = notice_get(r->db, r->a, r->who, r->id[0], NULL, false, &n);
    if (e != OK) return e;
    json_t *arr = receipts_json(r, n.id, &e);
    if (e != OK) {
        json_decref(arr);
        return e;
    }
    json_t *j = notice_json(&n, false, false);
    json_object_set_new(j, "receipts", arr);
    return resp_json(r, out, 200, j);
}

/* ---- The inbox ---- */

static json_t *inbox_item_json(const struct plan_inbox_item *t)
{
    json_t *j =
        json_pack("{s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:b, s:s?, s:s?}", "kind",
                  t->kind == PLAN_INBOX_REVIEW ? "review" : "task", "task_id", (json_int_t)t->task_id,
                  "task_number", t->task_number, "task_title", t->task_title, "role", t->role, "period",
                  t->period, "status", t->status, "due_on", json_day_opt(t->due_on != 0, t->due_on),
                  "overdue", t->overdue, "from_unit", t->from_unit, "from_unit_name", t->from_unit_name);
    if (!j) return json_object();
    json_object_set_new(j, "report_id", t->report_id ? json_integer(t->report_id) : json_null());
    return j;
}

/* A unit's tasks from the plan module: overdue first, then as the plan lists them. */
static json_t *tasks_json(struct req *r, const char *unit, int64_t *noverdue, enum err *e)
{
    json_t *arr = json_array();
    struct plan_inbox_item *items = NULL;
    int n = 0;
    *noverdue = 0;
    *e = plan_inbox(r->db, r->a, unit, clock_day_of(clock_now()), &items, &n);
    for (int pass = 0; *e == OK && pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            if (items[i].overdue != (pass == 0)) continue;
            if (items[i].overdue) (*noverdue)++;
            json_array_append_new(arr, inbox_item_json(&items[i]));
        }
    return arr;
}

/* The office's view of late reports: those overdue for the last closed period, per unit and task. */
static json_t *overdue_reports_json(struct req *r, enum err *e)
{
    json_t *arr = json_array();
    struct plan_report *rep = NULL;
    struct plan_task *tasks = NULL;
    int nrep = 0, ntasks = 0;
    *e = plan_overdue(r->db, r->a, clock_day_of(clock_now()), &rep, &nrep, &tasks, &ntasks);
    for (int i = 0; *e == OK && i < nrep; i++) {
        json_t *x =
            json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o}", "task_id", (json_int_t)rep[i].task_id,
                      "task_number", rep[i].task_number, "unit_code", rep[i].unit_code, "unit_name",
                      rep[i].unit_name, "period", rep[i].period, "status", rep[i].status, "unit_role",
                      rep[i].unit_role, "due_on", json_day_opt(rep[i].due_on != 0, rep[i].due_on));
        if (!x) continue;
        json_object_set_new(x, "report_id", rep[i].id ? json_integer(rep[i].id) : json_null());
        json_array_append_new(arr, x);
    }
    return arr;
}

/* GET /api/v1/inbox: a unit officer's tasks, open resolutions (overdue first) and notices (unread first);
 * for the office (and admins, auditors): overdue resolutions of every unit and the notices' unread counts. */
enum err inbox_api(struct req *r, struct resp *out)
{
    bool office_view = sees_all(r->who);
    const char *unit = office_view ? NULL : r->who->unit;
    enum err e = OK;
    json_t *j = json_object();
    json_object_set_new(j, "view", json_string(office_view ? "office" : "unit"));
    json_object_set_new(j, "unit", unit ? json_string(unit) : json_null());
    int64_t ntask_overdue = 0;
    json_t *tasks = tasks_json(r, office_view ? MEETING_OFFICE_UNIT : unit, &ntask_overdue, &e);
    json_object_set_new(j, "tasks", tasks);
    json_object_set_new(j, "task_count", json_integer((json_int_t)json_array_size(tasks)));
    json_object_set_new(j, "overdue_task_count", json_integer(ntask_overdue));
    if (office_view && e == OK) {
        json_t *late = overdue_reports_json(r, &e);
        json_object_set_new(j, "overdue_reports", late);
        json_object_set_new(j, "overdue_report_count", json_integer((json_int_t)json_array_size(late)));
    }
    struct resolution_filter f = {.unit = unit, .status = "open", .overdue = office_view};
    json_t *res = e == OK ? resolutions_json(r, &f, &e) : json_array();
    size_t nover = 0;
    for (size_t i = 0; i < json_array_size(res); i++)
        if (json_is_true(json_object_get(json_array_get(res, i), "overdue"))) nover++;
    json_object_set_new(j, "resolutions", res);
    json_object_set_new(j, "resolution_count", json_integer((json_int_t)json_array_size(res)));
    json_object_set_new(j, "overdue_resolution_count", json_integer((json_int_t)nover));
    struct notice *items = NULL;
    int n = 0;
    if (e == OK) e = notice_list(r->db, r->a, unit, false, &items, &n);
    json_t *notices = json_array();
    int64_t unread = 0;
    /* Unread first, each group newest first (as listed). */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            bool is_unread = office_view ? items[i].nread < items[i].nrecipients : items[i].read_at == 0;
            if (is_unread != (pass == 0)) continue;
            if (is_unread && !office_view) unread++;
            if (office_view) unread += items[i].nrecipients - items[i].nread;
            json_array_append_new(notices, notice_json(&items[i], false, !office_view));
        }
    json_object_set_new(j, "notices", notices);
    json_object_set_new(j, "unread_notice_count", json_integer(unread));
    if (e != OK) {
        json_decref(j);
        return e;
    }
    return resp_json(r, out, 200, j);
}
