/* Cases: safety incidents (安全事件) reported by operators and followed up by officials, and complaints
 * (投诉) filed by parents on the portal, routed to the county and answered within a deadline. The rules
 * (deadlines, transition tables) are pure (cases_rules.c), the CAPTCHA that protects the public form needs no
 * outside service (captcha.c), the SQL lives in incident_store.c and complaint_store.c. */
#ifndef TUOYU_CASES_H
#define TUOYU_CASES_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (cases_rules.c; pure) ------------------------------------------------------------------------
 */

enum incident_type {
    IT_INJURY,
    IT_ILLNESS_OUTBREAK,
    IT_SUSPECTED_ABUSE,
    IT_MISSING_CHILD,
    IT_FOOD_POISONING,
    IT_FIRE,
    IT_OTHER,
    IT__COUNT
};
extern const char *const incident_type_names[]; /* "injury", … NULL */
extern const char *const incident_type_names_zh[];
enum incident_severity { ISEV_MINOR, ISEV_SERIOUS, ISEV_DEATH, ISEV__COUNT };
extern const char *const incident_severity_names[]; /* "minor", "serious", "death", NULL */
extern const char *const incident_severity_names_zh[];
enum incident_status { IS_NONE, IS_REPORTED, IS_FOLLOWING, IS_CLOSED, IS__COUNT };
extern const char *const incident_status_names[]; /* "none", "reported", "following", "closed", NULL */
extern const char *const incident_status_names_zh[];
enum incident_event { IEV_REPORT, IEV_FOLLOW_UP, IEV_CLOSE, IEV__COUNT };
extern const char *const incident_event_names[];

/* The reporting deadline in hours for an incident of type and severity (a local rule, see cases_rules.c);
 * -1 for an unknown type or severity. */
int incident_deadline_hours(int type, int severity);
/* Whether a report at reported_at of an incident that occurred at occurred_at (epoch seconds) is late. */
bool incident_is_late(int type, int severity, int64_t occurred_at, int64_t reported_at);

enum complaint_category {
    CC_SAFETY,
    CC_HYGIENE,
    CC_ABUSE,
    CC_FEES,
    CC_STAFF,
    CC_UNFILED_OPERATION,
    CC_OTHER,
    CC__COUNT
};
extern const char *const complaint_category_names[]; /* "safety", … NULL */
extern const char *const complaint_category_names_zh[];
enum complaint_status { CS_NONE, CS_RECEIVED, CS_HANDLING, CS_ANSWERED, CS__COUNT };
extern const char *const complaint_status_names[]; /* "none", "received", "handling", "answered", NULL */
extern const char *const complaint_status_names_zh[];
enum complaint_event { CEV_FILE, CEV_ACCEPT, CEV_ANSWER, CEV_INSPECT, CEV__COUNT };
extern const char *const complaint_event_names[];

/* The answer is due this many working days after the day a complaint is received (local rule). */
#define COMPLAINT_ANSWER_WORKING_DAYS 15
/* The day by which a complaint received at received_at (epoch seconds) must be answered. */
int64_t complaint_due_on(int64_t received_at);
/* Whether a complaint in status with due day due_on is overdue on day today. */
bool complaint_is_overdue(int status, int64_t due_on, int64_t today);
/* Public form limits per client address (local rule). */
#define COMPLAINT_LIMIT_HOUR 5
#define COMPLAINT_LIMIT_DAY  20

/* A move of a workflow: from, event, to, and the roles that may fire it. */
struct case_transition {
    int from, event, to;
    unsigned roles;
};
/* The target status of event from status for a principal of role (a role bit), or -1 when refused. Pure. */
int incident_transition(int from, int event, unsigned role);
int complaint_transition(int from, int event, unsigned role);
const struct case_transition *incident_transitions(int *n);
const struct case_transition *complaint_transitions(int *n);
/* The index of a name in a NULL-terminated table, or -1 (NULL or unknown). */
int cases_name_index(const char *const *names, const char *s);

/* ---- CAPTCHA (captcha.c) ---------------------------------------------------------------------------------
 * A server-made arithmetic challenge drawn as SVG with noise. The token carries its expiry and a nonce, a MAC
 * over both, and a second MAC binding the answer; nothing in it reveals the answer. Tokens are single use:
 * the first presentation of an authentic, unexpired token consumes it, right or wrong. */
