/* Classes: their SQL, the caps they are held to and the caregivers assigned to them. Each write is one
 * transaction with its audit entry and a compliance refresh, so a change and its consequences cannot part. */
#include "modules/people/class_store.h"

#include "core/clock.h"
#include "modules/compliance/compliance.h"
#include "modules/filing/filing.h"
#include "modules/people/people.h"

#include <stdlib.h>
#include <string.h>

/* ---- Small shared helpers ---------------------------------------------------------------------------- */

bool people_fe_covers(const struct field_errors *fe, const char *field)
{
    size_t n = strlen(field);
    for (int i = 0; i < fe->n; i++) {
        const char *f = fe->items[i].field;
        if (!f) continue;
        size_t m = strlen(f);
        /* An error on "guardians" covers "guardians[1].phone"; one on "a.b" covers "a.b" only. */
        if (m <= n && strncmp(f, field, m) == 0 && (field[m] == 0 || field[m] == '.' || field[m] == '['))
            return true;
    }
    return false;
}

void people_fe_once(struct field_errors *fe, const char *field, const char *message)
{
    if (!people_fe_covers(fe, field)) fe_add(fe, field, message);
}

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* ---- Institution and staff ----------------------------------------------------------------------------- */

enum err class_store_inst(struct db *db, struct arena *a, int64_t id, struct people_inst *out)
{
    struct db_val v[] = {DBV_INT(id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT id, name, district_code, provider_kind FROM institutions WHERE id = $1",
                          v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) {
        out->id = db_int(r, 0);
        out->name = db_text_dup(r, 1, a);
        out->district_code = db_text_dup(r, 2, a);
        const char *kind = db_text(r, 3);
        out->home_based = kind && strcmp(kind, "home_based") == 0;
    }
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

enum err class_store_staff(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                           struct staff_brief **items, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(today)};
    int64_t count = 0;
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(
        db, "SELECT COUNT(*) FROM staff WHERE institution_id = $1 AND (left_on IS NULL OR left_on > $2)", v,
        2, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(db,
                 "SELECT id, name, role, id_masked, phone_masked, hired_on, education, experience_years, "
                 "full_time FROM staff WHERE institution_id = $1 AND (left_on IS NULL OR left_on > $2) "
                 "ORDER BY id",
                 v, 2, &r);
    if (e != OK) return e;
    *items = arena_zalloc(a, (size_t)(count + 1) * sizeof **items);
    int k;
    while ((k = db_next(r)) == 1 && *n < count) {
        struct staff_brief *s = &(*items)[(*n)++];
        s->id = db_int(r, 0);
        s->name = db_text_dup(r, 1, a);
        s->role = db_text_dup(r, 2, a);
        s->id_masked = db_text_dup(r, 3, a);
        s->phone_masked = db_text_dup(r, 4, a);
        s->hired_on = db_int(r, 5);
        s->education = db_text_dup(r, 6, a);
        s->experience_years = db_isnull(r, 7) ? -1 : db_int(r, 7);
        s->full_time = db_int(r, 8) != 0;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

/* ---- Reading classes ------------------------------------------------------------------------------------
 */

int64_t class_cap(int type, bool home_based)
{
    static const char *const keys[CLASS__COUNT] = {"class_max_infant", "class_max_toddler", "class_max_older",
                                                   "class_max_mixed"};
    if (type < 0 || type >= CLASS__COUNT) return 0;
    int64_t cap = (int64_t)threshold_get(keys[type]);
    if (home_based) {
        int64_t home = (int64_t)threshold_get("home_max_children");
        if (home < cap) cap = home;
    }
    return cap;
}

#define CLASS_COLS                                                                                           \
    "c.id, c.institution_id, c.name, c.type, c.capacity, c.closed_on, c.version, "                           \
    "(SELECT COUNT(*) FROM children ch WHERE ch.class_id = c.id AND (ch.end_on IS NULL OR ch.end_on > $2)) "

static void read_class(struct db_rows *r, struct arena *a, struct class_row *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->name = db_text_dup(r, 2, a);
    o->type = name_index(class_type_names, db_text(r, 3));
    o->capacity = db_int(r, 4);
    o->closed_on = db_isnull(r, 5) ? 0 : db_int(r, 5);
    o->version = db_int(r, 6);
    o->enrolled = db_int(r, 7);
}

/* Fill the caregivers (employed today) of rows[0..n). */
static enum err read_caregivers(struct db *db, struct arena *a, int64_t today, struct class_row *rows, int n)
{
    enum err e = OK;
    for (int i = 0; i < n && e == OK; i++) {
        struct db_val v[] = {DBV_INT(rows[i].id), DBV_INT(today)};
        int64_t count = 0;
        e = db_int_query(db,
                         "SELECT COUNT(*) FROM class_caregivers cc JOIN staff s ON s.id = cc.staff_id "
                         "WHERE cc.class_id = $1 AND (s.left_on IS NULL OR s.left_on > $2)",
                         v, 2, &count);
        if (e != OK) break;
        rows[i].caregiver_ids = arena_alloc(a, (size_t)(count + 1) * sizeof(int64_t));
        rows[i].caregiver_names = arena_alloc(a, (size_t)(count + 1) * sizeof(char *));
        struct db_rows *r = NULL;
        e = db_query(db,
                     "SELECT s.id, s.name FROM class_caregivers cc JOIN staff s ON s.id = cc.staff_id "
                     "WHERE cc.class_id = $1 AND (s.left_on IS NULL OR s.left_on > $2) ORDER BY s.id",
                     v, 2, &r);
        if (e != OK) break;
        int k;
        while ((k = db_next(r)) == 1 && rows[i].ncaregivers < count) {
            rows[i].caregiver_ids[rows[i].ncaregivers] = db_int(r, 0);
            rows[i].caregiver_names[rows[i].ncaregivers++] = db_text_dup(r, 1, a);
        }
        e = k < 0 ? db_rows_err(r) : OK;
        db_done(r);
    }
    return e;
}

enum err class_list(struct db *db, struct arena *a, int64_t inst_id, int64_t today, bool include_closed,
                    struct class_row **items, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(today), DBV_INT(include_closed ? 1 : 0)};
    int64_t count = 0;
    *items = NULL;
    *n = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM classes WHERE institution_id = $1", v, 1, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(db,
                 "SELECT " CLASS_COLS "FROM classes c WHERE c.institution_id = $1 "
                 "AND ($3 = 1 OR c.closed_on IS NULL OR c.closed_on > $2) ORDER BY c.id",
                 v, 3, &r);
    if (e != OK) return e;
    *items = arena_zalloc(a, (size_t)(count + 1) * sizeof **items);
    int k;
    while ((k = db_next(r)) == 1 && *n < count)
        read_class(r, a, &(*items)[(*n)++]);
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e == OK) e = read_caregivers(db, a, today, *items, *n);
    return e;
}

enum err class_get(struct db *db, struct arena *a, int64_t id, int64_t today, struct class_row *out)
{
    struct db_val v[] = {DBV_INT(id), DBV_INT(today)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT " CLASS_COLS "FROM classes c WHERE c.id = $1", v, 2, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) read_class(r, a, out);
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    if (e == OK) e = read_caregivers(db, a, today, out, 1);
    return e;
}

/* ---- Writing classes ------------------------------------------------------------------------------------
 */

/* Check that every caregiver id is a staff member of inst_id employed today, with no repeats. */
static enum err check_caregivers(struct db *db, int64_t inst_id, int64_t today, const int64_t *ids, int n,
                                 struct field_errors *fe)
{
    for (int i = 0; i < n; i++) {
        const char *path = arena_printf(fe->a, "caregiver_ids[%d]", i);
        bool repeat = false;
        for (int j = 0; j < i; j++)
            repeat |= ids[j] == ids[i];
        if (repeat) {
            people_fe_once(fe, path, "重复的保育人员");
            continue;
        }
        struct db_val v[] = {DBV_INT(ids[i]), DBV_INT(inst_id), DBV_INT(today)};
        int64_t found = 0;
        enum err e = db_int_query(db,
                                  "SELECT COUNT(*) FROM staff WHERE id = $1 AND institution_id = $2 "
                                  "AND (left_on IS NULL OR left_on > $3)",
                                  v, 3, &found);
        if (e != OK) return e;
        if (!found) people_fe_once(fe, path, "不是本机构在职的工作人员");
    }
    return OK;
}

static enum err set_caregivers(struct db *db, int64_t class_id, const int64_t *ids, int n)
{
    struct db_val v[] = {DBV_INT(class_id)};
    enum err e = db_exec(db, "DELETE FROM class_caregivers WHERE class_id = $1", v, 1);
    for (int i = 0; i < n && e == OK; i++) {
        struct db_val c[] = {DBV_INT(class_id), DBV_INT(ids[i])};
        e = db_exec(db, "INSERT INTO class_caregivers (class_id, staff_id) VALUES ($1, $2)", c, 2);
    }
    return e;
}

static void check_name(struct field_errors *fe, const char *name)
{
    size_t n = name ? utf8_chars(name) : 0;
    bool blank = true;
    for (const char *p = name; p && *p && blank; p++)
        blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
    if (!name)
        people_fe_once(fe, "name", "必填");
    else if (n < 1 || n > 50 || blank)
        people_fe_once(fe, "name", "班级名称应为 1 到 50 个字符（不能只含空白）");
}

static void check_capacity(struct field_errors *fe, int type, bool home_based, int64_t capacity)
{
    if (type < 0 || type >= CLASS__COUNT) return; /* the type's own error says it */
    int64_t cap = class_cap(type, home_based);
    if (capacity >= 1 && capacity <= cap) return;
    if (capacity < 1)
        people_fe_once(fe, "capacity", "班级容量至少为 1");
    else if (home_based)
        fe_addf(fe, "capacity", "家庭托育点收托人数不超过 %lld 人（%s）", (long long)cap,
                threshold_find("home_max_children")->clause);
    else
        fe_addf(fe, "capacity", "%s每班不超过 %lld 人（%s）", class_type_names_zh[type], (long long)cap,
                RULES_DOC_SETTING "班级规模");
}

static json_t *ids_json(const int64_t *ids, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_integer(ids[i]));
    return arr;
}

struct add_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id, today;
    const struct class_input *in;
    struct field_errors *fe;
    int fe_start;
    int64_t id;
};

