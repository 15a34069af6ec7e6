/* Information changes (信息变更) and the versions of an institution. A change is a request of new values for
 * filed (or registered) fields; approval applies them in the same transaction, raises the institution's
 * version and stores the full snapshots of the version before and after, which are never overwritten. */
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/reference/codes.h"
#include "modules/registration/registration.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Snapshots ------------------------------------------------------------------------------------------
 */

/* The full institution row as JSON (a new reference the caller releases) and its version. */
struct inst_snapshot {
    json_t *j;
    int64_t version;
};

static void read_snapshot(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct inst_snapshot *o = item;
    char reg[11], filed[11], closed[11];
    json_t *types = json_array();
    unsigned bits = (unsigned)db_int(r, 13);
    for (int t = 0; t < SVC__COUNT; t++)
        if (bits & (1u << t)) json_array_append_new(types, json_string(service_type_names[t]));
    json_t *j =
        json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:I, s:s?, s:o, s:b, s:I, s:I}",
                  "id", (json_int_t)db_int(r, 0), "uscc", db_text(r, 1), "name", db_text(r, 2), "legal_form",
                  db_text(r, 3), "district_code", db_text(r, 4), "address", db_text(r, 5), "business_scope",
                  db_text(r, 6), "registered_on", date_format(db_int(r, 7), reg), "authority", db_text(r, 8),
                  "state", db_text(r, 9), "version", (json_int_t)db_int(r, 10), "filing_number",
                  db_text(r, 11), "service_types", types, "inclusive", db_int(r, 14) != 0, "places",
                  (json_int_t)db_int(r, 15), "updated_at", (json_int_t)db_int(r, 23));
    json_object_set_new(j, "filed_on",
                        db_isnull(r, 12) ? json_null() : json_string(date_format(db_int(r, 12), filed)));
    json_object_set_new(j, "min_age_months", db_isnull(r, 16) ? json_null() : json_integer(db_int(r, 16)));
    json_object_set_new(j, "max_age_months", db_isnull(r, 17) ? json_null() : json_integer(db_int(r, 17)));
    json_object_set_new(j, "fee_min_yuan",
                        db_isnull(r, 18) ? json_null() : json_real((double)db_int(r, 18) / 100.0));
    json_object_set_new(j, "lat", db_isnull(r, 19) ? json_null() : json_real(db_real(r, 19)));
    json_object_set_new(j, "lon", db_isnull(r, 20) ? json_null() : json_real(db_real(r, 20)));
    json_object_set_new(j, "provider_kind", json_string(db_text(r, 21) ? db_text(r, 21) : "institution"));
    json_object_set_new(j, "closed_on",
                        db_isnull(r, 22) ? json_null() : json_string(date_format(db_int(r, 22), closed)));
    o->j = j;
    o->version = db_int(r, 10);
}

static enum err snapshot(struct db *db, int64_t inst_id, struct inst_snapshot *out)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    *out = (struct inst_snapshot){NULL, 0};
    return db_get_one(
        db, NULL,
        "SELECT id, uscc, name, legal_form, district_code, address, business_scope, registered_on, "
        "authority, state, version, filing_number, filed_on, service_types, inclusive, places, "
        "min_age_months, max_age_months, fee_min_fen, lat, lon, provider_kind, closed_on, updated_at "
        "FROM institutions WHERE id = $1",
        v, 1, read_snapshot, out);
}

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
}

enum err inst_version_keep(struct db *db, int64_t inst_id, int64_t change_id)
{
    struct inst_snapshot cur;
    enum err e = snapshot(db, inst_id, &cur);
    if (e != OK) return e;
    char *txt = dump(cur.j);
    json_decref(cur.j);
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(cur.version), DBV_TEXT(txt),
                         change_id ? DBV_INT(change_id) : DBV_NULL, DBV_INT(clock_now())};
    e = db_exec(db,
                "INSERT INTO institution_versions (institution_id, version, snapshot, change_id, created_at) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (institution_id, version) DO NOTHING",
                v, DB_NPARAMS(v));
    free(txt);
    return e;
}

static void read_version(struct db_rows *r, struct arena *a, void *item)
{
    struct inst_version *it = item;
    it->version = db_int(r, 0);
    it->created_at = db_int(r, 1);
    it->change_id = db_isnull(r, 2) ? 0 : db_int(r, 2);
    it->snapshot = db_text_dup(r, 3, a);
    it->stored = true;
}

