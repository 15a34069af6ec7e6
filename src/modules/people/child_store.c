/* Children: enrolment with every check it needs, moves, absences, leaving, health checks, the checks-due list
 * and the audit of officials' reads. ID numbers and phones are sealed at rest (auth/pii.h); what is read back
 * and what is audited carries masked forms only. */
#include "modules/people/child_store.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "modules/compliance/compliance.h"
#include "modules/filing/filing.h"
#include "modules/people/class_store.h"
#include "modules/reference/codes.h"

#include <stdlib.h>
#include <string.h>

/* ---- Ages
 * -------------------------------------------------------------------------------------------------- */

int child_age_months(int64_t birth_on, int64_t day)
{
    int by, bm, bd, y, m, d;
    days_to_date(birth_on, &by, &bm, &bd);
    days_to_date(day, &y, &m, &d);
    int months = (y - by) * 12 + (m - bm);
    if (d < bd) months--;
    return months;
}

bool child_age_fits(int type, int age_months)
{
    int lo, hi;
    class_type_ages(type, &lo, &hi);
    return lo >= 0 && age_months >= lo && age_months < hi;
}

/* ---- Field checks shared by enrolment, moves and checks --------------------------------------------------
 */

static void check_text(struct field_errors *fe, const char *field, const char *s, size_t max,
                       const char *what)
{
    if (people_fe_covers(fe, field)) return;
    size_t n = s ? utf8_chars(s) : 0;
    bool blank = true;
    for (const char *p = s; p && *p && blank; p++)
        blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
    if (!s)
        fe_add(fe, field, "必填");
    else if (n < 1 || n > max || blank)
        fe_addf(fe, field, "%s应为 1 到 %zu 个字符（不能只含空白）", what, max);
}

static bool phone_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || n > 20) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* The class a child is placed in on day: of this institution, open on day, the child's age fitting its type,
 * and a place free (the child itself not counted when it is in the class already). Errors on field. */
static enum err check_class(struct db *db, struct arena *a, int64_t inst_id, int64_t class_id,
                            int64_t child_id, int64_t birth_on, int64_t day, int64_t today, const char *field,
                            struct field_errors *fe)
{
    if (people_fe_covers(fe, field)) return OK;
    struct class_row k;
    enum err e = class_get(db, a, class_id, today, &k);
    if (e == ERR_NOT_FOUND || (e == OK && k.institution_id != inst_id)) {
        people_fe_once(fe, field, "不是本机构的班级");
        return OK;
    }
    if (e != OK) return e;
    if (k.closed_on && k.closed_on <= (day > today ? day : today)) {
        people_fe_once(fe, field, "该班级已关闭");
        return OK;
    }
    int age = child_age_months(birth_on, day);
    if (k.type >= 0 && !child_age_fits(k.type, age)) {
        int lo, hi;
        class_type_ages(k.type, &lo, &hi);
        char when[11];
        fe_addf(fe, field, "幼儿在 %s 时月龄为 %d 个月，%s招收 %d 至 %d 个月（不含）的婴幼儿",
                date_format(day, when), age, class_type_names_zh[k.type], lo, hi);
        return OK;
    }
    struct db_val v[] = {DBV_INT(class_id), DBV_INT(child_id)};
    int64_t already = 0;
    e = db_int_query(db, "SELECT COUNT(*) FROM children WHERE class_id = $1 AND id = $2", v, 2, &already);
    if (e != OK) return e;
    if (!already && k.enrolled >= k.capacity)
        fe_addf(fe, field, "该班已满（容量 %lld 人，在班 %lld 人）", (long long)k.capacity,
                (long long)k.enrolled);
    return OK;
}

/* ---- Enrolment
 * ---------------------------------------------------------------------------------------------- */

/* The ID number upper-cased (a trailing x is the same as X), or NULL. */
static char *id_normalised(struct arena *a, const char *s)
{
    if (!s) return NULL;
    char *out = arena_strdup(a, s);
    for (char *p = out; *p; p++)
        if (*p == 'x') *p = 'X';
    return out;
}

/* The birth date in digits 7–14 of an ID number: false unless the number has 17 leading digits and they name
 * a real date. */
