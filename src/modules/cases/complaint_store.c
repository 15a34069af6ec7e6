/* Complaints and their SQL. Filing runs the rate limit, the duplicate check and the insert in one
 * transaction; the complainant's contact is sealed (pii_seal) and kept masked for display, the lookup code
 * only as a keyed hash, the client address only as a keyed hash in complaint_rate (deleted after a day).
 * Officials' reads of a complaint (which carries a contact) are audited in the transaction that reads it. */
#include "auth/pii.h"
#include "core/clock.h"
#include "modules/cases/cases.h"
#include "modules/inspection/inspection.h"
#include "modules/institution/inst.h"
#include "modules/reference/departments.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---- Validation ---------------------------------------------------------------------------------------- */

/* A phone number as people type it: digits with optional +, spaces and hyphens; 7–15 digits kept. */
static bool phone_normalise(struct arena *a, const char *in, const char **out)
{
    if (!in) return false;
    char buf[32];
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-') continue;
        if (*p == '+' && n == 0) continue;
        if (*p < '0' || *p > '9' || n + 1 >= sizeof buf) return false;
        buf[n++] = *p;
    }
    buf[n] = 0;
    if (n < 7 || n > 15) return false;
    *out = arena_strdup(a, buf);
    return true;
}

/* Whether s holds something besides blanks (ASCII or the ideographic space). */
static bool has_content(const char *s)
{
    for (const char *q = s; q && *q;) {
        if (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        else if (strncmp(q, "\u3000", 3) == 0)
            q += 3;
        else
            return true;
    }
    return false;
}

bool complaint_validate(struct db *db, struct arena *a, const struct complaint_input *in,
                        struct field_errors *fe)
{
    int before = fe->n;
    if (in->category < 0 || in->category >= CC__COUNT) fe_add(fe, "category", "请选择投诉类别");
    if (!in->text || !has_content(in->text) || utf8_chars(in->text) < 10 || utf8_chars(in->text) > 2000)
        fe_add(fe, "text", "投诉内容应为 10–2000 字");
    if (!in->contact_name || !has_content(in->contact_name) || utf8_chars(in->contact_name) > 50)
        fe_add(fe, "contact_name", "请填写联系人姓名（最多 50 字）");
    const char *phone;
    if (!phone_normalise(a, in->contact_phone, &phone)) fe_add(fe, "contact_phone", "请填写有效的联系电话");
    if (in->institution_id > 0) {
        struct institution inst;
        enum err e = inst_get(db, a, in->institution_id, &inst);
        if (e == ERR_NOT_FOUND)
            fe_add(fe, "institution_id", "没有这个机构");
        else if (e != OK)
            fe_add(fe, "institution_id", "暂时无法核对机构，请稍后重试");
    } else if (in->category == CC_UNFILED_OPERATION) {
        const char *name;
        if (!in->district || district_name(db, a, in->district, &name) != OK)
            fe_add(fe, "district", "反映未备案经营且不在名录中的场所时，请选择所在区县");
    } else {
        fe_add(fe, "institution_id", "请选择被投诉的机构");
    }
    return fe->n == before;
}

/* ---- CAPTCHA tokens spent ------------------------------------------------------------------------------ */

struct consume_ctx {
    struct db *db;
    enum err e;
    const char *id;
    int64_t expires_at;
};

static enum err consume_tx(struct db *db, void *p)
{
    struct consume_ctx *c = p;
    struct db_val now[] = {DBV_INT(clock_now())};
    enum err e = db_exec(db, "DELETE FROM captcha_used WHERE expires_at < $1", now, 1);
    if (e != OK) return e;
    struct db_val v[] = {DBV_TEXT(c->id), DBV_INT(c->expires_at)};
    int64_t one = 0;
    return db_int_query(db,
                        "INSERT INTO captcha_used (token_hash, expires_at) VALUES ($1, $2) "
                        "ON CONFLICT (token_hash) DO NOTHING RETURNING 1",
                        v, 2, &one);
}

/* Record a token as spent: true when it was not spent before. A database error is kept in the context (and
 * the token treated as spent), for captcha_check to return. */
static bool consume_db(const char *token_id, int64_t expires_at, void *ctx)
{
    struct consume_ctx *c = ctx;
    c->id = token_id;
    c->expires_at = expires_at;
    c->e = db_tx(c->db, consume_tx, c);
    if (c->e == ERR_NOT_FOUND) { /* no row returned: it was there already */
        c->e = OK;
        return false;
    }
    return c->e == OK;
}

enum err captcha_check(struct db *db, const char *token, const char *answer, enum captcha_result *result)
{
    struct consume_ctx c = {db, OK, NULL, 0};
    *result = captcha_verify_server(token, answer, consume_db, &c);
    return c.e;
}

/* ---- Filing -------------------------------------------------------------------------------------------- */

static const char lookup_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

struct file_ctx {
    struct arena *a;
    const struct complaint_input *in;
    const char *ip_hash, *text_hash, *lookup_hash, *phone_masked;
    const unsigned char *name_enc, *phone_enc;
    size_t name_len, phone_len;
    int64_t now;
    struct field_errors *fe;
    int64_t id, due_on;
    char number[32];
};

static enum err file_tx(struct db *db, void *p)
{
    struct file_ctx *c = p;
    enum err e;
    if (c->ip_hash) {
        struct db_val old[] = {DBV_INT(c->now - 86400)};
        e = db_exec(db, "DELETE FROM complaint_rate WHERE at <= $1", old, 1);
        if (e != OK) return e;
        int64_t since[2] = {c->now - 3600, c->now - 86400}, count[2] = {0, 0}; /* the last hour, day */
        for (int i = 0; i < 2; i++) {
            struct db_val v[] = {DBV_TEXT(c->ip_hash), DBV_INT(since[i])};
            e = db_int_query(db, "SELECT COUNT(*) FROM complaint_rate WHERE ip_hash = $1 AND at > $2", v, 2,
                             &count[i]);
            if (e != OK) return e;
        }
        if (count[0] >= COMPLAINT_LIMIT_HOUR || count[1] >= COMPLAINT_LIMIT_DAY) return ERR_THROTTLED;
    }
    struct db_val tv[] = {DBV_TEXT(c->text_hash), DBV_INT(c->now - 86400)};
    int64_t same = 0;
    e = db_int_query(db, "SELECT COUNT(*) FROM complaints WHERE text_hash = $1 AND received_at > $2", tv, 2,
                     &same);
    if (e != OK) return e;
    if (same > 0) {
        fe_add(c->fe, "text", "一天内已收到针对同一机构的相同投诉，请勿重复提交");
        return ERR_VALIDATION;
    }
    /* Routing: the county of the institution (its district now), else the district named for an unknown
     * place. */
    char district[16] = "";
    if (c->in->institution_id > 0) {
        e = inst_district_code(db, c->in->institution_id, district);
        if (e != OK) return e;
    } else {
        snprintf(district, sizeof district, "%s", c->in->district ? c->in->district : "");
    }
    if (complaint_transition(CS_NONE, CEV_FILE, 0) != CS_RECEIVED) return ERR_INTERNAL;
    c->due_on = complaint_due_on(c->now);
    struct db_val v[] = {DBV_TEXT(c->lookup_hash),
                         c->in->institution_id > 0 ? DBV_INT(c->in->institution_id) : DBV_NULL,
                         DBV_TEXT(district),
                         DBV_TEXT(complaint_category_names[c->in->category]),
                         DBV_TEXT(c->in->text),
                         DBV_TEXT(c->text_hash),
                         DBV_BLOB(c->name_enc, c->name_len),
                         DBV_BLOB(c->phone_enc, c->phone_len),
                         DBV_TEXT(c->phone_masked),
                         DBV_BOOL(c->in->anonymous_public),
                         DBV_INT(c->now),
                         DBV_INT(c->due_on)};
    e = db_int_query(
        db,
        "INSERT INTO complaints (lookup_hash, institution_id, district_code, category, text, text_hash, "
        "contact_name_enc, contact_phone_enc, contact_phone_masked, anonymous_public, status, "
        "received_at, due_on, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "'received', $11, $12, $11) RETURNING id",
        v, DB_NPARAMS(v), &c->id);
    if (e != OK) return e;
    int y, m, d;
    days_to_date(clock_day_of(c->now), &y, &m, &d);
    snprintf(c->number, sizeof c->number, "TS-%04d-%06lld", y, (long long)c->id);
    struct db_val nv[] = {DBV_INT(c->id), DBV_TEXT(c->number)};
    e = db_exec(db, "UPDATE complaints SET number = $2 WHERE id = $1", nv, 2);
    if (e != OK) return e;
    if (c->ip_hash) {
        struct db_val rv[] = {DBV_TEXT(c->ip_hash), DBV_INT(c->now)};
        e = db_exec(db, "INSERT INTO complaint_rate (ip_hash, at) VALUES ($1, $2)", rv, 2);
        if (e != OK) return e;
    }
    json_t *after = json_pack("{s:s, s:s, s:s, s:b, s:o}", "number", c->number, "category",
                              complaint_category_names[c->in->category], "district_code", district,
                              "anonymous_public", c->in->anonymous_public, "institution_id",
                              c->in->institution_id > 0 ? json_integer(c->in->institution_id) : json_null());
    return audit_append(db, NULL, "complaint.file", "complaint", c->id, NULL, json_text(c->a, after));
}

