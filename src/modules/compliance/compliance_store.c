/* Live compliance, stored: load an institution's actual classes, staff and children, run the pure rules
 * (compliance_rules.c) and reconcile the open findings — new ones opened with first_seen, vanished ones
 * resolved with resolved_at — so the history of every problem stays. Findings are derived data: they are not
 * audited (the changes that cause them are). */
#include "modules/compliance/compliance.h"

#include "core/clock.h"
#include "core/log.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NEVER INT64_MAX

static int index_of(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* Run a query with the institution id (and today) and call fn for each row. */
typedef void (*row_fn)(struct db_rows *r, void *ctx);
static enum err each_row(struct db *db, const char *sql, int64_t inst_id, int64_t today, row_fn fn, void *ctx)
{
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(today)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, v, 2, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1)
        fn(r, ctx);
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

struct load {
    struct arena *a;
    struct cmp_input in;
    int cap_classes, cap_staff, cap_children;
};

static struct cmp_staff *find_staff(struct load *l, int64_t id)
{
    for (int i = 0; i < l->in.nstaff; i++)
        if (l->in.staff[i].id == id) return &l->in.staff[i];
    return NULL;
}

static struct cmp_child *find_child(struct load *l, int64_t id)
{
    for (int i = 0; i < l->in.nchildren; i++)
        if (l->in.children[i].id == id) return &l->in.children[i];
    return NULL;
}

static void *grow(struct arena *a, void *old, int n, int *cap, size_t size)
{
    if (n < *cap) return old;
    int ncap = *cap ? *cap * 2 : 16;
    void *p = arena_alloc(a, (size_t)ncap * size);
    if (old) memcpy(p, old, (size_t)n * size);
    *cap = ncap;
    return p;
}

static void add_class(struct db_rows *r, void *p)
{
    struct load *l = p;
    l->in.classes = grow(l->a, l->in.classes, l->in.nclasses, &l->cap_classes, sizeof *l->in.classes);
    struct cmp_class *c = &l->in.classes[l->in.nclasses++];
    c->id = db_int(r, 0);
    c->type = index_of(class_type_names, db_text(r, 1));
    c->capacity = db_int(r, 2);
    c->enrolled = db_int(r, 3);
    c->caregivers = db_int(r, 4);
}

static void add_staff(struct db_rows *r, void *p)
{
    struct load *l = p;
    l->in.staff = grow(l->a, l->in.staff, l->in.nstaff, &l->cap_staff, sizeof *l->in.staff);
    struct cmp_staff *s = &l->in.staff[l->in.nstaff++];
    memset(s, 0, sizeof *s);
    s->id = db_int(r, 0);
    s->role = index_of(staff_role_names, db_text(r, 1));
    s->full_time = db_int(r, 2) != 0;
    s->education = db_isnull(r, 3) ? -1 : index_of(education_names, db_text(r, 3));
    s->experience_years = db_isnull(r, 4) ? -1 : db_int(r, 4);
    s->hired_on = db_int(r, 5);
}

static void add_cert(struct db_rows *r, void *p)
{
    struct cmp_staff *s = find_staff(p, db_int(r, 0));
    int kind = index_of(cert_kind_names, db_text(r, 1));
    if (!s || kind < 0) return;
    int64_t expires = db_isnull(r, 2) ? NEVER : db_int(r, 2);
    if (expires > s->cert_expires[kind]) s->cert_expires[kind] = expires;
}

static void add_staff_checks(struct db_rows *r, void *p)
{
    struct cmp_staff *s = find_staff(p, db_int(r, 0));
    if (!s) return;
    s->last_health_check = db_isnull(r, 1) ? 0 : db_int(r, 1);
    s->pre_employment_check = db_isnull(r, 2) ? 0 : db_int(r, 2);
}

static void add_ban_check(struct db_rows *r, void *p)
{
    struct cmp_staff *s = find_staff(p, db_int(r, 0));
    if (s && !db_isnull(r, 1)) s->last_ban_check = clock_day_of(db_int(r, 1));
}

static void add_child(struct db_rows *r, void *p)
{
    struct load *l = p;
    l->in.children = grow(l->a, l->in.children, l->in.nchildren, &l->cap_children, sizeof *l->in.children);
    struct cmp_child *c = &l->in.children[l->in.nchildren++];
    memset(c, 0, sizeof *c);
    c->id = db_int(r, 0);
    c->birth_on = db_int(r, 1);
    c->start_on = db_int(r, 2);
    c->class_id = db_isnull(r, 3) ? 0 : db_int(r, 3);
    c->class_type = db_isnull(r, 4) ? -1 : index_of(class_type_names, db_text(r, 4));
    c->absent_since = db_isnull(r, 5) ? 0 : db_int(r, 5);
}

static void add_child_checks(struct db_rows *r, void *p)
{
    struct cmp_child *c = find_child(p, db_int(r, 0));
    if (!c) return;
    c->last_check = db_isnull(r, 1) ? 0 : db_int(r, 1);
    c->admission_check = db_isnull(r, 2) ? 0 : db_int(r, 2);
    c->check_since_absence = db_isnull(r, 3) ? 0 : db_int(r, 3);
}

/* The institution's actual data as the rules see it. Employed: no leaving day, or one after today; enrolled
 * likewise. $1 is the institution, $2 today. */
static enum err load_input(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                           struct cmp_input *out)
{
    struct load l = {.a = a};
    l.in.today = today;
    struct db_val v[] = {DBV_INT(inst_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT provider_kind FROM institutions WHERE id = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) l.in.provider_kind = db_text(r, 0) && strcmp(db_text(r, 0), "home_based") == 0;
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;

    e = each_row(db,
                 "SELECT c.id, c.type, c.capacity, "
                 "(SELECT COUNT(*) FROM children ch WHERE ch.class_id = c.id AND (ch.end_on IS NULL OR "
                 "ch.end_on > $2)), "
                 "(SELECT COUNT(*) FROM class_caregivers cc JOIN staff s ON s.id = cc.staff_id "
                 " WHERE cc.class_id = c.id AND (s.left_on IS NULL OR s.left_on > $2)) "
                 "FROM classes c WHERE c.institution_id = $1 AND (c.closed_on IS NULL OR c.closed_on > $2) "
                 "ORDER BY c.id",
                 inst_id, today, add_class, &l);
    if (e == OK)
        e = each_row(db,
                     "SELECT id, role, full_time, education, experience_years, hired_on FROM staff "
                     "WHERE institution_id = $1 AND (left_on IS NULL OR left_on > $2) ORDER BY id",
                     inst_id, today, add_staff, &l);
    if (e == OK)
        e = each_row(
            db,
            "SELECT sc.staff_id, sc.kind, MAX(COALESCE(sc.expires_on, 999999999)) FROM staff_certificates sc "
            "JOIN staff s ON s.id = sc.staff_id WHERE s.institution_id = $1 AND sc.issued_on <= $2 "
            "GROUP BY sc.staff_id, sc.kind",
            inst_id, today, add_cert, &l);
    if (e == OK)
        e = each_row(db,
                     "SELECT s.id, MAX(h.checked_on), "
                     "MAX(CASE WHEN h.checked_on <= s.hired_on THEN h.checked_on ELSE NULL END) "
                     "FROM staff s JOIN health_checks h ON h.subject = 'staff' AND h.subject_id = s.id "
                     "AND h.result = 'pass' AND h.checked_on <= $2 WHERE s.institution_id = $1 GROUP BY s.id",
                     inst_id, today, add_staff_checks, &l);
    if (e == OK)
        e = each_row(db,
                     "SELECT s.id, MAX(b.checked_at) FROM staff s JOIN ban_checks b ON b.id_hash = s.id_hash "
                     "AND b.result = 'clear' WHERE s.institution_id = $1 "
                     "GROUP BY s.id",
                     inst_id, today, add_ban_check, &l);
    if (e == OK)
        e = each_row(
            db,
            "SELECT ch.id, ch.birth_on, ch.start_on, ch.class_id, c.type, ch.absent_since FROM children ch "
            "LEFT JOIN classes c ON c.id = ch.class_id "
            "WHERE ch.institution_id = $1 AND (ch.end_on IS NULL OR ch.end_on > $2) ORDER BY ch.id",
            inst_id, today, add_child, &l);
    if (e == OK)
        e = each_row(
            db,
            "SELECT ch.id, MAX(h.checked_on), "
            "MAX(CASE WHEN h.kind = 'admission' AND h.checked_on <= ch.start_on THEN h.checked_on ELSE NULL "
            "END), "
            "MAX(CASE WHEN ch.absent_since IS NOT NULL AND h.checked_on >= ch.absent_since "
            "THEN h.checked_on ELSE NULL END) "
            "FROM children ch JOIN health_checks h ON h.subject = 'child' AND h.subject_id = ch.id "
            "AND h.result = 'pass' AND h.checked_on <= $2 WHERE ch.institution_id = $1 GROUP BY ch.id",
            inst_id, today, add_child_checks, &l);
    if (e == OK) e = fee_breaches_in_tx(db, a, inst_id, today, &l.in.fee_breaches, &l.in.nfee_breaches);
    *out = l.in;
    return e;
}

static _Thread_local int defer_depth;
static _Thread_local int64_t deferred_inst;

void compliance_defer_begin(void)
{
    defer_depth++;
    deferred_inst = 0;
}

enum err compliance_refresh_in_tx(struct db *db, struct arena *a, int64_t inst_id, int64_t now)
{
    if (defer_depth) {
        deferred_inst = inst_id;
        return OK;
    }
    int64_t today = clock_day_of(now);
    struct cmp_input in;
    enum err e = load_input(db, a, inst_id, today, &in);
    if (e != OK) return e;
    int max = 64 + 8 * (in.nclasses + in.nstaff + in.nchildren);
    struct cmp_finding *f = arena_alloc(a, (size_t)max * sizeof *f);
    int n = compliance_evaluate(&in, a, f, max);
    if (n > max) n = max;

    /* The open findings now stored, and which of them the evaluation still finds. */
    struct open_finding *open = NULL;
    int no = 0;
    e = compliance_open(db, a, inst_id, &open, &no);
    if (e != OK) return e;
    bool *seen = arena_zalloc(a, (size_t)(no + 1) * sizeof *seen);

    for (int i = 0; i < n && e == OK; i++) {
        const char *sev = cmp_severity_names[f[i].severity];
        struct open_finding *match = NULL;
        for (int j = 0; j < no && !match; j++)
            if (!seen[j] && strcmp(open[j].rule, f[i].rule) == 0 &&
                strcmp(open[j].subject, f[i].subject) == 0) {
                match = &open[j];
                seen[j] = true;
            }
        if (match) {
            if (strcmp(match->severity, sev) == 0 && strcmp(match->message, f[i].message) == 0) continue;
            struct db_val u[] = {DBV_INT(match->id), DBV_TEXT(sev), DBV_TEXT(f[i].message),
                                 DBV_TEXT(f[i].clause), DBV_INT(now)};
            e = db_exec(
                db,
                "UPDATE compliance_findings SET severity = $2, message = $3, clause = $4, last_seen = $5 "
                "WHERE id = $1",
                u, DB_NPARAMS(u));
        } else {
            struct db_val ins[] = {DBV_INT(inst_id), DBV_TEXT(f[i].rule),   DBV_TEXT(f[i].subject),
                                   DBV_TEXT(sev),    DBV_TEXT(f[i].clause), DBV_TEXT(f[i].message),
                                   DBV_INT(now)};
            e = db_exec(
                db,
                "INSERT INTO compliance_findings (institution_id, rule, subject, severity, clause, message, "
                "first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                ins, DB_NPARAMS(ins));
        }
    }
    for (int j = 0; j < no && e == OK; j++) {
        if (seen[j]) continue;
        struct db_val u[] = {DBV_INT(open[j].id), DBV_INT(now)};
        e = db_exec(db, "UPDATE compliance_findings SET resolved_at = $2 WHERE id = $1", u, 2);
    }
    return e;
}

enum err compliance_defer_end(struct db *db, struct arena *a, int64_t now)
{
    if (defer_depth > 0) defer_depth--;
    if (defer_depth || !deferred_inst) return OK;
    int64_t inst = deferred_inst;
    deferred_inst = 0;
    return compliance_refresh_in_tx(db, a, inst, now);
}

struct refresh_ctx {
    struct arena *a;
    int64_t inst_id, now;
};

static enum err refresh_tx(struct db *db, void *p)
{
    struct refresh_ctx *c = p;
    return compliance_refresh_in_tx(db, c->a, c->inst_id, c->now);
}

enum err compliance_refresh_all(struct db *db, int *count)
{
    return compliance_refresh_all_until(db, count, NULL, NULL);
}

enum err compliance_refresh_all_until(struct db *db, int *count, bool (*stop)(void *ctx), void *ctx)
{
    *count = 0;
    int64_t max_id = 0;
    enum err e = db_int_query(db, "SELECT COALESCE(MAX(id), 0) FROM institutions", NULL, 0, &max_id);
    if (e != OK) return e;
    struct arena a;
    arena_init(&a, 0);
    /* One institution per transaction, walking ids in order, so writers are never held up for long. */
    for (int64_t id = 0; e == OK && !(stop && stop(ctx));) {
        struct db_val v[] = {DBV_INT(id)};
        int64_t next = 0;
        e = db_int_query(db, "SELECT MIN(id) FROM institutions WHERE id > $1", v, 1, &next);
        if (e != OK || next == 0) break;
        arena_reset(&a);
        struct refresh_ctx c = {&a, next, clock_now()};
        e = db_tx(db, refresh_tx, &c);
        if (e == OK) (*count)++;
        id = next;
    }
    if (e == ERR_NOT_FOUND) e = OK;
    arena_free(&a);
    return e;
}

enum err compliance_open(struct db *db, struct arena *a, int64_t inst_id, struct open_finding **items, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    int64_t count = 0;
    enum err e = db_int_query(
        db, "SELECT COUNT(*) FROM compliance_findings WHERE institution_id = $1 AND resolved_at IS NULL", v,
        1, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(db,
                 "SELECT id, first_seen, rule, severity, clause, subject, message FROM compliance_findings "
                 "WHERE institution_id = $1 AND resolved_at IS NULL "
                 "ORDER BY CASE severity WHEN 'violation' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, id",
                 v, 1, &r);
    if (e != OK) return e;
    *items = arena_alloc(a, (size_t)(count + 1) * sizeof **items);
    *n = 0;
    int k;
    while ((k = db_next(r)) == 1 && *n < count) {
        struct open_finding *f = &(*items)[(*n)++];
        f->id = db_int(r, 0);
        f->first_seen = db_int(r, 1);
        f->rule = db_text_dup(r, 2, a);
        f->severity = db_text_dup(r, 3, a);
        f->clause = db_text_dup(r, 4, a);
        f->subject = db_text_dup(r, 5, a);
        f->message = db_text_dup(r, 6, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}