static bool id_birth(const char *idn, int64_t *day)
{
    if (strlen(idn) != 18) return false;
    for (int i = 0; i < 17; i++)
        if (idn[i] < '0' || idn[i] > '9') return false;
    char iso[11] = {idn[6], idn[7], idn[8], idn[9], '-', idn[10], idn[11], '-', idn[12], idn[13], 0};
    return date_parse(iso, day);
}

static void check_guardians(const struct child_input *in, struct field_errors *fe)
{
    if (in->nguardians < 1 || in->nguardians > 4) people_fe_once(fe, "guardians", "监护人应有 1 到 4 位");
    for (int i = 0; i < in->nguardians && in->guardians; i++) {
        const struct child_guardian *g = &in->guardians[i];
        check_text(fe, arena_printf(fe->a, "guardians[%d].name", i), g->name, 50, "监护人姓名");
        check_text(fe, arena_printf(fe->a, "guardians[%d].relation", i), g->relation, 20, "与幼儿关系");
        const char *path = arena_printf(fe->a, "guardians[%d].phone", i);
        if (!g->phone)
            people_fe_once(fe, path, "必填：监护人联系电话");
        else if (!phone_ok(g->phone))
            people_fe_once(fe, path, "联系电话应为 5 到 20 位数字");
    }
}

static void check_admission(const struct child_input *in, int64_t today, bool dates_ok,
                            struct field_errors *fe)
{
    if (!in->admission_checked_on && !in->admission_examiner && !in->admission_result) {
        /* Nothing usable: either no check at all, or the validator has said what is wrong with each part. */
        bool said = false;
        for (int i = 0; i < fe->n && !said; i++)
            said = strncmp(fe->items[i].field, "admission_check", 15) == 0;
        if (!said) fe_add(fe, "admission_check", "必填：入托前须经健康检查合格");
        return;
    }
    if (!in->admission_checked_on)
        people_fe_once(fe, "admission_check.checked_on", "必填");
    else if (in->admission_checked_on > today)
        people_fe_once(fe, "admission_check.checked_on", "体检日期不能晚于今天");
    else if (dates_ok && in->admission_checked_on > in->start_on)
        people_fe_once(fe, "admission_check.checked_on", "入托体检应在入托日期当天或之前");
    else if (dates_ok && in->admission_checked_on < in->birth_on)
        people_fe_once(fe, "admission_check.checked_on", "体检日期不能早于出生日期");
    check_text(fe, "admission_check.examiner", in->admission_examiner, 100, "体检机构或医生");
    if (!in->admission_result)
        people_fe_once(fe, "admission_check.result", "必填");
    else if (strcmp(in->admission_result, "fail") == 0)
        people_fe_once(fe, "admission_check.result", "入托体检结果为不合格，不能入托（须体检合格）");
    else if (strcmp(in->admission_result, "pass") != 0)
        people_fe_once(fe, "admission_check.result", "应为 pass 或 fail");
}

/* See people.h. Every field is checked before anything is written, each error once (fields the caller's
 * validator already reported are skipped); the institution's row is locked first. Blocks on the database. */
enum err child_add_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         const struct child_input *in, struct field_errors *fe, int64_t *id)
{
    int64_t now = clock_now(), today = clock_day_of(now);
    if (!pii_ready()) return ERR_INTERNAL;
    enum err e = people_lock(db, inst_id);
    if (e != OK) return e;

    check_text(fe, "name", in->name, 50, "姓名");
    char *idn = id_normalised(a, in->id_number);
    bool id_ok = false;
    if (!idn)
        people_fe_once(fe, "id_number", "必填");
    else if (!idnum_valid(idn))
        people_fe_once(fe, "id_number", "身份证号码无效（应为 18 位，出生日期和校验位须正确）");
    else
        id_ok = true;

