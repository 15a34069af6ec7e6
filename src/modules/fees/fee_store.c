/* Fees, stored: schedules and caps are append-only (every change a new row), each write one transaction with
 * its audit entry and the compliance refresh of the institutions it can change, so a finding opens or
 * resolves together with the fee or cap that causes it. */
#include "modules/fees/fees.h"

#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"

#include <stdio.h>
#include <string.h>

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* ---- Reading ------------------------------------------------------------------------------------------ */

/* id, service_type, cap kind (or NULL), fen, effective_from, created_at. */
static void read_fee_row(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct fee_row *o = item;
    o->id = db_int(r, 0);
    o->service_type = name_index(service_type_names, db_text(r, 1));
    o->cap_kind = db_isnull(r, 2) ? -1 : name_index(fee_cap_kind_names, db_text(r, 2));
    o->fen = db_int(r, 3);
    o->effective_from = db_int(r, 4);
    o->created_at = db_int(r, 5);
}

enum err fee_rows(struct db *db, struct arena *a, int64_t inst_id, struct fee_row **rows, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    return db_get_all(db, a,
                      "SELECT id, service_type, CAST(NULL AS TEXT), fee_fen, effective_from, created_at "
                      "FROM fee_schedules WHERE institution_id = $1 ORDER BY effective_from, id",
                      v, 1, read_fee_row, sizeof **rows, 0, (void **)rows, n);
}

enum err fee_cap_rows(struct db *db, struct arena *a, const char *district, struct fee_row **rows, int *n)
{
    struct db_val v[] = {DBV_TEXT(district)};
    return db_get_all(
        db, a,
        "SELECT id, service_type, applies_to, cap_fen, effective_from, created_at FROM fee_caps "
        "WHERE district_code = $1 ORDER BY effective_from, id",
        v, 1, read_fee_row, sizeof **rows, 0, (void **)rows, n);
}

/* What the fees of an institution depend on. */
struct inst_kind {
    const char *district;
    bool inclusive, non_profit;
    unsigned types; /* filed service types (bits) */
};

static void read_inst_kind(struct db_rows *r, struct arena *a, void *item)
{
    struct inst_kind *k = item;
    k->district = db_text_dup(r, 0, a);
    k->inclusive = db_int(r, 1) != 0;
    k->non_profit = fee_non_profit(db_text(r, 2));
    k->types = (unsigned)db_int(r, 3);
}

/* The institution's district, kinds and filed service types (strings in a); ERR_NOT_FOUND when absent. */
static enum err inst_kind(struct db *db, struct arena *a, int64_t inst_id, struct inst_kind *out)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    return db_get_one(
        db, a, "SELECT district_code, inclusive, legal_form, service_types FROM institutions WHERE id = $1",
        v, 1, read_inst_kind, out);
}

enum err fee_breaches_in_tx(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                            const struct cmp_fee_breach **out, int *n)
{
    *out = NULL;
    *n = 0;
    struct fee_row *fees, *caps;
    int nf = 0, nc = 0;
    enum err e = fee_rows(db, a, inst_id, &fees, &nf);
    if (e != OK || nf == 0) return e;
    struct inst_kind k;
    e = inst_kind(db, a, inst_id, &k);
    if (e != OK) return e;
    /* No cap applies to a for-profit, non-inclusive institution. */
    if (!k.inclusive && !k.non_profit) return OK;
    e = fee_cap_rows(db, a, k.district, &caps, &nc);
    if (e != OK) return e;
    struct cmp_fee_breach *b = arena_alloc(a, SVC__COUNT * sizeof *b);
    *n = fee_breaches(fees, nf, caps, nc, k.inclusive, k.non_profit, today, b, SVC__COUNT);
    *out = b;
    return OK;
}

