/* SQL of the public search (public_search.h). The WHERE names only the filters given; every column they test
 * is in the covering partial indexes of schema 20, so the count and the page never read a table row but the
 * 20 they answer (the vacancy filter aside, which counts children per class). A statement text per
 * combination of filters: a few dozen at most, each prepared once per connection. */
#include "modules/filing/filing.h"
#include "modules/public/public_search.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pub_filter_init(struct pub_filter *f)
{
    memset(f, 0, sizeof *f);
    f->service_type = -1;
    f->inclusive = -1;
    f->age_months = -1;
    f->max_fee_fen = -1;
    f->page = 1;
}

/* The match condition of f (alias i) into w, its parameters into q: only the filters given, so that an
 * unfiltered count runs no test per index entry beyond the range itself (five "$n IS NULL OR …" tests on each
 * of 100,000 entries were most of a national count). */
static void match_where(struct db_sqlq *q, struct buf *w, const struct pub_filter *f)
{
    /* The literal 'filed' (not a parameter) lets both engines use the partial indexes WHERE state = 'filed'.
     */
    buf_adds(w, "i.state = 'filed'");
    if (f->district) buf_printf(w, " AND i.district_code = $%d", db_sqlq_param(q, DBV_TEXT(f->district)));
    if (f->service_type >= 0)
        buf_printf(w, " AND (i.service_types & $%d) <> 0", db_sqlq_param(q, DBV_INT(1 << f->service_type)));
    if (f->inclusive >= 0) buf_printf(w, " AND i.inclusive = $%d", db_sqlq_param(q, DBV_INT(f->inclusive)));
    if (f->age_months >= 0) {
        int k = db_sqlq_param(q, DBV_INT(f->age_months));
        buf_printf(w, " AND i.min_age_months <= $%d AND i.max_age_months >= $%d", k, k);
    }
    if (f->max_fee_fen >= 0)
        buf_printf(w, " AND i.fee_min_fen <= $%d", db_sqlq_param(q, DBV_INT(f->max_fee_fen)));
    if (f->vacancy_types)
        buf_printf(
            w,
            " AND EXISTS (SELECT 1 FROM classes c WHERE c.institution_id = i.id AND c.closed_on IS NULL "
            "AND ((CASE c.type WHEN 'infant' THEN 1 WHEN 'toddler' THEN 2 WHEN 'older' THEN 4 ELSE 8 END) "
            "& $%d) <> 0 AND c.capacity > (SELECT COUNT(*) FROM children ch WHERE ch.class_id = c.id "
            "AND ch.end_on IS NULL))",
            db_sqlq_param(q, DBV_INT(f->vacancy_types)));
}

#define PUB_COLS                                                                                             \
    "i.id, i.name, i.district_code, d.name, i.address, i.filing_number, i.filed_on, i.service_types, "       \
    "i.inclusive, i.places, i.min_age_months, i.max_age_months, i.fee_min_fen, i.lat, i.lon"
#define PUB_NCOLS 15

static void read_item(struct db_rows *r, struct arena *a, struct pub_item *it)
{
    memset(it, 0, sizeof *it);
    struct institution *o = &it->in;
    o->id = db_int(r, 0);
    o->name = db_text_dup(r, 1, a);
    o->district_code = db_text_dup(r, 2, a);
    o->district_name = db_text_dup(r, 3, a);
    o->address = db_text_dup(r, 4, a);
    o->filing_number = db_text_dup(r, 5, a);
    o->filed_on = db_isnull(r, 6) ? 0 : db_int(r, 6);
    o->state = "filed";
    inst_read_profile(r, 7, o);
}