enum err inst_versions(struct db *db, struct arena *a, int64_t inst_id, struct inst_version **items, int *n)
{
    struct inst_snapshot cur;
    enum err e = snapshot(db, inst_id, &cur);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(inst_id)};
    e = db_get_all(db, a,
                   "SELECT version, created_at, change_id, snapshot FROM institution_versions "
                   "WHERE institution_id = $1 ORDER BY version",
                   v, 1, read_version, sizeof **items, 0, (void **)items, n);
    bool have_current = false;
    for (int i = 0; i < *n; i++)
        have_current |= (*items)[i].version == cur.version;
    if (e == OK && !have_current) {
        /* The current row is a version too, even before anything stored it. */
        struct inst_version *all = arena_alloc(a, (size_t)(*n + 1) * sizeof *all);
        if (*n) memcpy(all, *items, (size_t)*n * sizeof *all);
        char *txt = dump(cur.j);
        struct json_t *u = json_object_get(cur.j, "updated_at");
        all[(*n)++] =
            (struct inst_version){cur.version, json_integer_value(u), 0, arena_strdup(a, txt), false};
        *items = all;
        free(txt);
    }
    json_decref(cur.j);
    return e;
}

enum err inst_version_get(struct db *db, struct arena *a, int64_t inst_id, int64_t version,
                          struct inst_version *out)
{
    struct inst_version *items;
    int n;
    enum err e = inst_versions(db, a, inst_id, &items, &n);
    if (e != OK) return e;
    for (int i = 0; i < n; i++)
        if (items[i].version == version) {
            *out = items[i];
            return OK;
        }
    return ERR_NOT_FOUND;
}

/* ---- Parsing a change ------------------------------------------------------------------------------------
 */

/* Fields an operator may ask to change: what a filing sets on the institution, plus name and address. */
static const char *const operator_fields[] = {
    "name",           "address",      "service_types", "inclusive", "places", "min_age_months",
    "max_age_months", "fee_min_yuan", "lat",           "lon",       NULL};
/* Fields a registration push changes on a filed institution (its registration facts). */
static const char *const registration_fields[] = {"name",           "address",       "legal_form",
                                                  "business_scope", "district_code", NULL};

static bool listed(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return true;
    return false;
}

static const char *check_scope(const char *s)
{
    return registration_scope_is_childcare(s) ? NULL : "经营范围应包含3岁以下婴幼儿照护或托育服务";
}