enum err fee_view_get(struct db *db, struct arena *a, int64_t inst_id, int64_t today, struct fee_view *out)
{
    memset(out, 0, sizeof *out);
    out->institution_id = inst_id;
    struct inst_kind k;
    enum err e = inst_kind(db, a, inst_id, &k);
    if (e != OK) return e;
    out->inclusive = k.inclusive;
    out->non_profit = k.non_profit;
    out->service_types = k.types;
    struct fee_row *caps;
    int nc = 0;
    e = fee_cap_rows(db, a, k.district, &caps, &nc);
    if (e != OK) return e;
    struct fee_row *rows;
    int nr = 0;
    e = fee_rows(db, a, inst_id, &rows, &nr);
    if (e != OK) return e;

    int current[SVC__COUNT];
    for (int t = 0; t < SVC__COUNT; t++)
        current[t] = fee_current(rows, nr, t, -1, today);
    out->lines = arena_zalloc(a, (size_t)(nr + 1) * sizeof *out->lines);
    for (int j = nr - 1; j >= 0; j--) { /* newest first */
        const struct fee_row *f = &rows[j];
        struct fee_line *l = &out->lines[out->n++];
        l->id = f->id;
        l->fen = f->fen;
        l->effective_from = f->effective_from;
        l->created_at = f->created_at;
        l->service_type = f->service_type;
        l->cap_fen = -1;
        l->cap_kind = -1;
        if (f->effective_from > today) {
            l->state = FEE_UPCOMING;
        } else if (f->service_type >= 0 && current[f->service_type] == j) {
            l->state = FEE_CURRENT;
            int c = fee_applicable_cap(caps, nc, f->service_type, out->inclusive, out->non_profit, today);
            if (c >= 0) {
                l->cap_fen = caps[c].fen;
                l->cap_kind = caps[c].cap_kind;
                l->above_cap = f->fen > caps[c].fen;
            }
            if (f->effective_from > out->last_changed_on) out->last_changed_on = f->effective_from;
        } else {
            l->state = FEE_HISTORY;
        }
    }
    return OK;
}

static json_t *line_json(const struct fee_line *l, bool public_view)
{
    int t = l->service_type;
    json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:o}", "service_type", t >= 0 ? service_type_names[t] : "",
                          "service_type_zh", t >= 0 ? service_type_names_zh[t] : "", "monthly_fen",
                          (json_int_t)l->fen, "unit", t == SVC_HOURLY ? "hour" : "month", "effective_from",
                          json_day(l->effective_from));
    if (public_view) return j;
    json_object_set_new(j, "id", json_integer(l->id));
    json_object_set_new(j, "created_at", json_integer(l->created_at));
    if (l->state == FEE_CURRENT) {
        json_object_set_new(j, "cap_fen", l->cap_fen >= 0 ? json_integer(l->cap_fen) : json_null());
        json_object_set_new(j, "cap_applies_to",
                            l->cap_kind >= 0 ? json_string(fee_cap_kind_names[l->cap_kind]) : json_null());
        json_object_set_new(j, "above_cap", json_boolean(l->above_cap));
    }
    return j;
}

json_t *fee_view_json(const struct fee_view *v, bool history, bool public_view)
{
    json_t *cur = json_array(), *up = json_array(), *hist = json_array();
    for (int i = 0; i < v->n; i++) {
        const struct fee_line *l = &v->lines[i];
        if (l->state == FEE_CURRENT) json_array_append_new(cur, line_json(l, public_view));
        if (l->state == FEE_UPCOMING) json_array_append_new(up, line_json(l, public_view));
        if (history && !public_view) json_array_append_new(hist, line_json(l, false));
    }
    json_t *j = json_pack("{s:I, s:o, s:o, s:o}", "institution_id", (json_int_t)v->institution_id, "current",
                          cur, "upcoming", up, "last_changed_on",
                          json_day_opt(v->last_changed_on > 0, v->last_changed_on));
    if (!public_view) {
        json_object_set_new(j, "inclusive", json_boolean(v->inclusive));
        json_object_set_new(j, "non_profit", json_boolean(v->non_profit));
    }
    if (history && !public_view)
        json_object_set_new(j, "history", hist);
    else
        json_decref(hist);
    return j;
}

/* ---- Writing ------------------------------------------------------------------------------------------ */

