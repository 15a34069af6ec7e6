/* The SQL of parents' demand. Filing an application or a need runs the per-address limit, the per-phone
 * checks and the inserts in one transaction with its audit entry; the guardian's name and phone are sealed
 * (pii_seal), the phone also kept as a keyed hash and masked, the lookup code only as a keyed hash, the
 * client address only as a keyed hash in demand_rate (deleted after a day). Answers and the parent's moves
 * follow the transition table of demand_rules.c. */
#include "modules/demand/demand.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/planning/planning.h"

#include <sodium.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#define DAY 86400

static const char lookup_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static int64_t int_or_0(struct db_rows *r, int c)
{
    return db_isnull(r, c) ? 0 : db_int(r, c);
}

/* The first character of a name followed by "*" (UTF-8 aware), in the arena. */
static char *mask_name(struct arena *a, const char *name)
{
    if (!name || !*name) return arena_strdup(a, "*");
    size_t n = 1;
    while (name[n] && ((unsigned char)name[n] & 0xC0) == 0x80)
        n++;
    return arena_printf(a, "%.*s*", (int)n, name);
}

/* This month as a month index (CST). */
static int this_month(void)
{
    return demand_month_of_day(clock_day_of(clock_now()));
}

/* The months, service type and guardian fields shared by applications and needs, into fe. */
static void validate_common(const char *birth, const char *start, int service_type, const char *name,
                            const char *phone, struct field_errors *fe)
{
    int b = 0, s = 0;
    bool bok = demand_month_parse(birth, &b), sok = demand_month_parse(start, &s);
    if (!bok) fe_add(fe, "birth_month", "请按 YYYY-MM 填写孩子的出生年月");
    if (!sok) fe_add(fe, "start_month", "请按 YYYY-MM 填写希望入托的月份");
    if (bok && sok) {
        unsigned p = demand_months_problem(b, s, this_month());
        if (p & DMP_BIRTH_FUTURE) fe_add(fe, "birth_month", "出生年月不能晚于本月");
        if (p & DMP_START_PAST)
            fe_add(fe, "start_month", "入托月份不能早于本月");
        else if (p & DMP_START_FAR)
            fe_addf(fe, "start_month", "入托月份不能晚于 %d 个月以后", DEMAND_START_AHEAD_MAX);
        if (p & DMP_AGE_OVER) fe_add(fe, "start_month", "入托时孩子应不满 3 周岁");
        if ((p & DMP_AGE_UNBORN) && !(p & DMP_BIRTH_FUTURE))
            fe_add(fe, "start_month", "入托月份不能早于出生年月");
    } else if (bok && b > this_month()) {
        fe_add(fe, "birth_month", "出生年月不能晚于本月");
    } else if (sok) {
        int now = this_month();
        if (s < now)
            fe_add(fe, "start_month", "入托月份不能早于本月");
        else if (s > now + DEMAND_START_AHEAD_MAX)
            fe_addf(fe, "start_month", "入托月份不能晚于 %d 个月以后", DEMAND_START_AHEAD_MAX);
    }
    if (service_type < 0 || service_type >= SVC__COUNT)
        fe_add(fe, "service_type", "服务类型应为 full_day、half_day、hourly 或 temporary");
    if (text_blank(name))
        fe_add(fe, "guardian_name", "请填写监护人姓名");
    else if (utf8_chars(name) > 50)
        fe_add(fe, "guardian_name", "监护人姓名不能超过 50 字");
    char digits[16];
    if (!demand_phone_normalise(phone, digits)) fe_add(fe, "guardian_phone", "请填写有效的手机号码");
}

enum err demand_validate(struct db *db, struct arena *a, const struct demand_apply_in *in,
                         struct field_errors *fe)
{
    (void)a;
    int bad = -1;
    switch (demand_choices_check(in->institution_ids, in->n, &bad)) {
    case DCP_NONE:
        fe_add(fe, "institution_ids", "请至少选择一家机构");
        break;
    case DCP_TOO_MANY:
        fe_addf(fe, "institution_ids", "最多选择 %d 家机构", DEMAND_CHOICES_MAX);
        break;
    case DCP_BAD_ID:
        fe_addf(fe, arena_printf(fe->a, "institution_ids[%d]", bad), "机构编号应为正整数");
        break;
    case DCP_DUPLICATE:
        fe_add(fe, arena_printf(fe->a, "institution_ids[%d]", bad), "同一家机构只能选择一次");
        break;
    case DCP_OK: {
        char first[16] = "";
        for (int i = 0; i < in->n; i++) {
            struct db_rows *rows;
            struct db_val v[] = {DBV_INT(in->institution_ids[i])};
            enum err e =
                db_query(db, "SELECT district_code, state FROM institutions WHERE id = $1", v, 1, &rows);
            if (e != OK) return e;
            char district[16] = "", state[16] = "";
            int got = db_next(rows);
            if (got == 1) {
                snprintf(district, sizeof district, "%s", db_text(rows, 0) ? db_text(rows, 0) : "");
                snprintf(state, sizeof state, "%s", db_text(rows, 1) ? db_text(rows, 1) : "");
            }
            e = got < 0 ? db_rows_err(rows) : OK;
            db_done(rows);
            if (e != OK) return e;
            const char *field = arena_printf(fe->a, "institution_ids[%d]", i);
            if (got != 1 || strcmp(state, "filed") != 0)
                fe_add(fe, field, "只能申请已备案的托育机构");
            else if (i == 0)
                memcpy(first, district, sizeof first);
            else if (first[0] && strcmp(first, district) != 0)
                fe_add(fe, field, "所选机构应在同一县（市、区）");
        }
        break;
    }
    }
    validate_common(in->birth_month, in->start_month, in->service_type, in->guardian_name, in->guardian_phone,
                    fe);
    return fe->n ? ERR_VALIDATION : OK;
}

/* ---- Filing -------------------------------------------------------------------------------------------- */

struct file_ctx {
    struct arena *a;
    const struct demand_apply_in *app; /* an application, or */
    const struct demand_need_in *need; /* a need */
    const char *ip_hash, *phone_hash, *phone_masked, *lookup_hash;
    const unsigned char *name_enc, *phone_enc;
    size_t name_len, phone_len;
    int64_t now;
    struct field_errors *fe;
    int64_t id;
    char district[16], ref[32];
};

/* The per-address limit: ERR_THROTTLED past DEMAND_LIMIT_HOUR in the last hour or DEMAND_LIMIT_DAY in the
 * last day; records this use. */
static enum err rate_check(struct db *db, const char *ip_hash, int64_t now)
{
    if (!ip_hash) return OK;
    struct db_val old[] = {DBV_INT(now - DAY)};
    enum err e = db_exec(db, "DELETE FROM demand_rate WHERE at <= $1", old, 1);
    if (e != OK) return e;
    int64_t since[2] = {now - 3600, now - DAY}, count[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        struct db_val v[] = {DBV_TEXT(ip_hash), DBV_INT(since[i])};
        e = db_int_query(db, "SELECT COUNT(*) FROM demand_rate WHERE ip_hash = $1 AND at > $2", v, 2,
                         &count[i]);
        if (e != OK) return e;
    }
    if (count[0] >= DEMAND_LIMIT_HOUR || count[1] >= DEMAND_LIMIT_DAY) return ERR_THROTTLED;
    struct db_val rv[] = {DBV_TEXT(ip_hash), DBV_INT(now)};
    return db_exec(db, "INSERT INTO demand_rate (ip_hash, at, created_at) VALUES ($1, $2, $2)", rv, 2);
}