#define CAPTCHA_KEY_BYTES 32
#define CAPTCHA_TTL_S     600
enum captcha_result { CAPTCHA_OK, CAPTCHA_WRONG, CAPTCHA_EXPIRED, CAPTCHA_TAMPERED, CAPTCHA_REUSED };
/* Called once per authentic, unexpired token with its 64-hex id and expiry: true when it was not used
 * before (and is now recorded as used), false when it was. */
typedef bool (*captcha_consume_fn)(const char *token_id, int64_t expires_at, void *ctx);

/* A token (arena) for answer (digits), expiring CAPTCHA_TTL_S after now, under key with a 16-byte nonce. */
char *captcha_token_make(struct arena *a, const unsigned char key[CAPTCHA_KEY_BYTES], const char *answer,
                         int64_t now, const unsigned char nonce[16]);
/* Check a token and an answer at time now: TAMPERED when the token does not authenticate (or is malformed),
 * EXPIRED after its expiry, REUSED when consume says it was presented before, WRONG for another answer (the
 * token is consumed all the same), else OK. Pure but for consume. */
enum captcha_result captcha_verify(const unsigned char key[CAPTCHA_KEY_BYTES], const char *token,
                                   const char *answer, int64_t now, captcha_consume_fn consume, void *ctx);
/* The SVG text (arena) of the challenge "a + b = ?", with noise from seed bytes. Only digits and fixed markup
 * reach it. */
char *captcha_svg(struct arena *a, int64_t x, int64_t y, const unsigned char seed[32]);

/* A fresh challenge: the server's key (random at start), answer random or $TUOYU_CAPTCHA_FIXED (test only).
 * token, svg and data_uri (the SVG as a data: URL for an <img>) in the arena. */
struct captcha_challenge {
    const char *token, *svg, *data_uri;
    int64_t expires_at;
};
void captcha_new(struct arena *a, struct captcha_challenge *out);
/* captcha_verify with the server's key at clock_now(). */
/* The CAPTCHA of a public form: a new challenge's image, its signed token (hidden) and the answer input, as
 * <p> blocks inside the caller's <form>. The form posts captcha_token and captcha_answer. */
void page_captcha(struct html *h, struct arena *a);
enum captcha_result captcha_verify_server(const char *token, const char *answer, captcha_consume_fn consume,
                                          void *ctx);
/* Verify with the server's key, consuming the token in the database (table captcha_used; own transaction;
 * complaint_store.c). A database error is returned as itself. */
enum err captcha_check(struct db *db, const char *token, const char *answer, enum captcha_result *result);
/* Start-up check of the serve command: with TUOYU_CAPTCHA_FIXED set, warn, and refuse (ERR_BAD_REQUEST) a
 * listen address that is not loopback. */
enum err captcha_startup_check(const char *listen);
/* The Chinese message of a failed result, for field "captcha". */
const char *captcha_result_zh(enum captcha_result r);

/* ---- Incidents (incident_store.c) ------------------------------------------------------------------------
 */

struct incident_input {
    int type, severity;
    int64_t occurred_at;
    int64_t children_affected;
    const char *description, *actions_taken;
};
struct incident_note {
    const char *kind, *text, *by;
    int64_t at;
};
struct incident_row {
    int64_t id, institution_id, occurred_at, reported_at, children_affected, closed_at, version;
    int deadline_hours;
    bool late;
    int substantiated; /* -1 not set */
    const char *institution_name, *district_code, *district_name, *type, *severity, *status, *description,
        *actions_taken, *conclusion;
    struct incident_note *notes;
    int nnotes;
};
struct incident_filter {
    const char *district, *type, *severity, *status; /* NULL: any */
    int64_t institution_id;                          /* 0: any */
    int late;                                        /* -1 any */
    int64_t from, to;                                /* occurred_at range, 0: open */
    int page, per_page;
};
struct incident_stat {
    const char *district_code, *district_name;
    int64_t serious_injuries, deaths, substantiated_abuse, total;
};

/* Report an incident of institution inst_id by who (NULL: system; reported_at = now, or reported_at when
 * non-zero — the demo's history). Validates in (ERR_VALIDATION with fe). Own transaction, audited. */
enum err incident_report(struct db *db, const struct principal *who, int64_t inst_id,
                         const struct incident_input *in, int64_t reported_at, struct field_errors *fe,
                         int64_t *id);