/* Free places per class type of the page's institutions, in one query. */
static enum err page_vacancies(struct db *db, struct pub_page *p)
{
    if (p->n == 0) return OK;
    struct db_val v[PUB_PER_PAGE];
    for (int i = 0; i < PUB_PER_PAGE; i++)
        v[i] = i < p->n ? DBV_INT(p->items[i].in.id) : DBV_NULL;
    struct db_rows *r = NULL;
    enum err e =
        db_query(db,
                 "SELECT c.institution_id, c.type, SUM(c.capacity), SUM((SELECT COUNT(*) FROM children ch "
                 "WHERE ch.class_id = c.id AND ch.end_on IS NULL)) FROM classes c "
                 "WHERE c.closed_on IS NULL AND c.institution_id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                 "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) "
                 "GROUP BY c.institution_id, c.type",
                 v, PUB_PER_PAGE, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        int64_t id = db_int(r, 0);
        const char *type = db_text(r, 1);
        int t = 0;
        while (t < CLASS__COUNT && !(type && strcmp(type, class_type_names[t]) == 0))
            t++;
        if (t == CLASS__COUNT) continue;
        int64_t cap = db_int(r, 2), enrolled = db_int(r, 3);
        for (int i = 0; i < p->n; i++)
            if (p->items[i].in.id == id) {
                p->items[i].vac_known |= 1u << t;
                p->items[i].vac_free[t] = cap > enrolled ? cap - enrolled : 0;
            }
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err pub_search(struct db *db, struct arena *a, const struct pub_filter *f, struct pub_page *out)
{
    memset(out, 0, sizeof *out);
    struct db_sqlq q = {.sql = BUF_INIT};
    struct buf w = BUF_INIT, dist = BUF_INIT;
    struct db_rows *r = NULL;
    match_where(&q, &w, f);
    int nmatch = q.n;
    enum err e = OK;

    buf_printf(&q.sql, "SELECT COUNT(*) FROM institutions i WHERE %s", w.p);
    e = db_int_query(db, q.sql.p, q.v, nmatch, &out->total);
    if (e != OK) goto done;

    q.sql.len = 0;
    if (f->near) {
        /* Squared degrees with longitude scaled by cos(latitude): the order of great-circle distance at a
         * city's scale, and cheap enough to compute for every match. */
        double coslat = cos(f->lat * M_PI / 180.0);
        int la = db_sqlq_param(&q, DBV_REAL(f->lat)), lo = db_sqlq_param(&q, DBV_REAL(f->lon)),
            sc = db_sqlq_param(&q, DBV_REAL(coslat * coslat > 0 ? coslat : 1e-9));
        buf_printf(&dist, "((i.lat - $%d) * (i.lat - $%d) + (i.lon - $%d) * $%d * (i.lon - $%d) * $%d)", la,
                   la, lo, sc, lo, sc);
        buf_printf(&q.sql,
                   "SELECT " PUB_COLS ", %s FROM institutions i JOIN districts d ON d.code = i.district_code "
                   "WHERE %s AND i.lat IS NOT NULL AND i.lon IS NOT NULL",
                   dist.p, w.p);
        if (f->has_after) {
            int kk = db_sqlq_param(&q, DBV_REAL(f->after_key)), ki = db_sqlq_param(&q, DBV_INT(f->after_id));
            buf_printf(&q.sql, " AND (%s > $%d OR (%s = $%d AND i.id > $%d))", dist.p, kk, dist.p, kk, ki);
        }
        buf_printf(&q.sql, " ORDER BY %s, i.id LIMIT %d", dist.p, PUB_PER_PAGE + 1);
        /* Every match is sorted by distance anyway: an offset costs no more than the sort. */
        if (!f->has_after && f->page > 1)
            buf_printf(&q.sql, " OFFSET $%d",
                       db_sqlq_param(&q, DBV_INT((int64_t)(f->page - 1) * PUB_PER_PAGE)));
    } else {
        buf_printf(&q.sql,
                   "SELECT " PUB_COLS ", 0 FROM institutions i JOIN districts d ON d.code = i.district_code "
                   "WHERE %s",
                   w.p);
        if (f->has_after) {
            buf_printf(&q.sql, " AND i.id > $%d", db_sqlq_param(&q, DBV_INT(f->after_id)));
        } else if (f->page > 1) {
            /* A page by number: the offset is skipped in the narrow covering index, not over table rows, and
             * the page then starts at that id like a cursor would. */
            buf_printf(
                &q.sql,
                " AND i.id >= (SELECT i.id FROM institutions i WHERE %s ORDER BY i.id LIMIT 1 OFFSET $%d)",
                w.p, db_sqlq_param(&q, DBV_INT((int64_t)(f->page - 1) * PUB_PER_PAGE)));
        }
        buf_printf(&q.sql, " ORDER BY i.id LIMIT %d", PUB_PER_PAGE + 1);
    }
    e = db_query(db, q.sql.p, q.v, q.n, &r);
    if (e != OK) goto done;
    out->items = arena_alloc(a, (size_t)PUB_PER_PAGE * sizeof *out->items);
    int k;
    while ((k = db_next(r)) == 1) {
        if (out->n == PUB_PER_PAGE) {
            out->more = true;
            break;
        }
        struct pub_item *it = &out->items[out->n++];
        read_item(r, a, it);
        if (f->near) {
            it->sort_key = db_real(r, PUB_NCOLS);
            /* Squared degrees (longitude scaled) to kilometres: 111.2 km per degree of latitude. */
            it->in.distance_km = sqrt(it->sort_key) * 111.195;
        }
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    if (e == OK) e = page_vacancies(db, out);
done:
    buf_free(&q.sql);
    buf_free(&w);
    buf_free(&dist);
    return e;
}

/* Cursors: "<id>" in id order; "<16 hex digits of the sort key's IEEE-754 bits>.<id>" with near, so the key
 * goes back to the database bit for bit and the row named is passed exactly. */
void pub_cursor_format(const struct pub_item *item, bool near, char out[PUB_CURSOR_MAX])
{
    if (!near) {
        snprintf(out, PUB_CURSOR_MAX, "%" PRId64, item->in.id);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &item->sort_key, sizeof bits);
    snprintf(out, PUB_CURSOR_MAX, "%016" PRIx64 ".%" PRId64, bits, item->in.id);
}

/* A positive id in decimal without sign, spaces or leading zeros, and nothing after it. */
static bool parse_id(const char *s, int64_t *id)
{
    if (!s || *s < '1' || *s > '9' || strlen(s) > 18) return false;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
    }
    *id = v;
    return true;
}

bool pub_cursor_parse(const char *s, bool near, struct pub_filter *f)
{
    int64_t id;
    if (!s) return false;
    if (!near) {
        if (!parse_id(s, &id)) return false;
        f->after_key = 0;
    } else {
        uint64_t bits = 0;
        int i = 0;
        for (; i < 16; i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return false;
            bits = bits << 4 | (uint64_t)d;
        }
        if (s[16] != '.' || !parse_id(s + 17, &id)) return false;
        double key;
        memcpy(&key, &bits, sizeof key);
        /* A squared distance: finite and not negative (−0 included, written by no search). */
        if (!isfinite(key) || key < 0 || signbit(key)) return false;
        f->after_key = key;
    }
    f->has_after = true;
    f->after_id = id;
    return true;
}
