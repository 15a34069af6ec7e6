/* Facilities (服务供给, the plan's section 2.2 and 3): communities (社区/村) per district, urban or rural,
 * and whether each has a childcare facility, with the goal that by the end of 2025 every urban community has
 * one (coverage); new residential areas (新建居住区) and the facility their planning requires, accepted and
 * delivered with the housing and handed over to the county education bureau (with a kindergarten) or health
 * bureau (standalone), late ones flagged; mother-and-baby rooms (母婴室) in workplaces and public places.
 * facilities_rules.c holds the pure rules (transition table, lateness, coverage, validation),
 * facilities_store.c the SQL, facilities_api.c and facilities_pages.c the handlers. */
#ifndef TUOYU_FACILITIES_H
#define TUOYU_FACILITIES_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "json/jspec.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- For other modules --------------------------------------------------------------------------------- */

/* Communities of district (a district code; NULL: the whole city): urban ones and those of them with a
 * childcare facility, rural ones and those with one. Any out pointer may be NULL. Reads only. ERR_DB. */
enum err facilities_coverage(struct db *db, const char *district /* NULL city */, int64_t *urban,
                             int64_t *urban_with, int64_t *rural, int64_t *rural_with);
/* The number of late residential projects of district (NULL: the city) today (facilities_project_late with
 * the "facilities.handover_days" setting). Reads only. */
enum err facilities_late_projects(struct db *db, const char *district, int64_t *n);

/* ---- Rules (facilities_rules.c; pure) ------------------------------------------------------------------ */

enum project_status { PS_PLANNED, PS_BUILT, PS_ACCEPTED, PS_HANDED_OVER, PS__COUNT };
extern const char *const project_status_names[];    /* planned built accepted handed_over NULL */
extern const char *const project_status_names_zh[]; /* 规划中 已建成 已验收 已移交 */
enum facility_form { FF_STANDALONE, FF_WITH_KINDERGARTEN, FF__COUNT };
extern const char *const facility_form_names[];    /* standalone with_kindergarten NULL */
extern const char *const facility_form_names_zh[]; /* 独立设置 与幼儿园合建 */
enum handed_to { HT_EDUCATION, HT_HEALTH, HT__COUNT };
extern const char *const handed_to_names[];    /* education health NULL */
extern const char *const handed_to_names_zh[]; /* 县级教育部门 县级卫生健康部门 */
enum room_status { MB_PLANNED, MB_OPEN, MB_CLOSED, MB__COUNT };
extern const char *const room_status_names[];    /* planned open closed NULL */
extern const char *const room_status_names_zh[]; /* 建设中 开放 已关闭 */
enum place_kind { PLACE_WORKPLACE, PLACE_PUBLIC, PLACE__COUNT };
extern const char *const place_kind_names[];    /* workplace public NULL */
extern const char *const place_kind_names_zh[]; /* 用人单位 公共场所 */
enum promoter { PM_UNION, PM_WOMEN_FEDERATION, PM_HEALTH, PM_OTHER, PM__COUNT };
extern const char *const promoter_names[];          /* union women_federation health other NULL */
extern const char *const promoter_names_zh[];       /* 工会 妇联 卫生健康部门 其他 */
extern const char *const community_kind_names[];    /* community village NULL */
extern const char *const community_kind_names_zh[]; /* 社区 村 */

/* Index of s in a NULL-terminated list of names; -1 for NULL or unknown. */
int facilities_name_index(const char *const *names, const char *s);
/* Chinese of name in names/zh, "未知" when unknown. Static storage. */
const char *facilities_zh(const char *const *names, const char *const *zh, const char *name);

/* One step of the project workflow: from, to, the roles that may take it and whether it needs handed_to. */
struct project_transition {
    int from, to;
    unsigned roles;
    bool needs_handed_to;
};
/* The table (planned→built→accepted→handed_over) and (n not NULL) its length. Static storage. */
const struct project_transition *project_transitions(int *n);
/* OK when role may move a project from to to; ERR_FORBIDDEN when role takes no step of the table, ERR_STATE
 * when it does but not this one. */
enum err project_check(int from, int to, unsigned role);
/* The department a facility of form goes to by the plan: with a kindergarten → education, standalone →
 * health. */
int project_handover_department(int form);
/* Check a move's fields (after project_check said OK): day (a calendar day) not after today and not before
 * the previous step's day (prev_day, 0: none); handed_to (-1: none) required for handed_over and matching
 * the facility form. Every problem is added to fe ("day", "handed_to"). Returns true when none. */
bool project_move_valid(int to, int64_t day, int64_t prev_day, int handed_to, int form, int64_t today,
                        struct field_errors *fe);

/* Lateness of a residential project's facility on day today (see facilities_rules.c for the rule). */
enum project_late { PL_NONE, PL_NOT_ACCEPTED, PL_NOT_HANDED_OVER };
#define FACILITIES_HANDOVER_DAYS_SETTING "facilities.handover_days"
#define FACILITIES_HANDOVER_DAYS_DEFAULT 90
enum project_late project_late(int status, int64_t housing_delivery_day, int64_t accepted_day, int64_t today,
                               int64_t handover_days);
