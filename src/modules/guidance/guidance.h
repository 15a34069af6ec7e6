/* Family guidance (加强对婴幼儿家庭的科学照护指导): the experts' library (专家库) built by the health
 * commission and the education bureau; guidance events and courses at hospitals, community centres and
 * institutions, published on the portal with sign-up and capacity; articles for parents; and the count of
 * families reached per county for the county assessment. guidance_rules.c holds the pure rules (event
 * workflow, the sign-up rule, the families-reached rule, field checks), guidance_store.c the SQL,
 * guidance_api.c and guidance_pages.c the handlers. */
#ifndef TUOYU_GUIDANCE_H
#define TUOYU_GUIDANCE_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/institution/inst.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- For other modules (the county assessment) --------------------------------------------------------- */

/* Families reached by guidance in district (a district code; NULL: the whole city) in year: over the events
 * marked done whose start falls in year (CST), the attendance recorded for the event, or when none was
 * recorded its sign-ups that were not cancelled (see guidance_event_reach). Writes the sum to *n. Reads
 * only; no transaction needed. ERR_DB on failure. */
enum err guidance_families_reached(struct db *db, const char *district /* NULL city */, int year, int64_t *n);
/* guidance_families_reached of every district with a done event in year, in one grouped query: *rows
 * (arena), districts without one absent. Reads only. ERR_DB on failure. */
enum err guidance_families_by_district(struct db *db, struct arena *a, int year, struct district_count **rows,
                                       int *n);

/* ---- Rules (guidance_rules.c; pure) -------------------------------------------------------------------- */

enum gev_status { GS_DRAFT, GS_PUBLISHED, GS_CANCELLED, GS_DONE, GS__COUNT };
extern const char *const gev_status_names[];    /* "draft", "published", "cancelled", "done", NULL */
extern const char *const gev_status_names_zh[]; /* 草稿 已发布 已取消 已结束 */
enum gev_kind { GK_EVENT, GK_COURSE, GK__COUNT };
extern const char *const gev_kind_names[];    /* "event", "course", NULL */
extern const char *const gev_kind_names_zh[]; /* 指导活动 育儿课程 */
enum gev_venue { GV_HOSPITAL, GV_COMMUNITY, GV_INSTITUTION, GV_ONLINE, GV_OTHER, GV__COUNT };
extern const char *const gev_venue_names[]; /* "hospital", "community", "institution", "online", "other" */
extern const char *const gev_venue_names_zh[];
extern const char *const guidance_unit_names[];    /* "health", "education", NULL */
extern const char *const guidance_unit_names_zh[]; /* 卫生健康 教育 */
extern const char *const guidance_age_names[];     /* "under1", "1to2", "2to3", NULL */
extern const char *const guidance_age_names_zh[];  /* 1岁以下 1–2岁 2–3岁 */
extern const char *const garticle_status_names[];  /* "draft", "published", NULL */

/* The index of s in a NULL-terminated list; -1 for NULL or unknown. */
int guidance_name_index(const char *const *names, const char *s);

/* The event workflow: draft → published | cancelled; published → cancelled | done (only once the event has
 * started: starts_at <= now); done → done (correcting the attendance). Returns NULL when the move from → to
 * is allowed at now, else a Chinese reason (static storage). */
const char *guidance_event_move_problem(int from, int to, int64_t starts_at, int64_t now);
/* Whether an event in status may still be edited (draft or published). */
bool guidance_event_editable(int status);

/* Why a sign-up is refused, GSU_OK when allowed. */
enum gsu_problem { GSU_OK, GSU_NOT_OPEN, GSU_STARTED, GSU_FULL, GSU_DUPLICATE };
/* The sign-up rule: the event must be published, not yet started (now < starts_at), have places left
 * (taken < capacity, taken counting live sign-ups) and the phone must not be signed up already. */
enum gsu_problem guidance_signup_check(int status, int64_t starts_at, int64_t now, int64_t capacity,
                                       int64_t taken, bool duplicate);
/* The Chinese message of a refused sign-up (static storage); NULL for GSU_OK. */
const char *guidance_signup_problem_zh(enum gsu_problem p);
/* Places left: capacity - taken, never below 0. */
int64_t guidance_places_left(int64_t capacity, int64_t taken);

