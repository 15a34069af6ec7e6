/* The ban register (禁入名单), the checks made against it, and persons' bad credit records. ID numbers are
 * sealed (pii_seal) and matched by keyed hash; what leaves this file is only the masked form. Nothing here
 * opens a sealed number: there is no route that gives a clear ID number back.
 *
 * Reads of the register, of the refused hires and of credit records are reads of persons' records: each is
 * audited in the same transaction that reads it, so data never leaves without its audit entry. */
#include "modules/people/bans.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "json/jspec.h"
#include "modules/reference/codes.h"

#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 50
#define LIST_MAX     200

static const char *const ban_kinds[] = {"lifetime", "term", NULL};
enum { BAN_LIFETIME, BAN_TERM };

/* ---- Small helpers ------------------------------------------------------------------------------------ */

/* jspec check: a resident ID number of GB 11643 (18 characters, check character, birth date). */
static const char *check_idnum(const char *s)
{
    char buf[19];
    size_t n = strlen(s);
    if (n != 18) return "身份证号码应为 18 位";
    for (size_t i = 0; i < n; i++)
        buf[i] = s[i] == 'x' ? 'X' : s[i];
    buf[18] = 0;
    return idnum_valid(buf) ? NULL : "身份证号码无效（校验位或出生日期不符合 GB 11643）";
}

/* jspec check: text that says something (not only blanks, ASCII or the ideographic space). */
static const char *check_not_blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || strncmp(s, "\u3000", 3) == 0)
        s += strncmp(s, "\u3000", 3) == 0 ? 3 : 1;
    return *s ? NULL : "不能只含空白";
}

/* The district whose records a reader is confined to: a county official's own; NULL for the whole city. */
static const char *scope_district(const struct principal *who)
{
    return who && who->role == ROLE_COUNTY ? who->district : NULL;
}

/* ---- Reading rows -------------------------------------------------------------------------------------- */

#define BAN_COLS                                                                                             \
    "id, name, id_masked, kind, ends_on, reason, authority, decision_number, decided_on, district_code, "    \
    "created_at, revoked_at"

/* A ban row (BAN_COLS) as JSON; active: lifetime or term still running on today, and not revoked. */
static json_t *ban_row_json(struct db_rows *r, int64_t today)
{
    const char *kind = db_text(r, 3);
    bool lifetime = kind && strcmp(kind, "lifetime") == 0;
    bool revoked = !db_isnull(r, 11);
    bool active = !revoked && (lifetime || (!db_isnull(r, 4) && db_int(r, 4) >= today));
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s?, s:I, s:b}", "id",
                          (json_int_t)db_int(r, 0), "name", db_text(r, 1), "id_number_masked", db_text(r, 2),
                          "kind", kind, "ends_on", json_day_opt(!db_isnull(r, 4), db_int(r, 4)), "reason",
                          db_text(r, 5), "authority", db_text(r, 6), "decision_number", db_text(r, 7),
                          "decided_on", json_day_opt(!db_isnull(r, 8), db_int(r, 8)), "district_code",
                          db_text(r, 9), "created_at", (json_int_t)db_int(r, 10), "active", active);
    if (revoked) json_object_set_new(j, "revoked_at", json_integer(db_int(r, 11)));
    return j;
}

#define MATCH_COLS                                                                                           \
    "bc.id, bc.institution_id, i.name, i.district_code, bc.id_masked, bc.name, bc.purpose, bc.checked_at, "  \
    "bc.ban_id"

static json_t *match_row_json(struct db_rows *r, int64_t today)
{
    (void)today;
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)db_int(r, 0),
                     "institution_id", (json_int_t)db_int(r, 1), "institution_name", db_text(r, 2),
                     "district_code", db_text(r, 3), "id_number_masked", db_text(r, 4), "name", db_text(r, 5),
                     "purpose", db_text(r, 6), "checked_at", (json_int_t)db_int(r, 7), "ban_id",
                     (json_int_t)(db_isnull(r, 8) ? 0 : db_int(r, 8)));
}

#define CREDIT_COLS "id, name, id_masked, kind, description, source, decided_on, created_at"

static json_t *credit_row_json(struct db_rows *r, int64_t today)
{
    (void)today;
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)db_int(r, 0), "name",
                     db_text(r, 1), "id_number_masked", db_text(r, 2), "kind", db_text(r, 3), "description",
                     db_text(r, 4), "source", db_text(r, 5), "decided_on",
                     json_day_opt(!db_isnull(r, 6), db_int(r, 6)), "created_at", (json_int_t)db_int(r, 7));
}

