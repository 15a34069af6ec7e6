/* User accounts. */
#include "auth/auth.h"
#include "core/clock.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct create_ctx {
    const struct principal *actor;
    const char *username, *role, *district, *department, *unit, *password_hash;
    int64_t institution_id, id;
};

static enum err create_tx(struct db *db, void *p)
{
    struct create_ctx *c = p;
    struct db_val v[] = {
        DBV_TEXT(c->username),      DBV_TEXT(c->role),
        DBV_TEXT(c->district),      c->institution_id ? DBV_INT(c->institution_id) : DBV_NULL,
        DBV_TEXT(c->password_hash), DBV_INT(clock_now()),
        DBV_TEXT(c->department),    DBV_TEXT(c->unit)};
    enum err e = db_int_query(
        db,
        "INSERT INTO users (username, role, district_code, institution_id, password_hash, "
        "created_at, department_code, unit_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    json_t *after = json_pack("{s:s, s:s, s:s*, s:s*, s:s*, s:I}", "username", c->username, "role", c->role,
                              "district", c->district, "department", c->department, "unit", c->unit,
                              "institution_id", (json_int_t)c->institution_id);
    if (c->institution_id == 0) json_object_del(after, "institution_id");
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    e = audit_append(db, c->actor, "user.create", "user", c->id, NULL, txt);
    free(txt);
    return e;
}

enum err user_create(struct db *db, const struct principal *actor, const char *username,
                     const char *role_name_s, const char *district, const char *department, const char *unit,
                     int64_t institution_id, const char *password, int64_t *user_id)
{
    unsigned role = role_from_name(role_name_s);
    if (!role || !username || !*username || strlen(username) > 64 || !password || strlen(password) < 10)
        return ERR_VALIDATION;
    for (const char *p = username; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
            return ERR_VALIDATION;
    bool needs_district = role == ROLE_COUNTY || role == ROLE_INSPECTOR;
    if (needs_district != (district != NULL)) return ERR_VALIDATION;
    if ((role == ROLE_OPERATOR) != (institution_id != 0)) return ERR_VALIDATION;
    if (role == ROLE_INSPECTOR && !department) department = "health";
    if ((role == ROLE_INSPECTOR) != (department != NULL)) return ERR_VALIDATION;
    if ((role == ROLE_UNIT) != (unit != NULL)) return ERR_VALIDATION;
    if (unit) {
        int64_t n = 0;
        struct db_val v[] = {DBV_TEXT(unit)};
        if (db_int_query(db, "SELECT COUNT(*) FROM units WHERE code = $1", v, 1, &n) != OK || n != 1)
            return ERR_VALIDATION;
    }
    if (department) {
        int64_t n = 0;
        struct db_val v[] = {DBV_TEXT(department)};
        if (db_int_query(db, "SELECT COUNT(*) FROM departments WHERE code = $1", v, 1, &n) != OK || n != 1)
            return ERR_VALIDATION;
    }
    if (district) {
        int64_t n = 0;
        struct db_val v[] = {DBV_TEXT(district)};
        if (db_int_query(db, "SELECT COUNT(*) FROM districts WHERE code = $1", v, 1, &n) != OK || n != 1)
            return ERR_VALIDATION;
    }
    if (institution_id) {
        int64_t n = 0;
        struct db_val v[] = {DBV_INT(institution_id)};
        if (db_int_query(db, "SELECT COUNT(*) FROM institutions WHERE id = $1", v, 1, &n) != OK || n != 1)
            return ERR_VALIDATION;
    }
    char hash[crypto_pwhash_STRBYTES];
    enum err e = auth_hash_password(password, hash, sizeof hash);
    if (e != OK) return e;
    struct create_ctx c = {actor, username, role_name_s, district, department, unit, hash, institution_id, 0};
    e = db_tx(db, create_tx, &c);
    if (e == OK && user_id) *user_id = c.id;
    return e;
}

enum err user_list(struct db *db, struct arena *a, struct user_row **items, int *n)
{
    int64_t count = 0;
    enum err e = db_int_query(db, "SELECT COUNT(*) FROM users", NULL, 0, &count);
    if (e != OK) return e;
    struct db_rows *r = NULL;
    e = db_query(
        db,
        "SELECT id, username, role, district_code, institution_id, created_at, disabled, department_code, "
        "unit_code "
        "FROM users "
        "ORDER BY username",
        NULL, 0, &r);
    if (e != OK) return e;
    *items = arena_alloc(a, (size_t)(count + 1) * sizeof **items);
    *n = 0;
    int k;
    while ((k = db_next(r)) == 1 && *n < count) {
        struct user_row *u = &(*items)[(*n)++];
        u->id = db_int(r, 0);
        u->username = db_text_dup(r, 1, a);
        u->role = db_text_dup(r, 2, a);
        u->district = db_text_dup(r, 3, a);
        u->institution_id = db_isnull(r, 4) ? 0 : db_int(r, 4);
        u->created_at = db_int(r, 5);
        u->disabled = db_int(r, 6) != 0;
        u->department = db_text_dup(r, 7, a);
        u->unit = db_text_dup(r, 8, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}