enum err complaint_file(struct db *db, struct arena *a, const struct complaint_input *in,
                        const char *client_ip, int64_t received_at, struct field_errors *fe,
                        struct complaint_receipt *out)
{
    if (!pii_ready()) return ERR_INTERNAL;
    const char *phone;
    if (!phone_normalise(a, in->contact_phone, &phone)) {
        fe_add(fe, "contact_phone", "请填写有效的联系电话");
        return ERR_VALIDATION;
    }
    struct file_ctx c = {.a = a, .in = in, .fe = fe};
    c.now = received_at ? received_at : clock_now();
    if (client_ip) {
        char *h = arena_alloc(a, PII_HASH_HEX);
        pii_hash(client_ip, h);
        c.ip_hash = h;
    }
    /* The same words about the same institution (or place) hash alike; blanks at either end do not count. */
    const char *t = in->text;
    size_t tn = strlen(t);
    while (*t == ' ' || *t == '\n' || *t == '\r' || *t == '\t')
        t++, tn--;
    while (tn && (t[tn - 1] == ' ' || t[tn - 1] == '\n' || t[tn - 1] == '\r' || t[tn - 1] == '\t'))
        tn--;
    char *scope = in->institution_id > 0 ? arena_printf(a, "inst:%lld|", (long long)in->institution_id)
                                         : arena_printf(a, "district:%s|", in->district ? in->district : "");
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)scope, strlen(scope));
    crypto_hash_sha256_update(&st, (const unsigned char *)t, tn);
    crypto_hash_sha256_final(&st, hash);
    char *th = arena_alloc(a, 65);
    sodium_bin2hex(th, 65, hash, sizeof hash);
    c.text_hash = th;
    char code[9];
    for (int i = 0; i < 8; i++)
        code[i] = lookup_alphabet[randombytes_uniform(sizeof lookup_alphabet - 1)];
    code[8] = 0;
    char *lh = arena_alloc(a, PII_HASH_HEX);
    pii_hash(code, lh);
    c.lookup_hash = lh;
    c.name_enc = pii_seal(a, in->contact_name, &c.name_len);
    c.phone_enc = pii_seal(a, phone, &c.phone_len);
    c.phone_masked = pii_mask_phone(a, phone);
    int before = fe->n;
    enum err e = db_tx(db, file_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before;
    if (e != OK) return e;
    out->id = c.id;
    out->due_on = c.due_on;
    out->number = arena_strdup(a, c.number);
    out->code = arena_strdup(a, code);
    return OK;
}

