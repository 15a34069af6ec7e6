/* Staff of an institution and their SQL: adding (after a check against the ban register), changing,
 * certificates, health checks, and reading them back with masked ID numbers and phones. Every write runs in
 * one transaction with its audit entry and the institution's compliance refresh; every official's read is
 * audited in the transaction that reads it. A sealed number is never opened here. */
#include "auth/pii.h"
#include "core/clock.h"
#include "modules/compliance/compliance.h"
#include "modules/people/bans.h"
#include "modules/people/people.h"
#include "modules/reference/codes.h"

#include <stdlib.h>
#include <string.h>

static const char *const check_kinds[] = {"pre_employment", "yearly", NULL};
static const char *const check_results[] = {"pass", "fail", NULL};

/* ---- Helpers ------------------------------------------------------------------------------------------- */

/* Add an error unless the field has one already (the JSON validator may have reported it). */
static void bad(struct field_errors *fe, const char *field, const char *message)
{
    if (!fe_has(fe, field)) fe_add(fe, field, message);
}

/* 5..20 characters of digits, '+' and '-', at least 5 of them digits. */
static bool phone_ok(const char *s)
{
    size_t n = strlen(s), digits = 0;
    if (n < 5 || n > 20) return false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != '+' && *p != '-')
            return false;
    }
    return digits >= 5;
}

static const char *check_phone(const char *s)
{
    return phone_ok(s) ? NULL : "电话号码应为 5 到 20 位数字（可含 + 和 -）";
}

static const char *check_not_blank(const char *s)
{
    return text_blank(s) ? "不能只含空白" : NULL;
}

/* ---- Adding -------------------------------------------------------------------------------------------- */

/* Validate in into fe (fields already reported by the caller's JSON validation are not reported twice).
 * *norm_id gets the normalised ID number. */
static void validate_input(struct arena *a, const struct staff_input *in, struct field_errors *fe,
                           const char **norm_id)
{
    int64_t today = clock_day_of(clock_now());
    if (!in->name)
        bad(fe, "name", "必填");
    else if (utf8_chars(in->name) < 1 || utf8_chars(in->name) > 50 || text_blank(in->name))
        bad(fe, "name", "姓名应为 1 到 50 个字符");
    *norm_id = NULL;
    if (!in->id_number) {
        bad(fe, "id_number", "必填");
    } else {
        const char *id = idnum_normalize(a, in->id_number);
        if (strlen(id) != 18 || !idnum_valid(id))
            bad(fe, "id_number", "身份证号码无效（应为 18 位，校验位和出生日期符合 GB 11643）");
        else
            *norm_id = id;
    }
    if (in->role < 0 || in->role >= STAFF_ROLE__COUNT)
        bad(fe, "role", "岗位应为 director、caregiver、health、security、cook 或 other");
    if (in->hired_on == INT64_MIN)
        bad(fe, "hired_on", "必填");
    else if (in->hired_on < date_to_days(1950, 1, 1) || in->hired_on > today + 366)
        bad(fe, "hired_on", "入职日期应在 1950 年之后、一年之内");
    if (in->phone && !phone_ok(in->phone)) bad(fe, "phone", "电话号码应为 5 到 20 位数字（可含 + 和 -）");
    if (in->education < -1 || in->education >= EDU__COUNT)
        bad(fe, "education", "学历应为 none、secondary、junior_college、bachelor 或 master");
    if (in->experience_years < -1 || in->experience_years > 60)
        bad(fe, "experience_years", "工作年限应为 0 到 60");
}

/* Add a staff member: see people.h. Validation first (nothing touched on ERR_VALIDATION), then the ban
 * check — on a match only the check row and its audit entry have been written when ERR_HIRE_REFUSED comes
 * back, so a caller that commits on ERR_HIRE_REFUSED keeps exactly those — then the duplicate check
 * (ERR_CONFLICT with field id_number), the sealed insert, the audit entry and the compliance refresh. *id
 * gets the new staff id. Blocks on the database. */
enum err staff_add_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         const struct staff_input *in, struct field_errors *fe, int64_t *id)
{
    const char *idn = NULL;
    validate_input(a, in, fe, &idn);
    if (fe->n) return ERR_VALIDATION;
    if (!pii_ready()) return ERR_INTERNAL;