/* The rows and the audit entry of a change, without the compliance refresh. */
static enum err insert_fees(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                            const struct fee_item *items, int n, int64_t now)
{
    json_t *after = json_array();
    enum err e = OK;
    for (int i = 0; i < n && e == OK; i++) {
        struct db_val v[] = {DBV_INT(inst_id),      DBV_TEXT(service_type_names[items[i].service_type]),
                             DBV_INT(items[i].fen), DBV_INT(items[i].effective_from),
                             DBV_INT(now),          who ? DBV_INT(who->user_id) : DBV_NULL};
        e = db_exec(
            db,
            "INSERT INTO fee_schedules (institution_id, service_type, fee_fen, effective_from, created_at, "
            "created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            v, DB_NPARAMS(v));
        char d[11];
        json_array_append_new(after, json_pack("{s:s, s:I, s:s}", "service_type",
                                               service_type_names[items[i].service_type], "monthly_fen",
                                               (json_int_t)items[i].fen, "effective_from",
                                               date_format(items[i].effective_from, d)));
    }
    if (e != OK) {
        json_decref(after);
        return e;
    }
    return audit_append(db, who, "fee.set", "institution", inst_id, NULL,
                        json_text(a, json_pack("{s:o}", "items", after)));
}

enum err fee_set_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                       const struct fee_item *items, int n, int64_t now)
{
    enum err e = insert_fees(db, a, who, inst_id, items, n, now);
    if (e != OK) return e;
    return compliance_refresh_in_tx(db, a, inst_id, now);
}

static void read_id(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = db_int(r, 0);
}

enum err fee_cap_add_in_tx(struct db *db, struct arena *a, const struct principal *who, const char *district,
                           int service_type, int cap_kind, int64_t cap_fen, int64_t effective_from,
                           const char *basis, int64_t now, int64_t *id)
{
    struct db_val v[] = {DBV_TEXT(district),
                         DBV_TEXT(service_type_names[service_type]),
                         DBV_TEXT(fee_cap_kind_names[cap_kind]),
                         DBV_INT(cap_fen),
                         DBV_INT(effective_from),
                         DBV_TEXT(basis),
                         DBV_INT(now),
                         who ? DBV_INT(who->user_id) : DBV_NULL};
    enum err e = db_int_query(
        db,
        "INSERT INTO fee_caps (district_code, service_type, applies_to, cap_fen, effective_from, "
        "basis, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        v, DB_NPARAMS(v), id);
    if (e != OK) return e;
    char d[11];
    e = audit_append(
        db, who, "fee_cap.add", "fee_cap", *id, NULL,
        json_text(a, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "district_code", district, "service_type",
                               service_type_names[service_type], "applies_to", fee_cap_kind_names[cap_kind],
                               "cap_fen", (json_int_t)cap_fen, "effective_from",
                               date_format(effective_from, d), "basis", basis)));
    if (e != OK) return e;

    /* Only institutions with a schedule can breach a cap (or hold a fee finding to resolve). Ids first: a
     * statement is not run while another's rows are still being read. */
    struct db_val dv[] = {DBV_TEXT(district)};
    int64_t *ids = NULL;
    int n = 0;
    e = db_get_all(db, a,
                   "SELECT DISTINCT f.institution_id FROM fee_schedules f JOIN institutions i ON i.id = "
                   "f.institution_id WHERE i.district_code = $1 ORDER BY f.institution_id",
                   dv, 1, read_id, sizeof *ids, 0, (void **)&ids, &n);
    for (int i = 0; i < n && e == OK; i++)
        e = compliance_refresh_in_tx(db, a, ids[i], now);
    return e;
}

/* ---- Parsing ------------------------------------------------------------------------------------------ */

struct items_ctx {
    struct fee_item *items;
    bool *given;
};

static void each_item(json_t *v, const char *path, int index, struct field_errors *fe, void *p)
{
    struct items_ctx *c = p;
    struct fee_item *it = &c->items[index];
    it->service_type = -1;
    it->fen = -1;
    it->effective_from = INT64_MIN;
    if (!json_is_object(v)) {
        fe_add(fe, path, "应为对象");
        return;
    }
    struct jspec spec[] = {
        JS_ENUM("service_type", &it->service_type, service_type_names),
        JS_INT("monthly_fen", &it->fen, 0, FEE_MAX_FEN),
        JS_DATE("effective_from", &it->effective_from),
        JS_END,
    };
    jspec_parse(v, spec, path, fe);
}