/* ---- Reading ------------------------------------------------------------------------------------------- */

#define CPL_COLS                                                                                             \
    "c.id, COALESCE(c.institution_id, 0), c.received_at, c.due_on, c.accepted_at, c.answered_at, "           \
    "c.inspection_id, c.version, c.anonymous_public, c.number, i.name, c.district_code, d.name, "            \
    "c.category, "                                                                                           \
    "c.text, c.status, c.answer, c.contact_phone_masked"
#define CPL_FROM                                                                                             \
    " FROM complaints c LEFT JOIN institutions i ON i.id = c.institution_id JOIN districts d ON d.code = "   \
    "c.district_code "

/* Reads a row of CPL_COLS; overdue is left for set_overdue, which knows the day. */
static void read_complaint(struct db_rows *r, struct arena *a, void *item)
{
    struct complaint_row *o = item;
    memset(o, 0, sizeof *o);
    o->id = db_int(r, 0);
    o->institution_id = db_int(r, 1);
    o->received_at = db_int(r, 2);
    o->due_on = db_int(r, 3);
    o->accepted_at = db_isnull(r, 4) ? 0 : db_int(r, 4);
    o->answered_at = db_isnull(r, 5) ? 0 : db_int(r, 5);
    o->inspection_id = db_isnull(r, 6) ? 0 : db_int(r, 6);
    o->version = db_int(r, 7);
    o->anonymous_public = db_int(r, 8) != 0;
    o->number = db_text_dup(r, 9, a);
    o->institution_name = db_text_dup(r, 10, a);
    o->district_code = db_text_dup(r, 11, a);
    o->district_name = db_text_dup(r, 12, a);
    o->category = db_text_dup(r, 13, a);
    o->text = db_text_dup(r, 14, a);
    o->status = db_text_dup(r, 15, a);
    o->answer = db_text_dup(r, 16, a);
    o->contact_phone_masked = db_text_dup(r, 17, a);
}