static enum err add_tx(struct db *db, void *p)
{
    struct add_ctx *c = p;
    const struct class_input *in = c->in;
    c->fe->n = c->fe_start; /* a retried attempt starts from the caller's errors again */
    struct people_inst inst;
    enum err e = class_store_inst(db, c->a, c->inst_id, &inst);
    if (e != OK) return e;
    check_name(c->fe, in->name);
    if (in->type < 0 || in->type >= CLASS__COUNT) people_fe_once(c->fe, "type", "班级类型无效");
    if (!people_fe_covers(c->fe, "capacity")) check_capacity(c->fe, in->type, inst.home_based, in->capacity);
    e = check_caregivers(db, c->inst_id, c->today, in->caregiver_ids, in->ncaregivers, c->fe);
    if (e != OK) return e;
    if (c->fe->n) return ERR_VALIDATION;

    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(c->inst_id), DBV_TEXT(in->name), DBV_TEXT(class_type_names[in->type]),
                         DBV_INT(in->capacity), DBV_INT(now)};
    e = db_int_query(db,
                     "INSERT INTO classes (institution_id, name, type, capacity, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e == OK) e = set_caregivers(db, c->id, in->caregiver_ids, in->ncaregivers);
    if (e != OK) return e;
    char *after = json_text(c->a, json_pack("{s:I, s:s, s:s, s:I, s:o}", "institution_id",
                                            (json_int_t)c->inst_id, "name", in->name, "type",
                                            class_type_names[in->type], "capacity", (json_int_t)in->capacity,
                                            "caregiver_ids", ids_json(in->caregiver_ids, in->ncaregivers)));
    e = audit_append(db, c->who, "class.add", "class", c->id, NULL, after);
    if (e == OK) e = compliance_refresh_in_tx(db, c->a, c->inst_id, now);
    return e;
}