/* Families one event reached: 0 unless done; then attended when recorded (attended >= 0), else the live
 * sign-ups. Attendance is counted by the organiser at the door and includes families who came without
 * signing up, so it wins over the sign-up list whenever it was recorded. */
int64_t guidance_event_reach(int status, int64_t attended /* -1: not recorded */, int64_t live_signups);

/* Limits. */
#define GUIDANCE_CAPACITY_MAX 2000
#define GUIDANCE_ATTENDED_MAX 100000
#define GUIDANCE_TEXT_MAX     2000
#define GUIDANCE_BODY_MAX     20000
#define GUIDANCE_EVENT_MAX_S  (7 * 86400) /* an event lasts at most a week */
#define GUIDANCE_CHILDREN_MAX 3
#define GUIDANCE_SIGNUP_HOUR  10 /* sign-ups per client address per hour */
#define GUIDANCE_SIGNUP_DAY   30 /* and per day */

/* Parse a CST local time "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD HH:MM" into epoch seconds. false when s is not
 * such a time. */
bool guidance_parse_time(const char *s, int64_t *t);
/* Format t as "YYYY-MM-DDTHH:MM" (CST) into out (at least 17 bytes). Returns out. */
char *guidance_format_time(int64_t t, char out[static 17]);
/* A phone as people type it (digits with optional +, blanks, hyphens) normalised to 7–15 digits into out
 * (at least 16 bytes). false when it is not a phone number. */
bool guidance_phone_normalise(const char *in, char out[static 16]);
/* A name masked for lists: its first character and one * per further character ("张小红" → "张**"); a
 * one-character name becomes "*". Result in the arena. */
char *guidance_mask_name(struct arena *a, const char *name);

/* ---- Store (guidance_store.c) -------------------------------------------------------------------------- */

struct gexpert {
    int64_t id;
    const char *name, *title, *organisation, *speciality;
    const char *district_code, *district_name; /* NULL: the city */
    const char *added_by_unit;                 /* "health" | "education" */
    bool active;
    int64_t version, created_at, updated_at;
};

/* Fields of an expert; for an update, the *_set flags say which fields were given. */
struct gexpert_in {
    const char *name, *title, *organisation, *speciality, *district_code;
    int unit;   /* index into guidance_unit_names; -1: derived from who */
    int active; /* -1: unchanged */
    bool name_set, title_set, organisation_set, speciality_set, district_set;
    int64_t expected_version; /* 0: no check */
};

struct gevent {
    int64_t id;
    const char *title, *kind, *venue_kind, *venue, *district_code, *district_name, *status, *description;
    int64_t institution_id; /* 0: none */
    const char *institution_name;
    int64_t starts_at, ends_at, capacity;
    int64_t expert_id; /* 0: none */
    const char *expert_name, *expert_title, *expert_organisation;
    int64_t attended; /* -1: not recorded */
    int64_t taken;    /* live sign-ups */
    int64_t version, created_at, updated_at;
};

struct gevent_in {
    const char *title, *venue, *district_code, *description;
    int kind, venue_kind; /* -1: unchanged (update) */
    int64_t institution_id, expert_id, starts_at, ends_at, capacity;
    bool title_set, venue_set, district_set, description_set, institution_set, expert_set, starts_set,
        ends_set, capacity_set;
    int64_t expected_version;
};

struct gevent_filter {
    const char *district; /* NULL: any */
    const char *status;   /* NULL: any */
    int year;             /* 0: any (by the start) */
    bool upcoming;        /* published and starting after now */
    int limit;            /* 0: 200 */
};

struct gsignup {
    int64_t id, event_id;
    const char *ref_code, *name_masked, *phone_masked;
    const char *name, *phone; /* full contact: only filled by guidance_signups_full */
    int64_t children;
    const char *child_age_band; /* NULL */
    int64_t created_at, cancelled_at;
};

struct gsignup_in {
    const char *guardian_name, *guardian_phone;
    int64_t children;
    int age_band; /* -1: not given */
};

struct garticle {
    int64_t id;
    const char *title, *summary, *body, *author_unit, *status;
    int64_t published_at; /* 0: never */
    int64_t version, created_at, updated_at;
};

struct garticle_in {
    const char *title, *summary, *body, *author_unit;
    int status; /* -1: unchanged */
    bool title_set, summary_set, body_set, author_set;
    int64_t expected_version;
};

struct greach_row {
    const char *district_code, *district_name;
    int64_t events_done, families, signups;
};