static void set_overdue(struct complaint_row *rows, int n, int64_t today)
{
    for (int i = 0; i < n; i++)
        rows[i].overdue = complaint_is_overdue(cases_name_index(complaint_status_names, rows[i].status),
                                               rows[i].due_on, today);
}

/* CPL_COLS and the sealed contact name (column 18), opened. */
static void read_complaint_contact(struct db_rows *r, struct arena *a, void *item)
{
    struct complaint_row *o = item;
    read_complaint(r, a, o);
    size_t len = 0;
    const void *enc = db_blob(r, 18, &len);
    o->contact_name = enc ? pii_open(a, enc, len) : NULL;
    if (!o->contact_name) o->contact_name = "（无法解密）";
}

struct get_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id;
    struct complaint_row *out;
};

static enum err get_tx(struct db *db, void *p)
{
    struct get_ctx *c = p;
    struct db_val v[] = {DBV_INT(c->id)};
    enum err e = db_get_one(db, c->a, "SELECT " CPL_COLS ", c.contact_name_enc" CPL_FROM "WHERE c.id = $1", v,
                            1, read_complaint_contact, c->out);
    if (e != OK) return e;
    set_overdue(c->out, 1, clock_day_of(clock_now()));
    if (!c->who) return OK;
    return audit_append(db, c->who, "complaint.read", "complaint", c->id, NULL,
                        json_text(c->a, json_pack("{s:s}", "district_code", c->out->district_code)));
}

enum err complaint_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       struct complaint_row *out)
{
    struct get_ctx c = {a, who, id, out};
    return who ? db_tx(db, get_tx, &c) : get_tx(db, &c);
}

/* A row of complaint_lookup: read only when its lookup hash (column 18) matches hash. */
struct lookup_row {
    const char *hash;
    bool match;
    struct complaint_row c;
};

static void read_lookup(struct db_rows *r, struct arena *a, void *item)
{
    struct lookup_row *o = item;
    const char *stored = db_text(r, 18);
    size_t n = strlen(o->hash);
    o->match = stored && strlen(stored) == n && sodium_memcmp(stored, o->hash, n) == 0;
    if (o->match) read_complaint(r, a, &o->c);
}