enum err class_add(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                   const struct class_input *in, struct field_errors *fe, int64_t *id)
{
    struct add_ctx c = {a, who, inst_id, clock_day_of(clock_now()), in, fe, fe->n, 0};
    enum err e = db_tx(db, add_tx, &c);
    if (e == OK) *id = c.id;
    return e;
}

struct change_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id, class_id, today;
    const struct class_change *ch;
    struct field_errors *fe;
    int fe_start;
};

static json_t *class_json_brief(const struct class_row *k)
{
    char closed[11];
    return json_pack("{s:s, s:s, s:I, s:s?, s:o}", "name", k->name, "type",
                     k->type >= 0 ? class_type_names[k->type] : "?", "capacity", (json_int_t)k->capacity,
                     "closed_on", k->closed_on ? date_format(k->closed_on, closed) : NULL, "caregiver_ids",
                     ids_json(k->caregiver_ids, k->ncaregivers));
}

static enum err change_tx(struct db *db, void *p)
{
    struct change_ctx *c = p;
    const struct class_change *ch = c->ch;
    c->fe->n = c->fe_start; /* a retried attempt starts from the caller's errors again */
    /* The institution's row lock (PostgreSQL): an enrolment cannot slip into a class being closed or shrunk.
     */
    enum err e = people_lock(db, c->inst_id);
    if (e != OK) return e;
    struct class_row k;
    e = class_get(db, c->a, c->class_id, c->today, &k);
    if (e != OK) return e;
    if (k.institution_id != c->inst_id) return ERR_NOT_FOUND;
    if (k.version != ch->version) return ERR_CONFLICT;
    struct people_inst inst;
    e = class_store_inst(db, c->a, c->inst_id, &inst);
    if (e != OK) return e;