/* One incident with its notes (strings in a). ERR_NOT_FOUND when absent. */
enum err incident_get(struct db *db, struct arena *a, int64_t id, struct incident_row *out);
/* A page of incidents (newest first) and the total. */
enum err incident_list(struct db *db, struct arena *a, const struct incident_filter *f,
                       struct incident_row **items, int *n, int64_t *total);
/* Add a follow-up note (reported → following) at time at (0: now). ERR_STATE when closed. Own transaction,
 * audited. */
enum err incident_follow_up(struct db *db, const struct principal *who, int64_t id, const char *text,
                            int64_t at);
/* Close with a conclusion; substantiated (0/1) is required for suspected_abuse and refused otherwise
 * (-1: not given; ERR_VALIDATION with fe). at: 0 now. ERR_STATE when closed already. Own transaction,
 * audited. */
enum err incident_close(struct db *db, const struct principal *who, int64_t id, const char *conclusion,
                        int substantiated, int64_t at, struct field_errors *fe);
/* Public yearly totals per district for incidents that occurred in year (CST): one row per district. */
enum err incident_stats(struct db *db, struct arena *a, int year, struct incident_stat **rows, int *n);

/* ---- Complaints (complaint_store.c) ----------------------------------------------------------------------
 */

struct complaint_input {
    int64_t institution_id; /* 0: none (unfiled_operation only, then district is required) */
    const char *district;
    int category;
    const char *text, *contact_name, *contact_phone;
    bool anonymous_public;
};
struct complaint_row {
    int64_t id, institution_id, received_at, due_on, accepted_at, answered_at, inspection_id, version;
    bool anonymous_public, overdue;
    const char *number, *institution_name, *district_code, *district_name, *category, *text, *status, *answer,
        *contact_name, *contact_phone_masked;
};
struct complaint_filter {
    const char *district, *status; /* NULL: any */
    bool overdue_only;
    int64_t institution_id;
    int page, per_page;
};
struct complaint_receipt {
    int64_t id, due_on;
    const char *number, *code;
};

/* Validate a complaint (every bad field into fe, institution existence included). */
bool complaint_validate(struct db *db, struct arena *a, const struct complaint_input *in,
                        struct field_errors *fe);
/* File a validated complaint from client_ip (NULL: the demo, no rate limit) at received_at (0: now):
 * ERR_THROTTLED past the per-address limits, ERR_VALIDATION (fe "text") for the same text about the same
 * institution within a day. Seals the contact; the receipt's lookup code is shown once. Own transaction,
 * audited. */
enum err complaint_file(struct db *db, struct arena *a, const struct complaint_input *in,
                        const char *client_ip, int64_t received_at, struct field_errors *fe,
                        struct complaint_receipt *out);
/* One complaint (strings in a), contact name opened and phone masked. With who, the read is audited
 * ("complaint.read"). ERR_NOT_FOUND when absent. */
enum err complaint_get(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                       struct complaint_row *out);
/* The complaint with receipt number whose lookup code is code (no contact): ERR_NOT_FOUND otherwise. */
enum err complaint_lookup(struct db *db, struct arena *a, const char *number, const char *code,
                          struct complaint_row *out);
/* A page of complaints (oldest due first) and the total; no contacts. */
enum err complaint_list(struct db *db, struct arena *a, const struct complaint_filter *f,
                        struct complaint_row **items, int *n, int64_t *total);
/* Accept (received → handling). ERR_STATE when refused. Own transaction, audited. */
enum err complaint_accept(struct db *db, const struct principal *who, int64_t id);
/* Answer with text (received/handling → answered). at: 0 now. ERR_STATE when refused. */
enum err complaint_answer(struct db *db, const struct principal *who, int64_t id, const char *text,
                          int64_t at);
/* Plan an inspection by department on planned_on for the complaint's institution (complaint-triggered);
 * received → handling. ERR_STATE when answered, when one was triggered already or without an institution;
 * ERR_VALIDATION (fe) for a bad department. *inspection_id gets the inspection. */
enum err complaint_trigger_inspection(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                      const char *department, int64_t planned_on, struct field_errors *fe,
                                      int64_t *inspection_id);

/* Demo data: ~20 incidents and ~30 complaints over the last two years in 420303 and 420302. */
enum err cases_demo_load(struct db *db, struct arena *a);

/* ---- Shared by the handlers and pages ------------------------------------------------------------------ */
/* An occurrence time from epoch seconds (have_at) or a CST day plus "HH:MM"; errors into fe; 0 when bad. */
int64_t incident_occurred_from(struct field_errors *fe, bool have_at, int64_t at, bool have_day, int64_t day,
                               const char *time);