/* ---- The check ----------------------------------------------------------------------------------------- */

/* Check id_number against the register and record the check; see bans.h. id_number must be a valid ID
 * number (callers validate it); name may be NULL. Returns on the first database error (the caller's
 * transaction then rolls back); ERR_INTERNAL for an unknown purpose or when the keys are not loaded. */
enum err ban_check_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         const char *id_number, const char *name, const char *purpose, int64_t *ban_id)
{
    *ban_id = 0;
    if (!pii_ready() || !id_number || !purpose) return ERR_INTERNAL;
    if (strcmp(purpose, "hire") != 0 && strcmp(purpose, "yearly") != 0 && strcmp(purpose, "official") != 0)
        return ERR_INTERNAL;
    const char *norm = idnum_normalize(a, id_number);
    char hash[PII_HASH_HEX];
    pii_hash(norm, hash);
    const char *masked = pii_mask_id(a, norm);
    int64_t now = clock_now(), today = clock_day_of(now);

    /* A lifetime ban is the stronger answer, so it is the one reported when several match. */
    struct db_val mv[] = {DBV_TEXT(hash), DBV_INT(today)};
    int64_t found = 0;
    enum err e =
        db_int_query(db,
                     "SELECT id FROM bans WHERE id_hash = $1 AND revoked_at IS NULL "
                     "AND (kind = 'lifetime' OR ends_on >= $2) "
                     "ORDER BY CASE WHEN kind = 'lifetime' THEN 0 ELSE 1 END, ends_on DESC, id LIMIT 1",
                     mv, DB_NPARAMS(mv), &found);
    if (e == ERR_NOT_FOUND) {
        found = 0;
        e = OK;
    }
    if (e != OK) return e;
    const char *result = found ? "match" : "clear";
    struct db_val v[] = {inst_id > 0 ? DBV_INT(inst_id) : DBV_NULL,
                         DBV_TEXT(hash),
                         DBV_TEXT(masked),
                         DBV_TEXT(name ? name : ""),
                         DBV_TEXT(purpose),
                         DBV_TEXT(result),
                         found ? DBV_INT(found) : DBV_NULL,
                         who && who->user_id ? DBV_INT(who->user_id) : DBV_NULL,
                         DBV_INT(now)};
    int64_t check_id = 0;
    e = db_int_query(
        db,
        "INSERT INTO ban_checks (institution_id, id_hash, id_masked, name, purpose, result, ban_id, "
        "checked_by, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        v, DB_NPARAMS(v), &check_id);
    if (e != OK) return e;
    json_t *after =
        json_pack("{s:s, s:s, s:s, s:o, s:o}", "purpose", purpose, "result", result, "id_number_masked",
                  masked, "institution_id", inst_id > 0 ? json_integer(inst_id) : json_null(), "ban_id",
                  found ? json_integer(found) : json_null());
    e = audit_append(db, who, "ban.check", "ban_check", check_id, NULL, json_text(a, after));
    if (e != OK) return e;
    *ban_id = found;
    return OK;
}

/* ---- Adding a ban -------------------------------------------------------------------------------------- */

struct ban_in {
    const char *name, *id_number, *reason, *authority, *decision_number;
    int kind;
    int64_t ends_on, decided_on; /* ends_on 0: none */
};

struct add_ctx {
    struct arena *a;
    const struct principal *who;
    const struct ban_in *in;
    int64_t id;
    json_t *out;
};

static enum err read_ban(struct db *db, int64_t id, json_t **out)
{
    struct db_val v[] = {DBV_INT(id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT " BAN_COLS " FROM bans WHERE id = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) *out = ban_row_json(r, clock_day_of(clock_now()));
    e = k == 1 ? OK : k == 0 ? ERR_NOT_FOUND : db_rows_err(r);
    db_done(r);
    return e;
}

static enum err add_tx(struct db *db, void *p)
{
    struct add_ctx *c = p;
    const struct ban_in *in = c->in;
    size_t enc_len = 0;
    const unsigned char *enc = pii_seal(c->a, in->id_number, &enc_len);
    char hash[PII_HASH_HEX];
    pii_hash(in->id_number, hash);
    const char *district = scope_district(c->who);
    struct db_val v[] = {DBV_TEXT(in->name),
                         DBV_BLOB(enc, enc_len),
                         DBV_TEXT(hash),
                         DBV_TEXT(pii_mask_id(c->a, in->id_number)),
                         DBV_TEXT(ban_kinds[in->kind]),
                         in->kind == BAN_TERM ? DBV_INT(in->ends_on) : DBV_NULL,
                         DBV_TEXT(in->reason),
                         DBV_TEXT(in->authority),
                         DBV_TEXT(in->decision_number),
                         DBV_INT(in->decided_on),
                         DBV_TEXT(district),
                         c->who && c->who->user_id ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(clock_now())};
    enum err e =
        db_int_query(db,
                     "INSERT INTO bans (name, id_enc, id_hash, id_masked, kind, ends_on, reason, "
                     "authority, decision_number, decided_on, district_code, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                     v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    if (c->out) json_decref(c->out);
    c->out = NULL;
    e = read_ban(db, c->id, &c->out);
    if (e != OK) return e;
    return audit_append(db, c->who, "ban.add", "ban", c->id, NULL, json_text(c->a, json_incref(c->out)));
}

/* Validate a ban (the JSON body of POST /api/v1/bans or the page's form turned into the same object) and
 * record it, audited; a county official's ban carries the official's district. Every bad field goes to fe
 * (ERR_VALIDATION). *out gets the stored ban as JSON (masked number only; caller json_decref()s). Strings
 * in body are borrowed for the call. Blocks on the database. */
enum err ban_add_json(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                      struct field_errors *fe, json_t **out)
{
    *out = NULL;
    struct ban_in in = {.kind = -1};
    bool ends_given = false;
    struct jspec spec[] = {
        {.name = "name", .type = JT_STRING, .dst = &in.name, .min = 1, .max = 50, .check = check_not_blank},
        {.name = "id_number",
         .type = JT_STRING,
         .dst = &in.id_number,
         .min = 1,
         .max = 32,
         .check = check_idnum},
        JS_ENUM("kind", &in.kind, ban_kinds),
        {.name = "ends_on",
         .type = JT_DATE,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &in.ends_on,
         .present = &ends_given},
        {.name = "reason",
         .type = JT_STRING,
         .dst = &in.reason,
         .min = 1,
         .max = 500,
         .check = check_not_blank},
        {.name = "authority",
         .type = JT_STRING,
         .dst = &in.authority,
         .min = 1,
         .max = 100,
         .check = check_not_blank},
        {.name = "decision_number",
         .type = JT_STRING,
         .dst = &in.decision_number,
         .min = 1,
         .max = 100,
         .check = check_not_blank},
        JS_DATE("decided_on", &in.decided_on),
        JS_END,
    };
    int before = fe->n;
    in.ends_on = INT64_MIN;
    in.decided_on = INT64_MIN;
    jspec_parse(body, spec, "", fe);
    int64_t today = clock_day_of(clock_now());
    if (in.kind == BAN_TERM && !ends_given) fe_add(fe, "ends_on", "定期禁入必须填写截止日期");
    if (in.kind == BAN_LIFETIME && ends_given) fe_add(fe, "ends_on", "终身禁入不填截止日期");
    if (in.decided_on != INT64_MIN && in.decided_on > today) fe_add(fe, "decided_on", "决定日期不能晚于今天");
    if (in.kind == BAN_TERM && in.ends_on != INT64_MIN && in.decided_on != INT64_MIN &&
        in.ends_on < in.decided_on)
        fe_add(fe, "ends_on", "截止日期不能早于决定日期");
    if (fe->n != before) return ERR_VALIDATION;
    if (!pii_ready()) return ERR_INTERNAL;
    in.id_number = idnum_normalize(a, in.id_number);
    struct add_ctx c = {a, who, &in, 0, NULL};
    enum err e = db_tx(db, add_tx, &c);
    if (e != OK) {
        if (c.out) json_decref(c.out);
        return e;
    }
    *out = c.out;
    return OK;
}

/* ---- An official's check ------------------------------------------------------------------------------- */

struct check_ctx {
    struct arena *a;
    const struct principal *who;
    const char *id_number, *name;
    int64_t ban_id;
    json_t *ban;
};

static enum err check_tx(struct db *db, void *p)
{
    struct check_ctx *c = p;
    if (c->ban) json_decref(c->ban);
    c->ban = NULL;
    enum err e = ban_check_in_tx(db, c->a, c->who, 0, c->id_number, c->name, "official", &c->ban_id);
    if (e != OK || !c->ban_id) return e;
    return read_ban(db, c->ban_id, &c->ban);
}

/* An official's check of an ID number (body {"id_number","name"?}), recorded with purpose "official" and
 * audited. *out: {"match":bool,"ban":{id,kind,ends_on,authority,decision_number,decided_on,
 * id_number_masked}|null} (caller json_decref()s). Bad fields → fe, ERR_VALIDATION. Blocks on the database.
 */
enum err ban_check_json(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                        struct field_errors *fe, json_t **out)
{
    *out = NULL;
    const char *id_number = NULL, *name = NULL;
    struct jspec spec[] = {
        {.name = "id_number",
         .type = JT_STRING,
         .dst = &id_number,
         .min = 1,
         .max = 32,
         .check = check_idnum},
        {.name = "name",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &name,
         .min = 0,
         .max = 50},
        JS_END,
    };
    if (!jspec_parse(body, spec, "", fe)) return ERR_VALIDATION;
    if (!pii_ready()) return ERR_INTERNAL;
    struct check_ctx c = {a, who, idnum_normalize(a, id_number), name, 0, NULL};
    enum err e = db_tx(db, check_tx, &c);
    if (e != OK) {
        if (c.ban) json_decref(c.ban);
        return e;
    }
    json_t *ban = json_null();
    if (c.ban) {
        /* Only what an official needs to act on: the decision, not the reason or who recorded it. */
        ban = json_object();
        static const char *const keep[] = {
            "id", "kind", "ends_on", "authority", "decision_number", "decided_on", "id_number_masked", NULL};
        for (int i = 0; keep[i]; i++)
            json_object_set(ban, keep[i], json_object_get(c.ban, keep[i]));
        json_decref(c.ban);
    }
    *out = json_pack("{s:b, s:o}", "match", c.ban_id != 0, "ban", ban);
    return OK;
}

/* ---- Audited lists ------------------------------------------------------------------------------------- */

struct list_ctx {
    const struct principal *who;
    struct arena *a;
    const char *sql;
    const struct db_val *params;
    int nparams, limit;
    json_t *(*row)(struct db_rows *r, int64_t today);
    const char *action, *entity;
    json_t *items;
    int64_t next_before;
};

/* Read one page (rows ordered by id descending; the query asks for limit + 1 to know whether more follow)
 * and audit the read. */
static enum err list_tx(struct db *db, void *p)
{
    struct list_ctx *c = p;
    if (c->items) json_decref(c->items);
    c->items = json_array();
    c->next_before = 0;
    struct db_rows *r = NULL;
    enum err e = db_query(db, c->sql, c->params, c->nparams, &r);
    if (e != OK) return e;
    int64_t today = clock_day_of(clock_now()), last = 0;
    int k, n = 0;
    while ((k = db_next(r)) == 1) {
        if (n == c->limit) {
            c->next_before = last;
            break;
        }
        last = db_int(r, 0);
        json_array_append_new(c->items, c->row(r, today));
        n++;
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e != OK) return e;
    json_t *after = json_pack("{s:I, s:s?}", "count", (json_int_t)n, "district", scope_district(c->who));
    return audit_append(db, c->who, c->action, c->entity, 0, NULL, json_text(c->a, after));
}

static enum err run_list(struct db *db, struct list_ctx *c, json_t **items, int64_t *next_before)
{
    c->items = NULL;
    enum err e = db_tx(db, list_tx, c);
    if (e != OK) {
        if (c->items) json_decref(c->items);
        *items = NULL;
        return e;
    }
    *items = c->items;
    if (next_before) *next_before = c->next_before;
    return OK;
}

static int clamp_limit(int limit)
{
    return limit < 1 ? LIST_DEFAULT : limit > LIST_MAX ? LIST_MAX : limit;
}

/* The register, newest first: up to limit bans with ids below before (0: from the newest), masked numbers
 * only. The read is audited ("bans.list"). *items: a JSON array (caller json_decref()s); *next_before: the
 * value of before for the next page, 0 at the end. Blocks on the database. */
enum err ban_list_json(struct db *db, struct arena *a, const struct principal *who, int64_t before, int limit,
                       json_t **items, int64_t *next_before)
{
    limit = clamp_limit(limit);
    struct db_val v[] = {DBV_INT(before), DBV_INT(limit + 1)};
    struct list_ctx c = {who,
                         a,
                         "SELECT " BAN_COLS " FROM bans WHERE (CAST($1 AS BIGINT) = 0 OR id < $1) "
                         "ORDER BY id DESC LIMIT $2",
                         v,
                         DB_NPARAMS(v),
                         limit,
                         ban_row_json,
                         "bans.list",
                         "ban",
                         NULL,
                         0};
    return run_list(db, &c, items, next_before);
}

/* Refused hires and other matching checks made for institutions, newest first, confined to a county
 * official's district; audited ("ban_matches.list"). Same paging and ownership as ban_list_json. */
enum err ban_matches_json(struct db *db, struct arena *a, const struct principal *who, int64_t before,
                          int limit, json_t **items, int64_t *next_before)
{
    limit = clamp_limit(limit);
    struct db_val v[] = {DBV_INT(before), DBV_INT(limit + 1), DBV_TEXT(scope_district(who))};
    struct list_ctx c = {
        who,
        a,
        "SELECT " MATCH_COLS " FROM ban_checks bc JOIN institutions i ON i.id = bc.institution_id "
        "WHERE bc.result = 'match' AND (CAST($1 AS BIGINT) = 0 OR bc.id < $1) "
        "AND (CAST($3 AS TEXT) IS NULL OR i.district_code = $3) ORDER BY bc.id DESC LIMIT $2",
        v,
        DB_NPARAMS(v),
        limit,
        match_row_json,
        "ban_matches.list",
        "ban_check",
        NULL,
        0};
    return run_list(db, &c, items, next_before);
}

/* ?before=ID&limit=N of a list request: 422 with the field for anything but integers in range. */
static bool paging(struct req *r, int64_t *before, int *limit)
{
    const char *b = req_query(r, "before"), *l = req_query(r, "limit");
    char *end;
    *before = 0;
    *limit = LIST_DEFAULT;
    if (b) {
        long long v = strtoll(b, &end, 10);
        if (!*b || *end || v < 1)
            fe_add(&r->fe, "before", "应为正整数");
        else
            *before = v;
    }
    if (l) {
        long v = strtol(l, &end, 10);
        if (!*l || *end || v < 1 || v > LIST_MAX)
            fe_addf(&r->fe, "limit", "应为 1 到 %d 的整数", LIST_MAX);
        else
            *limit = (int)v;
    }
    return r->fe.n == 0;
}

static enum err list_response(struct req *r, struct resp *out, enum err e, json_t *items, int64_t next)
{
    if (e != OK) return e;
    return resp_json(
        r, out, 200,
        json_pack("{s:o, s:o}", "items", items, "next_before", next ? json_integer(next) : json_null()));
}

/* ---- Handlers ------------------------------------------------------------------------------------------ */

enum err ban_api_add(struct req *r, struct resp *out)
{
    json_t *body, *ban;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    e = ban_add_json(r->db, r->a, r->who, body, &r->fe, &ban);
    if (e != OK) return e;
    return resp_json(r, out, 201, ban);
}

enum err ban_api_list(struct req *r, struct resp *out)
{
    int64_t before, next = 0;
    int limit;
    if (!paging(r, &before, &limit)) return ERR_VALIDATION;
    json_t *items = NULL;
    enum err e = ban_list_json(r->db, r->a, r->who, before, limit, &items, &next);
    return list_response(r, out, e, items, next);
}

enum err ban_api_check(struct req *r, struct resp *out)
{
    json_t *body, *res;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    e = ban_check_json(r->db, r->a, r->who, body, &r->fe, &res);
    if (e != OK) return e;
    return resp_json(r, out, 200, res);
}

enum err ban_api_matches(struct req *r, struct resp *out)
{
    int64_t before, next = 0;
    int limit;
    if (!paging(r, &before, &limit)) return ERR_VALIDATION;
    json_t *items = NULL;
    enum err e = ban_matches_json(r->db, r->a, r->who, before, limit, &items, &next);
    return list_response(r, out, e, items, next);
}

/* ---- Credit records ------------------------------------------------------------------------------------ */

struct credit_in {
    const char *name, *id_number, *kind, *description, *source;
    int64_t decided_on;
};

struct credit_ctx {
    struct arena *a;
    const struct principal *who;
    const struct credit_in *in;
    int64_t id;
    json_t *out;
};

static enum err credit_tx(struct db *db, void *p)
{
    struct credit_ctx *c = p;
    const struct credit_in *in = c->in;
    size_t enc_len = 0;
    const unsigned char *enc = pii_seal(c->a, in->id_number, &enc_len);
    char hash[PII_HASH_HEX];
    pii_hash(in->id_number, hash);
    struct db_val v[] = {DBV_TEXT(in->name),
                         DBV_BLOB(enc, enc_len),
                         DBV_TEXT(hash),
                         DBV_TEXT(pii_mask_id(c->a, in->id_number)),
                         DBV_TEXT(in->kind),
                         DBV_TEXT(in->description),
                         DBV_TEXT(in->source),
                         DBV_INT(in->decided_on),
                         c->who && c->who->user_id ? DBV_INT(c->who->user_id) : DBV_NULL,
                         DBV_INT(clock_now())};
    enum err e = db_int_query(db,
                              "INSERT INTO person_credit_records (name, id_enc, id_hash, id_masked, kind, "
                              "description, source, decided_on, created_by, created_at) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                              v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    struct db_val iv[] = {DBV_INT(c->id)};
    struct db_rows *r = NULL;
    e = db_query(db, "SELECT " CREDIT_COLS " FROM person_credit_records WHERE id = $1", iv, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (c->out) json_decref(c->out);
    c->out = k == 1 ? credit_row_json(r, 0) : NULL;
    e = k == 1 ? OK : k == 0 ? ERR_INTERNAL : db_rows_err(r);
    db_done(r);
    if (e != OK) return e;
    return audit_append(db, c->who, "credit.add", "person_credit_record", c->id, NULL,
                        json_text(c->a, json_incref(c->out)));
}

enum err credit_api_add(struct req *r, struct resp *out)
{
    json_t *body;
    enum err e = req_json(r, &body);
    if (e != OK) return e;
    struct credit_in in = {.decided_on = INT64_MIN};
    struct jspec spec[] = {
        {.name = "name", .type = JT_STRING, .dst = &in.name, .min = 1, .max = 50, .check = check_not_blank},
        {.name = "id_number",
         .type = JT_STRING,
         .dst = &in.id_number,
         .min = 1,
         .max = 32,
         .check = check_idnum},
        {.name = "kind", .type = JT_STRING, .dst = &in.kind, .min = 1, .max = 50, .check = check_not_blank},
        {.name = "description",
         .type = JT_STRING,
         .dst = &in.description,
         .min = 1,
         .max = 1000,
         .check = check_not_blank},
        {.name = "source",
         .type = JT_STRING,
         .dst = &in.source,
         .min = 1,
         .max = 100,
         .check = check_not_blank},
        JS_DATE("decided_on", &in.decided_on),
        JS_END,
    };
    jspec_parse(body, spec, "", &r->fe);
    if (in.decided_on != INT64_MIN && in.decided_on > clock_day_of(clock_now()))
        fe_add(&r->fe, "decided_on", "决定日期不能晚于今天");
    if (r->fe.n) return ERR_VALIDATION;
    if (!pii_ready()) return ERR_INTERNAL;
    in.id_number = idnum_normalize(r->a, in.id_number);
    struct credit_ctx c = {r->a, r->who, &in, 0, NULL};
    e = db_tx(r->db, credit_tx, &c);
    if (e != OK) {
        if (c.out) json_decref(c.out);
        return e;
    }
    return resp_json(r, out, 201, c.out);
}

enum err credit_api_list(struct req *r, struct resp *out)
{
    int64_t before, next = 0;
    int limit;
    if (!paging(r, &before, &limit)) return ERR_VALIDATION;
    struct db_val v[] = {DBV_INT(before), DBV_INT(limit + 1)};
    struct list_ctx c = {r->who,
                         r->a,
                         "SELECT " CREDIT_COLS " FROM person_credit_records "
                         "WHERE (CAST($1 AS BIGINT) = 0 OR id < $1) ORDER BY id DESC LIMIT $2",
                         v,
                         DB_NPARAMS(v),
                         limit,
                         credit_row_json,
                         "credit.list",
                         "person_credit_record",
                         NULL,
                         0};
    json_t *items = NULL;
    enum err e = run_list(r->db, &c, &items, &next);
    return list_response(r, out, e, items, next);
}