    bool birth_ok = !people_fe_covers(fe, "birth_on");
    int64_t from_id = 0;
    /* Compared even when the check character is wrong: the date in the number still says something, and the
     * client learns about both mistakes at once. */
    if (birth_ok && idn && id_birth(idn, &from_id) && from_id != in->birth_on) {
        char d[11];
        fe_addf(fe, "birth_on", "出生日期与身份证号码不一致（身份证号码中为 %s）", date_format(from_id, d));
        birth_ok = false;
    }
    if (birth_ok && in->birth_on > today) {
        people_fe_once(fe, "birth_on", "出生日期不能晚于今天");
        birth_ok = false;
    }
    if (!in->sex || (strcmp(in->sex, "female") != 0 && strcmp(in->sex, "male") != 0))
        people_fe_once(fe, "sex", "应为 female 或 male");
    bool start_ok = !people_fe_covers(fe, "start_on");
    if (start_ok && birth_ok && in->start_on < in->birth_on) {
        people_fe_once(fe, "start_on", "入托日期不能早于出生日期");
        start_ok = false;
    }
    check_guardians(in, fe);
    check_admission(in, today, birth_ok && start_ok, fe);
    if (in->class_id < 0)
        people_fe_once(fe, "class_id", "班级编号无效");
    else if (in->class_id > 0 && birth_ok && start_ok) {
        e = check_class(db, a, inst_id, in->class_id, 0, in->birth_on, in->start_on, today, "class_id", fe);
        if (e != OK) return e;
    }
    char hash[PII_HASH_HEX];
    if (id_ok) {
        pii_hash(idn, hash);
        struct db_val v[] = {DBV_INT(inst_id), DBV_TEXT(hash), DBV_INT(today)};
        int64_t enrolled = 0;
        e = db_int_query(db,
                         "SELECT COUNT(*) FROM children WHERE institution_id = $1 AND id_hash = $2 "
                         "AND (end_on IS NULL OR end_on > $3)",
                         v, 3, &enrolled);
        if (e != OK) return e;
        if (enrolled) people_fe_once(fe, "id_number", "该幼儿已在本机构入托");
    }
    if (fe->n) return ERR_VALIDATION;

    size_t sealed_len = 0;
    unsigned char *sealed = pii_seal(a, idn, &sealed_len);
    char *masked = pii_mask_id(a, idn);
    struct db_val v[] = {DBV_INT(inst_id),
                         DBV_TEXT(in->name),
                         DBV_BLOB(sealed, sealed_len),
                         DBV_TEXT(hash),
                         DBV_TEXT(masked),
                         DBV_INT(in->birth_on),
                         DBV_TEXT(in->sex),
                         in->class_id ? DBV_INT(in->class_id) : DBV_NULL,
                         DBV_INT(in->start_on),
                         DBV_INT(now)};
    int64_t child_id = 0;
    e = db_int_query(db,
                     "INSERT INTO children (institution_id, name, id_enc, id_hash, id_masked, birth_on, sex, "
                     "class_id, start_on, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS BIGINT), $9, $10, $10) RETURNING id",
                     v, DB_NPARAMS(v), &child_id);
    if (e != OK) return e;
    json_t *gj = json_array();
    for (int i = 0; i < in->nguardians && e == OK; i++) {
        const struct child_guardian *g = &in->guardians[i];
        size_t plen = 0;
        unsigned char *phone = pii_seal(a, g->phone, &plen);
        char *pmask = pii_mask_phone(a, g->phone);
        struct db_val gv[] = {DBV_INT(child_id), DBV_TEXT(g->name), DBV_TEXT(g->relation),
                              DBV_BLOB(phone, plen), DBV_TEXT(pmask)};
        e = db_exec(db,
                    "INSERT INTO guardians (child_id, name, relation, phone_enc, phone_masked) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    gv, DB_NPARAMS(gv));
        json_array_append_new(gj, json_pack("{s:s, s:s}", "relation", g->relation, "phone_masked", pmask));
    }
    if (e == OK) {
        struct db_val hv[] = {DBV_TEXT("child"),
                              DBV_INT(child_id),
                              DBV_INT(inst_id),
                              DBV_TEXT("admission"),
                              DBV_INT(in->admission_checked_on),
                              DBV_TEXT(in->admission_examiner),
                              DBV_TEXT("pass"),
                              DBV_INT(now)};
        e = db_exec(
            db,
            "INSERT INTO health_checks (subject, subject_id, institution_id, kind, checked_on, examiner, "
            "result, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            hv, DB_NPARAMS(hv));
    }
    if (e != OK) {
        json_decref(gj);
        return e;
    }
    char birth[11], start[11], checked[11];
    json_t *after =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s}", "institution_id", (json_int_t)inst_id,
                  "id_number_masked", masked, "sex", in->sex, "birth_on", date_format(in->birth_on, birth),
                  "start_on", date_format(in->start_on, start), "guardians", gj, "admission_checked_on",
                  date_format(in->admission_checked_on, checked));
    if (in->class_id) json_object_set_new(after, "class_id", json_integer(in->class_id));
    e = audit_append(db, who, "child.add", "child", child_id, NULL, json_text(a, after));
    if (e == OK) e = compliance_refresh_in_tx(db, a, inst_id, now);
    if (e == OK && id) *id = child_id;
    return e;
}