bool change_parse(struct db *db, json_t *changes, const char *source, struct field_errors *fe, json_t **canon)
{
    int before = fe->n;
    *canon = NULL;
    if (!json_is_object(changes)) {
        fe_add(fe, "changes", "应为对象，列出要变更的字段及新值");
        return false;
    }
    bool reg = source && strcmp(source, "registration") == 0;
    const char *const *allowed = reg ? registration_fields : operator_fields;
    const char *key;
    json_t *val;
    json_object_foreach (changes, key, val) {
        if (!listed(allowed, key))
            fe_addf(fe, arena_printf(fe->a, "changes.%s", key), "%s", "该字段不能通过信息变更修改");
    }
    if (json_object_size(changes) == 0) fe_add(fe, "changes", "至少填写一项变更");

    const char *name = NULL, *address = NULL, *scope = NULL, *district = NULL;
    unsigned types = 0;
    bool inclusive = false, p_name = false, p_addr = false, p_types = false, p_incl = false, p_places = false,
         p_min = false, p_max = false, p_fee = false, p_lat = false, p_lon = false, p_lf = false,
         p_scope = false, p_dist = false;
    int64_t places = 0, min_age = 0, max_age = 0;
    double fee = 0, lat = 0, lon = 0;
    int lf = -1;
#define OPT(n, t, d, lo, hi, p)                                                                              \
    {                                                                                                        \
        .name = n, .type = t, .flags = JS_OPTIONAL, .dst = d, .min = lo, .max = hi, .present = p             \
    }
    struct jspec spec[] = {
        OPT("name", JT_STRING, &name, 2, 200, &p_name),
        OPT("address", JT_STRING, &address, 2, 500, &p_addr),
        {.name = "service_types",
         .type = JT_ENUM_SET,
         .flags = JS_OPTIONAL,
         .dst = &types,
         .values = service_type_names,
         .min = 1,
         .max = SVC__COUNT,
         .present = &p_types},
        {.name = "inclusive", .type = JT_BOOL, .flags = JS_OPTIONAL, .dst = &inclusive, .present = &p_incl},
        OPT("places", JT_INT, &places, 1, 2000, &p_places),
        OPT("min_age_months", JT_INT, &min_age, 0, 36, &p_min),
        OPT("max_age_months", JT_INT, &max_age, 1, 36, &p_max),
        OPT("fee_min_yuan", JT_NUMBER, &fee, 0, 1000000, &p_fee),
        OPT("lat", JT_NUMBER, &lat, -90, 90, &p_lat),
        OPT("lon", JT_NUMBER, &lon, -180, 180, &p_lon),
        {.name = "legal_form",
         .type = JT_ENUM,
         .flags = JS_OPTIONAL,
         .dst = &lf,
         .values = legal_form_names,
         .present = &p_lf},
        {.name = "business_scope",
         .type = JT_STRING,
         .flags = JS_OPTIONAL,
         .dst = &scope,
         .min = 2,
         .max = 2000,
         .check = check_scope,
         .present = &p_scope},
        OPT("district_code", JT_STRING, &district, 6, 6, &p_dist),
        JS_END,
    };
#undef OPT
    /* Unknown keys were reported above with a better message; hide them from the validator. */
    json_t *known = json_object();
    json_object_foreach (changes, key, val)
        if (listed(allowed, key)) json_object_set(known, key, val);
    jspec_parse(known, spec, "changes", fe);
    json_decref(known);
    if (p_lat != p_lon) fe_add(fe, p_lat ? "changes.lon" : "changes.lat", "经纬度应同时填写");
    if (p_dist) {
        struct arena a;
        arena_init(&a, 0);
        const char *dn = NULL;
        enum err e = district_name(db, &a, district, &dn);
        arena_free(&a);
        if (e != OK) fe_add(fe, "changes.district_code", "不是十堰市的区县代码");
    }
    if (fe->n != before) return false;

    json_t *c = json_object();
    if (p_name) json_object_set_new(c, "name", json_string(name));
    if (p_addr) json_object_set_new(c, "address", json_string(address));
    if (p_types) {
        json_t *arr = json_array();
        for (int t = 0; t < SVC__COUNT; t++)
            if (types & (1u << t)) json_array_append_new(arr, json_string(service_type_names[t]));
        json_object_set_new(c, "service_types", arr);
    }
    if (p_incl) json_object_set_new(c, "inclusive", json_boolean(inclusive));
    if (p_places) json_object_set_new(c, "places", json_integer(places));
    if (p_min) json_object_set_new(c, "min_age_months", json_integer(min_age));
    if (p_max) json_object_set_new(c, "max_age_months", json_integer(max_age));
    if (p_fee) json_object_set_new(c, "fee_min_yuan", json_real(round(fee * 100.0) / 100.0));
    if (p_lat) json_object_set_new(c, "lat", json_real(lat));
    if (p_lon) json_object_set_new(c, "lon", json_real(lon));
    if (p_lf) json_object_set_new(c, "legal_form", json_string(legal_form_names[lf]));
    if (p_scope) json_object_set_new(c, "business_scope", json_string(scope));
    if (p_dist) json_object_set_new(c, "district_code", json_string(district));
    *canon = c;
    return true;
}

/* ---- Reading --------------------------------------------------------------------------------------------
 */

#define CHANGE_COLS                                                                                          \
    "c.id, c.institution_id, c.requested_at, c.decided_at, c.applied_version, c.source, c.status, "          \
    "c.changes, c.previous, c.reason, c.decision_reason, i.name, i.district_code, u.username"
#define CHANGE_FROM                                                                                          \
    " FROM institution_changes c JOIN institutions i ON i.id = c.institution_id "                            \
    "LEFT JOIN users u ON u.id = c.requested_by "

static void read_change(struct db_rows *r, struct arena *a, void *item)
{
    struct change_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->requested_at = db_int(r, 2);
    o->decided_at = db_isnull(r, 3) ? 0 : db_int(r, 3);
    o->applied_version = db_isnull(r, 4) ? 0 : db_int(r, 4);
    o->source = db_text_dup(r, 5, a);
    o->status = db_text_dup(r, 6, a);
    o->changes = db_text_dup(r, 7, a);
    o->previous = db_text_dup(r, 8, a);
    o->reason = db_text_dup(r, 9, a);
    o->decision_reason = db_text_dup(r, 10, a);
    o->institution_name = db_text_dup(r, 11, a);
    o->district_code = db_text_dup(r, 12, a);
    o->requested_by = db_text_dup(r, 13, a);
}