    /* Take the institution's row lock (PostgreSQL; SQLite's write lock is already held) so that two adds
     * of the same person cannot both pass the duplicate check; also proves the institution exists. */
    enum err e = people_lock(db, inst_id);
    if (e != OK) return e;

    int64_t ban_id = 0;
    e = ban_check_in_tx(db, a, who, inst_id, idn, in->name, "hire", &ban_id);
    if (e != OK) return e;
    if (ban_id) return ERR_HIRE_REFUSED;

    int64_t now = clock_now(), today = clock_day_of(now);
    char hash[PII_HASH_HEX];
    pii_hash(idn, hash);
    struct db_val dv[] = {DBV_INT(inst_id), DBV_TEXT(hash), DBV_INT(today)};
    int64_t dup = 0;
    e = db_int_query(db,
                     "SELECT COUNT(*) FROM staff WHERE institution_id = $1 AND id_hash = $2 "
                     "AND (left_on IS NULL OR left_on > $3)",
                     dv, DB_NPARAMS(dv), &dup);
    if (e != OK) return e;
    if (dup) {
        fe_add(fe, "id_number", "此人已在本机构在职，不能重复添加");
        return ERR_CONFLICT;
    }

    size_t id_len = 0, phone_len = 0;
    const unsigned char *id_enc = pii_seal(a, idn, &id_len);
    const unsigned char *phone_enc = in->phone ? pii_seal(a, in->phone, &phone_len) : NULL;
    const char *id_masked = pii_mask_id(a, idn);
    const char *phone_masked = in->phone ? pii_mask_phone(a, in->phone) : NULL;
    struct db_val v[] = {DBV_INT(inst_id),
                         DBV_TEXT(in->name),
                         DBV_BLOB(id_enc, id_len),
                         DBV_TEXT(hash),
                         DBV_TEXT(id_masked),
                         DBV_TEXT(staff_role_names[in->role]),
                         DBV_INT(in->hired_on),
                         phone_enc ? DBV_BLOB(phone_enc, phone_len) : DBV_NULL,
                         DBV_TEXT(phone_masked),
                         in->education >= 0 ? DBV_TEXT(education_names[in->education]) : DBV_NULL,
                         in->experience_years >= 0 ? DBV_INT(in->experience_years) : DBV_NULL,
                         DBV_BOOL(in->full_time),
                         DBV_INT(now)};
    e = db_int_query(db,
                     "INSERT INTO staff (institution_id, name, id_enc, id_hash, id_masked, role, hired_on, "
                     "phone_enc, phone_masked, education, experience_years, full_time, version, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13) "
                     "RETURNING id",
                     v, DB_NPARAMS(v), id);
    if (e != OK) return e;
    json_t *after =
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:s?, s:s?, s:o, s:b}", "institution_id", (json_int_t)inst_id,
                  "name", in->name, "id_number_masked", id_masked, "role", staff_role_names[in->role],
                  "hired_on", json_day(in->hired_on), "phone_masked", phone_masked, "education",
                  in->education >= 0 ? education_names[in->education] : NULL, "experience_years",
                  in->experience_years >= 0 ? json_integer(in->experience_years) : json_null(), "full_time",
                  in->full_time);
    e = audit_append(db, who, "staff.add", "staff", *id, NULL, json_text(a, after));
    if (e != OK) return e;
    return compliance_refresh_in_tx(db, a, inst_id, now);
}

/* ---- Reading ------------------------------------------------------------------------------------------- */

/* The institution (and its district) a staff member belongs to. ERR_NOT_FOUND when there is no such staff
 * member. Strings in a. Blocks on the database. */