struct set_ctx {
    struct arena *a;
    const struct principal *who;
    int64_t inst_id, now;
    const struct fee_item *items;
    int n;
};

static enum err set_tx(struct db *db, void *p)
{
    struct set_ctx *c = p;
    return fee_set_in_tx(db, c->a, c->who, c->inst_id, c->items, c->n, c->now);
}

enum err fee_set_json(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                      json_t *body, struct field_errors *fe)
{
    if (!who || who->role != ROLE_OPERATOR || who->institution_id != inst_id) return ERR_NOT_FOUND;
    struct inst_kind k;
    enum err e = inst_kind(db, a, inst_id, &k);
    if (e != OK) return e;
    json_t *arr = json_object_get(body, "items");
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    struct items_ctx c = {arena_zalloc(a, (n + 1) * sizeof *c.items), NULL};
    struct jspec spec[] = {JS_ARRAY("items", each_item, &c, 1, SVC__COUNT), JS_END};
    int before = fe->n;
    jspec_parse(body, spec, "", fe);
    int64_t now = clock_now(), today = clock_day_of(now);
    unsigned seen = 0;
    for (size_t i = 0; n <= SVC__COUNT && i < n; i++) {
        const struct fee_item *it = &c.items[i];
        if (it->service_type >= 0) {
            unsigned bit = 1u << it->service_type;
            if (seen & bit)
                fe_add(fe, arena_printf(a, "items[%zu].service_type", i), "同一服务类型只能出现一次");
            else if (k.types && !(k.types & bit))
                fe_addf(fe, arena_printf(a, "items[%zu].service_type", i), "本机构备案的服务类型不含%s",
                        service_type_names_zh[it->service_type]);
            seen |= bit;
        }
        if (it->effective_from != INT64_MIN && it->effective_from < today)
            fe_add(fe, arena_printf(a, "items[%zu].effective_from", i),
                   "执行日期不能早于今天（收费标准不能追溯调整）");
        else if (it->effective_from != INT64_MIN && it->effective_from > today + 366)
            fe_add(fe, arena_printf(a, "items[%zu].effective_from", i), "执行日期不能晚于一年以后");
    }
    if (fe->n > before) return ERR_VALIDATION;
    struct set_ctx s = {a, who, inst_id, now, c.items, (int)n};
    return db_tx(db, set_tx, &s);
}

struct cap_ctx {
    struct arena *a;
    const struct principal *who;
    const char *district, *basis;
    int service_type, cap_kind;
    int64_t cap_fen, effective_from, now, id;
};

static enum err cap_tx(struct db *db, void *p)
{
    struct cap_ctx *c = p;
    return fee_cap_add_in_tx(db, c->a, c->who, c->district, c->service_type, c->cap_kind, c->cap_fen,
                             c->effective_from, c->basis, c->now, &c->id);
}

enum err fee_cap_add_json(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                          struct field_errors *fe, int64_t *id)
{
    struct cap_ctx c = {.a = a,
                        .who = who,
                        .service_type = -1,
                        .cap_kind = -1,
                        .cap_fen = -1,
                        .effective_from = INT64_MIN,
                        .now = clock_now()};
    struct jspec spec[] = {
        JS_STRING("district_code", &c.district, 6, 6),
        JS_ENUM("service_type", &c.service_type, service_type_names),
        JS_ENUM("applies_to", &c.cap_kind, fee_cap_kind_names),
        JS_INT("cap_fen", &c.cap_fen, 1, FEE_MAX_FEN),
        JS_DATE("effective_from", &c.effective_from),
        JS_STRING("basis", &c.basis, 1, 200),
        JS_END,
    };
    int before = fe->n;
    jspec_parse(body, spec, "", fe);
    if (c.district) {
        const char *name = NULL;
        enum err e = district_name(db, a, c.district, &name);
        if (e == ERR_NOT_FOUND)
            fe_add(fe, "district_code", "不是十堰市的区县代码");
        else if (e != OK)
            return e;
        else if (who && !auth_sees_district(who, c.district))
            return ERR_NOT_FOUND;
    }
    int64_t today = clock_day_of(c.now);
    if (c.effective_from != INT64_MIN && c.effective_from > today + 366)
        fe_add(fe, "effective_from", "执行日期不能晚于一年以后");
    if (fe->n > before) return ERR_VALIDATION;
    enum err e = db_tx(db, cap_tx, &c);
    if (e == OK) *id = c.id;
    return e;
}

