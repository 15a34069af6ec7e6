/* Credit records of institutions, stored. Each write is one transaction with its audit entry; reads are of
 * institutions' records, not persons', so they are not audited. Territory: county officials only their own
 * district (by the institution's district), everyone else allowed by the route table the whole city. */
#include "modules/credit/credit.h"

#include "core/clock.h"
#include "modules/institution/inst.h"

#include <string.h>

#define CREDIT_LIST_MAX 1000000 /* "every row" for exports; the table holds hundreds, not millions */

/* ---- Reading ------------------------------------------------------------------------------------------ */

#define CREDIT_COLS                                                                                          \
    "c.id, c.institution_id, i.name, i.uscc, i.district_code, d.name, c.kind, c.status, c.source, "          \
    "c.summary, c.authority, c.decision_number, c.revoked_reason, c.decided_on, c.publicity_from, "          \
    "c.publicity_until, c.created_at, c.revoked_at"
#define CREDIT_FROM                                                                                          \
    " FROM institution_credit_records c JOIN institutions i ON i.id = c.institution_id "                     \
    "JOIN districts d ON d.code = i.district_code "

static void read_record(struct db_rows *r, struct arena *a, void *item)
{
    struct credit_record *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->institution_name = db_text_dup(r, 2, a);
    o->uscc = db_text_dup(r, 3, a);
    o->district_code = db_text_dup(r, 4, a);
    o->district_name = db_text_dup(r, 5, a);
    o->kind = credit_index(credit_kind_names, db_text(r, 6));
    o->status = credit_index(credit_status_names, db_text(r, 7));
    o->source = db_text_dup(r, 8, a);
    o->summary = db_text_dup(r, 9, a);
    o->authority = db_text_dup(r, 10, a);
    o->decision_number = db_text_dup(r, 11, a);
    o->revoked_reason = db_text_dup(r, 12, a);
    o->decided_on = db_int(r, 13);
    o->publicity_from = db_int(r, 14);
    o->publicity_until = db_int(r, 15);
    o->created_at = db_int(r, 16);
    o->revoked_at = db_isnull(r, 17) ? 0 : db_int(r, 17);
}

/* Mark each of n records in force or not as of today (a reader does not know the day). */
static void set_in_force(struct credit_record *c, int n, int64_t today)
{
    for (int i = 0; i < n; i++)
        c[i].in_force = credit_in_force(c[i].status, c[i].publicity_from, c[i].publicity_until, today);
}

enum err credit_get(struct db *db, struct arena *a, int64_t id, struct credit_record *out)
{
    struct db_val v[] = {DBV_INT(id)};
    enum err e =
        db_get_one(db, a, "SELECT " CREDIT_COLS CREDIT_FROM "WHERE c.id = $1", v, 1, read_record, out);
    if (e == OK) set_in_force(out, 1, clock_day_of(clock_now()));
    return e;
}

#define CREDIT_WHERE                                                                                         \
    "WHERE (CAST($1 AS TEXT) IS NULL OR i.district_code = $1) "                                              \
    "AND (CAST($2 AS TEXT) IS NULL OR c.kind = $2) "                                                         \
    "AND (CAST($3 AS BIGINT) IS NULL OR c.institution_id = $3) "                                             \
    "AND (CAST($4 AS BIGINT) IS NULL OR (CASE WHEN c.status = 'active' AND c.publicity_from <= $5 "          \
    "AND c.publicity_until >= $5 THEN 1 ELSE 0 END) = $4) "