enum err staff_owner(struct db *db, struct arena *a, int64_t staff_id, int64_t *inst_id,
                     const char **district)
{
    struct db_val v[] = {DBV_INT(staff_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT s.institution_id, i.district_code FROM staff s "
                          "JOIN institutions i ON i.id = s.institution_id WHERE s.id = $1",
                          v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) {
        *inst_id = db_int(r, 0);
        *district = db_text_dup(r, 1, a);
    }
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

#define STAFF_COLS                                                                                           \
    "id, institution_id, name, id_masked, role, hired_on, left_on, phone_masked, education, "                \
    "experience_years, full_time, version, created_at, updated_at"

static json_t *staff_row_json(struct db_rows *r, int64_t today)
{
    bool employed = db_isnull(r, 6) || db_int(r, 6) > today;
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:s?, s:s?, s:o, s:b, s:I, s:I, s:I}",
                          "id", (json_int_t)db_int(r, 0), "institution_id", (json_int_t)db_int(r, 1), "name",
                          db_text(r, 2), "id_number_masked", db_text(r, 3), "role", db_text(r, 4), "hired_on",
                          json_day_opt(!db_isnull(r, 5), db_int(r, 5)), "left_on",
                          json_day_opt(!db_isnull(r, 6), db_int(r, 6)), "employed", employed, "phone_masked",
                          db_text(r, 7), "education", db_text(r, 8), "experience_years",
                          db_isnull(r, 9) ? json_null() : json_integer(db_int(r, 9)), "full_time",
                          db_int(r, 10) != 0, "version", (json_int_t)db_int(r, 11), "created_at",
                          (json_int_t)db_int(r, 12), "updated_at", (json_int_t)db_int(r, 13));
    json_object_set_new(j, "certificates", json_array());
    json_object_set_new(j, "last_health_check", json_null());
    return j;
}

/* Columns: staff_id, id, kind, number, issued_on, expires_on. */
static json_t *cert_row_json(struct db_rows *r, int64_t today)
{
    bool expired = !db_isnull(r, 5) && db_int(r, 5) < today;
    return json_pack("{s:I, s:I, s:s, s:s?, s:o, s:o, s:b}", "id", (json_int_t)db_int(r, 1), "staff_id",
                     (json_int_t)db_int(r, 0), "kind", db_text(r, 2), "number", db_text(r, 3), "issued_on",
                     json_day_opt(!db_isnull(r, 4), db_int(r, 4)), "expires_on",
                     json_day_opt(!db_isnull(r, 5), db_int(r, 5)), "expired", expired);
}

/* Columns: subject_id, id, kind, checked_on, examiner, result. */
static json_t *check_row_json(struct db_rows *r)
{
    return json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)db_int(r, 1), "kind", db_text(r, 2),
                     "checked_on", json_day_opt(!db_isnull(r, 3), db_int(r, 3)), "examiner", db_text(r, 4),
                     "result", db_text(r, 5));
}

struct read_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id, staff_id; /* one of them */
    bool include_left, audit;
    json_t *items; /* array of staff objects */
};