enum err change_get(struct db *db, struct arena *a, int64_t id, struct change_row *out)
{
    struct db_val v[] = {DBV_INT(id)};
    return db_get_one(db, a, "SELECT " CHANGE_COLS CHANGE_FROM "WHERE c.id = $1", v, 1, read_change, out);
}

enum err change_list(struct db *db, struct arena *a, const char *status, const char *district,
                     int64_t inst_id, struct change_row **items, int *n)
{
    const int max = 500;
    struct db_val v[] = {DBV_TEXT(status), DBV_TEXT(district), inst_id ? DBV_INT(inst_id) : DBV_NULL,
                         DBV_INT(max)};
    return db_get_all(db, a,
                      "SELECT " CHANGE_COLS CHANGE_FROM "WHERE (CAST($1 AS TEXT) IS NULL OR c.status = $1) "
                      "AND (CAST($2 AS TEXT) IS NULL OR i.district_code = $2) "
                      "AND (CAST($3 AS BIGINT) IS NULL OR c.institution_id = $3) "
                      "ORDER BY c.id DESC LIMIT $4",
                      v, DB_NPARAMS(v), read_change, sizeof **items, max, (void **)items, n);
}

json_t *change_json(const struct change_row *c)
{
    json_t *ch = c->changes ? json_loads(c->changes, 0, NULL) : NULL;
    json_t *prev = c->previous ? json_loads(c->previous, 0, NULL) : NULL;
    json_t *j =
        json_pack("{s:I, s:I, s:s?, s:s?, s:s, s:s, s:o, s:o, s:s?, s:s?, s:I}", "id", (json_int_t)c->id,
                  "institution_id", (json_int_t)c->institution_id, "institution_name", c->institution_name,
                  "district_code", c->district_code, "source", c->source ? c->source : "", "status",
                  c->status ? c->status : "", "changes", ch ? ch : json_object(), "previous",
                  prev ? prev : json_object(), "reason", c->reason, "requested_by", c->requested_by,
                  "requested_at", (json_int_t)c->requested_at);
    json_object_set_new(j, "decided_at", c->decided_at ? json_integer(c->decided_at) : json_null());
    json_object_set_new(j, "decision_reason",
                        c->decision_reason ? json_string(c->decision_reason) : json_null());
    json_object_set_new(j, "applied_version",
                        c->applied_version ? json_integer(c->applied_version) : json_null());
    return j;
}

/* ---- Requesting -------------------------------------------------------------------------------------- */

struct request_ctx {
    const struct principal *who;
    int64_t inst_id;
    json_t *changes;
    const char *reason, *source;
    struct field_errors *fe;
    int64_t id;
};

