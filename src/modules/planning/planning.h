/* Planning (issue 7): residents and births per district and year, places needed for the target per 1,000
 * residents (and a second target year), the gap, a projection of children under three from births, monthly
 * trend snapshots; the city, county and institution dashboards with SVG charts. Owner: module planning. */
#ifndef TUOYU_PLANNING_H
#define TUOYU_PLANNING_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/institution/inst.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- For other modules (demand, reports) ----------------------------------------------------------------
 */

/* The planning figures of district (a district code; NULL: the whole city) for year: *residents the residents
 * recorded for that year (the latest earlier year's, else the district's census figure; 0 when unknown),
 * *needed the places needed at the configured target per 1,000 residents (rounded up), *places the approved
 * places of the district's filed institutions today. Any out pointer may be NULL. Reads only. ERR_NOT_FOUND
 * for an unknown district, ERR_DB on failure. */
enum err planning_needed(struct db *db, const char *district, int year, int64_t *residents, int64_t *needed,
                         int64_t *places);
/* One district's residents, places needed at the first target and filed places, as planning_needed gives. */
struct plan_need {
    const char *code;
    int64_t residents, needed, places;
};
/* planning_needed for every district at once (district NULL), or for one: rows in the districts' order, one
 * query with no per-district round trip and no children counted. Arena. Reads only; ERR_DB on failure. */
enum err planning_needs(struct db *db, struct arena *a, int year, const char *district,
                        struct plan_need **rows, int *n);

/* ---- Rules (planning_rules.c; pure) -------------------------------------------------------------------- */

/* Targets are held in thousandths of a place per 1,000 residents (4.5 → 4500) so that the places needed are
 * computed exactly with integers. */
#define PLAN_TARGET_DEFAULT       4500 /* the national 2025 target, 4.5 per 1,000 */
#define PLAN_TARGET_YEAR_DEFAULT  2025
#define PLAN_TARGET2_DEFAULT      4500 /* no national figure after 2025 is known: the city sets it */
#define PLAN_TARGET2_YEAR_DEFAULT 2030
#define PLAN_TARGET_MAX           100000 /* 100 per 1,000 */
#define PLAN_YEAR_MIN             2000
#define PLAN_YEAR_MAX             2100
#define PLAN_RESIDENTS_MAX        100000000
#define PLAN_SOURCE_MAX           200
/* Settings keys (table settings). */
#define PLAN_SETTING_TARGET       "planning.target_milli"
#define PLAN_SETTING_TARGET_YEAR  "planning.target_year"
#define PLAN_SETTING_TARGET2      "planning.target2_milli"
#define PLAN_SETTING_TARGET2_YEAR "planning.target2_year"

/* The places needed for residents at target_milli thousandths of a place per 1,000 residents, rounded up:
 * ceil(residents × target_milli / 1,000,000), exact in integers. 0 for residents or target ≤ 0. */
int64_t plan_needed(int64_t residents, int64_t target_milli);
/* The gap: needed − places, never below 0. */
int64_t plan_gap(int64_t needed, int64_t places);
/* Places per 1,000 residents in thousandths, rounded half up (3.52 per 1,000 → 3520); -1 when residents ≤ 0.
 */
int64_t plan_per_1000_milli(int64_t places, int64_t residents);
/* part / whole in per mille (0..1000), rounded half up; -1 when whole ≤ 0. */
int64_t plan_permille(int64_t part, int64_t whole);
/* Vacancies: places − enrolled, never below 0. */
int64_t plan_vacancies(int64_t places, int64_t enrolled);
/* A target typed as a decimal per 1,000 ("4.5", "4.55", "6") → thousandths in *milli; false for anything
 * else or outside 0.001..100. */
bool plan_target_parse(const char *s, int64_t *milli);
/* Check a population entry: year PLAN_YEAR_MIN..PLAN_YEAR_MAX, residents 1..PLAN_RESIDENTS_MAX, births
 * (-1: not given) 0..residents/10 (a crude birth rate above 100 per 1,000 is a typing error), source at most
 * PLAN_SOURCE_MAX characters. Appends every bad field to fe (Chinese messages). */
void plan_population_check(int64_t year, int64_t residents, int64_t births, const char *source,
                           struct field_errors *fe);

/* Children under three from births. The children under three at the end of year Y are taken to be the births
 * of Y, Y−1 and Y−2 (mortality and migration of infants are ignored: both are small against births). Future
 * births are extrapolated linearly from the recorded years: the mean yearly change over the last up to three
 * intervals of consecutive recorded years, added to the last recorded births once per year ahead, never below
 * 0. */
#define PLAN_PROJ_MAX 32
struct plan_proj_year {
    int year;
    int64_t births;      /* recorded or projected */
    bool projected;      /* births extrapolated */
    int64_t under_three; /* -1: not enough years of births before it */
};
/* years[0..n) strictly increasing with births[0..n) (≥ 0) are the recorded births. Fills out with the years
 * from the first recorded year to last_year (at most PLAN_PROJ_MAX years; recorded gaps are filled by linear
 * interpolation between their neighbours and marked projected) and returns how many; 0 when n == 0. Pure. */
int plan_project(const int *years, const int64_t *births, int n, int last_year, struct plan_proj_year *out);

/* ---- Store (planning_store.c) ---------------------------------------------------------------------------
 */

struct plan_settings {
    int64_t target, target2; /* thousandths per 1,000 */
    int year, year2;
};
/* The configured targets (defaults when unset). Never fails: a bad stored value gives the default. */
void planning_settings_get(struct db *db, struct plan_settings *out);
/* Set them (admin/city; who NULL = system), audit-logged. ERR_VALIDATION with fe for bad values. */
enum err planning_settings_set(struct db *db, const struct principal *who, const struct plan_settings *in,
                               struct field_errors *fe);