/* ---- Listing caps ------------------------------------------------------------------------------------- */

static void read_cap(struct db_rows *r, struct arena *a, void *item)
{
    struct fee_cap_row *o = item;
    o->id = db_int(r, 0);
    o->district_code = db_text_dup(r, 1, a);
    o->district_name = db_text_dup(r, 2, a);
    o->service_type = name_index(service_type_names, db_text(r, 3));
    o->cap_kind = name_index(fee_cap_kind_names, db_text(r, 4));
    o->cap_fen = db_int(r, 5);
    o->effective_from = db_int(r, 6);
    o->basis = db_text_dup(r, 7, a);
    o->created_at = db_int(r, 8);
}

enum err fee_cap_list(struct db *db, struct arena *a, const char *district, bool history, int64_t today,
                      struct fee_cap_row **items, int *n)
{
    struct db_val v[] = {DBV_TEXT(district)};
    int all = 0;
    enum err e = db_get_all(
        db, a,
        "SELECT c.id, c.district_code, d.name, c.service_type, c.applies_to, c.cap_fen, c.effective_from, "
        "c.basis, c.created_at FROM fee_caps c JOIN districts d ON d.code = c.district_code "
        "WHERE (CAST($1 AS TEXT) IS NULL OR c.district_code = $1) "
        "ORDER BY d.sort, c.service_type, c.applies_to, c.effective_from DESC, c.id DESC",
        v, 1, read_cap, sizeof **items, 0, (void **)items, &all);
    *n = 0;
    if (e != OK) return e;
    const char *g_district = NULL; /* the group (district, service type, kind) of the previous row */
    int g_type = -2, g_kind = -2;
    bool g_current = false;
    for (int i = 0; i < all; i++) {
        struct fee_cap_row row = (*items)[i];
        if (!g_district || strcmp(g_district, row.district_code) != 0 || g_type != row.service_type ||
            g_kind != row.cap_kind) {
            g_district = row.district_code;
            g_type = row.service_type;
            g_kind = row.cap_kind;
            g_current = false;
        }
        /* Newest first within a group: the first one in effect today is current; those before it are future.
         */
        if (!g_current && row.effective_from <= today) row.current = g_current = true;
        if (history || row.current || row.effective_from > today) (*items)[(*n)++] = row;
    }
    return OK;
}

/* ---- Demo --------------------------------------------------------------------------------------------- */

struct demo_inst {
    int64_t id;
    char district[8];
    bool inclusive, non_profit;
    unsigned types;
};

static void read_demo_inst(struct db_rows *r, struct arena *a, void *item)
{
    (void)a;
    struct demo_inst *in = item;
    in->id = db_int(r, 0);
    const char *d = db_text(r, 1);
    snprintf(in->district, sizeof in->district, "%s", d ? d : "");
    in->inclusive = db_int(r, 2) != 0;
    in->non_profit = fee_non_profit(db_text(r, 3));
    in->types = (unsigned)db_int(r, 4);
}

struct demo_ctx {
    struct arena *a;
    struct demo_inst *insts;
    int n;
};