/* Chinese reason of a lateness; "" for PL_NONE. Static storage. */
const char *project_late_zh(enum project_late l);

/* Coverage: urban communities with a facility over urban communities, and the same for rural ones. */
struct coverage {
    int64_t urban, urban_with, rural, rural_with;
};
/* The share in per mille (0..1000, rounded down), -1 when total is 0. */
int coverage_permille(int64_t with, int64_t total);
/* The plan's goal: every urban community with a facility by the end of 2025 (day FACILITIES_GOAL_DAY). */
#define FACILITIES_GOAL_YEAR 2025
enum goal_state { GOAL_NA, GOAL_MET, GOAL_ON_TRACK, GOAL_MISSED };
/* GOAL_NA without urban communities, GOAL_MET when all have one, else GOAL_ON_TRACK until 31 December 2025
 * and GOAL_MISSED after. */
enum goal_state coverage_goal(const struct coverage *c, int64_t today);
const char *coverage_goal_zh(enum goal_state g);

/* Bounds of the registers' fields. */
#define FAC_TEXT_MAX  100
#define FAC_NOTE_MAX  1000
#define FAC_HOMES_MAX 100000
#define FAC_AREA_MAX  100000
#define FAC_CODE_MAX  20
/* A community's code: 1..20 ASCII letters or digits. NULL when valid, else a Chinese message (static). */
const char *community_code_problem(const char *code);
/* Whether a territory rule lets role write in district target: city officials and admins everywhere, county
 * officials in their own district (own), no one else (unit officers are handled by the rooms' own rule). */
bool facilities_may_write(unsigned role, const char *own, const char *target);
/* Which promoter a unit officer's unit stands for: "trade_union" → PM_UNION, "womens_federation" →
 * PM_WOMEN_FEDERATION, "health_commission" → PM_HEALTH; -1 for any other unit (they may not register rooms).
 */
int facilities_unit_promoter(const char *unit);

/* The roles that write the registers (county officials in their own district only). */
#define FACILITIES_WRITERS (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY)

/* ---- Store (facilities_store.c) ------------------------------------------------------------------------ */

struct community {
    int64_t id;
    const char *district_code, *district_name, *code, *name, *street, *kind;
    bool urban, has_facility;
    const char *facility_note; /* NULL */
    int64_t version, created_at, updated_at;
};
/* Input of a create or an update. For an update, fields not given keep the current value (set_* flags). */
struct community_in {
    const char *district_code, *code, *name, *street;
    int kind;                /* index of community_kind_names, -1 none */
    int urban, has_facility; /* 0/1, -1 none */
    const char *facility_note;
    bool set_note;
};
struct community_filter {
    const char *district; /* NULL any */
    int urban;            /* -1 any */
    int has_facility;     /* -1 any */
    const char *q;        /* name contains; NULL any */
    int page;
};
#define COMMUNITY_PER_PAGE 100

enum err community_get(struct db *db, struct arena *a, int64_t id, struct community *out);
enum err community_list(struct db *db, struct arena *a, const struct community_filter *f,
                        struct community **items, int *n, int64_t *total);
/* Create (who NULL: system). Territory: ERR_FORBIDDEN outside who's district. A taken code: ERR_VALIDATION
 * with "code". Field problems: ERR_VALIDATION in fe. One transaction with its audit entry. */
enum err community_create(struct db *db, struct arena *a, const struct principal *who,
                          const struct community_in *in, struct field_errors *fe, struct community *out);
/* Update id: expected_version must be current (ERR_CONFLICT otherwise). ERR_NOT_FOUND, ERR_FORBIDDEN. */
enum err community_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                          const struct community_in *in, int64_t expected_version, struct field_errors *fe,
                          struct community *out);
/* Set only has_facility of community id (and its facility_note when note is not NULL), as community_update.
 */
enum err community_set_facility(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                bool has_facility, const char *note, int64_t expected_version,
                                struct field_errors *fe, struct community *out);

struct project {
    int64_t id, community_id /* 0 */;
    const char *district_code, *district_name, *community_name /* NULL */, *name, *developer;
    int64_t homes, facility_area_m2;
    const char *facility_form, *status, *handed_to /* NULL */;
    int64_t housing_delivery_day, built_day, accepted_day, handed_over_day; /* 0: none */
    const char *note;
    int64_t version, created_at, updated_at;
    enum project_late late; /* computed for the day of the read */
};
/* For a create every field is given (community_id 0: none). For an update NULL, 0 and -1 keep the stored
 * value, set_community and set_note say whether community_id (0 clears) and note were given; the district
 * never changes. */
struct project_in {
    const char *district_code, *name, *developer, *note;
    int64_t community_id, homes, facility_area_m2, housing_delivery_day;
    int facility_form;
    bool set_community, set_note;
};
struct project_filter {
    const char *district;
    const char *status;
    bool late_only;
    int page;
};
#define PROJECT_PER_PAGE 100
/* A move: to (enum project_status), day, handed_to (-1 none), expected_version (0: no check). */
struct project_move {
    int to;
    int64_t day;
    int handed_to;
    int64_t expected_version;
};

