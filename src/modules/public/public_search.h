/* The public search over filed institutions (the portal's list and GET /api/v1/public/institutions): a page
 * of 20 in a stable, total order — by id, or by distance then id with near — reached either by page number or
 * by a keyset cursor (after), with the exact count of matches. Filed institutions only; nothing about
 * persons. */
#ifndef TUOYU_PUBLIC_SEARCH_H
#define TUOYU_PUBLIC_SEARCH_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/institution/inst.h"

#include <stdbool.h>
#include <stdint.h>

#define PUB_PER_PAGE   20
#define PUB_PAGE_MAX   100000 /* the largest page number accepted */
#define PUB_CURSOR_MAX 40     /* bytes of a cursor with its NUL */

struct pub_filter {
    const char *district;   /* NULL: any */
    int service_type;       /* -1: any */
    int inclusive;          /* -1: any, 0/1 */
    int age_months;         /* -1: any */
    int64_t max_fee_fen;    /* -1: any */
    unsigned vacancy_types; /* bits of enum class_type: only institutions with a free place in such a class */
    bool near;              /* sort by distance from (lat, lon), then id */
    double lat, lon;
    int page;       /* 1-based; ignored when has_after */
    bool has_after; /* keyset: rows strictly after (after_key, after_id) in the order */
    int64_t after_id;
    double after_key; /* near only: the sort key (squared scaled degrees) of the row the cursor names */
};
void pub_filter_init(struct pub_filter *f);

struct pub_item {
    struct institution in; /* the public fields only: no USCC, scope, authority or filing state */
    double sort_key;       /* near: squared scaled degrees; 0 otherwise */
    unsigned vac_known;    /* bits of enum class_type with an open class */
    int64_t vac_free[4];   /* free places per class type (capacity − children enrolled, at least 0) */
};

struct pub_page {
    struct pub_item *items; /* in the arena */
    int n;                  /* at most PUB_PER_PAGE */
    int64_t total;          /* every match, exact */
    bool more;              /* a match follows the last item */
};

/* One page of f into *out (strings and items in a), with every item's free places: three queries whatever the
 * page (count, rows, vacancies), each on an index when the filter is a district or none. A database error as
 * itself. Blocks on the database. */
enum err pub_search(struct db *db, struct arena *a, const struct pub_filter *f, struct pub_page *out);

/* The cursor naming item (the last of a page) for a search with or without near, into out. Pure. */
void pub_cursor_format(const struct pub_item *item, bool near, char out[PUB_CURSOR_MAX]);
/* Read a cursor given as ?after= into f (has_after, after_id, after_key); false when s is not a cursor that
 * pub_cursor_format writes for a search of the same kind (near or not). Pure. */
bool pub_cursor_parse(const char *s, bool near, struct pub_filter *f);

#endif