enum err credit_list(struct db *db, struct arena *a, const struct credit_filter *f,
                     struct credit_record **items, int *n, int64_t *total)
{
    int64_t today = clock_day_of(clock_now());
    int64_t per = f->per_page > 0 ? f->per_page : CREDIT_LIST_MAX;
    int64_t page = f->page > 0 ? f->page : 1;
    struct db_val v[] = {
        DBV_TEXT(f->district),
        f->kind >= 0 && f->kind < CREDIT__COUNT ? DBV_TEXT(credit_kind_names[f->kind]) : DBV_NULL,
        f->institution_id > 0 ? DBV_INT(f->institution_id) : DBV_NULL,
        f->in_force >= 0 ? DBV_INT(f->in_force ? 1 : 0) : DBV_NULL,
        DBV_INT(today),
        DBV_INT(per),
        DBV_INT((page - 1) * per),
    };
    enum err e = db_int_query(db, "SELECT COUNT(*)" CREDIT_FROM CREDIT_WHERE, v, 5, total);
    if (e == OK)
        e = db_get_all(db, a,
                       "SELECT " CREDIT_COLS CREDIT_FROM CREDIT_WHERE "ORDER BY c.id DESC LIMIT $6 OFFSET $7",
                       v, DB_NPARAMS(v), read_record, sizeof **items, (int)per, (void **)items, n);
    if (e == OK) set_in_force(*items, *n, today);
    return e;
}

enum err credit_in_force_list(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                              struct credit_record **items, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(today)};
    enum err e = db_get_all(db, a,
                            "SELECT " CREDIT_COLS CREDIT_FROM
                            "WHERE c.institution_id = $1 AND c.status = 'active' AND c.publicity_from <= $2 "
                            "AND c.publicity_until >= $2 ORDER BY c.decided_on DESC, c.id DESC",
                            v, 2, read_record, sizeof **items, 0, (void **)items, n);
    if (e == OK) set_in_force(*items, *n, today);
    return e;
}

json_t *credit_json(const struct credit_record *c, bool full)
{
    const char *kind = c->kind >= 0 ? credit_kind_names[c->kind] : "other";
    const char *kind_zh = c->kind >= 0 ? credit_kind_names_zh[c->kind] : "其他失信行为";
    json_t *j =
        json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id",
                  (json_int_t)c->id, "institution_id", (json_int_t)c->institution_id, "institution_name",
                  c->institution_name, "uscc", c->uscc, "district_code", c->district_code, "district_name",
                  c->district_name, "kind", kind, "kind_zh", kind_zh, "summary", c->summary, "authority",
                  c->authority, "decision_number", c->decision_number, "decided_on", json_day(c->decided_on),
                  "publicity_from", json_day(c->publicity_from), "publicity_until",
                  json_day(c->publicity_until), "in_force", c->in_force);
    if (full) {
        json_object_set_new(j, "status",
                            json_string(c->status >= 0 ? credit_status_names[c->status] : "active"));
        json_object_set_new(j, "source", json_string(c->source));
        json_object_set_new(j, "created_at", json_integer(c->created_at));
        if (c->revoked_at) {
            json_object_set_new(j, "revoked_at", json_integer(c->revoked_at));
            json_object_set_new(j, "revoked_reason", json_string(c->revoked_reason ? c->revoked_reason : ""));
        }
    }
    return j;
}

/* ---- Writing ------------------------------------------------------------------------------------------ */

/* Whether who may write records of an institution in district: the route admits admin, city and county;
 * a county official only for its own district. NULL (the demo) may. */
static bool may_write(const struct principal *who, const char *district)
{
    return !who || auth_sees_district(who, district);
}

static const char *check_text(const char *s)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || strncmp(p, "\u3000", 3) == 0)
        p += strncmp(p, "\u3000", 3) == 0 ? 3 : 1;
    if (!*p) return "不能只含空白";
    if (credit_text_has_number(s)) return "不得包含身份证号码或手机号码等个人信息";
    return NULL;
}

struct add_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id;
    int kind;
    const char *source, *summary, *authority, *decision_number;
    int64_t decided_on, from, until, now, id;
};