enum err complaint_lookup(struct db *db, struct arena *a, const char *number, const char *code,
                          struct complaint_row *out)
{
    if (!number || !code || strlen(number) > 32 || strlen(code) > 16 || !pii_ready()) return ERR_NOT_FOUND;
    char up[17];
    size_t n = 0;
    for (const char *p = code; *p && n < 16; p++)
        if (*p != ' ' && *p != '-') up[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    up[n] = 0;
    char h[PII_HASH_HEX];
    pii_hash(up, h);
    struct db_val v[] = {DBV_TEXT(number)};
    struct lookup_row row = {.hash = h};
    enum err e = db_get_one(db, a, "SELECT " CPL_COLS ", c.lookup_hash" CPL_FROM "WHERE c.number = $1", v, 1,
                            read_lookup, &row);
    if (e != OK) return e;
    if (!row.match) return ERR_NOT_FOUND;
    *out = row.c;
    set_overdue(out, 1, clock_day_of(clock_now()));
    out->contact_phone_masked = NULL; /* the public lookup shows no contact at all */
    return OK;
}

/* The WHERE of f (alias c) into sql with its parameters appended to v from *nv: only the filters given, so
 * that a county's count and page take complaints_district and the city's take complaints_due. */
static void cpl_where(struct buf *sql, struct db_val *v, int *nv, const struct complaint_filter *f,
                      int64_t today)
{
    buf_adds(sql, " WHERE 1 = 1");
    if (f->district) {
        v[(*nv)++] = DBV_TEXT(f->district);
        buf_printf(sql, " AND c.district_code = $%d", *nv);
    }
    if (f->status) {
        v[(*nv)++] = DBV_TEXT(f->status);
        buf_printf(sql, " AND c.status = $%d", *nv);
    }
    if (f->overdue_only) {
        v[(*nv)++] = DBV_INT(today);
        buf_printf(sql, " AND c.status <> 'answered' AND c.due_on < $%d", *nv);
    }
    if (f->institution_id) {
        v[(*nv)++] = DBV_INT(f->institution_id);
        buf_printf(sql, " AND c.institution_id = $%d", *nv);
    }
}

enum err complaint_list(struct db *db, struct arena *a, const struct complaint_filter *f,
                        struct complaint_row **items, int *n, int64_t *total)
{
    int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 50;
    int page = f->page >= 1 && f->page <= 100000 ? f->page : 1;
    int64_t today = clock_day_of(clock_now());
    struct db_val v[8];
    int nv = 0;
    struct buf sql = BUF_INIT;
    *items = NULL;
    *n = 0;
    buf_adds(&sql, "SELECT COUNT(*) FROM complaints c");
    cpl_where(&sql, v, &nv, f, today);
    enum err e = db_int_query(db, sql.p, v, nv, total);
    if (e == OK && *total > (int64_t)(page - 1) * per) {
        sql.len = 0;
        nv = 0;
        buf_adds(&sql, "SELECT " CPL_COLS CPL_FROM);
        cpl_where(&sql, v, &nv, f, today);
        v[nv++] = DBV_INT(per);
        v[nv++] = DBV_INT((int64_t)(page - 1) * per);
        buf_printf(&sql, " ORDER BY c.due_on, c.id LIMIT $%d OFFSET $%d", nv - 1, nv);
        e = db_get_all(db, a, sql.p, v, nv, read_complaint, sizeof **items, per, (void **)items, n);
        if (e == OK) set_overdue(*items, *n, today);
    }
    buf_free(&sql);
    return e;
}

/* ---- Handling ------------------------------------------------------------------------------------------ */

struct move_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t id;
    int event;
    const char *text, *department;
    int64_t planned_on, at;
    struct field_errors *fe;
    int64_t inspection_id;
};

/* What a move of a complaint looks at: its status (index into complaint_status_names, -1: unknown), its
 * institution and its inspection (0: none). */
struct complaint_state {
    int status;
    int64_t institution_id, inspection_id;
};

static void read_state(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct complaint_state *o = item;
    o->status = cases_name_index(complaint_status_names, db_text(r, 0));
    o->institution_id = db_int(r, 1);
    o->inspection_id = db_int(r, 2);
}

