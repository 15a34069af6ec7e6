/* Filing operations and their SQL. Each operation is one transaction that also writes the institution's
 * history and the audit chain, so a decision and its record cannot come apart. */
#include "modules/filing/filing_store.h"

#include "core/clock.h"
#include "modules/institution/inst.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Parsing the dossier ------------------------------------------------------------------------------ */

struct parse_ctx {
    struct arena *a;
    struct filing_dossier *d;
    bool location_given;
    double lat, lon;
};

static void each_class(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct parse_ctx *c = p;
    struct filing_class *k = &c->d->classes[index];
    k->type = -1;
    struct jspec spec[] = {
        JS_ENUM("type", &k->type, class_type_names),
        JS_INT("capacity", &k->capacity, 0, 200),
        JS_INT("caregivers", &k->caregivers, 0, 100),
        JS_END,
    };
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    jspec_parse(v, spec, path, fe);
}

static void each_fee(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct parse_ctx *c = p;
    struct filing_fee *f = &c->d->fees[index];
    f->service_type = -1;
    double yuan = 0;
    struct jspec spec[] = {
        JS_ENUM("service_type", &f->service_type, service_type_names),
        JS_NUMBER("monthly_yuan", &yuan, 0, 1000000),
        JS_END,
    };
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    jspec_parse(v, spec, path, fe);
    f->monthly_fen = (int64_t)(yuan * 100.0 + 0.5);
}

static void each_staff(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct parse_ctx *c = p;
    struct jspec spec[] = {
        JS_INT("director", &c->d->staff_director, 0, 100),
        JS_INT("caregiver", &c->d->staff_caregiver, 0, 1000),
        JS_INT("health", &c->d->staff_health, 0, 100),
        JS_INT("security", &c->d->staff_security, 0, 100),
        JS_INT("cook", &c->d->staff_cook, 0, 100),
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
}

static void each_location(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    (void)index;
    struct parse_ctx *c = p;
    struct jspec spec[] = {JS_NUMBER("lat", &c->lat, -90, 90), JS_NUMBER("lon", &c->lon, -180, 180), JS_END};
    c->location_given = jspec_parse(v, spec, path, fe);
}

static bool parse_location(json_t *body, struct arena *a, struct filing_dossier *d, struct field_errors *fe,
                           double *lat, double *lon)
{
    int before = fe->n;
    json_t *classes = json_object_get(body, "classes");
    json_t *fees = json_object_get(body, "fees");
    size_t nc = json_is_array(classes) ? json_array_size(classes) : 0;
    size_t nf = json_is_array(fees) ? json_array_size(fees) : 0;
    memset(d, 0, sizeof *d);
    d->classes = arena_zalloc(a, (nc ? nc : 1) * sizeof *d->classes);
    d->fees = arena_zalloc(a, (nf ? nf : 1) * sizeof *d->fees);
    d->nclasses = (int)nc;
    d->nfees = (int)nf;
    struct parse_ctx c = {a, d, false, 0, 0};
    bool inclusive_given = false;
    struct jspec spec[] = {
        JS_ENUM_SET("service_types", &d->service_types, service_type_names, 1, SVC__COUNT),
        {.name = "inclusive", .type = JT_BOOL, .dst = &d->inclusive, .present = &inclusive_given},
        JS_NUMBER("indoor_area_m2", &d->indoor_area_m2, 0, 1000000),
        JS_NUMBER("outdoor_area_m2", &d->outdoor_area_m2, 0, 1000000),
        JS_ARRAY("classes", each_class, &c, 0, 50),
        JS_OBJECT("staff_planned", each_staff, &c),
        JS_ARRAY("fees", each_fee, &c, 0, 16),
        JS_STRING("opening_hours", &d->opening_hours, 1, 200),
        {.name = "location",
         .type = JT_OBJECT,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .each = each_location,
         .ctx = &c},
        JS_END,
    };
    jspec_parse(body, spec, "", fe);
    if (lat) *lat = c.location_given ? c.lat : 1000;
    if (lon) *lon = c.lon;
    return fe->n == before;
}

bool filing_parse(json_t *body, struct arena *a, struct filing_dossier *d, struct field_errors *fe)
{
    return parse_location(body, a, d, fe, NULL, NULL);
}

json_t *findings_to_json(const struct finding *f, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "rule", f[i].rule, "severity",
                                             f[i].severity == SEV_VIOLATION ? "violation" : "warning",
                                             "message", f[i].message, "clause",
                                             f[i].clause ? f[i].clause : "", "field", f[i].field));
    return arr;
}

