/* The registry of institutions: store (SQL) and handlers. */
#ifndef TUOYU_INST_H
#define TUOYU_INST_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "html/html.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

struct institution {
    int64_t id;
    const char *uscc, *name, *legal_form, *district_code, *district_name, *address, *business_scope,
        *authority;
    int64_t registered_on; /* days */
    const char *state;     /* "registered" | "filed" */
    int64_t version, created_at, updated_at;
    const char *filing_number;         /* NULL until filed */
    int64_t filed_on;                  /* days; 0 until filed */
    int64_t current_filing_id;         /* latest filing version's id, 0 when none */
    const char *current_filing_status; /* status of that version, NULL when none */
    unsigned service_types;            /* bits of enum service_type */
    bool inclusive;
    int64_t places;
    int min_age_months, max_age_months; /* 0 when unknown */
    int64_t fee_min_fen;                /* -1 when unknown */
    bool has_location;
    double lat, lon;
    double distance_km; /* set by searches with near */
    bool home_based;    /* provider kind 家庭托育点 */
};

struct inst_event {
    int64_t at;
    const char *actor, *action, *changes; /* changes: JSON text or NULL */
};

struct inst_filter {
    const char *district; /* NULL: any */
    const char *state;    /* NULL: any */
    int service_type;     /* -1: any */
    int inclusive;        /* -1: any, 0/1 */
    int age_months;       /* -1: any */
    int64_t max_fee_fen;  /* -1: any */
    bool near;
    double lat, lon;
    const char *q; /* name contains, NULL: any */
    int page;      /* 1-based */
    int per_page;  /* default 20, at most 100 */
    int64_t
        unfiled_before; /* > 0: only registered (not filed) institutions registered on or before this day */
    unsigned vacancy_types; /* bits of enum class_type: only institutions with a free place in such a class */
};
void inst_filter_init(struct inst_filter *f);

/* Read the service profile of an institution row (service_types, inclusive, places, min/max age in months,
 * fee_min_fen, lat, lon: eight columns in that order) from column col on into o. Store helper. */
void inst_read_profile(struct db_rows *r, int col, struct institution *o);

/* Read one institution (strings in a). ERR_NOT_FOUND when absent. */
enum err inst_get(struct db *db, struct arena *a, int64_t id, struct institution *out);
/* A page of institutions matching f, ordered by id (or by distance with near), and the total count. */
enum err inst_list(struct db *db, struct arena *a, const struct inst_filter *f, struct institution **items,
                   int *n, int64_t *total);
/* Places by class type (open classes): capacity and children enrolled; known has a bit per type with a class.
 */
enum err inst_vacancies(struct db *db, int64_t id, int64_t capacity[4], int64_t enrolled[4], unsigned *known);
/* The class types (bits) that serve a child of age_months, or every type when age_months < 0. Pure. */
unsigned inst_vacancy_types(int age_months);
/* History of an institution, oldest first. */
enum err inst_history(struct db *db, struct arena *a, int64_t id, struct inst_event **items, int *n);
/* Append a history row (inside the caller's transaction). */
enum err inst_history_add(struct db *db, int64_t id, const char *actor, const char *action,
                          const char *changes);

/* What officials may correct on an institution beyond its registration. */
struct inst_edit {
    bool has_location;
    double lat, lon;
    const char *provider_kind; /* "institution" | "home_based"; NULL: unchanged */
};
/* Apply ed to an institution whose version is still expected_version (optimistic concurrency: two officials
 * editing at once → the second gets ERR_CONFLICT). Writes history and audit, and re-evaluates compliance when
 * the provider kind changes; ERR_NOT_FOUND when absent. */
enum err inst_edit(struct db *db, const struct principal *who, int64_t id, int64_t expected_version,
                   const struct inst_edit *ed);

/* Counts for dashboards: institutions per state for a district (NULL: city). */
struct inst_count {
    const char *district_code, *district_name;
    int64_t registered, filed, places, inclusive_filed;
    int64_t open_violations; /* compliance findings of severity violation not yet resolved */
};
/* One row per district (ordered as the reference table), limited to district when given. */
enum err inst_counts(struct db *db, struct arena *a, const char *district, struct inst_count **rows, int *n);

/* Districts (reference data). */
struct district {
    const char *code, *name, *kind;
    int64_t population; /* -1 unknown */
    int64_t version;
};
enum err district_list(struct db *db, struct arena *a, struct district **items, int *n);
/* The district code of institution id into out (16 bytes, "" when NULL); ERR_NOT_FOUND when there is no such
 * institution. Works inside or outside a transaction. */
enum err inst_district_code(struct db *db, int64_t id, char out[16]);
/* The name of one of our districts into *name (arena). ERR_NOT_FOUND when code is not ours; a database error
 * as itself, so that an outage is never mistaken for a bad code. */
enum err district_name(struct db *db, struct arena *a, const char *code, const char **name);