static enum err move_tx(struct db *db, void *p)
{
    struct move_ctx *c = p;
    struct db_val iv[] = {DBV_INT(c->id)};
    struct complaint_state cur;
    enum err e = db_get_one(db, NULL,
                            "SELECT status, COALESCE(institution_id, 0), COALESCE(inspection_id, 0) FROM "
                            "complaints WHERE id = $1",
                            iv, 1, read_state, &cur);
    if (e != OK) return e;
    int from = cur.status;
    int64_t inst = cur.institution_id, insp = cur.inspection_id;
    int to = from < 0 ? -1 : complaint_transition(from, c->event, c->who ? c->who->role : ROLE_COUNTY);
    if (to < 0) return ERR_STATE;
    int64_t now = c->at ? c->at : clock_now();
    if (c->event == CEV_INSPECT) {
        if (!inst || insp) return ERR_STATE; /* nothing to inspect, or inspected already */
        e = inspection_plan_in_tx(db, c->who, inst, c->department, "complaint", c->planned_on, 0, c->id, NULL,
                                  0, &c->inspection_id);
        if (e == ERR_VALIDATION) fe_add(c->fe, "department", "该部门无法安排检查");
        if (e != OK) return e;
        struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(complaint_status_names[to]), DBV_INT(c->inspection_id),
                             DBV_INT(now), c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
        e = db_exec(
            db,
            "UPDATE complaints SET status = $2, inspection_id = $3, accepted_at = COALESCE(accepted_at, $4), "
            "accepted_by = COALESCE(accepted_by, $5), updated_at = $4, version = version + 1 WHERE id = $1",
            v, DB_NPARAMS(v));
    } else if (c->event == CEV_ACCEPT) {
        struct db_val v[] = {DBV_INT(c->id), DBV_INT(now), c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
        e = db_exec(
            db,
            "UPDATE complaints SET status = 'handling', accepted_at = $2, accepted_by = $3, updated_at = $2, "
            "version = version + 1 WHERE id = $1",
            v, 3);
    } else {
        struct db_val v[] = {DBV_INT(c->id), DBV_TEXT(c->text), DBV_INT(now),
                             c->who ? DBV_INT(c->who->user_id) : DBV_NULL};
        e = db_exec(
            db,
            "UPDATE complaints SET status = 'answered', answer = $2, answered_at = $3, answered_by = $4, "
            "updated_at = $3, version = version + 1 WHERE id = $1",
            v, 4);
    }
    if (e != OK) return e;
    json_t *after = json_pack("{s:s}", "status", complaint_status_names[to]);
    if (c->inspection_id) json_object_set_new(after, "inspection_id", json_integer(c->inspection_id));
    static const char *const actions[] = {"complaint.file", "complaint.accept", "complaint.answer",
                                          "complaint.inspection"};
    return audit_append(db, c->who, actions[c->event], "complaint", c->id,
                        json_text(c->a, json_pack("{s:s}", "status", complaint_status_names[from])),
                        json_text(c->a, after));
}

static enum err run_move(struct db *db, struct move_ctx *c)
{
    struct arena a;
    arena_init(&a, 1024);
    if (!c->a) c->a = &a;
    enum err e = db_tx(db, move_tx, c);
    arena_free(&a);
    return e;
}

enum err complaint_accept(struct db *db, const struct principal *who, int64_t id)
{
    struct move_ctx c = {.who = who, .id = id, .event = CEV_ACCEPT};
    return run_move(db, &c);
}

enum err complaint_answer(struct db *db, const struct principal *who, int64_t id, const char *text,
                          int64_t at)
{
    struct move_ctx c = {.who = who, .id = id, .event = CEV_ANSWER, .text = text, .at = at};
    return run_move(db, &c);
}

enum err complaint_trigger_inspection(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                      const char *department, int64_t planned_on, struct field_errors *fe,
                                      int64_t *inspection_id)
{
    const char *name;
    enum err e = department_name(db, a, department, &name);
    if (e == ERR_NOT_FOUND) {
        fe_add(fe, "department", "未知的检查部门");
        return ERR_VALIDATION;
    }
    if (e != OK) return e;
    int before = fe->n;
    struct move_ctx c = {.a = a,
                         .who = who,
                         .id = id,
                         .event = CEV_INSPECT,
                         .department = department,
                         .planned_on = planned_on,
                         .fe = fe};
    e = db_tx(db, move_tx, &c);
    if (e != ERR_VALIDATION) fe->n = before;
    if (e == OK && inspection_id) *inspection_id = c.inspection_id;
    return e;
}

/* ---- Demo ---------------------------------------------------------------------------------------------- */

static void read_id(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = db_int(r, 0);
}

struct demo_incident {
    int type, severity, delay_min, children,
        state; /* state: 0 reported, 1 following, 2 closed, 3 closed+subst */
    const char *description, *actions;
};

static const struct demo_incident demo_incidents[] = {
    {IT_INJURY, ISEV_MINOR, 90, 1, 2, "午睡起床时一名幼儿从床边滑落，额头轻微擦伤。",
     "保健员当即消毒处理并通知家长，已加装床边护栏。"},
    {IT_INJURY, ISEV_SERIOUS, 60, 1, 2, "户外活动时一名幼儿从滑梯跌落，右前臂骨折。",
     "立即送医并通知家长，暂停使用该滑梯并报修。"},
    {IT_ILLNESS_OUTBREAK, ISEV_MINOR, 600, 6, 2, "托小班一周内出现 6 例手足口病。",
     "停班消毒 10 天，报告辖区疾控中心，每日晨午检。"},
    {IT_FOOD_POISONING, ISEV_MINOR, 100, 4, 2, "午餐后 4 名幼儿出现呕吐腹泻。",
     "送医观察，留样送检，暂停厨房供餐。"},
    {IT_SUSPECTED_ABUSE, ISEV_SERIOUS, 45, 1, 3, "家长反映幼儿身上有掐痕，监控显示一名保育人员有推搡动作。",
     "涉事人员立即停岗，保存监控录像，报告公安机关。"},
    {IT_INJURY, ISEV_MINOR, 1800, 1, 1, "进餐时一名幼儿被热汤轻微烫伤手背。",
     "冷水冲洗后送保健室处理，调整盛汤流程。"},
    {IT_MISSING_CHILD, ISEV_MINOR, 30, 1, 2, "离园时一名幼儿跟随其他家长走出大门，15 分钟后找回。",
     "加强离园交接核对，门卫逐一登记接送人。"},
    {IT_FIRE, ISEV_MINOR, 40, 0, 2, "厨房油锅起火，员工用灭火毯扑灭，无人员受伤。",
     "疏散幼儿至室外，检查燃气设施，组织消防演练。"},
    {IT_INJURY, ISEV_MINOR, 200, 2, 2, "两名幼儿在走廊奔跑相撞，一人嘴唇出血。",
     "冰敷处理并通知家长，走廊增设软包。"},
    {IT_ILLNESS_OUTBREAK, ISEV_MINOR, 2000, 5, 1, "托大班 3 天内 5 名幼儿发热，疑似流感。",
     "病儿居家隔离，教室通风消毒，报告疾控。"},
    {IT_SUSPECTED_ABUSE, ISEV_MINOR, 300, 1, 2, "家长反映幼儿回家后称被老师关在小房间。",
     "调阅监控，约谈相关人员，向家长说明情况。"},
    {IT_INJURY, ISEV_SERIOUS, 240, 1, 1, "一名幼儿在盥洗室滑倒，下颌缝合 4 针。",
     "送医缝合，盥洗室铺设防滑垫。"},
    {IT_OTHER, ISEV_MINOR, 300, 0, 2, "夜间暴雨导致一间活动室漏水，次日停用。",
     "转移幼儿至其他教室，联系房东维修屋面。"},
    {IT_INJURY, ISEV_MINOR, 120, 1, 0, "搭积木时一名幼儿手指被夹，指甲淤青。", "冷敷观察，通知家长。"},
    {IT_FOOD_POISONING, ISEV_SERIOUS, 200, 9, 1, "下午点心后 9 名幼儿腹痛呕吐，2 人住院。",
     "全部送医，留样封存，报告市场监管部门和疾控中心。"},
    {IT_INJURY, ISEV_MINOR, 50, 1, 0, "户外活动时一名幼儿膝盖擦伤。", "清洗消毒并贴创可贴，通知家长。"},
    {IT_OTHER, ISEV_MINOR, 100, 0, 0, "早晨停电 3 小时，空调和消毒设备停用。",
     "开窗通风，推迟消毒，联系供电部门。"},
    {IT_INJURY, ISEV_MINOR, 1500, 1, 2, "一名幼儿被同伴咬伤手臂，皮肤未破。", "安抚并冷敷，与双方家长沟通。"},
    {IT_MISSING_CHILD, ISEV_SERIOUS, 150, 1, 2, "外出散步途中一名幼儿离队，40 分钟后由民警送回。",
     "报警寻找，清点人数制度改为每 10 分钟一次。"},
    {IT_INJURY, ISEV_MINOR, 80, 1, 0, "一名幼儿在午餐时被鱼刺卡喉，送医取出。", "送医处理，改用无刺鱼片。"},
};

static const char *const demo_texts[] = {
    "孩子连续几天回家说中午没有午睡的床位，和别的小朋友挤在一起，希望核查床位是否够用。",
    "机构这学期突然加收每月 300 元的伙食费，没有提前公示，也没有开收据。",
    "接孩子时看到教室里的消毒柜一直没有通电，餐具直接放在桌上，卫生让人担心。",
    "孩子手臂上有几道红印，老师说是自己抓的，希望查看监控确认是否有人打孩子。",
    "保育老师这学期换了三次，新来的老师好像没有健康证，请核查人员资质。",
    "小区里有一家没有挂牌的托管班，收了十几个一两岁的孩子，场地很小也没有消防通道。",
    "机构门口没有保安，外人可以随便进出，接送也不核对身份。",
    "孩子在机构里摔伤了下巴，机构没有及时通知家长，到放学才告诉我们。",
    "午餐长期只有一个菜，分量也不够，孩子每天回家都说饿。",
    "退托时机构不肯退还剩余两个月的保育费，合同里也没有写明退费规则。",
};
static const char *const demo_names[] = {"张女士", "李先生", "王女士", "刘女士", "陈先生", "杨女士"};

enum err cases_demo_load(struct db *db, struct arena *a)
{
    /* Institutions of 张湾区 and 茅箭区 that are filed or have an operator account (at most 16): those with
     * an operator first (the demo's operator then sees its incidents), then by id. */
    int64_t *inst = NULL;
    int ni = 0;
    enum err e =
        db_get_all(db, a,
                   "SELECT i.id FROM institutions i WHERE (i.state = 'filed' OR EXISTS (SELECT 1 FROM "
                   "users u WHERE u.institution_id = i.id)) AND i.district_code IN ('420303', '420302') "
                   "ORDER BY CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.institution_id = i.id) "
                   "THEN 0 ELSE 1 END, i.id",
                   NULL, 0, read_id, sizeof *inst, 16, (void **)&inst, &ni);
    if (e != OK || ni == 0) return e;
    int64_t now = clock_now();
    struct field_errors fe;
    fe_init(&fe, a);
    /* Incidents: spread over the last 23 months, oldest first; most closed, the latest still open. */
    int nin = (int)(sizeof demo_incidents / sizeof demo_incidents[0]);
    for (int i = 0; i < nin; i++) {
        const struct demo_incident *d = &demo_incidents[i];
        int64_t occurred =
            now - (int64_t)(nin - i) * 34 * 86400 + (int64_t)(i % 5) * 3600 - 30 * 86400 / (i + 2);
        int64_t reported = occurred + (int64_t)d->delay_min * 60;
        if (reported > now) reported = now;
        struct incident_input in = {d->type, d->severity, occurred, d->children, d->description, d->actions};
        int64_t id = 0;
        fe.n = 0;
        e = incident_report(db, NULL, inst[i % ni], &in, reported, &fe, &id);
        if (e != OK) return e;
        if (d->state >= 1) {
            e = incident_follow_up(db, NULL, id, "县卫健局已电话核实情况，要求机构三日内提交书面报告。",
                                   reported + 86400);
            if (e != OK) return e;
        }
        if (d->state >= 2) {
            bool abuse = d->type == IT_SUSPECTED_ABUSE;
            const char *conclusion =
                d->state == 3 ? "经公安机关和县卫健局联合调查，虐童行为查实，涉事人员已解聘并移送处理，"
                                "机构列入重点监管。"
                : abuse ? "经调阅监控和询问，未发现虐待行为，已向家长说明。"
                        : "机构已按要求整改，事件处置完毕。";
            e = incident_close(db, NULL, id, conclusion, abuse ? (d->state == 3 ? 1 : 0) : -1,
                               reported + 10 * 86400, &fe);
            if (e != OK) return e;
        }
    }
    /* Complaints: 30 over the last two years; answered when old, some left overdue, the newest just received.
     */
    for (int i = 0; i < 30; i++) {
        int64_t received = now - (int64_t)(30 - i) * 24 * 86400 + (int64_t)(i % 7) * 3600 + 9 * 3600;
        if (i >= 27) received = now - (int64_t)(30 - i) * 2 * 86400; /* the last three are recent */
        char phone[16];
        snprintf(phone, sizeof phone, "1380000%04d", 1000 + i * 37);
        struct complaint_input in = {
            .institution_id = inst[(i * 5) % ni],
            .category = (int[]){CC_SAFETY, CC_FEES, CC_HYGIENE, CC_ABUSE, CC_STAFF, CC_UNFILED_OPERATION,
                                CC_SAFETY, CC_SAFETY, CC_OTHER, CC_FEES}[i % 10],
            .text = demo_texts[i % 10],
            .contact_name = demo_names[i % 6],
            .contact_phone = phone,
            .anonymous_public = i % 3 == 0,
        };
        if (in.category == CC_UNFILED_OPERATION) {
            in.institution_id = 0;
            in.district = i % 2 ? "420302" : "420303";
        }
        struct complaint_receipt rc;
        fe.n = 0;
        e = complaint_file(db, a, &in, NULL, received, &fe, &rc);
        if (e != OK) return e;
        /* Leave complaints 20 and 24 unanswered past their deadline, and the last three pending. */
        if (i == 20 || i == 24 || i >= 27) {
            if (i == 24 || i == 28) e = complaint_accept(db, NULL, rc.id);
            if (e != OK) return e;
            continue;
        }
        if (i % 4 == 1) {
            e = complaint_accept(db, NULL, rc.id);
            if (e != OK) return e;
        }
        e = complaint_answer(
            db, NULL, rc.id,
            "经核查，反映的情况基本属实，已责令机构限期整改，并将在后续检查中复查。感谢您的监督。",
            received + (int64_t)(5 + i % 9) * 86400);
        if (e != OK) return e;
    }
    return OK;
}