/* Insert the change with the values it replaces; inside a transaction. */
static enum err insert_change(struct db *db, struct request_ctx *c)
{
    struct inst_snapshot cur;
    enum err e = snapshot(db, c->inst_id, &cur);
    if (e != OK) return e;
    json_t *snap = cur.j;
    const char *state = json_string_value(json_object_get(snap, "state"));
    bool filed = state && strcmp(state, "filed") == 0;
    unsigned role =
        c->who ? c->who->role : (strcmp(c->source, "registration") == 0 ? ROLE_REGISTRAR : ROLE_OPERATOR);
    if (!filed || change_transition(CH_NONE, CHE_REQUEST, role) != CH_PENDING) {
        json_decref(snap);
        return ERR_STATE;
    }
    /* Operators give the minimum age and maximum age apart; the pair they leave must still be a range. */
    json_t *mn = json_object_get(c->changes, "min_age_months"),
           *mx = json_object_get(c->changes, "max_age_months");
    if (c->fe && (mn || mx)) {
        json_t *lo = mn ? mn : json_object_get(snap, "min_age_months");
        json_t *hi = mx ? mx : json_object_get(snap, "max_age_months");
        if (json_is_integer(lo) && json_is_integer(hi) && json_integer_value(lo) > json_integer_value(hi)) {
            fe_add(c->fe, mn ? "changes.min_age_months" : "changes.max_age_months",
                   "最小月龄不能大于最大月龄");
            json_decref(snap);
            return ERR_VALIDATION;
        }
    }
    json_t *prev = json_object();
    const char *key;
    json_t *val;
    json_object_foreach (c->changes, key, val) {
        json_t *old = json_object_get(snap, key);
        json_object_set(prev, key, old ? old : json_null());
    }
    json_decref(snap);
    char *ch = dump(c->changes), *pv = dump(prev);
    json_decref(prev);
    int64_t now = clock_now();
    struct db_val v[] = {DBV_INT(c->inst_id),
                         DBV_TEXT(c->source),
                         DBV_TEXT(ch),
                         DBV_TEXT(pv),
                         DBV_TEXT(c->reason),
                         DBV_INT(now),
                         c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
    e = db_int_query(db,
                     "INSERT INTO institution_changes (institution_id, source, status, changes, previous, "
                     "reason, requested_at, requested_by) VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7) "
                     "RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    char hist[96];
    snprintf(hist, sizeof hist, "{\"change_id\":%lld,\"source\":\"%s\"}", (long long)c->id, c->source);
    if (e == OK) e = inst_history_add(db, c->inst_id, lc_actor_name(c->who), "change_requested", hist);
    if (e == OK) e = audit_append(db, c->who, "change.request", "institution_change", c->id, pv, ch);
    free(ch);
    free(pv);
    return e;
}

static enum err request_tx(struct db *db, void *p)
{
    return insert_change(db, p);
}

enum err change_request(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                        json_t *changes, const char *reason, struct field_errors *fe, int64_t *id)
{
    (void)a;
    json_t *canon = NULL;
    bool ok = change_parse(db, changes, "operator", fe, &canon);
    if (!reason || utf8_chars(reason) < 2 || utf8_chars(reason) > 2000)
        fe_add(fe, "reason", "变更理由应为 2 到 2000 字");
    if (!ok || fe->n) {
        json_decref(canon);
        return ERR_VALIDATION;
    }
    struct request_ctx c = {who, inst_id, canon, reason, "operator", fe, 0};
    enum err e = db_tx(db, request_tx, &c);
    json_decref(canon);
    if (e == OK) *id = c.id;
    return e;
}

enum err change_open_registration_in_tx(struct db *db, const struct principal *who, int64_t inst_id,
                                        json_t *changes, int64_t *id)
{
    struct request_ctx c = {who, inst_id, changes, "登记机关推送的登记事项变更", "registration", NULL, 0};
    enum err e = insert_change(db, &c);
    if (e == OK) *id = c.id;
    return e;
}

/* ---- Deciding ------------------------------------------------------------------------------------------ */

struct decide_ctx {
    const struct principal *who;
    struct arena *a;
    int64_t id;
    int event;
    const char *reason;
};

/* Apply an approved change's values to the institution (version + 1). */
static enum err apply(struct db *db, int64_t inst_id, const char *changes_text)
{
    json_t *c = json_loads(changes_text, 0, NULL);
    if (!c) return ERR_INTERNAL;
    json_t *types = json_object_get(c, "service_types");
    unsigned bits = 0;
    size_t i;
    json_t *t;
    json_array_foreach (types, i, t)
        for (int k = 0; k < SVC__COUNT; k++)
            if (json_string_value(t) && strcmp(json_string_value(t), service_type_names[k]) == 0)
                bits |= 1u << k;
    json_t *incl = json_object_get(c, "inclusive"), *fee = json_object_get(c, "fee_min_yuan");
    json_t *lat = json_object_get(c, "lat"), *lon = json_object_get(c, "lon");
#define TXT(k) DBV_TEXT(json_string_value(json_object_get(c, k)))
#define INT(k)                                                                                               \
    (json_is_integer(json_object_get(c, k)) ? DBV_INT(json_integer_value(json_object_get(c, k))) : DBV_NULL)
    struct db_val v[] = {
        DBV_INT(inst_id),
        TXT("name"),
        TXT("address"),
        types ? DBV_INT(bits) : DBV_NULL,
        incl ? DBV_BOOL(json_is_true(incl)) : DBV_NULL,
        INT("places"),
        INT("min_age_months"),
        INT("max_age_months"),
        fee ? DBV_INT(llround(json_number_value(fee) * 100.0)) : DBV_NULL,
        lat ? DBV_REAL(json_number_value(lat)) : DBV_NULL,
        lon ? DBV_REAL(json_number_value(lon)) : DBV_NULL,
        TXT("legal_form"),
        TXT("business_scope"),
        TXT("district_code"),
        DBV_INT(clock_now()),
    };
#undef TXT
#undef INT
    enum err e = db_exec(
        db,
        "UPDATE institutions SET name = COALESCE(CAST($2 AS TEXT), name), "
        "address = COALESCE(CAST($3 AS TEXT), address), "
        "service_types = COALESCE(CAST($4 AS BIGINT), service_types), "
        "inclusive = COALESCE(CAST($5 AS BIGINT), inclusive), places = COALESCE(CAST($6 AS BIGINT), places), "
        "min_age_months = COALESCE(CAST($7 AS BIGINT), min_age_months), "
        "max_age_months = COALESCE(CAST($8 AS BIGINT), max_age_months), "
        "fee_min_fen = COALESCE(CAST($9 AS BIGINT), fee_min_fen), "
        "lat = COALESCE(CAST($10 AS DOUBLE PRECISION), lat), lon = COALESCE(CAST($11 AS DOUBLE PRECISION), "
        "lon), "
        "legal_form = COALESCE(CAST($12 AS TEXT), legal_form), "
        "business_scope = COALESCE(CAST($13 AS TEXT), business_scope), "
        "district_code = COALESCE(CAST($14 AS TEXT), district_code), "
        "updated_at = $15, version = version + 1 WHERE id = $1",
        v, DB_NPARAMS(v));
    json_decref(c);
    return e;
}

static enum err decide_tx(struct db *db, void *p)
{
    struct decide_ctx *c = p;
    struct change_row ch;
    enum err e = change_get(db, c->a, c->id, &ch);
    if (e != OK) return e;
    int from = lc_status_from_name(change_status_names, ch.status);
    int to = from < 0 ? -1 : change_transition(from, c->event, c->who ? c->who->role : ROLE_COUNTY);
    if (to < 0) return ERR_STATE;
    int64_t now = clock_now(), applied = 0;
    if (to == CH_APPROVED) {
        struct db_val iv[] = {DBV_INT(ch.institution_id)};
        bool filed = false;
        e = lc_inst_filed(db, ch.institution_id, &filed, NULL);
        if (e != OK && e != ERR_NOT_FOUND) return e;
        if (!filed) return ERR_STATE; /* closed since the request */
        e = inst_version_keep(db, ch.institution_id, 0);
        if (e == OK) e = apply(db, ch.institution_id, ch.changes);
        if (e == OK) e = inst_version_keep(db, ch.institution_id, ch.id);
        if (e == OK) e = db_int_query(db, "SELECT version FROM institutions WHERE id = $1", iv, 1, &applied);
        if (e != OK) return e;
    }
    struct db_val v[] = {DBV_INT(c->id),      DBV_TEXT(change_status_names[to]),
                         DBV_INT(now),        c->who ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_TEXT(c->reason), applied ? DBV_INT(applied) : DBV_NULL};
    e = db_exec(db,
                "UPDATE institution_changes SET status = $2, decided_at = $3, decided_by = $4, "
                "decision_reason = $5, applied_version = $6 WHERE id = $1 AND status = 'pending'",
                v, DB_NPARAMS(v));
    if (e != OK) return e;
    if (db_changes(db) != 1) return ERR_STATE;
    json_t *after = json_pack("{s:I, s:s, s:s?}", "change_id", (json_int_t)c->id, "status",
                              change_status_names[to], "reason", c->reason);
    if (applied) {
        json_object_set_new(after, "version", json_integer(applied));
        json_t *changes = json_loads(ch.changes, 0, NULL);
        json_object_set_new(after, "changes", changes ? changes : json_object());
    }
    char *txt = dump(after);
    json_decref(after);
    e = inst_history_add(db, ch.institution_id, lc_actor_name(c->who),
                         to == CH_APPROVED ? "change_approved" : "change_rejected", txt);
    if (e == OK)
        e = audit_append(db, c->who, to == CH_APPROVED ? "change.approve" : "change.reject",
                         "institution_change", c->id, ch.previous, txt);
    free(txt);
    return e;
}

enum err change_decide(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const char *decision, const char *reason, struct field_errors *fe)
{
    static const struct lc_decision choices = {
        "approve",           "reject", CHE_APPROVE, CHE_REJECT, "应为 approve（批准）或 reject（驳回）",
        "驳回时必须说明理由"};
    int event = lc_decision_check(&choices, decision, &reason, fe);
    if (fe->n) return ERR_VALIDATION;
    struct decide_ctx c = {who, a, id, event, reason};
    return db_tx(db, decide_tx, &c);
}