    if (ch->name) check_name(c->fe, ch->name);
    int64_t capacity = ch->capacity ? ch->capacity : k.capacity;
    if (ch->capacity && !people_fe_covers(c->fe, "capacity")) {
        check_capacity(c->fe, k.type, inst.home_based, capacity);
        if (!people_fe_covers(c->fe, "capacity") && capacity < k.enrolled)
            fe_addf(c->fe, "capacity", "容量不能少于在班幼儿人数（%lld 人）", (long long)k.enrolled);
    }
    if (ch->caregivers_given) {
        e = check_caregivers(db, c->inst_id, c->today, ch->caregiver_ids, ch->ncaregivers, c->fe);
        if (e != OK) return e;
    }
    if (c->fe->n) return ERR_VALIDATION;
    int64_t closed_on = k.closed_on;
    if (ch->closing > 0) {
        /* A class is emptied (children moved or left) before it closes; closing it would strand them. */
        if (k.enrolled > 0) return ERR_STATE;
        closed_on = ch->closed_on;
    } else if (ch->closing < 0) {
        closed_on = 0;
    }

    char *before = json_text(c->a, class_json_brief(&k));
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(k.id),
                         DBV_INT(k.version),
                         DBV_TEXT(ch->name ? ch->name : k.name),
                         DBV_INT(capacity),
                         closed_on ? DBV_INT(closed_on) : DBV_NULL,
                         DBV_INT(now)};
    e = db_exec(db,
                "UPDATE classes SET name = $3, capacity = $4, closed_on = CAST($5 AS BIGINT), "
                "version = version + 1, updated_at = $6 WHERE id = $1 AND version = $2",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_CONFLICT;
    if (ch->caregivers_given) e = set_caregivers(db, k.id, ch->caregiver_ids, ch->ncaregivers);
    if (e != OK) return e;
    struct class_row now_k;
    e = class_get(db, c->a, k.id, c->today, &now_k);
    if (e != OK) return e;
    char *after = json_text(c->a, class_json_brief(&now_k));
    e = audit_append(db, c->who, "class.update", "class", k.id, before, after);
    if (e == OK) e = compliance_refresh_in_tx(db, c->a, c->inst_id, now);
    return e;
}

enum err class_change(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                      int64_t class_id, const struct class_change *ch, struct field_errors *fe)
{
    struct change_ctx c = {a, who, inst_id, class_id, clock_day_of(clock_now()), ch, fe, fe->n};
    return db_tx(db, change_tx, &c);
}