/* ---- Reading ------------------------------------------------------------------------------------------- */

#define FILING_COLS                                                                                          \
    "f.id, f.institution_id, f.version, f.status, f.dossier, f.findings, f.violations, f.submitted_at, "     \
    "f.decided_at, f.due_on, f.reason, f.filing_number, i.name, i.district_code, d.name"
#define FILING_FROM                                                                                          \
    " FROM filings f JOIN institutions i ON i.id = f.institution_id JOIN districts d ON d.code = "           \
    "i.district_code "

static void read_filing(struct db_rows *r, struct arena *a, struct filing_row *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->version = db_int(r, 2);
    o->status = db_text_dup(r, 3, a);
    o->dossier = db_text_dup(r, 4, a);
    o->findings = db_text_dup(r, 5, a);
    o->violations = db_int(r, 6);
    o->submitted_at = db_int(r, 7);
    o->decided_at = db_isnull(r, 8) ? 0 : db_int(r, 8);
    o->due_on = db_int(r, 9);
    o->reason = db_text_dup(r, 10, a);
    o->filing_number = db_text_dup(r, 11, a);
    o->institution_name = db_text_dup(r, 12, a);
    o->district_code = db_text_dup(r, 13, a);
    o->district_name = db_text_dup(r, 14, a);
}