static enum err add_tx(struct db *db, void *p)
{
    struct add_ctx *c = p;
    struct db_val v[] = {DBV_INT(c->inst_id),
                         DBV_TEXT(credit_kind_names[c->kind]),
                         DBV_TEXT(c->source),
                         DBV_TEXT(c->summary),
                         DBV_TEXT(c->authority),
                         DBV_TEXT(c->decision_number),
                         DBV_INT(c->decided_on),
                         DBV_INT(c->from),
                         DBV_INT(c->until),
                         DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    enum err e =
        db_int_query(db,
                     "INSERT INTO institution_credit_records (institution_id, kind, source, summary, "
                     "authority, decision_number, decided_on, publicity_from, publicity_until, status, "
                     "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, "
                     "$11) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    char d1[11], d2[11], d3[11];
    json_t *after = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "institution_id", (json_int_t)c->inst_id, "kind",
        credit_kind_names[c->kind], "source", c->source, "summary", c->summary, "authority", c->authority,
        "decision_number", c->decision_number, "decided_on", date_format(c->decided_on, d1), "publicity_from",
        date_format(c->from, d2), "publicity_until", date_format(c->until, d3));
    return audit_append(db, c->who, "credit.record", "institution_credit_record", c->id, NULL,
                        json_text(c->a, after));
}

enum err credit_add_json(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         json_t *body, struct field_errors *fe, struct credit_record *out)
{
    struct institution inst;
    enum err e = inst_get(db, a, inst_id, &inst);
    if (e != OK) return e;
    if (!may_write(who, inst.district_code)) return ERR_NOT_FOUND;

