/* POST /api/v1/registrations: the registration authorities push each childcare registration. Idempotent per
 * USCC: a replay answers 200 with the same ids; changed fields update the institution with history and audit.
 * Once the institution is filed, a change of its name, address, legal form, business scope or district opens
 * an information change (source "registration") for the county instead of being applied.
 */
#include "core/clock.h"
#include "modules/institution/inst.h"
#include "modules/lifecycle/lifecycle.h"
#include "modules/registration/registration.h"
#include "modules/tokens/tokens.h"

#include <stdlib.h>
#include <string.h>

struct push_ctx {
    const struct principal *who;
    const struct registration *reg;
    const char *payload;
    int64_t reg_id, inst_id;
    bool created;
};

static json_t *reg_json(const struct registration *g)
{
    char day[11];
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "uscc", g->uscc, "name", g->name,
                     "legal_form", legal_form_names[g->legal_form], "district_code", g->district_code,
                     "address", g->address, "business_scope", g->business_scope, "registered_on",
                     date_format(g->registered_on, day), "authority", g->authority);
}

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

static enum err insert_new(struct db *db, struct push_ctx *c)
{
    const struct registration *g = c->reg;
    int64_t now = clock_now();
    struct db_val v[] = {
        DBV_TEXT(g->uscc),          DBV_TEXT(g->name),      DBV_TEXT(legal_form_names[g->legal_form]),
        DBV_TEXT(g->district_code), DBV_TEXT(g->address),   DBV_TEXT(g->business_scope),
        DBV_INT(g->registered_on),  DBV_TEXT(g->authority), DBV_INT(now)};
    struct db_rows *r = NULL;
    enum err e =
        db_query(db,
                 "INSERT INTO institutions (uscc, name, legal_form, district_code, address, business_scope, "
                 "registered_on, authority, state, created_at, updated_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'registered', $9, $9) "
                 "ON CONFLICT (uscc) DO NOTHING RETURNING id",
                 v, DB_NPARAMS(v), &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) c->inst_id = db_int(r, 0);
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;
    if (k == 0) return ERR_DB_SOFT; /* a concurrent push created it first: run again and update instead */
    struct db_val rv[] = {DBV_TEXT(g->uscc), DBV_INT(c->inst_id), DBV_TEXT(g->authority),
                          DBV_TEXT(c->payload), DBV_INT(now)};
    e = db_int_query(
        db,
        "INSERT INTO registrations (uscc, institution_id, authority, payload, received_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        rv, DB_NPARAMS(rv), &c->reg_id);
    if (e != OK) return e;
    c->created = true;
    e = inst_history_add(db, c->inst_id, (c->who ? c->who->username : "system"), "registered", c->payload);
    if (e != OK) return e;
    return audit_append(db, c->who, "registration.create", "institution", c->inst_id, NULL, c->payload);
}

/* For a filed institution: *gated (new reference) gets the registration facts the push would change
 * ({field: new value}, possibly empty); NULL for any other state, where the push applies as it comes. */
static enum err filed_changes(struct db *db, const struct push_ctx *c, json_t **gated)
{
    *gated = NULL;
    struct db_val v[] = {DBV_INT(c->inst_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT state, name, legal_form, district_code, address, business_scope "
                          "FROM institutions WHERE id = $1",
                          v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1 && db_text(r, 0) && strcmp(db_text(r, 0), "filed") == 0) {
        const struct registration *g = c->reg;
        const char *now[] = {g->name, legal_form_names[g->legal_form], g->district_code, g->address,
                             g->business_scope};
        static const char *const keys[] = {"name", "legal_form", "district_code", "address",
                                           "business_scope"};
        *gated = json_object();
        for (int i = 0; i < 5; i++) {
            const char *was = db_text(r, i + 1);
            if (!was || strcmp(was, now[i]) != 0) json_object_set_new(*gated, keys[i], json_string(now[i]));
        }
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

static enum err push_tx(struct db *db, void *p)
{
    struct push_ctx *c = p;
    c->created = false;
    struct db_val u[] = {DBV_TEXT(c->reg->uscc)};
    struct db_rows *r = NULL;
    enum err e =
        db_query(db, "SELECT id, institution_id, payload FROM registrations WHERE uscc = $1", u, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    char *old_payload = NULL;
    if (k == 1) {
        c->reg_id = db_int(r, 0);
        c->inst_id = db_int(r, 1);
        const char *t = db_text(r, 2);
        old_payload = t ? strdup(t) : NULL;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK || k == 0) {
        free(old_payload);
        return e != OK ? e : insert_new(db, c);
    }

    /* Known USCC: record what changed, field by field. */
    json_t *old = old_payload ? json_loads(old_payload, 0, NULL) : json_object();
    json_t *now_j = json_loads(c->payload, 0, NULL);
    json_t *changes = json_object();
    const char *key;
    json_t *val;
    json_object_foreach (now_j, key, val) {
        json_t *before = json_object_get(old, key);
        if (!before || !json_equal(before, val))
            json_object_set_new(changes, key, json_pack("{s:O?, s:O}", "from", before, "to", val));
    }
    if (json_object_size(changes) > 0) {
        const struct registration *g = c->reg;
        struct db_val v[] = {
            DBV_INT(c->inst_id),        DBV_TEXT(g->name),      DBV_TEXT(legal_form_names[g->legal_form]),
            DBV_TEXT(g->district_code), DBV_TEXT(g->address),   DBV_TEXT(g->business_scope),
            DBV_INT(g->registered_on),  DBV_TEXT(g->authority), DBV_INT(clock_now())};
        /* A filed institution's name, address, legal form, scope and district are filed facts: a push that
         * changes them opens an information change for the county (modules/lifecycle) instead of applying
         * them; the rest of the registration applies at once. */
        json_t *gated = NULL;
        e = filed_changes(db, c, &gated);
        if (e == OK && gated)
            e = db_exec(db,
                        "UPDATE institutions SET registered_on = $7, authority = $8, updated_at = $9, "
                        "version = version + 1 WHERE id = $1",
                        v, DB_NPARAMS(v));
        else if (e == OK)
            e = db_exec(
                db,
                "UPDATE institutions SET name = $2, legal_form = $3, district_code = $4, address = $5, "
                "business_scope = $6, registered_on = $7, authority = $8, updated_at = $9, "
                "version = version + 1 WHERE id = $1",
                v, DB_NPARAMS(v));
        if (e == OK && gated && json_object_size(gated) > 0) {
            int64_t change_id = 0;
            e = change_open_registration_in_tx(db, c->who, c->inst_id, gated, &change_id);
        }
        json_decref(gated);
        struct db_val rv[] = {DBV_INT(c->reg_id), DBV_TEXT(c->payload), DBV_INT(clock_now()),
                              DBV_TEXT(g->authority)};
        if (e == OK)
            e = db_exec(
                db, "UPDATE registrations SET payload = $2, updated_at = $3, authority = $4 WHERE id = $1",
                rv, DB_NPARAMS(rv));
        char *ch = dump(changes);
        if (e == OK)
            e = inst_history_add(db, c->inst_id, (c->who ? c->who->username : "system"),
                                 "registration_updated", ch);
        if (e == OK)
            e = audit_append(db, c->who, "registration.update", "institution", c->inst_id, old_payload,
                             c->payload);
        free(ch);
    }
    json_decref(changes);
    json_decref(old);
    json_decref(now_j);
    free(old_payload);
    return e;
}

enum err registration_upsert(struct db *db, const struct principal *who, const struct registration *reg,
                             int64_t *reg_id, int64_t *inst_id, bool *created)
{
    json_t *pj = reg_json(reg);
    char *payload = dump(pj);
    json_decref(pj);
    struct push_ctx c = {who, reg, payload, 0, 0, false};
    enum err e = db_tx(db, push_tx, &c);
    free(payload);
    if (e != OK) return e;
    *reg_id = c.reg_id;
    *inst_id = c.inst_id;
    *created = c.created;
    return OK;
}

enum err registration_api_push(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct registration g = {0};
    g.legal_form = -1;
    struct jspec spec[] = {
        JS_STRING("uscc", &g.uscc, 18, 18),
        JS_STRING("name", &g.name, 2, 200),
        JS_ENUM("legal_form", &g.legal_form, legal_form_names),
        JS_STRING("district_code", &g.district_code, 6, 6),
        JS_STRING("address", &g.address, 2, 500),
        JS_STRING("business_scope", &g.business_scope, 2, 2000),
        JS_DATE("registered_on", &g.registered_on),
        JS_STRING("authority", &g.authority, 2, 200),
        JS_END,
    };
    bool ok = jspec_parse(body, spec, "", &r->fe);
    /* Domain checks run on whatever parsed, so a client learns about every bad field at once; a field the
     * validator already rejected is not reported twice. */
    struct field_errors domain;
    fe_init(&domain, r->a);
    const char *dname = NULL;
    e = district_name(r->db, r->a, g.district_code, &dname);
    if (e != OK && e != ERR_NOT_FOUND) return e;
    bool known = e == OK;
    registration_check(&g, known, &domain);
    for (int i = 0; i < domain.n; i++) {
        bool seen = false;
        for (int j = 0; j < r->fe.n && !seen; j++)
            seen = strcmp(r->fe.items[j].field, domain.items[i].field) == 0;
        if (!seen) fe_add(&r->fe, domain.items[i].field, domain.items[i].message);
    }
    /* A registrar bound to one registration authority pushes only as that authority (its code or its name);
     * the stored text is the authority's name, which the change feed filters on. */
    if (g.authority && !fe_has(&r->fe, "authority") && r->who && r->who->role == ROLE_REGISTRAR &&
        r->who->authority) {
        const struct reg_authority *ra = reg_authority_by_code(r->who->authority);
        if (ra && reg_authority_matches(ra->code, g.authority))
            g.authority = ra->name;
        else if (ra)
            fe_addf(&r->fe, "authority", "本账号只能以所属登记机关推送：%s（%s）", ra->name, ra->code);
    }
    if (!ok || r->fe.n) return ERR_VALIDATION;
    if (g.registered_on > clock_day_of(clock_now()) + 1) {
        fe_add(&r->fe, "registered_on", "登记日期不能晚于今天");
        return ERR_VALIDATION;
    }

    int64_t reg_id = 0, inst_id = 0;
    bool created = false;
    e = registration_upsert(r->db, r->who, &g, &reg_id, &inst_id, &created);
    if (e != OK) return e;
    return resp_json(
        r, out, created ? 201 : 200,
        json_pack("{s:I, s:I}", "id", (json_int_t)reg_id, "institution_id", (json_int_t)inst_id));
}
