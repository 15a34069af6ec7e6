/* Parents' measured demand (托育需求): on the portal a parent applies for a place at up to three filed
 * institutions of one district (the child's birth month, the service type, the wanted start month) or
 * registers an unmet need for a community; each institution answers its choice (offer, waitlist with a
 * position, decline) and the parent, with the receipt number and lookup code, sees where they stand, accepts
 * an offer or withdraws. The city and the counties see applications, answers and unmet demand per district,
 * community and age band beside the planning target, and which institutions keep waitlists while others of
 * the same district have vacancies. The guardian's name and phone are sealed (auth/pii.h); the operator who
 * must call the parent sees them in clear (every read audited), officials only masked. demand_rules.c holds
 * the pure rules (the choice transition table, the months, the age band), demand_store.c the SQL,
 * demand_api.c and demand_pages.c the handlers. */
#ifndef TUOYU_DEMAND_H
#define TUOYU_DEMAND_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/institution/inst.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (demand_rules.c; pure) ---------------------------------------------------------------------- */

enum choice_status {
    DCH_PENDING,
    DCH_OFFERED,
    DCH_WAITLISTED,
    DCH_DECLINED,
    DCH_ACCEPTED,
    DCH_WITHDRAWN,
    DCH__COUNT
};
extern const char *const choice_status_names[]; /* "pending", "offered", …, "withdrawn", NULL */
extern const char *const choice_status_names_zh[];
enum choice_event { DCE_OFFER, DCE_WAITLIST, DCE_DECLINE, DCE_ACCEPT, DCE_WITHDRAW, DCE__COUNT };
extern const char *const choice_event_names[]; /* "offer", "waitlist", "decline", "accept", "withdraw" */
extern const char *const choice_event_names_zh[];

/* Who fires a choice's events: the institution (its operator) or the parent (by receipt and lookup code). */
#define DEMAND_BY_INSTITUTION 1u
#define DEMAND_BY_PARENT      2u

struct demand_transition {
    int from, event, to;
    unsigned actors; /* DEMAND_BY_* bits */
};
/* The choice workflow table and (n not NULL) its length. Static storage. */
const struct demand_transition *demand_transitions(int *n);
/* OK (target in *to when not NULL); ERR_FORBIDDEN when actor never fires event; ERR_STATE when it does but
 * not from status from (also for an unknown status). */
enum err demand_choice_check(int from, int event, unsigned actor, int *to);

/* A parent chooses 1..DEMAND_CHOICES_MAX distinct institutions. */
#define DEMAND_CHOICES_MAX 3
enum demand_choices_problem { DCP_OK, DCP_NONE, DCP_TOO_MANY, DCP_DUPLICATE, DCP_BAD_ID };
/* Check the chosen institution ids[0..n): DCP_NONE for n 0, DCP_TOO_MANY above the maximum, DCP_BAD_ID for
 * an id below 1 and DCP_DUPLICATE for an id chosen twice, with *bad the index of the first offending element
 * (the later of a duplicate pair; -1 for none, too many). */
enum demand_choices_problem demand_choices_check(const int64_t *ids, int n, int *bad);

/* A month as "YYYY-MM" parsed into months since year 0 (year * 12 + month - 1); false for anything else
 * (years 1900..2999). */
bool demand_month_parse(const char *s, int *ym);
/* "YYYY-MM" of a month index into out. */
char *demand_month_format(int ym, char out[static 8]);
/* The month index of a day (days since 1970-01-01). */
int demand_month_of_day(int64_t day);
/* Problems of the months of an application or need, as bits: the birth month after this month, the start
 * month before this month, more than DEMAND_START_AHEAD_MAX months ahead, or the child 3 years old or older
 * (or not yet born) at the start. */
#define DMP_BIRTH_FUTURE       1u
#define DMP_START_PAST         2u
#define DMP_START_FAR          4u
#define DMP_AGE_OVER           8u
#define DMP_AGE_UNBORN         16u
#define DEMAND_START_AHEAD_MAX 12
unsigned demand_months_problem(int birth_ym, int start_ym, int this_ym);
/* The age band of a child born in birth_ym at start_ym: 0 (0–1 years), 1 (1–2), 2 (2–3), -1 outside. */
#define DEMAND_BANDS 3
int demand_age_band(int birth_ym, int start_ym);
extern const char *const demand_band_names[];    /* "0-1", "1-2", "2-3", NULL */
extern const char *const demand_band_names_zh[]; /* 0–1 岁 … */
/* A phone number as people type it (digits, optional leading +, spaces, hyphens) reduced to its 7..15
 * digits into out; false otherwise. */