/* The staff object with id in items (ordered by id), or NULL. */
static json_t *find(json_t *items, int64_t id)
{
    size_t lo = 0, hi = json_array_size(items);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        json_t *s = json_array_get(items, mid);
        int64_t sid = json_integer_value(json_object_get(s, "id"));
        if (sid == id) return s;
        if (sid < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Read the staff (of an institution, or one member) with their certificates and health checks; with
 * audit, append the read to the audit log. Runs inside db_tx when auditing, else directly. */
static enum err read_tx(struct db *db, void *p)
{
    struct read_ctx *c = p;
    if (c->items) json_decref(c->items);
    c->items = json_array();
    int64_t today = clock_day_of(clock_now());
    bool one = c->staff_id > 0;
    struct db_val v[] = {DBV_INT(one ? c->staff_id : c->inst_id), DBV_BOOL(c->include_left || one),
                         DBV_INT(today)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          one ? "SELECT " STAFF_COLS " FROM staff WHERE id = $1"
                              : "SELECT " STAFF_COLS " FROM staff WHERE institution_id = $1 "
                                "AND (CAST($2 AS BIGINT) = 1 OR left_on IS NULL OR left_on > $3) ORDER BY id",
                          v, one ? 1 : 3, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1)
        json_array_append_new(c->items, staff_row_json(r, today));
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;
    if (one && json_array_size(c->items) == 0) return ERR_NOT_FOUND;

    e = db_query(
        db,
        one ? "SELECT c.staff_id, c.id, c.kind, c.number, c.issued_on, c.expires_on "
              "FROM staff_certificates c WHERE c.staff_id = $1 ORDER BY c.staff_id, c.issued_on, c.id"
            : "SELECT c.staff_id, c.id, c.kind, c.number, c.issued_on, c.expires_on "
              "FROM staff_certificates c JOIN staff s ON s.id = c.staff_id WHERE s.institution_id = $1 "
              "ORDER BY c.staff_id, c.issued_on, c.id",
        v, 1, &r);
    if (e != OK) return e;
    while ((k = db_next(r)) == 1) {
        json_t *s = find(c->items, db_int(r, 0));
        if (s) json_array_append_new(json_object_get(s, "certificates"), cert_row_json(r, today));
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;

    e = db_query(db,
                 one ? "SELECT subject_id, id, kind, checked_on, examiner, result FROM health_checks "
                       "WHERE subject = 'staff' AND subject_id = $1 ORDER BY subject_id, checked_on, id"
                     : "SELECT subject_id, id, kind, checked_on, examiner, result FROM health_checks "
                       "WHERE subject = 'staff' AND institution_id = $1 ORDER BY subject_id, checked_on, id",
                 v, 1, &r);
    if (e != OK) return e;
    while ((k = db_next(r)) == 1) {
        json_t *s = find(c->items, db_int(r, 0));
        if (!s) continue;
        json_t *hc = check_row_json(r);
        /* Rows come oldest first, so the last one set is the latest. */
        json_object_set(s, "last_health_check", hc);
        if (one) {
            json_t *all = json_object_get(s, "health_checks");
            if (!all) json_object_set_new(s, "health_checks", all = json_array());
            json_array_append(all, hc);
        }
        json_decref(hc);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK || !c->audit) return e;
    if (one)
        return audit_append(db, c->who, "staff.read", "staff", c->staff_id, NULL,
                            json_text(c->a, json_pack("{s:I}", "institution_id",
                                                      json_integer_value(json_object_get(
                                                          json_array_get(c->items, 0), "institution_id")))));
    return audit_append(
        db, c->who, "staff.list", "institution", c->inst_id, NULL,
        json_text(c->a, json_pack("{s:I, s:b}", "count", (json_int_t)json_array_size(c->items),
                                  "include_left", c->include_left)));
}

static enum err run_read(struct db *db, struct read_ctx *c)
{
    enum err e = c->audit ? db_tx(db, read_tx, c) : read_tx(db, c);
    if (e != OK && c->items) {
        json_decref(c->items);
        c->items = NULL;
    }
    return e;
}

/* The staff of an institution (employed ones, or all with include_left), oldest first, each with masked ID
 * number and phone, certificates and last health check. With audit the read is recorded ("staff.list") in
 * the same transaction. The caller has checked visibility. *items: caller json_decref()s. */
enum err staff_list_json(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         bool include_left, bool audit, json_t **items)
{
    struct read_ctx c = {a, who, inst_id, 0, include_left, audit, NULL};
    enum err e = run_read(db, &c);
    *items = c.items;
    return e;
}

/* One staff member as JSON with every certificate and health check; with audit the read is recorded
 * ("staff.read"). ERR_NOT_FOUND when absent. *out: caller json_decref()s. */
enum err staff_get_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                        bool audit, json_t **out)
{
    struct read_ctx c = {a, who, 0, staff_id, true, audit, NULL};
    enum err e = run_read(db, &c);
    *out = NULL;
    if (e != OK) return e;
    *out = json_incref(json_array_get(c.items, 0));
    json_decref(c.items);
    if (!json_object_get(*out, "health_checks")) json_object_set_new(*out, "health_checks", json_array());
    return OK;
}

/* ---- Changing ------------------------------------------------------------------------------------------ */

struct staff_now {
    int64_t inst_id, version, hired_on, left_on; /* left_on INT64_MIN: none */
    const char *role, *phone_masked, *education;
    int64_t experience_years; /* -1: unknown */
    bool full_time;
};

static enum err load_now(struct db *db, struct arena *a, int64_t staff_id, struct staff_now *s)
{
    struct db_val v[] = {DBV_INT(staff_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT institution_id, version, hired_on, left_on, role, phone_masked, education, "
                          "experience_years, full_time FROM staff WHERE id = $1",
                          v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) {
        s->inst_id = db_int(r, 0);
        s->version = db_int(r, 1);
        s->hired_on = db_int(r, 2);
        s->left_on = db_isnull(r, 3) ? INT64_MIN : db_int(r, 3);
        s->role = db_text_dup(r, 4, a);
        s->phone_masked = db_text_dup(r, 5, a);
        s->education = db_text_dup(r, 6, a);
        s->experience_years = db_isnull(r, 7) ? -1 : db_int(r, 7);
        s->full_time = db_int(r, 8) != 0;
    }
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

static json_t *now_json(const struct staff_now *s)
{
    return json_pack("{s:I, s:o, s:s, s:s?, s:s?, s:o, s:b}", "version", (json_int_t)s->version, "left_on",
                     s->left_on == INT64_MIN ? json_null() : json_day(s->left_on), "role", s->role,
                     "phone_masked", s->phone_masked, "education", s->education, "experience_years",
                     s->experience_years >= 0 ? json_integer(s->experience_years) : json_null(), "full_time",
                     s->full_time);
}

struct patch {
    int64_t version, left_on, experience_years;
    const char *phone;
    int role, education;
    bool full_time;
    bool has_left_on, has_phone, phone_null, has_role, has_education, education_null, has_experience,
        experience_null, has_full_time;
};

struct patch_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t staff_id;
    const struct patch *p;
    struct field_errors *fe;
};

static enum err patch_tx(struct db *db, void *q)
{
    struct patch_ctx *c = q;
    const struct patch *p = c->p;
    struct staff_now old = {0}, neu;
    enum err e = load_now(db, c->a, c->staff_id, &old);
    if (e != OK) return e;
    if (old.version != p->version) return ERR_CONFLICT;
    neu = old;
    if (p->has_left_on) neu.left_on = p->left_on;
    if (neu.left_on != INT64_MIN && neu.left_on < old.hired_on) {
        fe_add(c->fe, "left_on", "离职日期不能早于入职日期");
        return ERR_VALIDATION;
    }
    const unsigned char *phone_enc = NULL;
    size_t phone_len = 0;
    bool phone_changed = p->has_phone || p->phone_null;
    if (p->has_phone) {
        phone_enc = pii_seal(c->a, p->phone, &phone_len);
        neu.phone_masked = pii_mask_phone(c->a, p->phone);
    } else if (p->phone_null) {
        neu.phone_masked = NULL;
    }
    if (p->has_role) neu.role = staff_role_names[p->role];
    if (p->has_education) neu.education = education_names[p->education];
    if (p->education_null) neu.education = NULL;
    if (p->has_experience) neu.experience_years = p->experience_years;
    if (p->experience_null) neu.experience_years = -1;
    if (p->has_full_time) neu.full_time = p->full_time;
    neu.version = old.version + 1;
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(c->staff_id),
                         DBV_INT(old.version),
                         neu.left_on == INT64_MIN ? DBV_NULL : DBV_INT(neu.left_on),
                         DBV_TEXT(neu.role),
                         DBV_TEXT(neu.education),
                         neu.experience_years >= 0 ? DBV_INT(neu.experience_years) : DBV_NULL,
                         DBV_BOOL(neu.full_time),
                         DBV_INT(now),
                         DBV_BOOL(phone_changed),
                         phone_enc ? DBV_BLOB(phone_enc, phone_len) : DBV_NULL,
                         DBV_TEXT(neu.phone_masked)};
    /* The phone columns change only when asked ($9), so an untouched sealed phone is not re-sealed. */
    e = db_exec(
        db,
        "UPDATE staff SET left_on = $3, role = $4, education = $5, experience_years = $6, full_time = $7, "
        "updated_at = $8, version = version + 1, "
        "phone_enc = CASE WHEN CAST($9 AS BIGINT) = 1 THEN $10 ELSE phone_enc END, "
        "phone_masked = CASE WHEN CAST($9 AS BIGINT) = 1 THEN CAST($11 AS TEXT) ELSE phone_masked END "
        "WHERE id = $1 AND version = $2",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    e = audit_append(db, c->who, "staff.update", "staff", c->staff_id, json_text(c->a, now_json(&old)),
                     json_text(c->a, now_json(&neu)));
    if (e != OK) return e;
    return compliance_refresh_in_tx(db, c->a, old.inst_id, now);
}

/* Change a staff member from a PATCH body {"version" (required), "left_on"?, "phone"? (null removes it),
 * "role"?, "education"? (null: unknown), "experience_years"? (null: unknown), "full_time"?}. A version other
 * than the stored one is ERR_CONFLICT; bad fields go to fe (ERR_VALIDATION). Audited, compliance refreshed.
 * *out: the staff member afterwards (caller json_decref()s). The caller has checked ownership. */
enum err staff_patch_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                          json_t *body, struct field_errors *fe, json_t **out)
{
    *out = NULL;
    struct patch p = {.role = -1, .education = -1};
    struct jspec spec[] = {
        JS_INT("version", &p.version, 1, INT64_MAX),
        {.name = "left_on",
         .type = JT_DATE,
         .flags = JS_OPTIONAL,
         .dst = &p.left_on,
         .present = &p.has_left_on},
        {.name = "phone",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &p.phone,
         .min = 5,
         .max = 20,
         .check = check_phone,
         .present = &p.has_phone},
        {.name = "role",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL,
         .dst = &p.role,
         .values = staff_role_names,
         .present = &p.has_role},
        {.name = "education",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &p.education,
         .values = education_names,
         .present = &p.has_education},
        {.name = "experience_years",
         .type = JT_INT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &p.experience_years,
         .min = 0,
         .max = 60,
         .present = &p.has_experience},
        {.name = "full_time",
         .type = JT_BOOL,
         .flags = JS_OPTIONAL,
         .dst = &p.full_time,
         .present = &p.has_full_time},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", fe)) return ERR_VALIDATION;
    p.phone_null = json_is_null(json_object_get(body, "phone"));
    p.education_null = json_is_null(json_object_get(body, "education"));
    p.experience_null = json_is_null(json_object_get(body, "experience_years"));
    if (!pii_ready()) return ERR_INTERNAL;
    struct patch_ctx c = {a, who, staff_id, &p, fe};
    enum err e = db_tx(db, patch_tx, &c);
    if (e != OK) return e;
    return staff_get_json(db, a, who, staff_id, false, out);
}

/* ---- Certificates and health checks -------------------------------------------------------------------- */

struct record_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t staff_id;
    /* certificate */
    int kind;
    const char *number, *examiner;
    int64_t day, expires_on; /* issued_on or checked_on; expires_on INT64_MIN: none */
    int result;
    bool cert;
    int64_t id;
    json_t *out;
};

static enum err staff_institution(struct db *db, int64_t staff_id, int64_t *inst_id)
{
    struct db_val v[] = {DBV_INT(staff_id)};
    return db_int_query(db, "SELECT institution_id FROM staff WHERE id = $1", v, 1, inst_id);
}

static enum err record_tx(struct db *db, void *q)
{
    struct record_ctx *c = q;
    int64_t inst_id = 0, now = clock_now();
    enum err e = staff_institution(db, c->staff_id, &inst_id);
    if (e != OK) return e;
    if (c->out) json_decref(c->out);
    c->out = NULL;
    if (c->cert) {
        struct db_val v[] = {DBV_INT(c->staff_id),
                             DBV_TEXT(cert_kind_names[c->kind]),
                             DBV_TEXT(c->number),
                             DBV_INT(c->day),
                             c->expires_on == INT64_MIN ? DBV_NULL : DBV_INT(c->expires_on),
                             DBV_INT(now)};
        e = db_int_query(
            db,
            "INSERT INTO staff_certificates (staff_id, kind, number, issued_on, expires_on, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            v, DB_NPARAMS(v), &c->id);
        if (e != OK) return e;
        int64_t today = clock_day_of(now);
        c->out = json_pack("{s:I, s:I, s:s, s:s?, s:o, s:o, s:b}", "id", (json_int_t)c->id, "staff_id",
                           (json_int_t)c->staff_id, "kind", cert_kind_names[c->kind], "number", c->number,
                           "issued_on", json_day(c->day), "expires_on",
                           c->expires_on == INT64_MIN ? json_null() : json_day(c->expires_on), "expired",
                           c->expires_on != INT64_MIN && c->expires_on < today);
    } else {
        struct db_val v[] = {DBV_INT(c->staff_id), DBV_INT(inst_id),      DBV_TEXT(check_kinds[c->kind]),
                             DBV_INT(c->day),      DBV_TEXT(c->examiner), DBV_TEXT(check_results[c->result]),
                             DBV_INT(now)};
        e = db_int_query(
            db,
            "INSERT INTO health_checks (subject, subject_id, institution_id, kind, checked_on, examiner, "
            "result, created_at) VALUES ('staff', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
            v, DB_NPARAMS(v), &c->id);
        if (e != OK) return e;
        c->out = json_pack("{s:I, s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)c->id, "staff_id",
                           (json_int_t)c->staff_id, "kind", check_kinds[c->kind], "checked_on",
                           json_day(c->day), "examiner", c->examiner, "result", check_results[c->result]);
    }
    e = audit_append(db, c->who, c->cert ? "staff.certificate_add" : "staff.health_check_add", "staff",
                     c->staff_id, NULL, json_text(c->a, json_incref(c->out)));
    if (e != OK) return e;
    return compliance_refresh_in_tx(db, c->a, inst_id, now);
}

static enum err run_record(struct db *db, struct record_ctx *c, json_t **out)
{
    enum err e = db_tx(db, record_tx, c);
    if (e != OK) {
        if (c->out) json_decref(c->out);
        *out = NULL;
        return e;
    }
    *out = c->out;
    return OK;
}

/* Record a certificate from {"kind","number"?,"issued_on","expires_on"? (≥ issued_on)}; issued_on not in
 * the future. Audited, compliance refreshed. *out: the certificate (caller json_decref()s). Bad fields → fe,
 * ERR_VALIDATION. The caller has checked ownership. */
enum err staff_cert_add_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                             json_t *body, struct field_errors *fe, json_t **out)
{
    *out = NULL;
    struct record_ctx c = {.a = a, .who = who, .staff_id = staff_id, .kind = -1, .cert = true};
    c.day = c.expires_on = INT64_MIN;
    struct jspec spec[] = {
        JS_ENUM("kind", &c.kind, cert_kind_names),
        {.name = "number",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &c.number,
         .min = 1,
         .max = 64,
         .check = check_not_blank},
        JS_DATE("issued_on", &c.day),
        {.name = "expires_on", .type = JT_DATE, .flags = JS_OPTIONAL | JS_NULLABLE, .dst = &c.expires_on},
        JS_END,
    };
    int before = fe->n;
    jspec_parse(body, spec, "", fe);
    if (c.day != INT64_MIN && c.day > clock_day_of(clock_now())) bad(fe, "issued_on", "发证日期不能晚于今天");
    if (c.day != INT64_MIN && c.expires_on != INT64_MIN && c.expires_on < c.day)
        bad(fe, "expires_on", "有效期至不能早于发证日期");
    if (fe->n != before) return ERR_VALIDATION;
    return run_record(db, &c, out);
}

/* Record a staff health check from {"kind":"pre_employment"|"yearly","checked_on","examiner",
 * "result":"pass"|"fail"}; checked_on not in the future. Audited, compliance refreshed. *out: the check
 * (caller json_decref()s). Bad fields → fe, ERR_VALIDATION. The caller has checked ownership. */
enum err staff_check_add_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                              json_t *body, struct field_errors *fe, json_t **out)
{
    *out = NULL;
    struct record_ctx c = {.a = a, .who = who, .staff_id = staff_id, .kind = -1, .result = -1, .cert = false};
    c.day = c.expires_on = INT64_MIN;
    struct jspec spec[] = {
        JS_ENUM("kind", &c.kind, check_kinds),
        JS_DATE("checked_on", &c.day),
        {.name = "examiner",
         .type = JT_STRING,
         .dst = &c.examiner,
         .min = 1,
         .max = 100,
         .check = check_not_blank},
        JS_ENUM("result", &c.result, check_results),
        JS_END,
    };
    int before = fe->n;
    jspec_parse(body, spec, "", fe);
    if (c.day != INT64_MIN && c.day > clock_day_of(clock_now()))
        bad(fe, "checked_on", "体检日期不能晚于今天");
    if (fe->n != before) return ERR_VALIDATION;
    return run_record(db, &c, out);
}