enum err project_get(struct db *db, struct arena *a, int64_t id, struct project *out);
enum err project_list(struct db *db, struct arena *a, const struct project_filter *f, struct project **items,
                      int *n, int64_t *total);
/* Create a planned project. The community, when given, must be of the same district (ERR_VALIDATION). */
enum err project_create(struct db *db, struct arena *a, const struct principal *who,
                        const struct project_in *in, struct field_errors *fe, struct project *out);
/* Edit a project's details (see struct project_in): expected_version must be current (ERR_CONFLICT); the
 * facility form of a project handed over cannot change (ERR_VALIDATION "facility_form"). ERR_NOT_FOUND,
 * ERR_FORBIDDEN outside who's territory. */
enum err project_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        const struct project_in *in, int64_t expected_version, struct field_errors *fe,
                        struct project *out);
/* Move a project (see project_check and project_move_valid): ERR_NOT_FOUND, ERR_FORBIDDEN (role or
 * territory), ERR_STATE (with *detail), ERR_CONFLICT (stale), ERR_VALIDATION. */
enum err project_move(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      const struct project_move *m, struct field_errors *fe, const char **detail,
                      struct project *out);

struct room {
    int64_t id;
    const char *district_code, *district_name, *name, *organisation, *place_kind, *address, *status,
        *promoted_by;
    int64_t area_m2, opened_day /* 0 */;
    const char *note;
    int64_t version, created_at, updated_at;
};
/* For create every field is given; for an update -1/NULL keep the current value (set_* for nullables). */
struct room_in {
    const char *district_code, *name, *organisation, *address, *note;
    int place_kind, status, promoted_by;
    int64_t area_m2, opened_day;
    bool set_note, set_opened_day;
};
struct room_filter {
    const char *district, *status, *place_kind;
    int page;
};
#define ROOM_PER_PAGE 100

enum err room_get(struct db *db, struct arena *a, int64_t id, struct room *out);
enum err room_list(struct db *db, struct arena *a, const struct room_filter *f, struct room **items, int *n,
                   int64_t *total);
/* Create a room. Officials by territory; unit officers of the trade union, the women's federation or the
 * health commission anywhere, for rooms promoted by their unit (ERR_VALIDATION "promoted_by" otherwise). An
 * open room without opened_day opens today. */
enum err room_create(struct db *db, struct arena *a, const struct principal *who, const struct room_in *in,
                     struct field_errors *fe, struct room *out);
enum err room_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                     const struct room_in *in, int64_t expected_version, struct field_errors *fe,
                     struct room *out);

/* Per district coverage, projects by status and lateness, rooms open. */
struct coverage_row {
    const char *district_code, *district_name;
    struct coverage c;
    int64_t projects[PS__COUNT], late, rooms_open, rooms_total;
};
/* One row per district (the reference order), district NULL: all. today and the setting decide lateness. */
enum err facilities_coverage_rows(struct db *db, struct arena *a, const char *district,
                                  struct coverage_row **rows, int *n);
/* The setting "facilities.handover_days" (default 90, at least 1). */
int64_t facilities_handover_days(struct db *db);

/* The demo: communities in every district (urban ones in the urban districts, villages in the counties,
 * about 60–70% urban coverage), about 25 residential projects with mixed statuses (some late) and about 40
 * mother-and-baby rooms. Deterministic; one transaction (actor: system). */
enum err facilities_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (facilities_api.c, facilities_pages.c) --------------------------------------------------- */

enum err facilities_api_community_list(struct req *r, struct resp *out);   /* GET /api/v1/communities */
enum err facilities_api_community_create(struct req *r, struct resp *out); /* POST /api/v1/communities */
enum err facilities_api_community_patch(struct req *r, struct resp *out);  /* PATCH …/communities/{id} */
enum err facilities_api_project_list(struct req *r, struct resp *out); /* GET /api/v1/residential-projects */
enum err facilities_api_project_create(struct req *r,
                                       struct resp *out);             /* POST /api/v1/residential-projects */
enum err facilities_api_project_get(struct req *r, struct resp *out); /* GET …/residential-projects/{id} */
enum err facilities_api_project_patch(struct req *r,
                                      struct resp *out); /* PATCH …/residential-projects/{id} */
enum err facilities_api_project_status(struct req *r, struct resp *out); /* POST …/{id}/status */
enum err facilities_api_room_list(struct req *r, struct resp *out);      /* GET /api/v1/mother-baby-rooms */
enum err facilities_api_room_create(struct req *r, struct resp *out);    /* POST /api/v1/mother-baby-rooms */
enum err facilities_api_room_patch(struct req *r, struct resp *out); /* PATCH …/mother-baby-rooms/{id} */
enum err facilities_api_coverage(struct req *r, struct resp *out);   /* GET /api/v1/facilities/coverage */

enum err page_facilities_dash(struct req *r, struct resp *out);      /* GET /dash/facilities */
enum err page_facilities_dash_post(struct req *r, struct resp *out); /* POST /dash/facilities/{code} */
enum err page_mother_baby_rooms(struct req *r, struct resp *out);    /* GET /mother-baby-rooms (public) */

#endif