bool demand_phone_normalise(const char *in, char out[static 16]);
/* The index of name s in a NULL-terminated list, -1 when unknown or NULL. */
int demand_name_index(const char *const *names, const char *s);
/* Public form limits per client address (local rule), and open applications per guardian phone. */
#define DEMAND_LIMIT_HOUR     10
#define DEMAND_LIMIT_DAY      30
#define DEMAND_PHONE_OPEN_MAX 3
#define DEMAND_NOTE_MAX       500

/* ---- Store (demand_store.c) ---------------------------------------------------------------------------- */

struct demand_apply_in {
    int64_t institution_ids[8];
    int n;
    const char *birth_month, *start_month; /* "YYYY-MM" */
    int service_type;                      /* enum service_type (filing.h) */
    const char *guardian_name, *guardian_phone;
};
struct demand_receipt {
    int64_t id;
    const char *ref, *code; /* arena; the code is shown once and stored only hashed */
    const char *district_code;
};
struct demand_choice {
    int64_t id, application_id, institution_id, rank, waitlist_position /* 0: none */;
    int64_t waitlist_place; /* the parent's lookup: the current place in line (earlier ones gone), 0 */
    const char *status, *note;
    int64_t answered_at /* 0 */, version, created_at;
    const char *institution_name, *district_code;
    /* Of the application: */
    const char *ref, *birth_month, *start_month, *service_type;
    int band; /* age band at the start month */
    /* The guardian: in clear for the operator of an open choice, masked for officials and for closed
     * (declined, withdrawn) choices, NULL on public reads. */
    const char *guardian_name, *guardian_phone;
    bool guardian_clear;   /* whether guardian_* are in clear */
    int64_t next_position; /* the position a waitlist answer would give now (operators' list) */
};
struct demand_application {
    int64_t id, created_at, withdrawn_at;
    const char *ref, *district_code, *district_name, *birth_month, *start_month, *service_type;
    struct demand_choice *choices;
    int nchoices;
};
struct demand_need_in {
    int64_t community_id;
    const char *birth_month, *start_month;
    int service_type;
    const char *guardian_name, *guardian_phone;
};

struct demand_community {
    int64_t id;
    const char *name, *street, *district_code;
    bool urban;
};
/* The communities of district (NULL: all), by name, for the need form's select (read from the facilities
 * module's table). */
enum err demand_communities(struct db *db, struct arena *a, const char *district,
                            struct demand_community **items, int *n);

/* Validate an application's fields (not the CAPTCHA) into fe, including that every institution is filed and
 * of one district; ERR_VALIDATION when any field is bad, a database error as itself. */
enum err demand_validate(struct db *db, struct arena *a, const struct demand_apply_in *in,
                         struct field_errors *fe);
/* File an application: the per-address limit (ERR_THROTTLED), a duplicate (same phone and birth month, still
 * open) or too many open applications for the phone (ERR_VALIDATION naming guardian_phone), then the rows and
 * the audit entry in one transaction. client_ip NULL skips the limit. Receipt strings in the arena. */
enum err demand_apply(struct db *db, struct arena *a, const struct demand_apply_in *in, const char *client_ip,
                      struct field_errors *fe, struct demand_receipt *out);
/* An application by receipt number and lookup code, with its choices (no guardian data). ERR_NOT_FOUND when
 * either does not match. */
enum err demand_lookup(struct db *db, struct arena *a, const char *ref, const char *code,
                       struct demand_application *out);
/* The parent's move on one choice of the application (DCE_ACCEPT or DCE_WITHDRAW), after demand_lookup's
 * check of ref and code. Accepting an offer withdraws the application's other open choices; withdrawing the
 * last open choice marks the application withdrawn. ERR_NOT_FOUND for a choice of another application,
 * ERR_STATE for a refused move. Audited. */
enum err demand_parent_move(struct db *db, struct arena *a, const char *ref, const char *code,
                            int64_t choice_id, int event);
/* The field checks of a need (not whether the community exists) into fe: ERR_VALIDATION when any is bad. */
enum err demand_need_validate(const struct demand_need_in *in, struct field_errors *fe);
/* Register an unmet need (the community must exist; validation into fe; the same per-address limit). */
enum err demand_need_register(struct db *db, struct arena *a, const struct demand_need_in *in,
                              const char *client_ip, struct field_errors *fe, struct demand_receipt *out);

struct demand_choice_filter {
    int64_t institution_id; /* 0: any */
    const char *district;   /* NULL: any */
    const char *status;     /* NULL: any */
};
/* Choices visible to who (operators: their institution; county officials: their district; others: all, or
 * f's district), open ones first. Operators get the guardian in clear for open choices (masked once
 * declined or withdrawn), officials always masked; either read is audited (one entry naming the choices).
 * At most 500 rows. */