/* ---- Areas (area.c): the drill-down province → prefecture → county over GB/T 2260 codes ---- */
#define AREA_MAX 8
/* The area the request asks for in ?area= (2 digits: a province, 4: a prefecture, 6: a county) into out
 * ("" for all). A malformed value adds the field error "area" to r->fe and returns OK (the caller answers
 * 422). A county official's area is always their own county; asking for an area that does not hold it is
 * ERR_NOT_FOUND, as for ?district= elsewhere. */
enum err area_from_req(struct req *r, char out[AREA_MAX]);
/* Whether district code lies in area ("" holds every code). */
bool area_holds(const char *area, const char *code);
/* One group of districts at the level shown. */
struct area_group {
    const char *code; /* 2, 4 or 6 digits (or a local code) */
    const char *name; /* the province's, prefecture's or county's name */
    int nrows;        /* districts in it */
};
/* Districts grouped for one level of the drill-down. */
struct area_view {
    const char *area; /* the area shown after descending through single groups; "" for all */
    int level;        /* digits of the groups' codes: 2, 4 or 6 */
    bool nav;         /* worth a breadcrumb: asked for, or more than one province in the data */
    struct area_group *groups;
    int ngroups;
    int *group_of; /* per row: its group, -1 outside the area */
};
/* Group n rows of size bytes, each with a district code and name (const char * at code_off and name_off), in
 * the reference order, for area ("" for all). Without an area the view descends while there is a single
 * group, so a city's data shows its counties. ERR_NOT_FOUND when area holds no row. Arena. */
enum err area_view_build(struct arena *a, const char *area, const void *rows, int n, size_t size,
                         size_t code_off, size_t name_off, struct area_view *out);
/* The breadcrumb 全国 › 省 › 地市 with links to path?area=…; nothing when !v->nav. path: a literal path. */
void area_breadcrumb(struct html *h, struct arena *a, const struct area_view *v, const char *path);
/* A group's name, linked to path?area=code when it can be drilled into. */
void area_group_link(struct html *h, const struct area_view *v, const struct area_group *g, const char *path);

/* A count per district, for grouped queries of other modules. */
struct district_count {
    const char *code;
    int64_t n;
};

/* A lookup from district code to row: codes sorted once, then binary search (no O(n²) joins in C). */
struct code_map {
    struct code_entry *entries;
    int n;
};
/* Index n rows of size bytes by the const char * code at code_off (NULL codes skipped). Arena; the rows must
 * outlive the map. */
void code_map_build(struct code_map *m, struct arena *a, const void *rows, int n, size_t size,
                    size_t code_off);
/* The row of code, or -1. */
int code_map_find(const struct code_map *m, const char *code);

/* JSON of an institution for officials (all registry fields). */
json_t *inst_to_json(const struct institution *i);

/* Handlers. */
enum err inst_api_list(struct req *r, struct resp *out);
enum err inst_api_unfiled(struct req *r, struct resp *out);
enum err inst_api_get(struct req *r, struct resp *out);
enum err inst_api_patch(struct req *r, struct resp *out);
enum err district_api_list(struct req *r, struct resp *out);
enum err district_api_patch(struct req *r, struct resp *out);
enum err dashboard_api(struct req *r, struct resp *out);
enum err user_api_create(struct req *r, struct resp *out);
enum err session_api_login(struct req *r, struct resp *out);
enum err session_api_get(struct req *r, struct resp *out);
enum err session_api_logout(struct req *r, struct resp *out);
enum err health_api(struct req *r, struct resp *out);
enum err metrics_api(struct req *r, struct resp *out);
enum err public_api_search(struct req *r, struct resp *out);
enum err public_api_get(struct req *r, struct resp *out);

/* Pages. */
enum err page_portal(struct req *r, struct resp *out);             /* GET / */
enum err page_public_institution(struct req *r, struct resp *out); /* GET /institutions/{id} */
enum err page_login(struct req *r, struct resp *out);              /* GET /login */
enum err page_login_post(struct req *r, struct resp *out);         /* POST /login */
enum err page_logout_post(struct req *r, struct resp *out);        /* POST /logout */
enum err page_dashboard(struct req *r, struct resp *out);          /* GET /dash */
enum err page_institutions(struct req *r, struct resp *out);       /* GET /dash/institutions */
enum err page_institution(struct req *r, struct resp *out);        /* GET /dash/institutions/{id} */
enum err page_filings(struct req *r, struct resp *out);            /* GET /dash/filings */
enum err page_filing(struct req *r, struct resp *out);             /* GET /dash/filings/{id} */
enum err page_filing_decide(struct req *r, struct resp *out);      /* POST /dash/filings/{id}/decision */
enum err page_operator(struct req *r, struct resp *out);           /* GET /operator */
enum err page_operator_filing(struct req *r, struct resp *out);    /* POST /operator/filing */
enum err page_operator_attach(struct req *r, struct resp *out);    /* POST /operator/filing/attachments */
enum err page_users(struct req *r, struct resp *out);              /* GET /dash/users */
enum err page_users_post(struct req *r, struct resp *out);         /* POST /dash/users */

#endif