/* One district (or the city total: code NULL) in a year. */
struct plan_row {
    const char *code, *name;
    int64_t residents;  /* 0 unknown */
    int residents_year; /* the year of the row used; 0: the census figure (or unknown) */
    const char *source; /* of the residents figure; NULL */
    int64_t births;     /* of the year; -1 unknown */
    int64_t version;    /* of the year's own row; 0 when none */
    int64_t filed, places, inclusive_places, enrolled, vacancies;
    int64_t needed, gap, needed2, gap2;
    int64_t per_1000_milli;     /* -1 unknown */
    int64_t inclusive_permille; /* -1 when no places */
};
struct plan_table {
    int year;
    struct plan_settings s;
    struct plan_row *rows; /* arena; one per district in the districts' order */
    int n;
    struct plan_row total; /* the city (or, with a district filter, that district again) */
};
/* The planning table of year; district NULL: every district and the city total, else that district only.
 * Places, filed institutions, enrolment and vacancies are today's. ERR_NOT_FOUND for an unknown district. */
enum err planning_table(struct db *db, struct arena *a, int year, const char *district,
                        struct plan_table *out);
/* Regroup a planning table of every district (planning_table with district NULL) to one level of the
 * drill-down: v built over t->rows. Below the county level each row becomes a group (code and name of the
 * province or prefecture; figures summed, then needed, gaps and ratios derived from the sums); at the county
 * level the rows outside the area are dropped. The total becomes the area's. Arena. */
void planning_table_regroup(struct plan_table *t, struct arena *a, const struct area_view *v);

/* Enter residents and births (births -1: unknown) of a district and year. City officials and admins for any
 * district; county officials only their own (ERR_FORBIDDEN otherwise). expected_version 0 skips the version
 * check, else ERR_CONFLICT when stale. ERR_NOT_FOUND for an unknown district, ERR_VALIDATION with fe. One
 * transaction with its audit entry; *version gets the new version. */
enum err planning_population_put(struct db *db, struct arena *a, const struct principal *who,
                                 const char *district, int year, int64_t residents, int64_t births,
                                 const char *source, int64_t expected_version, struct field_errors *fe,
                                 int64_t *version);

/* A month of the trends (district or city). */
struct plan_month {
    char month[8]; /* YYYY-MM */
    bool live;     /* computed now rather than recorded */
    int64_t filed, places, inclusive_places, enrolled, vacancies;
};
/* The recorded snapshots of the last months months (1..120) up to the current month, and the current month
 * computed live (it replaces a snapshot of the same month), oldest first. district NULL: city sums. Arena. */
enum err planning_trends(struct db *db, struct arena *a, const char *district, int months,
                         struct plan_month **items, int *n);
/* Record this month's figures for every district (upsert), audit-logged; *month gets it. */
enum err planning_snapshot_record(struct db *db, const struct principal *who, char month[8]);

/* The recorded births of district (NULL: the city, summing the districts that recorded each year) projected
 * to last_year (see plan_project). Arena. */
enum err planning_projection(struct db *db, struct arena *a, const char *district, int last_year,
                             struct plan_proj_year **items, int *n);

/* One institution's dashboard. */
struct plan_class {
    const char *name, *type;
    int64_t capacity, enrolled;
};
struct plan_inst {
    int64_t id;
    const char *name, *district_code, *district_name, *state;
    bool inclusive;
    int64_t places, enrolled, vacancies;
    struct plan_class *classes; /* open classes */
    int nclasses;
    /* enrolment at the end of each of the last 12 months (the last one: today), oldest first */
    char months[12][8];
    int64_t enrolled_at[12];
};
/* ERR_NOT_FOUND for an unknown institution. Territory is the caller's check. */
enum err planning_institution(struct db *db, struct arena *a, int64_t id, struct plan_inst *out);

/* Demo: residents and births 2020–2026 for every district and 24 monthly snapshots leading up to today's
 * live figures. Deterministic; one transaction (actor: system). Run after the institutions and children. */
enum err planning_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (planning_api.c, planning_pages.c) --------------------------------------------------------
 */

enum err planning_api_get(struct req *r, struct resp *out);            /* GET /api/v1/planning */
enum err planning_api_population_put(struct req *r, struct resp *out); /* PUT …/population/{code}/{year} */
enum err planning_api_trends(struct req *r, struct resp *out);         /* GET …/trends */
enum err planning_api_projection(struct req *r, struct resp *out);     /* GET …/projection */
enum err planning_api_snapshot(struct req *r, struct resp *out);       /* POST …/snapshots */
enum err planning_api_settings_put(struct req *r, struct resp *out);   /* PUT …/settings */

enum err page_planning(struct req *r, struct resp *out);                 /* GET /dash/planning */
enum err page_planning_population(struct req *r, struct resp *out);      /* GET /dash/planning/population */
enum err page_planning_population_post(struct req *r, struct resp *out); /* POST /dash/planning/population */
enum err page_planning_settings_post(struct req *r, struct resp *out);   /* POST /dash/planning/settings */
enum err page_planning_snapshot_post(struct req *r, struct resp *out);   /* POST /dash/planning/snapshot */
enum err page_inst_dashboard(struct req *r, struct resp *out);     /* GET /dash/institutions/{id}/dashboard */
enum err page_operator_dashboard(struct req *r, struct resp *out); /* GET /operator/dashboard */

#endif