    struct add_ctx c = {.a = a,
                        .who = who,
                        .inst_id = inst_id,
                        .kind = -1,
                        .decided_on = INT64_MIN,
                        .from = INT64_MIN,
                        .until = INT64_MIN,
                        .now = clock_now()};
    struct jspec spec[] = {
        JS_ENUM("kind", &c.kind, credit_kind_names),
        {.name = "source", .type = JT_STRING, .dst = &c.source, .min = 1, .max = 200, .check = check_text},
        {.name = "summary", .type = JT_STRING, .dst = &c.summary, .min = 1, .max = 1000, .check = check_text},
        {.name = "authority",
         .type = JT_STRING,
         .dst = &c.authority,
         .min = 1,
         .max = 100,
         .check = check_text},
        {.name = "decision_number",
         .type = JT_STRING,
         .dst = &c.decision_number,
         .min = 1,
         .max = 100,
         .check = check_text},
        JS_DATE("decided_on", &c.decided_on),
        {.name = "publicity_from", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &c.from},
        {.name = "publicity_until", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &c.until},
        JS_END,
    };
    if (!json_is_object(body)) {
        fe_add(fe, "body", "应为 JSON 对象");
        return ERR_VALIDATION;
    }
    int before = fe->n;
    jspec_parse(body, spec, "", fe);
    int64_t today = clock_day_of(c.now);
    if (c.decided_on != INT64_MIN && c.decided_on > today) fe_add(fe, "decided_on", "决定日期不能晚于今天");
    if (c.from == INT64_MIN) c.from = c.decided_on;
    if (c.decided_on != INT64_MIN && c.from != INT64_MIN && c.from < c.decided_on)
        fe_add(fe, "publicity_from", "公示起始日期不能早于决定日期");
    if (c.until == INT64_MIN && c.kind >= 0 && c.from != INT64_MIN)
        c.until = credit_default_until(c.kind, c.from);
    if (c.until != INT64_MIN && c.from != INT64_MIN) {
        if (c.until < c.from)
            fe_add(fe, "publicity_until", "公示截止日期不能早于公示起始日期");
        else if (c.until - c.from > 5 * 366)
            fe_add(fe, "publicity_until", "公示期不能超过 5 年");
    }
    if (fe->n > before) return ERR_VALIDATION;
    e = db_tx(db, add_tx, &c);
    if (e != OK) return e;
    return credit_get(db, a, c.id, out);
}

struct revoke_ctx {
    struct arena *a;
    const struct principal *who;
    const struct credit_record *rec;
    const char *reason;
    int64_t now;
};

static enum err revoke_tx(struct db *db, void *p)
{
    struct revoke_ctx *c = p;
    struct db_val v[] = {DBV_INT(c->rec->id), DBV_TEXT(c->reason), DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    enum err e = db_exec(db,
                         "UPDATE institution_credit_records SET status = 'revoked', revoked_reason = $2, "
                         "revoked_at = $3, revoked_by = $4 WHERE id = $1 AND status = 'active'",
                         v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_STATE; /* revoked meanwhile */
    return audit_append(db, c->who, "credit.revoke", "institution_credit_record", c->rec->id,
                        json_text(c->a, json_pack("{s:s}", "status", "active")),
                        json_text(c->a, json_pack("{s:s, s:s}", "status", "revoked", "reason", c->reason)));
}

enum err credit_revoke(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *reason, struct field_errors *fe, struct credit_record *out)
{
    struct credit_record rec;
    enum err e = credit_get(db, a, id, &rec);
    if (e != OK) return e;
    if (!may_write(who, rec.district_code)) return ERR_NOT_FOUND;
    if (!reason || utf8_chars(reason) < 1 || utf8_chars(reason) > 1000)
        fe_add(fe, "reason", "请填写撤销（信用修复）理由，1 到 1000 个字符");
    else if (check_text(reason))
        fe_add(fe, "reason", check_text(reason));
    if (fe->n) return ERR_VALIDATION;
    if (credit_transition(rec.status, CREDIT_EV_REVOKE, who ? who->role : ROLE_ADMIN) < 0) return ERR_STATE;
    struct revoke_ctx c = {a, who, &rec, reason, clock_now()};
    e = db_tx(db, revoke_tx, &c);
    if (e != OK) return e;
    return credit_get(db, a, id, out);
}

/* ---- Demo --------------------------------------------------------------------------------------------- */

static void read_id(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = db_int(r, 0);
}

enum err credit_demo_load(struct db *db, struct arena *a)
{
    static const struct {
        int kind;
        const char *source, *summary, *authority, *number;
        int days_ago;
        bool revoke;
    } demo[] = {
        {CREDIT_SERIOUS_VIOLATION, "监督检查",
         "食品留样与晨午检记录缺失，经责令整改逾期未改正，予以警告并公示。", "十堰市张湾区卫生健康局",
         "张卫罚〔2025〕7号", 120, false},
        {CREDIT_OPERATING_UNFILED, "群众投诉", "未按规定备案即开展全日托育服务，已责令停止并限期备案。",
         "十堰市茅箭区卫生健康局", "茅卫责〔2025〕3号", 60, false},
        {CREDIT_REPEATED_VIOLATION, "双随机抽查", "一年内两次检查发现保育人员配备不足。",
         "十堰市卫生健康委员会", "十卫监〔2025〕15号", 200, false},
        {CREDIT_OTHER, "监督检查", "未按规定公示收费项目和标准。", "十堰市张湾区卫生健康局",
         "张卫责〔2025〕11号", 300, true},
    };
    int64_t *ids = NULL;
    int nid = 0;
    enum err e = db_get_all(db, a, "SELECT id FROM institutions WHERE state = 'filed' ORDER BY id LIMIT 8",
                            NULL, 0, read_id, sizeof *ids, 8, (void **)&ids, &nid);
    if (e != OK || nid == 0) return e;

    int64_t today = clock_day_of(clock_now());
    for (size_t i = 0; i < sizeof demo / sizeof demo[0] && e == OK; i++) {
        /* Every other filed institution from the start of the register: records spread over several. */
        int64_t inst = ids[(2 * i + 1) % (size_t)nid];
        char day[11];
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", credit_kind_names[demo[i].kind],
                                 "source", demo[i].source, "summary", demo[i].summary, "authority",
                                 demo[i].authority, "decision_number", demo[i].number, "decided_on",
                                 date_format(today - demo[i].days_ago, day));
        struct field_errors fe;
        fe_init(&fe, a);
        struct credit_record rec;
        e = credit_add_json(db, a, NULL, inst, body, &fe, &rec);
        json_decref(body);
        if (e == OK && demo[i].revoke)
            e = credit_revoke(db, a, NULL, rec.id, "已完成整改并公开作出信用承诺，经审核准予信用修复。", &fe,
                              &rec);
    }
    return e;
}