/* Range checks of an occurrence time against now (not in the future, at most a year back) into fe. */
void incident_check_occurred(struct field_errors *fe, int64_t occurred_at, int64_t now);
/* JSON of an incident for officials and its operator (full: description, actions, notes). New reference. */
json_t *incident_json(const struct incident_row *c, bool full);
/* The public statistics (incident_stats) for the ?year= of r (default this year; 2000..this year): *year and
 * the rows (in r->a). ERR_VALIDATION with a field error "year" for another year. */
enum err incident_stats_req(struct req *r, int *year, struct incident_stat **rows, int *n);
/* JSON of a complaint for officials (contact: the opened name and masked phone too). New reference. */
json_t *complaint_json(const struct complaint_row *c, bool contact);
/* Add each error of from whose field has none in to yet, so that a field is named once. */
void cases_fe_merge(struct field_errors *to, const struct field_errors *from);
/* The incident r->id[0] (strings in r->a) if r->who may see it: officials their territory, an operator its
 * own institution's; ERR_NOT_FOUND otherwise. */
enum err incident_load_visible(struct req *r, struct incident_row *row);
/* The complaint r->id[0] (strings in r->a; a read that is not audited: only the district is looked at) if
 * r->who may see it: officials but inspectors, within their territory; ERR_NOT_FOUND otherwise. */
enum err complaint_load_visible(struct req *r, struct complaint_row *c);

/* ---- Handlers -------------------------------------------------------------------------------------------
 */
enum err incident_api_report(struct req *r, struct resp *out);  /* POST /api/v1/institutions/{id}/incidents */
enum err incident_api_list(struct req *r, struct resp *out);    /* GET /api/v1/incidents */
enum err incident_api_get(struct req *r, struct resp *out);     /* GET /api/v1/incidents/{id} */
enum err incident_api_note(struct req *r, struct resp *out);    /* POST /api/v1/incidents/{id}/notes */
enum err incident_api_close(struct req *r, struct resp *out);   /* POST /api/v1/incidents/{id}/close */
enum err incident_api_stats(struct req *r, struct resp *out);   /* GET /api/v1/public/incident-stats */
enum err captcha_api_get(struct req *r, struct resp *out);      /* GET /api/v1/public/captcha */
enum err complaint_api_file(struct req *r, struct resp *out);   /* POST /api/v1/public/complaints */
enum err complaint_api_status(struct req *r, struct resp *out); /* GET /api/v1/public/complaints/status */
enum err complaint_api_list(struct req *r, struct resp *out);   /* GET /api/v1/complaints */
enum err complaint_api_get(struct req *r, struct resp *out);    /* GET /api/v1/complaints/{id} */
enum err complaint_api_accept(struct req *r, struct resp *out); /* POST /api/v1/complaints/{id}/accept */
enum err complaint_api_answer(struct req *r, struct resp *out); /* POST /api/v1/complaints/{id}/answer */
enum err complaint_api_inspection(struct req *r, struct resp *out); /* POST …/{id}/inspection */

/* Pages (cases_pages.c). */
enum err page_complaint_new(struct req *r, struct resp *out);           /* GET /complaints/new */
enum err page_complaint_new_post(struct req *r, struct resp *out);      /* POST /complaints/new */
enum err page_complaint_status(struct req *r, struct resp *out);        /* GET /complaints/status */
enum err page_incident_stats(struct req *r, struct resp *out);          /* GET /stats/incidents */
enum err page_dash_complaints(struct req *r, struct resp *out);         /* GET /dash/complaints */
enum err page_dash_complaint(struct req *r, struct resp *out);          /* GET /dash/complaints/{id} */
enum err page_dash_complaint_post(struct req *r, struct resp *out);     /* POST /dash/complaints/{id} */
enum err page_dash_incidents(struct req *r, struct resp *out);          /* GET /dash/incidents */
enum err page_dash_incident(struct req *r, struct resp *out);           /* GET /dash/incidents/{id} */
enum err page_dash_incident_post(struct req *r, struct resp *out);      /* POST /dash/incidents/{id} */
enum err page_operator_incidents(struct req *r, struct resp *out);      /* GET /operator/incidents */
enum err page_operator_incidents_post(struct req *r, struct resp *out); /* POST /operator/incidents */

#endif