struct add_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id;
    const struct child_input *in;
    struct field_errors *fe;
    int fe_start;
    int64_t id;
};

static enum err add_tx(struct db *db, void *p)
{
    struct add_ctx *c = p;
    c->fe->n = c->fe_start; /* a retried attempt starts from the caller's errors again */
    return child_add_in_tx(db, c->a, c->who, c->inst_id, c->in, c->fe, &c->id);
}

enum err child_add(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                   const struct child_input *in, struct field_errors *fe, int64_t *id)
{
    struct add_ctx c = {a, who, inst_id, in, fe, fe->n, 0};
    enum err e = db_tx(db, add_tx, &c);
    if (e == OK) *id = c.id;
    return e;
}

/* ---- Reading
 * ------------------------------------------------------------------------------------------------ */

#define CHILD_COLS                                                                                           \
    "ch.id, ch.institution_id, ch.name, ch.id_masked, ch.sex, ch.birth_on, ch.start_on, ch.end_on, "         \
    "ch.absent_since, ch.class_id, c.name, c.type, ch.version, "                                             \
    "(SELECT MAX(h.checked_on) FROM health_checks h WHERE h.subject = 'child' AND h.subject_id = ch.id "     \
    "AND h.result = 'pass') "
#define CHILD_FROM " FROM children ch LEFT JOIN classes c ON c.id = ch.class_id "

static void read_child(struct db_rows *r, struct arena *a, struct child_row *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->name = db_text_dup(r, 2, a);
    o->id_masked = db_text_dup(r, 3, a);
    o->sex = db_text_dup(r, 4, a);
    o->birth_on = db_int(r, 5);
    o->start_on = db_int(r, 6);
    o->end_on = db_isnull(r, 7) ? 0 : db_int(r, 7);
    o->absent_since = db_isnull(r, 8) ? 0 : db_int(r, 8);
    o->class_id = db_isnull(r, 9) ? 0 : db_int(r, 9);
    o->class_name = db_text_dup(r, 10, a);
    o->class_type = -1;
    const char *type = db_text(r, 11);
    for (int i = 0; type && class_type_names[i]; i++)
        if (strcmp(type, class_type_names[i]) == 0) o->class_type = i;
    o->version = db_int(r, 12);
    o->last_check = db_isnull(r, 13) ? 0 : db_int(r, 13);
    o->next_check_due =
        o->last_check ? o->last_check + (int64_t)threshold_get("check_interval_days") : o->start_on;
}

#define CHILD_LIST_WHERE                                                                                     \
    "WHERE ch.institution_id = $1 AND ($2 = 0 OR ch.class_id = $2) AND ($3 = 1 OR ch.end_on IS NULL OR "     \
    "ch.end_on > $4) "

enum err child_list(struct db *db, struct arena *a, int64_t inst_id, int64_t class_id, bool include_left,
                    int64_t today, struct child_row **items, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(class_id), DBV_INT(include_left ? 1 : 0), DBV_INT(today)};
    int64_t count = 0;
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM children ch " CHILD_LIST_WHERE, v, 4, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(db, "SELECT " CHILD_COLS CHILD_FROM CHILD_LIST_WHERE "ORDER BY ch.id", v, 4, &r);
    if (e != OK) return e;
    *items = arena_zalloc(a, (size_t)(count + 1) * sizeof **items);
    int k;
    while ((k = db_next(r)) == 1 && *n < count)
        read_child(r, a, &(*items)[(*n)++]);
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

static enum err child_get_row(struct db *db, struct arena *a, int64_t id, struct child_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT " CHILD_COLS CHILD_FROM "WHERE ch.id = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) read_child(r, a, out);
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