/* Who writes what: experts and articles — admins, city officials, county officials (experts of their own
 * district only) and unit officers of health_commission or education; events — admins, city officials and
 * county officials of the event's district. who NULL is the system (the demo). */
bool guidance_may_write_experts(const struct principal *who);
bool guidance_may_write_articles(const struct principal *who);

/* One expert (strings in a); ERR_NOT_FOUND when there is none. Reads only. */
enum err gexpert_get(struct db *db, struct arena *a, int64_t id, struct gexpert *out);
/* Experts of district together with the city's library (district NULL: all), the city's first; active ones
 * only when asked. Arena array, NULL when none. */
enum err gexpert_list(struct db *db, struct arena *a, const char *district, bool active_only,
                      struct gexpert **items, int *n);
/* Create (id 0) or update an expert. ERR_VALIDATION with every bad field in fe; ERR_FORBIDDEN for a writer
 * the rules refuse; ERR_NOT_FOUND for another district's expert (county officials); ERR_CONFLICT when stale.
 * One transaction with its audit entry. */
enum err gexpert_save(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                      const struct gexpert_in *in, struct field_errors *fe, struct gexpert *out);

/* One event with its district, institution and expert names and its live sign-ups (taken); ERR_NOT_FOUND
 * when there is none. Works inside or outside a transaction. */
enum err gevent_get(struct db *db, struct arena *a, int64_t id, struct gevent *out);
/* Events by filter, by start (upcoming ascending, else newest first). */
enum err gevent_list(struct db *db, struct arena *a, const struct gevent_filter *f, struct gevent **items,
                     int *n);
/* Create (id 0; status draft) or update an event (only draft or published: ERR_STATE with *detail; capacity
 * not below the live sign-ups). Errors as gexpert_save. */
enum err gevent_save(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                     const struct gevent_in *in, struct field_errors *fe, const char **detail,
                     struct gevent *out);
/* Move an event to status to (enum gev_status); attended (-1: not given) is required for done (0 ..
 * GUIDANCE_ATTENDED_MAX) and refused otherwise. ERR_STATE with *detail for a refused move. */
enum err gevent_move(struct db *db, struct arena *a, const struct principal *who, int64_t id, int to,
                     int64_t attended, int64_t expected_version, struct field_errors *fe, const char **detail,
                     struct gevent *out);

/* Sign a family up for event id from client_ip (NULL: no per-address limit). Validates every field
 * (ERR_VALIDATION). Inside one transaction: the event must be visible on the portal (else ERR_NOT_FOUND),
 * the sign-up rule must hold (ERR_STATE with *detail naming why: closed, started, full, or the phone signed
 * up already), and the address below its limits (ERR_THROTTLED). Seals the contact; *ref_out (arena) is the
 * sign-up's reference code. */
enum err gsignup_create(struct db *db, struct arena *a, int64_t event_id, const struct gsignup_in *in,
                        const char *client_ip, struct field_errors *fe, const char **detail,
                        const char **ref_out);
/* Cancel the live sign-up with ref_code whose phone is phone. ERR_NOT_FOUND when none matches. */
enum err gsignup_cancel(struct db *db, struct arena *a, const char *ref_code, const char *phone);
/* The sign-ups of an event, masked (no audit: nothing personal in clear). Newest first. */
enum err gsignup_list(struct db *db, struct arena *a, int64_t event_id, struct gsignup **items, int *n);
/* The same with full names and phones, for an official who (never NULL) of the event's district; the read is
 * audit-logged (guidance_signups.read) in the same transaction. ERR_FORBIDDEN for anyone else. */
enum err gsignup_list_full(struct db *db, struct arena *a, const struct principal *who, int64_t event_id,
                           struct gsignup **items, int *n);
/* Whether who may read the full contacts of event's sign-ups: county officials of its district. */
bool guidance_may_read_contacts(const struct principal *who, const struct gevent *ev);

/* One article, drafts too (strings in a); ERR_NOT_FOUND when there is none. */
enum err garticle_get(struct db *db, struct arena *a, int64_t id, struct garticle *out);
/* Articles, newest first; published only when asked. */
enum err garticle_list(struct db *db, struct arena *a, bool published_only, int limit,
                       struct garticle **items, int *n);