enum err demand_choices_list(struct db *db, struct arena *a, const struct principal *who,
                             const struct demand_choice_filter *f, struct demand_choice **items, int *n);
/* The institution's answer to a choice (DCE_OFFER, DCE_WAITLIST with the next free position, DCE_DECLINE).
 * Operators only for their own institution (ERR_NOT_FOUND otherwise), ERR_STATE for a refused move,
 * ERR_CONFLICT when expected_version (0: skip) is stale. Audited. out (not NULL) gets the choice as it is
 * after the answer (no guardian data). */
enum err demand_answer(struct db *db, struct arena *a, const struct principal *who, int64_t choice_id,
                       int event, const char *note, int64_t expected_version, struct demand_choice *out);

struct demand_district_row {
    const char *code, *name;
    int64_t applications, pending, offered, waitlisted, declined, accepted, withdrawn;
    int64_t unmet_applications, unmet_needs, unmet;
    int64_t band_applications[DEMAND_BANDS], band_unmet[DEMAND_BANDS];
    bool planning_known;
    int64_t residents, needed, places;
};
struct demand_community_row {
    int64_t id;
    const char *name, *district_code;
    int64_t open_needs, band[DEMAND_BANDS];
};
struct demand_inst_row {
    int64_t id;
    const char *name, *district_code;
    int64_t waitlist, places, enrolled, vacancies;
};
struct demand_summary {
    int year;
    struct demand_district_row *districts, total;
    int ndistricts;
    struct demand_community_row *communities;
    int ncommunities;
    struct demand_inst_row *waitlists, *vacancies;
    int nwaitlists, nvacancies;
    struct code_map map; /* district code → districts[] */
};
/* The summary of district (NULL: every district, with a total). Per district: applications not withdrawn;
 * choices by status (pending … withdrawn, so one application counts up to three times); unmet = open
 * applications with no choice offered or accepted + open unmet needs; both by age band at the start month;
 * the planning figures of year (planning_needed; planning_known false when it has none). Communities with
 * open needs; institutions with waitlists and filed institutions with vacancies (places − children enrolled
 * today), each at most 200. Reads only; ERR_NOT_FOUND for an unknown district, ERR_DB on failure. */
enum err demand_summary_get(struct db *db, struct arena *a, const char *district, struct demand_summary *out);

/* The demo: a few hundred applications across the districts' filed institutions (some answered, a few
 * accepted or withdrawn) and unmet needs for the communities present. Deterministic; one transaction.
 * Does nothing without filed institutions. */
enum err demand_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (demand_api.c, demand_pages.c) ----------------------------------------------------------- */

enum err demand_api_apply(struct req *r, struct resp *out);   /* POST /api/v1/public/demand/applications */
enum err demand_api_status(struct req *r, struct resp *out);  /* GET …/applications/status */
enum err demand_api_respond(struct req *r, struct resp *out); /* POST …/applications/respond */
enum err demand_api_need(struct req *r, struct resp *out);    /* POST /api/v1/public/demand/needs */
enum err demand_api_communities(struct req *r, struct resp *out);  /* GET /api/v1/public/demand/communities */
enum err demand_api_institutions(struct req *r, struct resp *out); /* GET …/public/demand/institutions */
enum err demand_api_choices(struct req *r, struct resp *out);      /* GET /api/v1/demand/choices */
enum err demand_api_answer(struct req *r, struct resp *out);  /* POST /api/v1/demand/choices/{id}/answer */
enum err demand_api_summary(struct req *r, struct resp *out); /* GET /api/v1/demand/summary */

enum err page_demand_apply(struct req *r, struct resp *out);         /* GET /apply */
enum err page_demand_apply_post(struct req *r, struct resp *out);    /* POST /apply */
enum err page_demand_status(struct req *r, struct resp *out);        /* GET /apply/status */
enum err page_demand_status_post(struct req *r, struct resp *out);   /* POST /apply/status */
enum err page_demand_need(struct req *r, struct resp *out);          /* GET /needs/new */
enum err page_demand_need_post(struct req *r, struct resp *out);     /* POST /needs/new */
enum err page_demand_operator(struct req *r, struct resp *out);      /* GET /operator/applications */
enum err page_demand_operator_post(struct req *r, struct resp *out); /* POST /operator/applications/{id} */
enum err page_demand_dash(struct req *r, struct resp *out);          /* GET /dash/demand */

#endif