/* The receipt number PREFIX-YYYY-NNNNNN of row id filed at now. */
static void make_ref(char out[32], const char *prefix, int64_t now, int64_t id)
{
    int y, m, d;
    days_to_date(clock_day_of(now), &y, &m, &d);
    snprintf(out, 32, "%s-%04d-%06lld", prefix, y, (long long)id);
}

static enum err apply_tx(struct db *db, void *p)
{
    struct file_ctx *c = p;
    const struct demand_apply_in *in = c->app;
    enum err e = rate_check(db, c->ip_hash, c->now);
    if (e != OK) return e;
    struct db_val pv[] = {DBV_TEXT(c->phone_hash), DBV_INT(c->now - 365 * DAY), DBV_TEXT(in->birth_month)};
    int64_t open = 0, same = 0;
    e = db_int_query(
        db,
        "SELECT COUNT(*) FROM demand_applications WHERE guardian_phone_hash = $1 AND created_at > $2 "
        "AND withdrawn_at IS NULL",
        pv, 2, &open);
    if (e != OK) return e;
    e = db_int_query(
        db,
        "SELECT COUNT(*) FROM demand_applications WHERE guardian_phone_hash = $1 AND created_at > $2 "
        "AND withdrawn_at IS NULL AND birth_month = $3",
        pv, 3, &same);
    if (e != OK) return e;
    if (same > 0) {
        fe_add(c->fe, "guardian_phone", "已用该手机号为同一孩子提交过申请，请凭受理编号查询进度");
        return ERR_VALIDATION;
    }
    if (open >= DEMAND_PHONE_OPEN_MAX) {
        fe_addf(c->fe, "guardian_phone", "同一手机号最多同时有 %d 份在办申请", DEMAND_PHONE_OPEN_MAX);
        return ERR_VALIDATION;
    }
    struct db_val iv[] = {DBV_INT(in->institution_ids[0])};
    struct db_rows *rows;
    e = db_query(db, "SELECT district_code FROM institutions WHERE id = $1 AND state = 'filed'", iv, 1,
                 &rows);
    if (e != OK) return e;
    int got = db_next(rows);
    if (got == 1) snprintf(c->district, sizeof c->district, "%s", db_text(rows, 0));
    db_done(rows);
    if (got != 1) {
        fe_add(c->fe, "institution_ids[0]", "只能申请已备案的托育机构");
        return ERR_VALIDATION;
    }
    struct db_val v[] = {DBV_TEXT(c->lookup_hash),
                         DBV_TEXT(c->district),
                         DBV_TEXT(in->birth_month),
                         DBV_TEXT(service_type_names[in->service_type]),
                         DBV_TEXT(in->start_month),
                         DBV_BLOB(c->name_enc, c->name_len),
                         DBV_BLOB(c->phone_enc, c->phone_len),
                         DBV_TEXT(c->phone_hash),
                         DBV_TEXT(c->phone_masked),
                         DBV_INT(c->now)};
    e = db_int_query(
        db,
        "INSERT INTO demand_applications (lookup_hash, district_code, birth_month, service_type, "
        "start_month, guardian_name_enc, guardian_phone_enc, guardian_phone_hash, "
        "guardian_phone_masked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    make_ref(c->ref, "SQ", c->now, c->id);
    struct db_val rv[] = {DBV_INT(c->id), DBV_TEXT(c->ref)};
    e = db_exec(db, "UPDATE demand_applications SET ref = $2 WHERE id = $1", rv, 2);
    if (e != OK) return e;
    json_t *insts = json_array();
    for (int i = 0; i < in->n && e == OK; i++) {
        struct db_val cv[] = {DBV_INT(c->id), DBV_INT(in->institution_ids[i]), DBV_INT(i + 1),
                              DBV_INT(c->now)};
        e = db_exec(db,
                    "INSERT INTO demand_choices (application_id, institution_id, rank, status, created_at, "
                    "updated_at) VALUES ($1, $2, $3, 'pending', $4, $4)",
                    cv, 4);
        json_array_append_new(insts, json_integer(in->institution_ids[i]));
    }
    if (e != OK) {
        json_decref(insts);
        return e;
    }
    json_t *after = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "ref", c->ref, "district_code", c->district,
                              "birth_month", in->birth_month, "start_month", in->start_month, "service_type",
                              service_type_names[in->service_type], "institution_ids", insts);
    return audit_append(db, NULL, "demand.apply", "demand_application", c->id, NULL, json_text(c->a, after));
}

/* Seal the guardian, hash the phone and the client address into c. false when the phone is not valid. */
static bool seal_guardian(struct file_ctx *c, const char *name, const char *phone, const char *client_ip)
{
    char digits[16];
    if (!demand_phone_normalise(phone, digits)) return false;
    char *ph = arena_alloc(c->a, PII_HASH_HEX);
    pii_hash(arena_printf(c->a, "phone:%s", digits), ph);
    c->phone_hash = ph;
    c->phone_masked = pii_mask_phone(c->a, digits);
    c->name_enc = pii_seal(c->a, name, &c->name_len);
    c->phone_enc = pii_seal(c->a, digits, &c->phone_len);
    if (client_ip) {
        char *h = arena_alloc(c->a, PII_HASH_HEX);
        pii_hash(arena_printf(c->a, "ip:%s", client_ip), h);
        c->ip_hash = h;
    }
    c->now = clock_now();
    return true;
}