/* Create (id 0; draft unless in->status says published) or update an article; publishing sets published_at
 * the first time. ERR_FORBIDDEN for writers guidance_may_write_articles refuses, ERR_VALIDATION with every
 * bad field, ERR_CONFLICT when stale. One transaction with its audit entry (no body text in it). */
enum err garticle_save(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       const struct garticle_in *in, struct field_errors *fe, struct garticle *out);

/* Families reached per district in year (every district, in the reference order; district not NULL: only
 * that one) and the totals into *total (district fields NULL). */
enum err guidance_reach(struct db *db, struct arena *a, const char *district, int year,
                        struct greach_row **items, int *n, struct greach_row *total);

/* The demo: about 30 experts of Shiyan's hospitals and schools, about 60 events across the districts over
 * the past year and the coming weeks (past ones done, most with attendance), deterministic sign-ups, and
 * 12 published articles on infant care. Through SQL in one transaction (actor: system). */
enum err guidance_demo_load(struct db *db, struct arena *a);

/* Route roles: who reads the officials' routes, who writes events, who writes the library and articles
 * (the store narrows each further: county officials to their district, units to health and education). */
#define GUIDANCE_READERS        (ROLES_OFFICIALS | ROLE_UNIT)
#define GUIDANCE_EVENT_WRITERS  (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY)
#define GUIDANCE_EXPERT_WRITERS (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY | ROLE_UNIT)
#define GUIDANCE_TEXT_WRITERS   (ROLE_ADMIN | ROLE_CITY | ROLE_UNIT)

/* ---- Handlers (guidance_api.c, guidance_pages.c) ------------------------------------------------------- */

enum err guidance_api_experts(struct req *r, struct resp *out);        /* GET /api/v1/guidance/experts */
enum err guidance_api_expert_create(struct req *r, struct resp *out);  /* POST …/experts */
enum err guidance_api_expert_get(struct req *r, struct resp *out);     /* GET …/experts/{id} */
enum err guidance_api_expert_patch(struct req *r, struct resp *out);   /* PATCH …/experts/{id} */
enum err guidance_api_events(struct req *r, struct resp *out);         /* GET /api/v1/guidance/events */
enum err guidance_api_event_create(struct req *r, struct resp *out);   /* POST …/events */
enum err guidance_api_event_get(struct req *r, struct resp *out);      /* GET …/events/{id} */
enum err guidance_api_event_patch(struct req *r, struct resp *out);    /* PATCH …/events/{id} */
enum err guidance_api_event_status(struct req *r, struct resp *out);   /* POST …/events/{id}/status */
enum err guidance_api_event_signups(struct req *r, struct resp *out);  /* GET …/events/{id}/signups */
enum err guidance_api_articles(struct req *r, struct resp *out);       /* GET /api/v1/guidance/articles */
enum err guidance_api_article_create(struct req *r, struct resp *out); /* POST …/articles */
enum err guidance_api_article_get(struct req *r, struct resp *out);    /* GET …/articles/{id} */
enum err guidance_api_article_patch(struct req *r, struct resp *out);  /* PATCH …/articles/{id} */
enum err guidance_api_reach(struct req *r, struct resp *out);          /* GET /api/v1/guidance/reach */
enum err guidance_api_public_events(struct req *r, struct resp *out); /* GET /api/v1/public/guidance/events */
enum err guidance_api_public_signup(struct req *r, struct resp *out); /* POST …/events/{id}/signups */
enum err guidance_api_public_cancel(struct req *r, struct resp *out); /* POST …/signups/cancel */
enum err guidance_api_public_articles(struct req *r, struct resp *out); /* GET …/public/guidance/articles */

enum err page_guidance(struct req *r, struct resp *out);              /* GET /guidance */
enum err page_guidance_event(struct req *r, struct resp *out);        /* GET /guidance/events/{id} */
enum err page_guidance_event_post(struct req *r, struct resp *out);   /* POST /guidance/events/{id} */
enum err page_guidance_article(struct req *r, struct resp *out);      /* GET /guidance/articles/{id} */
enum err page_guidance_dash(struct req *r, struct resp *out);         /* GET /dash/guidance */
enum err page_guidance_dash_event(struct req *r, struct resp *out);   /* GET /dash/guidance/events/{id} */
enum err page_guidance_dash_post(struct req *r, struct resp *out);    /* POST /dash/guidance/{code} */
enum err page_guidance_dash_post_id(struct req *r, struct resp *out); /* POST /dash/guidance/{code}/{id} */

#endif