enum err child_get(struct db *db, struct arena *a, int64_t id, struct child_row *out)
{
    enum err e = child_get_row(db, a, id, out);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(id)};
    int64_t count = 0;
    e = db_int_query(db, "SELECT COUNT(*) FROM guardians WHERE child_id = $1", v, 1, &count);
    if (e != OK) return e;
    out->guardians = arena_zalloc(a, (size_t)(count + 1) * sizeof *out->guardians);
    struct db_rows *r = NULL;
    e = db_query(db, "SELECT name, relation, phone_masked FROM guardians WHERE child_id = $1 ORDER BY id", v,
                 1, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1 && out->nguardians < count) {
        struct guardian_row *g = &out->guardians[out->nguardians++];
        g->name = db_text_dup(r, 0, a);
        g->relation = db_text_dup(r, 1, a);
        g->phone_masked = db_text_dup(r, 2, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;
    e = db_int_query(db, "SELECT COUNT(*) FROM health_checks WHERE subject = 'child' AND subject_id = $1", v,
                     1, &count);
    if (e != OK) return e;
    out->checks = arena_zalloc(a, (size_t)(count + 1) * sizeof *out->checks);
    e = db_query(db,
                 "SELECT id, kind, checked_on, examiner, result FROM health_checks WHERE subject = 'child' "
                 "AND subject_id = $1 ORDER BY checked_on DESC, id DESC",
                 v, 1, &r);
    if (e != OK) return e;
    while ((k = db_next(r)) == 1 && out->nchecks < count) {
        struct check_row *c = &out->checks[out->nchecks++];
        c->id = db_int(r, 0);
        c->kind = db_text_dup(r, 1, a);
        c->checked_on = db_int(r, 2);
        c->examiner = db_text_dup(r, 3, a);
        c->result = db_text_dup(r, 4, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

/* ---- Changes
 * ------------------------------------------------------------------------------------------------ */

static json_t *child_state_json(int64_t class_id, int64_t end_on, int64_t absent_since)
{
    char end[11], absent[11];
    json_t *j = json_pack("{s:s?, s:s?}", "end_on", end_on ? date_format(end_on, end) : NULL, "absent_since",
                          absent_since ? date_format(absent_since, absent) : NULL);
    json_object_set_new(j, "class_id", class_id ? json_integer(class_id) : json_null());
    return j;
}

struct change_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id, child_id;
    const struct child_change *ch;
    struct field_errors *fe;
    int fe_start;
};

static enum err change_tx(struct db *db, void *p)
{
    struct change_ctx *c = p;
    const struct child_change *ch = c->ch;
    c->fe->n = c->fe_start;
    int64_t now = clock_now(), today = clock_day_of(now);
    enum err e = people_lock(db, c->inst_id);
    if (e != OK) return e;
    struct child_row k;
    e = child_get_row(db, c->a, c->child_id, &k);
    if (e != OK) return e;
    if (k.institution_id != c->inst_id) return ERR_NOT_FOUND;
    if (k.version != ch->version) return ERR_CONFLICT;
    if (k.end_on && k.end_on <= today) return ERR_STATE; /* left: the record is history now */

    int64_t class_id = k.class_id, end_on = k.end_on, absent_since = k.absent_since;
    if (ch->class_given && ch->class_id != k.class_id) {
        class_id = ch->class_id;
        /* A move takes effect today, or on the first day for a child who has not started yet. */
        int64_t day = k.start_on > today ? k.start_on : today;
        if (class_id) {
            e = check_class(db, c->a, c->inst_id, class_id, k.id, k.birth_on, day, today, "class_id", c->fe);
            if (e != OK) return e;
        }
    }
    if (ch->end_given) {
        end_on = ch->end_on;
        if (end_on < k.start_on) people_fe_once(c->fe, "end_on", "离园日期不能早于入托日期");
    }
    if (ch->absence > 0) {
        absent_since = ch->absent_since;
        if (absent_since < k.start_on)
            people_fe_once(c->fe, "absent_since", "离园开始日期不能早于入托日期");
        else if (absent_since > today)
            people_fe_once(c->fe, "absent_since", "离园开始日期不能晚于今天");
    } else if (ch->absence < 0) {
        absent_since = 0;
    }
    if (c->fe->n) return ERR_VALIDATION;

    char *before = json_text(c->a, child_state_json(k.class_id, k.end_on, k.absent_since));
    struct db_val v[] = {DBV_INT(k.id),
                         DBV_INT(k.version),
                         class_id ? DBV_INT(class_id) : DBV_NULL,
                         end_on ? DBV_INT(end_on) : DBV_NULL,
                         absent_since ? DBV_INT(absent_since) : DBV_NULL,
                         DBV_INT(now)};
    e = db_exec(db,
                "UPDATE children SET class_id = CAST($3 AS BIGINT), end_on = CAST($4 AS BIGINT), "
                "absent_since = CAST($5 AS BIGINT), version = version + 1, updated_at = $6 "
                "WHERE id = $1 AND version = $2",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    char *after = json_text(c->a, child_state_json(class_id, end_on, absent_since));
    e = audit_append(db, c->who, "child.update", "child", k.id, before, after);
    if (e == OK) e = compliance_refresh_in_tx(db, c->a, c->inst_id, now);
    return e;
}

enum err child_change(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                      int64_t child_id, const struct child_change *ch, struct field_errors *fe)
{
    struct change_ctx c = {a, who, inst_id, child_id, ch, fe, fe->n};
    return db_tx(db, change_tx, &c);
}

struct check_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id, child_id;
    const struct check_input *in;
    struct field_errors *fe;
    int fe_start;
    int64_t id;
};

static enum err check_tx(struct db *db, void *p)
{
    struct check_ctx *c = p;
    const struct check_input *in = c->in;
    c->fe->n = c->fe_start;
    int64_t now = clock_now(), today = clock_day_of(now);
    struct child_row k;
    enum err e = child_get_row(db, c->a, c->child_id, &k);
    if (e != OK) return e;
    if (k.institution_id != c->inst_id) return ERR_NOT_FOUND;
    if (!in->kind || (strcmp(in->kind, "yearly") != 0 && strcmp(in->kind, "return") != 0 &&
                      strcmp(in->kind, "admission") != 0))
        people_fe_once(c->fe, "kind", "应为 yearly 或 return");
    if (!people_fe_covers(c->fe, "checked_on")) {
        if (in->checked_on > today)
            people_fe_once(c->fe, "checked_on", "体检日期不能晚于今天");
        else if (in->checked_on < k.birth_on)
            people_fe_once(c->fe, "checked_on", "体检日期不能早于出生日期");
    }
    check_text(c->fe, "examiner", in->examiner, 100, "体检机构或医生");
    if (!in->result || (strcmp(in->result, "pass") != 0 && strcmp(in->result, "fail") != 0))
        people_fe_once(c->fe, "result", "应为 pass 或 fail");
    if (c->fe->n) return ERR_VALIDATION;
    struct db_val v[] = {
        DBV_INT(k.id),          DBV_INT(c->inst_id),  DBV_TEXT(in->kind), DBV_INT(in->checked_on),
        DBV_TEXT(in->examiner), DBV_TEXT(in->result), DBV_INT(now)};
    e = db_int_query(
        db,
        "INSERT INTO health_checks (subject, subject_id, institution_id, kind, checked_on, examiner, "
        "result, created_at) VALUES ('child', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    char day[11];
    char *after = json_text(c->a, json_pack("{s:s, s:s, s:s}", "kind", in->kind, "checked_on",
                                            date_format(in->checked_on, day), "result", in->result));
    e = audit_append(db, c->who, "child.check", "child", k.id, NULL, after);
    if (e == OK) e = compliance_refresh_in_tx(db, c->a, c->inst_id, now);
    return e;
}

enum err child_add_check(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         int64_t child_id, const struct check_input *in, struct field_errors *fe, int64_t *id)
{
    struct check_ctx c = {a, who, inst_id, child_id, in, fe, fe->n, 0};
    enum err e = db_tx(db, check_tx, &c);
    if (e == OK && id) *id = c.id;
    return e;
}

/* ---- Checks due
 * --------------------------------------------------------------------------------------------- */

struct due_list {
    struct arena *a;
    struct due_item *items;
    int n, cap;
};

static void due_add(struct due_list *l, const char *subject, int64_t id, const char *name, int64_t due_on,
                    const char *kind, bool overdue)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        struct due_item *items = arena_alloc(l->a, (size_t)cap * sizeof *items);
        if (l->n) memcpy(items, l->items, (size_t)l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (struct due_item){subject, id, name, due_on, kind, overdue};
}

static int due_cmp(const void *pa, const void *pb)
{
    const struct due_item *a = pa, *b = pb;
    if (a->due_on != b->due_on) return a->due_on < b->due_on ? -1 : 1;
    int s = strcmp(a->subject, b->subject);
    if (s) return s;
    return a->id < b->id ? -1 : a->id > b->id;
}

#define NEVER_DAY 999999999

enum err checks_due_list(struct db *db, struct arena *a, int64_t inst_id, int64_t today, int64_t within_days,
                         struct due_item **items, int *n)
{
    struct due_list l = {.a = a};
    int64_t horizon = today + within_days;
    int64_t interval = (int64_t)threshold_get("check_interval_days");
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(today)};
    struct db_rows *r = NULL;
    enum err e =
        db_query(db,
                 "SELECT ch.id, ch.name, ch.start_on, "
                 "(SELECT MAX(h.checked_on) FROM health_checks h WHERE h.subject = 'child' "
                 "AND h.subject_id = ch.id AND h.result = 'pass'), "
                 "(SELECT COUNT(*) FROM health_checks h WHERE h.subject = 'child' AND h.subject_id = ch.id "
                 "AND h.result = 'pass' AND h.kind = 'admission') "
                 "FROM children ch WHERE ch.institution_id = $1 AND (ch.end_on IS NULL OR ch.end_on > $2) "
                 "ORDER BY ch.id",
                 v, 2, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        int64_t id = db_int(r, 0), start = db_int(r, 2);
        const char *name = db_text_dup(r, 1, a);
        if (db_int(r, 4) == 0)
            /* The admission check belongs before the first day: a child who has started without one is late.
             */
            due_add(&l, "child", id, name, start, "admission", start <= today);
        if (!db_isnull(r, 3)) {
            int64_t due = db_int(r, 3) + interval;
            if (due <= horizon) due_add(&l, "child", id, name, due, "yearly", due < today);
        }
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;

    e = db_query(
        db,
        "SELECT s.id, s.name, s.hired_on, (SELECT MAX(h.checked_on) FROM health_checks h "
        "WHERE h.subject = 'staff' AND h.subject_id = s.id AND h.result = 'pass') "
        "FROM staff s WHERE s.institution_id = $1 AND (s.left_on IS NULL OR s.left_on > $2) ORDER BY s.id",
        v, 2, &r);
    if (e != OK) return e;
    while ((k = db_next(r)) == 1) {
        int64_t id = db_int(r, 0), hired = db_int(r, 2);
        const char *name = db_text_dup(r, 1, a);
        if (db_isnull(r, 3)) {
            due_add(&l, "staff", id, name, hired, "pre_employment", hired <= today);
        } else {
            int64_t due = db_int(r, 3) + interval;
            if (due <= horizon) due_add(&l, "staff", id, name, due, "yearly", due < today);
        }
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;

    e = db_query(
        db,
        "SELECT s.id, s.name, sc.kind, MAX(COALESCE(sc.expires_on, 999999999)) FROM staff_certificates sc "
        "JOIN staff s ON s.id = sc.staff_id WHERE s.institution_id = $1 "
        "AND (s.left_on IS NULL OR s.left_on > $2) GROUP BY s.id, s.name, sc.kind ORDER BY s.id, sc.kind",
        v, 2, &r);
    if (e != OK) return e;
    while ((k = db_next(r)) == 1) {
        int64_t expires = db_int(r, 3);
        if (expires >= NEVER_DAY || expires > horizon) continue;
        due_add(&l, "staff", db_int(r, 0), db_text_dup(r, 1, a), expires, db_text_dup(r, 2, a),
                expires < today);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;
    if (l.n > 1) qsort(l.items, (size_t)l.n, sizeof *l.items, due_cmp);
    *items = l.items;
    *n = l.n;
    return OK;
}

/* ---- Audit of reads
 * ----------------------------------------------------------------------------------------- */

struct read_ctx {
    const struct principal *who;
    const char *action, *entity, *detail;
    int64_t id;
};

static enum err read_tx(struct db *db, void *p)
{
    struct read_ctx *c = p;
    return audit_append(db, c->who, c->action, c->entity, c->id, NULL, c->detail);
}

enum err people_audit_read(struct db *db, const struct principal *who, const char *action, const char *entity,
                           int64_t entity_id, const char *detail)
{
    if (!who || who->role == ROLE_OPERATOR) return OK;
    struct read_ctx c = {who, action, entity, detail, entity_id};
    return db_tx(db, read_tx, &c);
}