enum err demand_apply(struct db *db, struct arena *a, const struct demand_apply_in *in, const char *client_ip,
                      struct field_errors *fe, struct demand_receipt *out)
{
    if (!pii_ready()) return ERR_INTERNAL;
    struct file_ctx c = {.a = a, .app = in, .fe = fe};
    if (!seal_guardian(&c, in->guardian_name, in->guardian_phone, client_ip)) {
        fe_add(fe, "guardian_phone", "请填写有效的手机号码");
        return ERR_VALIDATION;
    }
    char code[9];
    for (int i = 0; i < 8; i++)
        code[i] = lookup_alphabet[randombytes_uniform(sizeof lookup_alphabet - 1)];
    code[8] = 0;
    char *lh = arena_alloc(a, PII_HASH_HEX);
    pii_hash(code, lh);
    c.lookup_hash = lh;
    int before = fe->n;
    enum err e = db_tx(db, apply_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before;
    if (e != OK) return e;
    out->id = c.id;
    out->ref = arena_strdup(a, c.ref);
    out->code = arena_strdup(a, code);
    out->district_code = arena_strdup(a, c.district);
    return OK;
}

static enum err need_tx(struct db *db, void *p)
{
    struct file_ctx *c = p;
    const struct demand_need_in *in = c->need;
    enum err e = rate_check(db, c->ip_hash, c->now);
    if (e != OK) return e;
    struct db_val pv[] = {DBV_TEXT(c->phone_hash), DBV_INT(in->community_id), DBV_TEXT(in->birth_month)};
    int64_t same = 0;
    e = db_int_query(db,
                     "SELECT COUNT(*) FROM demand_needs WHERE guardian_phone_hash = $1 AND community_id = $2 "
                     "AND birth_month = $3 AND closed_at IS NULL",
                     pv, 3, &same);
    if (e != OK) return e;
    if (same > 0) {
        fe_add(c->fe, "guardian_phone", "已用该手机号为同一孩子登记过本社区的需求");
        return ERR_VALIDATION;
    }
    struct db_val v[] = {DBV_INT(in->community_id),
                         DBV_TEXT(in->birth_month),
                         DBV_TEXT(service_type_names[in->service_type]),
                         DBV_TEXT(in->start_month),
                         DBV_BLOB(c->name_enc, c->name_len),
                         DBV_BLOB(c->phone_enc, c->phone_len),
                         DBV_TEXT(c->phone_hash),
                         DBV_TEXT(c->phone_masked),
                         DBV_INT(c->now)};
    e = db_int_query(
        db,
        "INSERT INTO demand_needs (community_id, district_code, birth_month, service_type, "
        "start_month, guardian_name_enc, guardian_phone_enc, guardian_phone_hash, "
        "guardian_phone_masked, created_at) SELECT $1, district_code, $2, $3, $4, $5, $6, $7, $8, $9 "
        "FROM communities WHERE id = $1 RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e == ERR_NOT_FOUND) {
        fe_add(c->fe, "community_id", "未找到该社区");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    make_ref(c->ref, "XQ", c->now, c->id);
    struct db_val rv[] = {DBV_INT(c->id), DBV_TEXT(c->ref)};
    e = db_exec(db, "UPDATE demand_needs SET ref = $2 WHERE id = $1", rv, 2);
    if (e != OK) return e;
    json_t *after = json_pack("{s:s, s:I, s:s, s:s, s:s}", "ref", c->ref, "community_id",
                              (json_int_t)in->community_id, "birth_month", in->birth_month, "start_month",
                              in->start_month, "service_type", service_type_names[in->service_type]);
    return audit_append(db, NULL, "demand.need", "demand_need", c->id, NULL, json_text(c->a, after));
}

enum err demand_need_validate(const struct demand_need_in *in, struct field_errors *fe)
{
    if (in->community_id < 1) fe_add(fe, "community_id", "请选择社区");
    validate_common(in->birth_month, in->start_month, in->service_type, in->guardian_name, in->guardian_phone,
                    fe);
    return fe->n ? ERR_VALIDATION : OK;
}

enum err demand_need_register(struct db *db, struct arena *a, const struct demand_need_in *in,
                              const char *client_ip, struct field_errors *fe, struct demand_receipt *out)
{
    if (!pii_ready()) return ERR_INTERNAL;
    if (demand_need_validate(in, fe) != OK) return ERR_VALIDATION;
    struct file_ctx c = {.a = a, .need = in, .fe = fe};
    if (!seal_guardian(&c, in->guardian_name, in->guardian_phone, client_ip)) return ERR_VALIDATION;
    int before = fe->n;
    enum err e = db_tx(db, need_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before;
    if (e != OK) return e;
    out->id = c.id;
    out->ref = arena_strdup(a, c.ref);
    out->code = NULL;
    out->district_code = NULL;
    return OK;
}

/* ---- Reading ------------------------------------------------------------------------------------------- */

#define CHOICE_COLS                                                                                          \
    "c.id, c.application_id, c.institution_id, c.rank, c.waitlist_position, c.status, c.note, "              \
    "c.answered_at, "                                                                                        \
    "c.version, c.created_at, i.name, i.district_code, a.ref, a.birth_month, a.start_month, "                \
    "a.service_type, "                                                                                       \
    "a.guardian_name_enc, a.guardian_phone_enc, a.guardian_phone_masked "
#define CHOICE_FROM                                                                                          \
    " FROM demand_choices c JOIN institutions i ON i.id = c.institution_id JOIN demand_applications a ON "   \
    "a.id = c.application_id "

enum guardian_view { GV_NONE, GV_MASKED, GV_CLEAR };

static bool is_status(const char *s, int status)
{
    return s && strcmp(s, choice_status_names[status]) == 0;
}

static void read_choice_view(struct db_rows *r, struct arena *a, struct demand_choice *o,
                             enum guardian_view gv)
{
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->application_id = db_int(r, 1);
    o->institution_id = db_int(r, 2);
    o->rank = db_int(r, 3);
    o->waitlist_position = int_or_0(r, 4);
    o->status = db_text_dup(r, 5, a);
    o->note = db_text_dup(r, 6, a);
    o->answered_at = int_or_0(r, 7);
    o->version = db_int(r, 8);
    o->created_at = db_int(r, 9);
    o->institution_name = db_text_dup(r, 10, a);
    o->district_code = db_text_dup(r, 11, a);
    o->ref = db_text_dup(r, 12, a);
    o->birth_month = db_text_dup(r, 13, a);
    o->start_month = db_text_dup(r, 14, a);
    o->service_type = db_text_dup(r, 15, a);
    int b = 0, s = 0;
    o->band = demand_month_parse(o->birth_month, &b) && demand_month_parse(o->start_month, &s)
                  ? demand_age_band(b, s)
                  : -1;
    if (gv == GV_NONE) return;
    /* A declined or withdrawn choice needs no call: its operator sees the guardian masked like officials. */
    if (gv == GV_CLEAR && (is_status(o->status, DCH_DECLINED) || is_status(o->status, DCH_WITHDRAWN)))
        gv = GV_MASKED;
    size_t len = 0;
    const void *enc = db_blob(r, 16, &len);
    char *name = enc ? pii_open(a, enc, len) : NULL;
    if (!name) name = "（无法解密）";
    if (gv == GV_MASKED) {
        o->guardian_name = mask_name(a, name);
        o->guardian_phone = db_text_dup(r, 18, a);
        return;
    }
    o->guardian_name = name;
    o->guardian_clear = true;
    enc = db_blob(r, 17, &len);
    o->guardian_phone = enc ? pii_open(a, enc, len) : NULL;
    if (!o->guardian_phone) o->guardian_phone = "（无法解密）";
}

static void read_choice_plain(struct db_rows *r, struct arena *a, void *item)
{
    read_choice_view(r, a, item, GV_NONE);
}
/* CHOICE_COLS and the choice's current place in its institution's waitlist (column 19). */
static void read_choice_place(struct db_rows *r, struct arena *a, void *item)
{
    struct demand_choice *o = item;
    read_choice_view(r, a, o, GV_NONE);
    o->waitlist_place = o->waitlist_position ? db_int(r, 19) : 0;
}
static void read_choice_masked(struct db_rows *r, struct arena *a, void *item)
{
    read_choice_view(r, a, item, GV_MASKED);
}
static void read_choice_clear(struct db_rows *r, struct arena *a, void *item)
{
    read_choice_view(r, a, item, GV_CLEAR);
}

struct app_row {
    const char *hash;
    bool match;
    struct demand_application *out;
};

static void read_app(struct db_rows *r, struct arena *a, void *item)
{
    struct app_row *o = item;
    const char *stored = db_text(r, 9);
    size_t n = strlen(o->hash);
    o->match = stored && strlen(stored) == n && sodium_memcmp(stored, o->hash, n) == 0;
    if (!o->match) return;
    struct demand_application *p = o->out;
    p->id = db_int(r, 0);
    p->ref = db_text_dup(r, 1, a);
    p->district_code = db_text_dup(r, 2, a);
    p->district_name = db_text_dup(r, 3, a);
    p->birth_month = db_text_dup(r, 4, a);
    p->start_month = db_text_dup(r, 5, a);
    p->service_type = db_text_dup(r, 6, a);
    p->created_at = db_int(r, 7);
    p->withdrawn_at = int_or_0(r, 8);
}

enum err demand_lookup(struct db *db, struct arena *a, const char *ref, const char *code,
                       struct demand_application *out)
{
    memset(out, 0, sizeof *out);
    if (!ref || !code || strlen(ref) > 32 || strlen(code) > 16 || !pii_ready()) return ERR_NOT_FOUND;
    char up[17];
    size_t n = 0;
    for (const char *p = code; *p && n < 16; p++)
        if (*p != ' ' && *p != '-') up[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    up[n] = 0;
    char h[PII_HASH_HEX];
    pii_hash(up, h);
    struct app_row row = {.hash = h, .out = out};
    struct db_val v[] = {DBV_TEXT(ref)};
    enum err e =
        db_get_one(db, a,
                   "SELECT a.id, a.ref, a.district_code, d.name, a.birth_month, a.start_month, "
                   "a.service_type, a.created_at, a.withdrawn_at, a.lookup_hash FROM demand_applications a "
                   "JOIN districts d ON d.code = a.district_code WHERE a.ref = $1",
                   v, 1, read_app, &row);
    if (e != OK) return e;
    if (!row.match) return ERR_NOT_FOUND;
    struct db_val cv[] = {DBV_INT(out->id)};
    return db_get_all(
        db, a,
        "SELECT " CHOICE_COLS ", (SELECT COUNT(*) FROM demand_choices w WHERE w.institution_id = "
        "c.institution_id AND w.status = 'waitlisted' AND w.waitlist_position <= "
        "c.waitlist_position)" CHOICE_FROM "WHERE c.application_id = $1 ORDER BY c.rank",
        cv, 1, read_choice_place, sizeof *out->choices, 0, (void **)&out->choices, &out->nchoices);
}

/* ---- The parent's moves -------------------------------------------------------------------------------- */

struct move_ctx {
    struct arena *a;
    const struct principal *who; /* NULL: the parent */
    int64_t application_id, choice_id, expected_version;
    int event;
    const char *note;
    int from, to;
    int64_t position;
};

/* What a move looks at: the choice's status index, application, institution and version. */
struct choice_state {
    int status;
    int64_t application_id, institution_id, version;
};

static void read_state(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct choice_state *o = item;
    o->status = demand_name_index(choice_status_names, db_text(r, 0));
    o->application_id = db_int(r, 1);
    o->institution_id = db_int(r, 2);
    o->version = db_int(r, 3);
}

static enum err parent_tx(struct db *db, void *p)
{
    struct move_ctx *c = p;
    struct choice_state st;
    struct db_val v[] = {DBV_INT(c->choice_id)};
    enum err e = db_get_one(
        db, c->a, "SELECT status, application_id, institution_id, version FROM demand_choices WHERE id = $1",
        v, 1, read_state, &st);
    if (e != OK) return e;
    if (st.application_id != c->application_id) return ERR_NOT_FOUND;
    c->from = st.status;
    e = demand_choice_check(st.status, c->event, DEMAND_BY_PARENT, &c->to);
    if (e != OK) return e;
    int64_t now = clock_now();
    struct db_val uv[] = {DBV_INT(c->choice_id), DBV_TEXT(choice_status_names[c->to]), DBV_INT(now),
                          DBV_INT(st.version)};
    e = db_exec(db,
                "UPDATE demand_choices SET status = $2, waitlist_position = NULL, version = version + 1, "
                "updated_at = $3 WHERE id = $1 AND version = $4",
                uv, 4);
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    struct db_val av[] = {DBV_INT(c->application_id), DBV_INT(now), DBV_INT(c->choice_id)};
    if (c->event == DCE_ACCEPT) {
        /* One child takes one place: the other open choices are withdrawn with the acceptance. */
        e = db_exec(
            db,
            "UPDATE demand_choices SET status = 'withdrawn', waitlist_position = NULL, version = version + "
            "1, "
            "updated_at = $2 WHERE application_id = $1 AND id <> $3 AND status IN ('pending', 'offered', "
            "'waitlisted')",
            av, 3);
        if (e != OK) return e;
    } else {
        e = db_exec(
            db,
            "UPDATE demand_applications SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL AND "
            "NOT EXISTS (SELECT 1 FROM demand_choices c WHERE c.application_id = $1 AND c.status IN "
            "('pending', 'offered', 'waitlisted', 'accepted'))",
            av, 2);
        if (e != OK) return e;
    }
    json_t *after = json_pack("{s:s, s:s, s:I}", "event", choice_event_names[c->event], "status",
                              choice_status_names[c->to], "institution_id", (json_int_t)st.institution_id);
    return audit_append(db, NULL, "demand.parent", "demand_choice", c->choice_id,
                        json_text(c->a, json_pack("{s:s}", "status", choice_status_names[c->from])),
                        json_text(c->a, after));
}

enum err demand_parent_move(struct db *db, struct arena *a, const char *ref, const char *code,
                            int64_t choice_id, int event)
{
    if (event != DCE_ACCEPT && event != DCE_WITHDRAW) return ERR_FORBIDDEN;
    struct demand_application app;
    enum err e = demand_lookup(db, a, ref, code, &app);
    if (e != OK) return e;
    struct move_ctx c = {.a = a, .application_id = app.id, .choice_id = choice_id, .event = event};
    return db_tx(db, parent_tx, &c);
}

/* ---- The institution's answers ------------------------------------------------------------------------- */

static enum err answer_tx(struct db *db, void *p)
{
    struct move_ctx *c = p;
    struct choice_state st;
    struct db_val v[] = {DBV_INT(c->choice_id)};
    enum err e = db_get_one(
        db, c->a, "SELECT status, application_id, institution_id, version FROM demand_choices WHERE id = $1",
        v, 1, read_state, &st);
    if (e != OK) return e;
    if (c->who->role != ROLE_OPERATOR || c->who->institution_id != st.institution_id) return ERR_NOT_FOUND;
    if (c->expected_version && c->expected_version != st.version) return ERR_CONFLICT;
    c->from = st.status;
    e = demand_choice_check(st.status, c->event, DEMAND_BY_INSTITUTION, &c->to);
    if (e != OK) return e;
    c->position = 0;
    if (c->to == DCH_WAITLISTED) {
        struct db_val wv[] = {DBV_INT(st.institution_id)};
        e = db_int_query(
            db,
            "SELECT COALESCE(MAX(waitlist_position), 0) + 1 FROM demand_choices WHERE institution_id = $1 "
            "AND status = 'waitlisted'",
            wv, 1, &c->position);
        if (e != OK) return e;
    }
    int64_t now = clock_now();
    struct db_val uv[] = {DBV_INT(c->choice_id),
                          DBV_TEXT(choice_status_names[c->to]),
                          c->position ? DBV_INT(c->position) : DBV_NULL,
                          DBV_INT(now),
                          DBV_INT(c->who->user_id),
                          DBV_TEXT(text_blank(c->note) ? NULL : c->note),
                          DBV_INT(st.version)};
    e = db_exec(
        db,
        "UPDATE demand_choices SET status = $2, waitlist_position = $3, answered_at = $4, answered_by = $5, "
        "note = $6, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $7",
        uv, DB_NPARAMS(uv));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    json_t *after =
        json_pack("{s:s, s:s}", "event", choice_event_names[c->event], "status", choice_status_names[c->to]);
    if (c->position) json_object_set_new(after, "waitlist_position", json_integer(c->position));
    return audit_append(db, c->who, "demand.answer", "demand_choice", c->choice_id,
                        json_text(c->a, json_pack("{s:s}", "status", choice_status_names[c->from])),
                        json_text(c->a, after));
}

enum err demand_answer(struct db *db, struct arena *a, const struct principal *who, int64_t choice_id,
                       int event, const char *note, int64_t expected_version, struct demand_choice *out)
{
    if (!who) return ERR_FORBIDDEN;
    if (event != DCE_OFFER && event != DCE_WAITLIST && event != DCE_DECLINE) return ERR_FORBIDDEN;
    struct move_ctx c = {.a = a,
                         .who = who,
                         .choice_id = choice_id,
                         .event = event,
                         .note = note,
                         .expected_version = expected_version};
    enum err e = db_tx(db, answer_tx, &c);
    /* Two waitlist answers at once may pick the same place: the unique index refuses the second, which
     * takes the next place on a retry. */
    for (int retry = 0; e == ERR_CONFLICT && event == DCE_WAITLIST && c.position > 0 && retry < 3; retry++)
        e = db_tx(db, answer_tx, &c);
    if (e != OK || !out) return e;
    struct db_val v[] = {DBV_INT(choice_id)};
    return db_get_one(db, a, "SELECT " CHOICE_COLS CHOICE_FROM "WHERE c.id = $1", v, 1, read_choice_plain,
                      out);
}

/* ---- Lists --------------------------------------------------------------------------------------------- */

struct list_ctx {
    struct arena *a;
    const struct principal *who;
    const struct demand_choice_filter *f;
    struct demand_choice **items;
    int *n;
};

static enum err list_tx(struct db *db, void *p)
{
    struct list_ctx *c = p;
    const struct principal *who = c->who;
    bool op = who->role == ROLE_OPERATOR;
    int64_t inst = op ? who->institution_id : c->f->institution_id;
    const char *district = who->role == ROLE_COUNTY ? who->district : c->f->district;
    struct db_val v[] = {DBV_INT(inst), DBV_TEXT(district), DBV_TEXT(c->f->status)};
    enum err e = db_get_all(
        db, c->a,
        "SELECT " CHOICE_COLS CHOICE_FROM "WHERE (CAST($1 AS BIGINT) = 0 OR c.institution_id = $1) AND "
        "(CAST($2 AS TEXT) IS NULL OR i.district_code = $2) "
        "AND (CAST($3 AS TEXT) IS NULL OR c.status = $3) ORDER BY CASE c.status WHEN 'pending' THEN 0 WHEN "
        "'waitlisted' THEN 1 WHEN 'offered' THEN 2 ELSE 3 END, c.waitlist_position, c.created_at, c.id LIMIT "
        "500",
        v, 3, op ? read_choice_clear : read_choice_masked, sizeof **c->items, 500, (void **)c->items, c->n);
    if (e != OK) return e;
    if (op) {
        int64_t next = 1;
        struct db_val wv[] = {DBV_INT(inst)};
        e = db_int_query(
            db,
            "SELECT COALESCE(MAX(waitlist_position), 0) + 1 FROM demand_choices WHERE institution_id = $1 "
            "AND status = 'waitlisted'",
            wv, 1, &next);
        if (e != OK) return e;
        for (int i = 0; i < *c->n; i++)
            (*c->items)[i].next_position = next;
    }
    if (!*c->n) return OK;
    /* The guardians were read: one audit entry naming the choices (operators in clear, officials masked). */
    json_t *ids = json_array();
    for (int i = 0; i < *c->n; i++)
        json_array_append_new(ids, json_integer((*c->items)[i].id));
    json_t *after = json_pack("{s:s, s:o}", "view", op ? "clear" : "masked", "choices", ids);
    if (district) json_object_set_new(after, "district_code", json_string(district));
    return audit_append(db, who, "demand.guardians.read", op ? "institution" : "demand_choice", op ? inst : 0,
                        NULL, json_text(c->a, after));
}

enum err demand_choices_list(struct db *db, struct arena *a, const struct principal *who,
                             const struct demand_choice_filter *f, struct demand_choice **items, int *n)
{
    *items = NULL;
    *n = 0;
    if (!who) return ERR_FORBIDDEN;
    struct list_ctx c = {a, who, f, items, n};
    return db_tx(db, list_tx, &c);
}

/* ---- The summary --------------------------------------------------------------------------------------- */

static struct demand_district_row *row_of(struct demand_summary *s, const char *code)
{
    int k = code_map_find(&s->map, code);
    return k >= 0 ? &s->districts[k] : NULL;
}

static void read_district(struct db_rows *r, struct arena *a, void *item)
{
    struct demand_district_row *o = item;
    o->code = db_text_dup(r, 0, a);
    o->name = db_text_dup(r, 1, a);
}

/* One application of the summary: district, months, withdrawn, answered with an offer (or accepted). */
struct sum_app {
    const char *district, *birth, *start;
    bool withdrawn, placed;
};
static void read_sum_app(struct db_rows *r, struct arena *a, void *item)
{
    struct sum_app *o = item;
    o->district = db_text_dup(r, 0, a);
    o->birth = db_text_dup(r, 1, a);
    o->start = db_text_dup(r, 2, a);
    o->withdrawn = db_int(r, 3) != 0;
    o->placed = db_int(r, 4) != 0;
}

struct sum_status {
    const char *district, *status;
    int64_t n;
};
static void read_sum_status(struct db_rows *r, struct arena *a, void *item)
{
    struct sum_status *o = item;
    o->district = db_text_dup(r, 0, a);
    o->status = db_text_dup(r, 1, a);
    o->n = db_int(r, 2);
}

struct sum_need {
    const char *district, *community, *birth, *start;
    int64_t community_id;
};
static void read_sum_need(struct db_rows *r, struct arena *a, void *item)
{
    struct sum_need *o = item;
    o->district = db_text_dup(r, 0, a);
    o->community_id = db_int(r, 1);
    o->community = db_text_dup(r, 2, a);
    o->birth = db_text_dup(r, 3, a);
    o->start = db_text_dup(r, 4, a);
}

static void read_inst_row(struct db_rows *r, struct arena *a, void *item)
{
    struct demand_inst_row *o = item;
    o->id = db_int(r, 0);
    o->name = db_text_dup(r, 1, a);
    o->district_code = db_text_dup(r, 2, a);
    o->waitlist = db_int(r, 3);
    o->places = db_int(r, 4);
    o->enrolled = db_int(r, 5);
    o->vacancies = o->places > o->enrolled ? o->places - o->enrolled : 0;
}

static int band_of(const char *birth, const char *start)
{
    int b, s;
    if (!demand_month_parse(birth, &b) || !demand_month_parse(start, &s)) return -1;
    return demand_age_band(b, s);
}

enum err demand_summary_get(struct db *db, struct arena *a, const char *district, struct demand_summary *out)
{
    memset(out, 0, sizeof *out);
    int64_t today = clock_day_of(clock_now());
    int y, m, d;
    days_to_date(today, &y, &m, &d);
    out->year = y;
    struct db_val dv[] = {DBV_TEXT(district), DBV_INT(today)};
    enum err e = db_get_all(
        db, a, "SELECT code, name FROM districts WHERE (CAST($1 AS TEXT) IS NULL OR code = $1) ORDER BY code",
        dv, 1, read_district, sizeof *out->districts, 0, (void **)&out->districts, &out->ndistricts);
    if (e != OK) return e;
    if (district && out->ndistricts == 0) return ERR_NOT_FOUND;
    code_map_build(&out->map, a, out->districts, out->ndistricts, sizeof *out->districts,
                   offsetof(struct demand_district_row, code));
    struct plan_need *need = NULL;
    int nneed = 0;
    e = planning_needs(db, a, y, district, &need, &nneed);
    if (e != OK) return e;
    for (int i = 0; i < nneed; i++) {
        struct demand_district_row *row = row_of(out, need[i].code);
        if (!row) continue;
        row->residents = need[i].residents;
        row->needed = need[i].needed;
        row->places = need[i].places;
        row->planning_known = true;
    }

    struct sum_app *apps = NULL;
    int napps = 0;
    e = db_get_all(
        db, a,
        "SELECT a.district_code, a.birth_month, a.start_month, CASE WHEN a.withdrawn_at IS NULL THEN 0 ELSE "
        "1 END, CASE WHEN EXISTS (SELECT 1 FROM demand_choices c WHERE c.application_id = a.id AND "
        "c.status IN ('offered', 'accepted')) THEN 1 ELSE 0 END FROM demand_applications a WHERE "
        "(CAST($1 AS TEXT) IS NULL OR a.district_code = $1)",
        dv, 1, read_sum_app, sizeof *apps, 0, (void **)&apps, &napps);
    if (e != OK) return e;
    for (int i = 0; i < napps; i++) {
        struct demand_district_row *row = row_of(out, apps[i].district);
        if (!row || apps[i].withdrawn) continue;
        int band = band_of(apps[i].birth, apps[i].start);
        row->applications++;
        if (band >= 0) row->band_applications[band]++;
        if (!apps[i].placed) {
            row->unmet_applications++;
            if (band >= 0) row->band_unmet[band]++;
        }
    }
    struct sum_status *st = NULL;
    int nst = 0;
    e = db_get_all(
        db, a,
        "SELECT a.district_code, c.status, COUNT(*) FROM demand_choices c JOIN demand_applications a ON "
        "a.id = c.application_id WHERE (CAST($1 AS TEXT) IS NULL OR a.district_code = $1) GROUP BY "
        "a.district_code, c.status",
        dv, 1, read_sum_status, sizeof *st, 0, (void **)&st, &nst);
    if (e != OK) return e;
    for (int i = 0; i < nst; i++) {
        struct demand_district_row *row = row_of(out, st[i].district);
        if (!row) continue;
        int64_t *slot[DCH__COUNT] = {&row->pending,  &row->offered,  &row->waitlisted,
                                     &row->declined, &row->accepted, &row->withdrawn};
        int k = demand_name_index(choice_status_names, st[i].status);
        if (k >= 0) *slot[k] += st[i].n;
    }
    struct sum_need *needs = NULL;
    int nneeds = 0;
    e = db_get_all(
        db, a,
        "SELECT n.district_code, n.community_id, c.name, n.birth_month, n.start_month FROM demand_needs n "
        "JOIN communities c ON c.id = n.community_id WHERE n.closed_at IS NULL AND (CAST($1 AS TEXT) IS "
        "NULL OR n.district_code = $1) ORDER BY n.district_code, c.name, n.community_id",
        dv, 1, read_sum_need, sizeof *needs, 0, (void **)&needs, &nneeds);
    if (e != OK) return e;
    out->communities = nneeds ? arena_alloc(a, sizeof *out->communities * (size_t)nneeds) : NULL;
    for (int i = 0; i < nneeds; i++) {
        struct demand_district_row *row = row_of(out, needs[i].district);
        int band = band_of(needs[i].birth, needs[i].start);
        if (row) {
            row->unmet_needs++;
            if (band >= 0) row->band_unmet[band]++;
        }
        struct demand_community_row *cr = NULL;
        if (out->ncommunities && out->communities[out->ncommunities - 1].id == needs[i].community_id)
            cr = &out->communities[out->ncommunities - 1];
        if (!cr) {
            cr = &out->communities[out->ncommunities++];
            memset(cr, 0, sizeof *cr);
            cr->id = needs[i].community_id;
            cr->name = needs[i].community;
            cr->district_code = needs[i].district;
        }
        cr->open_needs++;
        if (band >= 0) cr->band[band]++;
    }
    struct demand_district_row *t = &out->total;
    t->code = NULL;
    t->name = "全市";
    t->planning_known = true;
    for (int i = 0; i < out->ndistricts; i++) {
        struct demand_district_row *row = &out->districts[i];
        row->unmet = row->unmet_applications + row->unmet_needs;
        t->applications += row->applications;
        t->pending += row->pending;
        t->offered += row->offered;
        t->waitlisted += row->waitlisted;
        t->declined += row->declined;
        t->accepted += row->accepted;
        t->withdrawn += row->withdrawn;
        t->unmet_applications += row->unmet_applications;
        t->unmet_needs += row->unmet_needs;
        t->unmet += row->unmet;
        for (int b = 0; b < DEMAND_BANDS; b++) {
            t->band_applications[b] += row->band_applications[b];
            t->band_unmet[b] += row->band_unmet[b];
        }
        t->planning_known = t->planning_known && row->planning_known;
        t->residents += row->residents;
        t->needed += row->needed;
        t->places += row->places;
    }
    e = db_get_all(
        db, a,
        "SELECT i.id, i.name, i.district_code, COUNT(*), i.places, (SELECT COUNT(*) FROM children ch WHERE "
        "ch.institution_id = i.id AND (ch.end_on IS NULL OR ch.end_on > $2)) FROM demand_choices c JOIN "
        "institutions i ON i.id = c.institution_id WHERE c.status = 'waitlisted' AND (CAST($1 AS TEXT) IS "
        "NULL OR i.district_code = $1) GROUP BY i.id, i.name, i.district_code, i.places ORDER BY "
        "i.district_code, COUNT(*) DESC, i.id LIMIT 200",
        dv, 2, read_inst_row, sizeof *out->waitlists, 200, (void **)&out->waitlists, &out->nwaitlists);
    if (e != OK) return e;
    return db_get_all(
        db, a,
        "SELECT id, name, district_code, 0, places, enrolled FROM (SELECT i.id, i.name, "
        "i.district_code, i.places, (SELECT COUNT(*) FROM children ch WHERE ch.institution_id = i.id "
        "AND (ch.end_on IS NULL OR ch.end_on > $2)) AS enrolled FROM institutions i WHERE i.state = "
        "'filed' AND (CAST($1 AS TEXT) IS NULL OR i.district_code = $1)) v WHERE places > enrolled "
        "ORDER BY district_code, places - enrolled DESC, id LIMIT 200",
        dv, 2, read_inst_row, sizeof *out->vacancies, 200, (void **)&out->vacancies, &out->nvacancies);
}

static void read_community(struct db_rows *r, struct arena *a, void *item)
{
    struct demand_community *o = item;
    o->id = db_int(r, 0);
    o->name = db_text_dup(r, 1, a);
    o->street = db_text_dup(r, 2, a);
    o->district_code = db_text_dup(r, 3, a);
    o->urban = db_int(r, 4) != 0;
}

enum err demand_communities(struct db *db, struct arena *a, const char *district,
                            struct demand_community **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(district)};
    return db_get_all(
        db, a,
        "SELECT id, name, street, district_code, urban FROM communities WHERE (CAST($1 AS TEXT) IS NULL "
        "OR district_code = $1) ORDER BY district_code, street, name, id LIMIT 2000",
        v, 1, read_community, sizeof **items, 2000, (void **)items, n);
}

/* ---- The demo ------------------------------------------------------------------------------------------ */

struct demo_inst {
    int64_t id;
    char district[8];
};
static void read_demo_inst(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct demo_inst *o = item;
    o->id = db_int(r, 0);
    snprintf(o->district, sizeof o->district, "%s", db_text(r, 1) ? db_text(r, 1) : "");
}

struct demo_ctx {
    struct arena *a;
    uint64_t seed;
    int64_t now;
    int64_t *next_pos; /* per institution index: the next waitlist position */
    int napps, nneeds;
};

/* A fixed-seed generator (64-bit LCG, high bits): the same demo on every load. */
static uint32_t demo_rnd(struct demo_ctx *d, uint32_t n)
{
    d->seed = d->seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return n ? (uint32_t)(d->seed >> 33) % n : 0;
}

static const char *const demo_surnames[] = {"王", "李", "张", "刘", "陈", "杨",
                                            "黄", "赵", "周", "吴", "徐", "孙"};
static const char *const demo_given[] = {"丽", "静", "敏", "强", "磊", "洋", "艳",   "勇",
                                         "军", "杰", "娟", "涛", "明", "超", "秀英", "桂兰"};

/* The guardian of the demo's row i, sealed into c (name, phone, hash, mask). */
static void demo_guardian(struct demo_ctx *d, struct file_ctx *c, int i)
{
    const char *name =
        arena_printf(d->a, "%s%s", demo_surnames[demo_rnd(d, 12)], demo_given[demo_rnd(d, 16)]);
    char *phone =
        arena_printf(d->a, "13%d%08d", 5 + (int)demo_rnd(d, 5), (int)((uint64_t)i * 7919 % 100000000));
    char *ph = arena_alloc(d->a, PII_HASH_HEX);
    pii_hash(arena_printf(d->a, "phone:%s", phone), ph);
    c->phone_hash = ph;
    c->phone_masked = pii_mask_phone(d->a, phone);
    c->name_enc = pii_seal(d->a, name, &c->name_len);
    c->phone_enc = pii_seal(d->a, phone, &c->phone_len);
}

static const char *demo_service(struct demo_ctx *d)
{
    uint32_t x = demo_rnd(d, 20);
    return service_type_names[x < 14   ? SVC_FULL_DAY
                              : x < 17 ? SVC_HALF_DAY
                              : x < 19 ? SVC_HOURLY
                                       : SVC_TEMPORARY];
}

/* Months of a demo child: born 2..34 months ago, starting this month up to 6 months ahead, under three then.
 */
static void demo_months(struct demo_ctx *d, char birth[8], char start[8])
{
    int now = demand_month_of_day(clock_day_of(d->now));
    int b = now - 2 - (int)demo_rnd(d, 33), s = now + (int)demo_rnd(d, 7);
    if (s - b >= 36) s = b + 35 < now ? now : b + 35;
    if (s - b >= 36) b = s - 30;
    demand_month_format(b, birth);
    demand_month_format(s, start);
}

/* One demo application at institutions idx[0..k) (indexes into insts), with answers. */
static enum err demo_application(struct db *db, struct demo_ctx *d, const struct demo_inst *insts,
                                 const int *idx, int k, int serial)
{
    struct file_ctx c = {.a = d->a};
    demo_guardian(d, &c, serial);
    char birth[8], start[8], lh[PII_HASH_HEX], ref[32];
    demo_months(d, birth, start);
    pii_hash(arena_printf(d->a, "demo-application-%d", serial), lh);
    int64_t created = d->now - 3600 - (int64_t)demo_rnd(d, 90) * DAY - (int64_t)demo_rnd(d, DAY);
    struct db_val v[] = {DBV_TEXT(lh),
                         DBV_TEXT(insts[idx[0]].district),
                         DBV_TEXT(birth),
                         DBV_TEXT(demo_service(d)),
                         DBV_TEXT(start),
                         DBV_BLOB(c.name_enc, c.name_len),
                         DBV_BLOB(c.phone_enc, c.phone_len),
                         DBV_TEXT(c.phone_hash),
                         DBV_TEXT(c.phone_masked),
                         DBV_INT(created)};
    int64_t id = 0;
    enum err e = db_int_query(
        db,
        "INSERT INTO demand_applications (lookup_hash, district_code, birth_month, service_type, "
        "start_month, guardian_name_enc, guardian_phone_enc, guardian_phone_hash, "
        "guardian_phone_masked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING id",
        v, DB_NPARAMS(v), &id);
    if (e != OK) return e;
    make_ref(ref, "SQ", created, id);
    struct db_val rv[] = {DBV_INT(id), DBV_TEXT(ref)};
    e = db_exec(db, "UPDATE demand_applications SET ref = $2 WHERE id = $1", rv, 2);
    /* Answers: older applications are more often answered; an offer is sometimes accepted (the rest then
     * withdrawn), and now and then a parent withdraws everything. */
    bool accepted = false, all_withdrawn = demo_rnd(d, 25) == 0;
    int status[DEMAND_CHOICES_MAX];
    for (int i = 0; i < k; i++) {
        uint32_t x = demo_rnd(d, 100);
        bool old = created < d->now - 14 * DAY;
        status[i] = x < (old ? 25u : 60u) ? DCH_PENDING
                    : x < 55              ? DCH_OFFERED
                    : x < 80              ? DCH_WAITLISTED
                                          : DCH_DECLINED;
        if (status[i] == DCH_OFFERED && !accepted && old && demo_rnd(d, 3) == 0) {
            status[i] = DCH_ACCEPTED;
            accepted = true;
        }
    }
    for (int i = 0; i < k; i++) {
        if (accepted && status[i] != DCH_ACCEPTED && status[i] != DCH_DECLINED) status[i] = DCH_WITHDRAWN;
        if (all_withdrawn && status[i] != DCH_DECLINED) status[i] = DCH_WITHDRAWN;
    }
    for (int i = 0; i < k && e == OK; i++) {
        int64_t pos = 0;
        if (status[i] == DCH_WAITLISTED) pos = d->next_pos[idx[i]]++;
        int64_t answered = status[i] == DCH_PENDING ? 0 : created + (int64_t)(1 + demo_rnd(d, 10)) * DAY;
        if (answered > d->now) answered = d->now;
        const char *note = status[i] == DCH_DECLINED  ? "该月龄段暂无空位"
                           : status[i] == DCH_OFFERED ? "请尽快来园办理入托手续"
                                                      : NULL;
        struct db_val cv[] = {DBV_INT(id),
                              DBV_INT(insts[idx[i]].id),
                              DBV_INT(i + 1),
                              DBV_TEXT(choice_status_names[status[i]]),
                              pos ? DBV_INT(pos) : DBV_NULL,
                              answered ? DBV_INT(answered) : DBV_NULL,
                              DBV_TEXT(note),
                              DBV_INT(created),
                              DBV_INT(answered ? answered : created)};
        e = db_exec(
            db,
            "INSERT INTO demand_choices (application_id, institution_id, rank, status, waitlist_position, "
            "answered_at, note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            cv, DB_NPARAMS(cv));
    }
    if (e == OK && all_withdrawn) {
        bool open = false;
        for (int i = 0; i < k; i++)
            open = open || status[i] != DCH_WITHDRAWN;
        if (!open) {
            struct db_val wv[] = {DBV_INT(id), DBV_INT(d->now - DAY)};
            e = db_exec(db, "UPDATE demand_applications SET withdrawn_at = $2 WHERE id = $1", wv, 2);
        }
    }
    if (e == OK) d->napps++;
    return e;
}

static enum err demo_needs(struct db *db, struct demo_ctx *d)
{
    struct demo_inst *cs = NULL; /* id and district of each community */
    int n = 0;
    enum err e = db_get_all(db, d->a, "SELECT id, district_code FROM communities ORDER BY id", NULL, 0,
                            read_demo_inst, sizeof *cs, 0, (void **)&cs, &n);
    if (e != OK || n == 0) return e;
    int want = n < 40 ? n * 3 : 160;
    for (int i = 0; i < want && e == OK; i++) {
        /* Needs gather in some communities: half of them in the first fifth of the list. */
        const struct demo_inst *c =
            &cs[demo_rnd(d, 2) ? demo_rnd(d, (uint32_t)(n / 5 > 0 ? n / 5 : 1)) : demo_rnd(d, (uint32_t)n)];
        struct file_ctx g = {.a = d->a};
        demo_guardian(d, &g, 100000 + i);
        char birth[8], start[8], ref[32];
        demo_months(d, birth, start);
        int64_t created = d->now - 3600 - (int64_t)demo_rnd(d, 120) * DAY;
        struct db_val v[] = {DBV_INT(c->id),
                             DBV_TEXT(c->district),
                             DBV_TEXT(birth),
                             DBV_TEXT(demo_service(d)),
                             DBV_TEXT(start),
                             DBV_BLOB(g.name_enc, g.name_len),
                             DBV_BLOB(g.phone_enc, g.phone_len),
                             DBV_TEXT(g.phone_hash),
                             DBV_TEXT(g.phone_masked),
                             DBV_INT(created),
                             demo_rnd(d, 10) == 0 ? DBV_INT(d->now - DAY) : DBV_NULL};
        int64_t id = 0;
        e = db_int_query(
            db,
            "INSERT INTO demand_needs (community_id, district_code, birth_month, service_type, "
            "start_month, guardian_name_enc, guardian_phone_enc, guardian_phone_hash, "
            "guardian_phone_masked, created_at, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "$10, $11) RETURNING id",
            v, DB_NPARAMS(v), &id);
        if (e != OK) return e;
        make_ref(ref, "XQ", created, id);
        struct db_val rv[] = {DBV_INT(id), DBV_TEXT(ref)};
        e = db_exec(db, "UPDATE demand_needs SET ref = $2 WHERE id = $1", rv, 2);
        d->nneeds++;
    }
    return e;
}

static enum err demand_demo_tx(struct db *db, void *p)
{
    struct demo_ctx *d = p;
    struct demo_inst *insts;
    int n;
    enum err e =
        db_get_all(db, d->a, "SELECT id, district_code FROM institutions WHERE state = 'filed' ORDER BY id",
                   NULL, 0, read_demo_inst, sizeof *insts, 0, (void **)&insts, &n);
    if (e != OK || n == 0) return e;
    d->seed = 20261207;
    d->napps = d->nneeds = 0;
    d->next_pos = arena_alloc(d->a, sizeof *d->next_pos * (size_t)n);
    for (int i = 0; i < n; i++)
        d->next_pos[i] = 1;
    audit_bulk_begin();
    /* About one application per filed institution and a half: the first choice anywhere (张湾区 and 茅箭区,
     * the demo's busiest, twice as often), up to two more in the same district. */
    int want = n + n / 2;
    for (int s = 0; s < want && e == OK; s++) {
        int first = (int)demo_rnd(d, (uint32_t)n);
        if (demo_rnd(d, 3) == 0)
            for (int tries = 0; tries < 8 && strcmp(insts[first].district, "420303") != 0 &&
                                strcmp(insts[first].district, "420302") != 0;
                 tries++)
                first = (int)demo_rnd(d, (uint32_t)n);
        int idx[DEMAND_CHOICES_MAX] = {first}, k = 1;
        int extra = (int)demo_rnd(d, 3);
        for (int t = 0; t < 40 && k < 1 + extra; t++) {
            int j = (int)demo_rnd(d, (uint32_t)n);
            bool dup = false;
            for (int q = 0; q < k; q++)
                dup = dup || idx[q] == j;
            if (!dup && strcmp(insts[j].district, insts[first].district) == 0) idx[k++] = j;
        }
        e = demo_application(db, d, insts, idx, k, s);
    }
    if (e == OK) e = demo_needs(db, d);
    if (e == OK)
        e = audit_append(
            db, NULL, "demand.demo", "demand_application", 0, NULL,
            json_text(d->a, json_pack("{s:i, s:i}", "applications", d->napps, "needs", d->nneeds)));
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err demand_demo_load(struct db *db, struct arena *a)
{
    if (!pii_ready()) return ERR_INTERNAL;
    struct demo_ctx d = {.a = a, .now = clock_now()};
    return db_tx(db, demand_demo_tx, &d);
}