static enum err attachment_mask(struct db *db, int64_t filing_id, unsigned *mask)
{
    struct db_val v[] = {DBV_INT(filing_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT DISTINCT kind FROM filing_attachments WHERE filing_id = $1", v, 1, &r);
    if (e != OK) return e;
    *mask = 0;
    int k;
    while ((k = db_next(r)) == 1) {
        const char *kind = db_text(r, 0);
        for (int i = 0; attachment_kind_names[i]; i++)
            if (kind && strcmp(kind, attachment_kind_names[i]) == 0) *mask |= 1u << i;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err filing_get(struct db *db, struct arena *a, int64_t id, struct filing_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT " FILING_COLS FILING_FROM "WHERE f.id = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) read_filing(r, a, out);
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    if (e == OK) e = attachment_mask(db, id, &out->attachments);
    return e;
}

static enum err read_list(struct db *db, struct arena *a, const char *sql, const struct db_val *v, int nv,
                          int max, struct filing_row **items, int *n)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql, v, nv, &r);
    if (e != OK) return e;
    *items = arena_alloc(a, (size_t)(max > 0 ? max : 1) * sizeof **items);
    *n = 0;
    int k;
    while ((k = db_next(r)) == 1 && *n < max)
        read_filing(r, a, &(*items)[(*n)++]);
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    for (int i = 0; e == OK && i < *n; i++)
        e = attachment_mask(db, (*items)[i].id, &(*items)[i].attachments);
    return e;
}

/* The FROM and WHERE of the queue (alias f) into sql with parameters $1 status, $2 district when given: only
 * the filters given, and institutions joined only for a district, so that the queue walks filings_status
 * (status, due_on) and counts over it. */
static int filing_from_where(struct buf *sql, struct db_val *v, const char *status, const char *district)
{
    int nv = 0;
    buf_adds(sql, " FROM filings f");
    if (district) {
        v[nv++] = DBV_TEXT(district);
        buf_printf(sql, " JOIN institutions i ON i.id = f.institution_id AND i.district_code = $%d", nv);
    }
    buf_adds(sql, " WHERE 1 = 1");
    if (status) {
        v[nv++] = DBV_TEXT(status);
        buf_printf(sql, " AND f.status = $%d", nv);
    }
    return nv;
}

enum err filing_list(struct db *db, struct arena *a, const char *status, const char *district, int page,
                     struct filing_row **items, int *n, int64_t *total)
{
    const int per = 50;
    if (page < 1 || page > 100000) page = 1;
    struct db_val v[4];
    struct buf sql = BUF_INIT;
    *items = NULL;
    *n = 0;
    buf_adds(&sql, "SELECT COUNT(*)");
    int nv = filing_from_where(&sql, v, status, district);
    enum err e = db_int_query(db, sql.p, v, nv, total);
    if (e == OK && *total > (int64_t)(page - 1) * per) {
        /* The page's ids first, over the filtered tables only; then their columns. */
        sql.len = 0;
        buf_adds(&sql, "SELECT " FILING_COLS FILING_FROM "JOIN (SELECT f.id");
        nv = filing_from_where(&sql, v, status, district);
        v[nv++] = DBV_INT(per);
        v[nv++] = DBV_INT((int64_t)(page - 1) * per);
        buf_printf(&sql,
                   " ORDER BY f.due_on, f.id LIMIT $%d OFFSET $%d) p ON p.id = f.id ORDER BY f.due_on, f.id",
                   nv - 1, nv);
        e = read_list(db, a, sql.p, v, nv, per, items, n);
    }
    buf_free(&sql);
    return e;
}

enum err filing_overdue_count(struct db *db, const char *district, int64_t today, int64_t *n)
{
    struct db_val v[] = {DBV_INT(today), DBV_TEXT(district)};
    *n = 0;
    /* Institutions are joined only for a district. */
    return db_int_query(db,
                        district
                            ? "SELECT COUNT(*) FROM filings f JOIN institutions i ON i.id = f.institution_id "
                              "WHERE f.status = 'submitted' AND f.due_on < $1 AND i.district_code = $2"
                            : "SELECT COUNT(*) FROM filings f WHERE f.status = 'submitted' AND f.due_on < $1",
                        v, district ? 2 : 1, n);
}

enum err filing_versions(struct db *db, struct arena *a, int64_t inst_id, struct filing_row **items, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    int64_t count = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM filings WHERE institution_id = $1", v, 1, &count);
    if (e != OK) return e;
    return read_list(db, a,
                     "SELECT " FILING_COLS FILING_FROM "WHERE f.institution_id = $1 ORDER BY f.version DESC",
                     v, 1, (int)count, items, n);
}

enum err filing_attachments(struct db *db, struct arena *a, int64_t filing_id, struct attachment_row **items,
                            int *n)
{
    struct db_val v[] = {DBV_INT(filing_id)};
    int64_t count = 0;
    enum err e =
        db_int_query(db, "SELECT COUNT(*) FROM filing_attachments WHERE filing_id = $1", v, 1, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(
        db,
        "SELECT fa.id, fl.size, fa.uploaded_at, fa.kind, fl.media_type, fa.sha256 FROM filing_attachments fa "
        "JOIN files fl ON fl.sha256 = fa.sha256 WHERE fa.filing_id = $1 ORDER BY fa.id",
        v, 1, &r);
    if (e != OK) return e;
    *items = arena_alloc(a, (size_t)(count + 1) * sizeof **items);
    *n = 0;
    int k;
    while ((k = db_next(r)) == 1 && *n < count) {
        struct attachment_row *t = &(*items)[(*n)++];
        t->id = db_int(r, 0);
        t->size = db_int(r, 1);
        t->uploaded_at = db_int(r, 2);
        t->kind = db_text_dup(r, 3, a);
        t->media_type = db_text_dup(r, 4, a);
        t->sha256 = db_text_dup(r, 5, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err filing_approved_dossier(struct db *db, struct arena *a, int64_t inst_id, const char **dossier)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT dossier FROM filings WHERE institution_id = $1 AND status = 'approved' "
                          "ORDER BY version DESC LIMIT 1",
                          v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) *dossier = db_text_dup(r, 0, a);
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

/* ---- Submitting ---------------------------------------------------------------------------------------- */

static const char *actor_name(const struct principal *who)
{
    return who ? who->username : "system";
}

struct submit_ctx {
    const struct principal *who;
    int64_t inst_id;
    const char *dossier, *findings;
    int violations;
    int64_t id, version;
};

static enum err submit_tx(struct db *db, void *p)
{
    struct submit_ctx *c = p;
    struct db_val iv[] = {DBV_INT(c->inst_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT i.state, f.id, f.status FROM institutions i LEFT JOIN filings f "
                          "ON f.id = i.current_filing_id WHERE i.id = $1",
                          iv, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    bool filed = false;
    int64_t cur = 0;
    int from = FS_NONE;
    if (k == 1) {
        filed = db_text(r, 0) && strcmp(db_text(r, 0), "filed") == 0;
        cur = db_isnull(r, 1) ? 0 : db_int(r, 1);
        if (cur) from = filing_status_from_name(db_text(r, 2));
    }
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;
    if (filed) return ERR_STATE;
    if (from < 0 || filing_transition(from, EV_SUBMIT, c->who ? c->who->role : ROLE_OPERATOR) != FS_SUBMITTED)
        return ERR_STATE;
    if (from == FS_SUBMITTED) {
        struct db_val sv[] = {DBV_INT(cur)};
        e = db_exec(db, "UPDATE filings SET status = 'superseded' WHERE id = $1", sv, 1);
        if (e != OK) return e;
    }
    e = db_int_query(db, "SELECT COALESCE(MAX(version), 0) + 1 FROM filings WHERE institution_id = $1", iv, 1,
                     &c->version);
    if (e != OK) return e;
    int64_t now = clock_now();
    int64_t due = add_working_days(clock_day_of(now), FILING_DECIDE_WORKING_DAYS);
    struct db_val v[] = {DBV_INT(c->inst_id),
                         DBV_INT(c->version),
                         DBV_TEXT(c->dossier),
                         DBV_TEXT(c->findings),
                         DBV_INT(c->violations),
                         DBV_INT(now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(due)};
    e = db_int_query(
        db,
        "INSERT INTO filings (institution_id, version, status, dossier, findings, violations, "
        "submitted_at, submitted_by, due_on) VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8) "
        "RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    if (cur) {
        /* Attachments carry over to the new version: the operator replaces only what changed. */
        struct db_val av[] = {DBV_INT(c->id), DBV_INT(cur)};
        e = db_exec(
            db,
            "INSERT INTO filing_attachments (filing_id, kind, sha256, uploaded_at, uploaded_by) "
            "SELECT $1, kind, sha256, uploaded_at, uploaded_by FROM filing_attachments WHERE filing_id = $2",
            av, 2);
        if (e != OK) return e;
    }
    struct db_val uv[] = {DBV_INT(c->inst_id), DBV_INT(c->id), DBV_INT(now)};
    e = db_exec(db, "UPDATE institutions SET current_filing_id = $2, updated_at = $3 WHERE id = $1", uv, 3);
    if (e != OK) return e;
    char changes[128];
    snprintf(changes, sizeof changes, "{\"filing_id\":%lld,\"version\":%lld,\"violations\":%d}",
             (long long)c->id, (long long)c->version, c->violations);
    e = inst_history_add(db, c->inst_id, actor_name(c->who), "filing_submitted", changes);
    if (e != OK) return e;
    return audit_append(db, c->who, "filing.submit", "filing", c->id, NULL, c->dossier);
}

enum err filing_submit(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                       json_t *body, struct field_errors *fe, struct filing_row *out)
{
    struct filing_dossier d;
    if (!filing_parse(body, a, &d, fe)) return ERR_VALIDATION;
    struct finding f[64];
    int nf = filing_check(&d, a, f, 64);
    if (nf > 64) nf = 64;
    json_t *fj = findings_to_json(f, nf);
    char *findings = json_dumps(fj, JSON_COMPACT);
    char *dossier = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(fj);
    struct submit_ctx c = {who, inst_id, dossier, findings, findings_violations(f, nf), 0, 0};
    enum err e = db_tx(db, submit_tx, &c);
    free(findings);
    free(dossier);
    if (e != OK) return e;
    return filing_get(db, a, c.id, out);
}

/* ---- Attachments --------------------------------------------------------------------------------------- */

struct attach_ctx {
    const struct principal *who;
    int64_t filing_id;
    const char *kind, *media, *sha;
    const void *p;
    size_t n;
    int64_t id, now;
};

static enum err attach_tx(struct db *db, void *p)
{
    struct attach_ctx *c = p;
    struct db_val fv[] = {DBV_INT(c->filing_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT status FROM filings WHERE id = $1", fv, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    bool open = k == 1 && db_text(r, 0) && strcmp(db_text(r, 0), "submitted") == 0;
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;
    if (!open) return ERR_STATE;
    c->now = clock_now();
    struct db_val file[] = {DBV_TEXT(c->sha), DBV_TEXT(c->media), DBV_INT((int64_t)c->n),
                            DBV_BLOB(c->p, c->n), DBV_INT(c->now)};
    e = db_exec(db,
                "INSERT INTO files (sha256, media_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5) "
                "ON CONFLICT (sha256) DO NOTHING",
                file, DB_NPARAMS(file));
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->filing_id), DBV_TEXT(c->kind), DBV_TEXT(c->sha), DBV_INT(c->now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO filing_attachments (filing_id, kind, sha256, uploaded_at, uploaded_by) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    char after[256];
    snprintf(after, sizeof after, "{\"kind\":\"%s\",\"media_type\":\"%s\",\"sha256\":\"%s\",\"size\":%zu}",
             c->kind, c->media, c->sha, c->n);
    return audit_append(db, c->who, "filing.attach", "filing", c->filing_id, NULL, after);
}

enum err filing_attach(struct db *db, struct arena *a, const struct principal *who, int64_t filing_id,
                       const char *kind, const void *p, size_t n, struct attachment_row *out)
{
    int k = -1;
    for (int i = 0; kind && attachment_kind_names[i]; i++)
        if (strcmp(kind, attachment_kind_names[i]) == 0) k = i;
    if (k < 0) return ERR_VALIDATION;
    const char *media = attachment_sniff(p, n);
    if (!media) return ERR_UNSUPPORTED_MEDIA;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    char *hex = arena_alloc(a, 65);
    sodium_bin2hex(hex, 65, h, sizeof h);
    struct attach_ctx c = {who, filing_id, attachment_kind_names[k], media, hex, p, n, 0, 0};
    enum err e = db_tx(db, attach_tx, &c);
    if (e != OK) return e;
    *out = (struct attachment_row){c.id, (int64_t)n, c.now, attachment_kind_names[k], media, hex};
    return OK;
}

/* ---- Deciding ------------------------------------------------------------------------------------------ */

struct decide_ctx {
    const struct principal *who;
    struct arena *a;
    struct field_errors *fe;
    int64_t filing_id;
    int event;
    const char *reason;
    char number[48];
};

/* Copy the approved dossier's public summary onto the institution and mark it filed. */
static enum err mark_filed(struct db *db, struct decide_ctx *c, const struct filing_row *f, int64_t today)
{
    json_t *body = json_loads(f->dossier, 0, NULL);
    if (!body) return ERR_INTERNAL;
    struct filing_dossier d;
    struct field_errors fe;
    fe_init(&fe, c->a);
    double lat = 1000, lon = 0;
    parse_location(body, c->a, &d, &fe, &lat, &lon);
    json_decref(body);
    int64_t places = 0, fee_min = -1;
    int min_age = 99, max_age = 0;
    for (int i = 0; i < d.nclasses; i++) {
        int lo, hi;
        class_type_ages(d.classes[i].type, &lo, &hi);
        places += d.classes[i].capacity;
        if (lo < min_age) min_age = lo;
        if (hi > max_age) max_age = hi;
    }
    for (int i = 0; i < d.nfees; i++)
        if (fee_min < 0 || d.fees[i].monthly_fen < fee_min) fee_min = d.fees[i].monthly_fen;
    struct db_val v[] = {DBV_INT(f->institution_id),
                         DBV_TEXT(c->number),
                         DBV_INT(today),
                         DBV_INT(d.service_types),
                         DBV_BOOL(d.inclusive),
                         DBV_INT(places),
                         d.nclasses ? DBV_INT(min_age) : DBV_NULL,
                         d.nclasses ? DBV_INT(max_age) : DBV_NULL,
                         fee_min >= 0 ? DBV_INT(fee_min) : DBV_NULL,
                         lat <= 90 ? DBV_REAL(lat) : DBV_NULL,
                         lat <= 90 ? DBV_REAL(lon) : DBV_NULL,
                         DBV_INT(clock_now())};
    return db_exec(
        db,
        "UPDATE institutions SET state = 'filed', filing_number = $2, filed_on = $3, service_types = $4, "
        "inclusive = $5, places = $6, min_age_months = $7, max_age_months = $8, fee_min_fen = $9, "
        "lat = $10, lon = $11, updated_at = $12, version = version + 1 WHERE id = $1",
        v, DB_NPARAMS(v));
}

static enum err decide_tx(struct db *db, void *p)
{
    struct decide_ctx *c = p;
    struct filing_row f;
    enum err e = filing_get(db, c->a, c->filing_id, &f);
    if (e != OK) return e;
    int from = filing_status_from_name(f.status);
    int to = from < 0 ? -1 : filing_transition(from, c->event, c->who ? c->who->role : ROLE_COUNTY);
    if (to < 0) return ERR_STATE;
    int64_t now = clock_now(), today = clock_day_of(now);
    c->number[0] = 0;
    if (c->event == EV_APPROVE) {
        if (f.violations > 0) return ERR_FILING_VIOLATIONS;
        if ((f.attachments & ATT_ALL_REQUIRED) != ATT_ALL_REQUIRED) {
            for (int i = 0; i < ATT__COUNT; i++)
                if (!(f.attachments & (1u << i)))
                    fe_addf(c->fe, "attachments", "缺少附件：%s（%s）", attachment_kind_names_zh[i],
                            attachment_kind_names[i]);
            return ERR_FILING_ATTACHMENTS;
        }
        int y, m, dd;
        days_to_date(today, &y, &m, &dd);
        struct db_val sv[] = {DBV_TEXT(f.district_code), DBV_INT(y)};
        int64_t seq = 0;
        e = db_int_query(db,
                         "INSERT INTO filing_number_seq (district_code, year, last) VALUES ($1, $2, 1) "
                         "ON CONFLICT (district_code, year) DO UPDATE SET last = filing_number_seq.last + 1 "
                         "RETURNING last",
                         sv, 2, &seq);
        if (e != OK) return e;
        snprintf(c->number, sizeof c->number, "TY-%s-%04d-%04lld", f.district_code, y, (long long)seq);
        e = mark_filed(db, c, &f, today);
        if (e != OK) return e;
    }
    struct db_val v[] = {DBV_INT(c->filing_id), DBV_TEXT(filing_status_names[to]),
                         DBV_INT(now),          c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_TEXT(c->reason),   DBV_TEXT(c->number[0] ? c->number : NULL)};
    e = db_exec(
        db,
        "UPDATE filings SET status = $2, decided_at = $3, decided_by = $4, reason = $5, filing_number = $6 "
        "WHERE id = $1",
        v, DB_NPARAMS(v));
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s, s:s?, s:s?}", "filing_id", (json_int_t)c->filing_id, "status",
                              filing_status_names[to], "reason", c->reason, "filing_number",
                              c->number[0] ? c->number : NULL);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = inst_history_add(db, f.institution_id, actor_name(c->who),
                         c->event == EV_APPROVE ? "filing_approved" : "filing_returned", txt);
    if (e == OK)
        e = audit_append(db, c->who, c->event == EV_APPROVE ? "filing.approve" : "filing.return", "filing",
                         c->filing_id, NULL, txt);
    free(txt);
    return e;
}

enum err filing_decide(struct db *db, struct arena *a, const struct principal *who, int64_t filing_id,
                       const char *decision, const char *reason, struct field_errors *fe,
                       struct filing_row *out)
{
    int event = decision && strcmp(decision, "approve") == 0  ? EV_APPROVE
                : decision && strcmp(decision, "return") == 0 ? EV_RETURN
                                                              : -1;
    if (event < 0) fe_add(fe, "decision", "应为 approve（批准）或 return（退回）");
    /* A reason of only blanks (ASCII or the ideographic space) says nothing: treat it as missing. */
    const char *q = reason;
    while (q && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n' || strncmp(q, "\u3000", 3) == 0))
        q += strncmp(q, "\u3000", 3) == 0 ? 3 : 1;
    if (q && !*q) reason = NULL;
    if (event == EV_RETURN && !reason) fe_add(fe, "reason", "退回时必须说明理由");
    if (reason && utf8_chars(reason) > 2000) fe_add(fe, "reason", "理由不能超过 2000 字");
    if (fe->n) return ERR_VALIDATION;
    struct decide_ctx c = {who, a, fe, filing_id, event, reason, ""};
    int before = fe->n;
    enum err e = db_tx(db, decide_tx, &c);
    if (e != ERR_FILING_ATTACHMENTS) fe->n = before; /* errors of a retried attempt do not count */
    if (e != OK) return e;
    return filing_get(db, a, filing_id, out);
}