static enum err demo_tx(struct db *db, void *p)
{
    struct demo_ctx *c = p;
    int64_t now = clock_now(), today = clock_day_of(now), id = 0;
    static const struct {
        const char *district;
        int type, kind;
        int64_t yuan;
        const char *basis;
    } caps[] = {
        {"420303", SVC_FULL_DAY, CAP_INCLUSIVE, 2000, "张发改价〔2024〕6号（演示数据）"},
        {"420303", SVC_HALF_DAY, CAP_INCLUSIVE, 1200, "张发改价〔2024〕6号（演示数据）"},
        {"420303", SVC_HOURLY, CAP_INCLUSIVE, 40, "张发改价〔2024〕6号（演示数据）"},
        {"420303", SVC_FULL_DAY, CAP_NON_PROFIT, 2400, "张发改价〔2024〕6号（演示数据）"},
        {"420302", SVC_FULL_DAY, CAP_INCLUSIVE, 1900, "茅发改价〔2024〕3号（演示数据）"},
        {"420302", SVC_FULL_DAY, CAP_NON_PROFIT, 2300, "茅发改价〔2024〕3号（演示数据）"},
    };
    enum err e = OK;
    /* Hundreds of audit entries in one transaction: the chain's head is kept in memory until the end. */
    audit_bulk_begin();
    /* Caps first: their refresh then finds no schedule yet; schedules are refreshed below. */
    for (size_t i = 0; i < sizeof caps / sizeof caps[0] && e == OK; i++)
        e = fee_cap_add_in_tx(db, c->a, NULL, caps[i].district, caps[i].type, caps[i].kind,
                              caps[i].yuan * 100, today - 365, caps[i].basis, now, &id);
    bool above_done = false;
    for (int i = 0; i < c->n && e == OK; i++) {
        const struct demo_inst *in = &c->insts[i];
        unsigned types = in->types ? in->types : 1u << SVC_FULL_DAY;
        int64_t spread = (in->id * 37) % 9;
        /* Yuan a month; kept under the demo caps (also after the +100 change below) but for the one on
         * purpose. */
        int64_t full = in->inclusive    ? 1300 + spread * 60
                       : in->non_profit ? 1500 + spread * 80
                                        : 1800 + spread * 150;
        struct fee_item items[SVC__COUNT];
        int n = 0;
        for (int t = 0; t < SVC__COUNT; t++) {
            if (!(types & (1u << t))) continue;
            int64_t yuan = t == SVC_FULL_DAY   ? full
                           : t == SVC_HALF_DAY ? full * 6 / 10
                           : t == SVC_HOURLY   ? 22 + spread * 2
                                               : full / 2;
            items[n++] = (struct fee_item){t, yuan * 100, today - 200};
        }
        e = insert_fees(db, c->a, NULL, in->id, items, n, now);
        /* A later change for some, so that history shows; and one inclusive 张湾区 institution above its cap.
         */
        if (e == OK && !above_done && in->inclusive && strcmp(in->district, "420303") == 0 &&
            (types & (1u << SVC_FULL_DAY))) {
            struct fee_item up = {SVC_FULL_DAY, 2300 * 100, today - 10};
            e = insert_fees(db, c->a, NULL, in->id, &up, 1, now);
            above_done = true;
        } else if (e == OK && in->id % 5 == 0 && (types & (1u << SVC_FULL_DAY))) {
            struct fee_item up = {SVC_FULL_DAY, (full + 100) * 100, today - 30};
            e = insert_fees(db, c->a, NULL, in->id, &up, 1, now);
        }
        /* Only where a cap is set can a fee be a finding: refresh those institutions, and only those. */
        if (e == OK && (strcmp(in->district, "420303") == 0 || strcmp(in->district, "420302") == 0))
            e = compliance_refresh_in_tx(db, c->a, in->id, now);
    }
    /* Always, also after a failure (the rollback then discards what it wrote). */
    enum err end = audit_bulk_end(db);
    return e != OK ? e : end;
}

enum err fee_demo_load(struct db *db, struct arena *a)
{
    struct demo_ctx c = {a, NULL, 0};
    enum err e =
        db_get_all(db, a,
                   "SELECT id, district_code, inclusive, legal_form, service_types FROM institutions "
                   "WHERE state = 'filed' ORDER BY id",
                   NULL, 0, read_demo_inst, sizeof *c.insts, 0, (void **)&c.insts, &c.n);
    if (e != OK || c.n == 0) return e;
    return db_tx(db, demo_tx, &c);
}
