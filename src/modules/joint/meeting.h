/* The joint meeting's meetings and resolutions (会议与议定事项), notices to the units (信息通报) with read
 * receipts, and each unit's inbox (我的待办). The meeting's office (办公室, at 市卫健委: city officials and
 * the unit officers of health_commission) plans and records meetings, sets resolutions and sends notices; a
 * unit's officers follow up the resolutions their unit owns and read the notices sent to it. meeting_rules.c
 * holds the pure rules (transition tables, overdue, checks), meeting_store.c the SQL, meeting_api.c and
 * meeting_pages.c the handlers. */
#ifndef TUOYU_MEETING_H
#define TUOYU_MEETING_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (meeting_rules.c; pure) --------------------------------------------------------------------- */

/* The unit that hosts the office of the joint meeting (units.office = 1). */
#define MEETING_OFFICE_UNIT "health_commission"

enum meeting_kind { MK_PLENARY, MK_TOPIC, MK_LIAISON, MK__COUNT };
extern const char *const meeting_kind_names[];    /* "plenary", "topic", "liaison", NULL */
extern const char *const meeting_kind_names_zh[]; /* 全体会议 专题会议 联络员会议 */
enum meeting_status { MS_PLANNED, MS_HELD, MS__COUNT };
extern const char *const meeting_status_names[];    /* "planned", "held", NULL */
extern const char *const meeting_status_names_zh[]; /* 计划召开 已召开 */
enum resolution_status { RES_OPEN, RES_DONE, RES__COUNT };
extern const char *const resolution_status_names[];    /* "open", "done", NULL */
extern const char *const resolution_status_names_zh[]; /* 办理中 已办结 */

/* Events of both workflows. */
enum meeting_event { MEV_RECORD, MEV_RESOLVE, MEV_UPDATE, MEV_DONE, MEV_REOPEN, MEV__COUNT };
extern const char *const meeting_event_names[]; /* "record", "resolve", "update", "done", "reopen", NULL */
extern const char *const meeting_event_names_zh[]; /* 记录会议 确定议定事项 报告进展 办结 重新办理 */

/* Who acts, relative to the thing acted on (bits): the office, the resolution's owner unit, another unit. */
enum meeting_actor { MA_OFFICE = 1u << 0, MA_OWNER = 1u << 1, MA_UNIT = 1u << 2, MA_READER = 1u << 3 };

struct meeting_transition {
    int from, event, to;
    unsigned actors; /* enum meeting_actor bits that may fire it */
};
/* The tables and (through n, if not NULL) their lengths. Static storage. */
const struct meeting_transition *meeting_transitions(int *n);    /* of meetings (enum meeting_status) */
const struct meeting_transition *resolution_transitions(int *n); /* of resolutions (enum resolution_status) */
/* OK with the target in *to (to may be NULL), ERR_FORBIDDEN when no row lets actors fire event, ERR_STATE
 * when some row does but not from status from. */
enum err meeting_check(int from, int event, unsigned actors, int *to);
enum err resolution_check(int from, int event, unsigned actors, int *to);

/* Whether a principal of role with unit code unit (NULL allowed) acts for the office: city officials, and
 * unit officers of MEETING_OFFICE_UNIT. */
bool meeting_is_office(unsigned role, const char *unit);
/* The actor bits of a principal towards a resolution owned by owner_unit (NULL: towards a meeting): MA_OFFICE
 * for the office, MA_OWNER for officers of owner_unit, MA_UNIT for other unit officers, MA_READER for admins
 * and auditors; 0 for anyone else. */
unsigned meeting_actor(unsigned role, const char *unit, const char *owner_unit);

/* Overdue: a resolution still open after its deadline day. Days past it (0 when not overdue). */
bool resolution_overdue(int status, int64_t deadline_on, int64_t today);
int64_t resolution_days_overdue(int status, int64_t deadline_on, int64_t today);

/* Checks returning a Chinese message for a bad value, NULL for a good one. Static storage. */
/* A planned meeting: no earlier than a year ago, at most two years ahead. */
const char *meeting_planned_day_problem(int64_t held_on, int64_t today);
/* A meeting recorded as held: not in the future, and no earlier than a year before the planned day. */
const char *meeting_held_day_problem(int64_t held_on, int64_t today);
/* A plenary meeting when plenaries_that_year others are already planned or held that year (at most 2). */
#define MEETING_PLENARY_PER_YEAR 2
const char *meeting_plenary_problem(int kind, int64_t plenaries_that_year);
/* A resolution's deadline: not before the meeting, at most three years after it. */
const char *resolution_deadline_problem(int64_t deadline_on, int64_t held_on);
/* "2026-1-3": the year of held_on, the meeting's number in that year and the item's number, in a. */
const char *resolution_number(struct arena *a, int64_t held_on, int64_t year_seq, int64_t seq);
/* Whether s is NULL or blanks only (space, tab, CR, LF, U+3000). */
bool meeting_blank(const char *s);
/* Parse a name of a names list; -1 for NULL or unknown. */
int meeting_name_index(const char *const *names, const char *s);

/* ---- Store (meeting_store.c) ----------------------------------------------------------------------------
 */

struct meeting_unit {
    const char *code, *name;
    int attended; /* -1: not recorded yet, 0, 1 */
};

struct meeting {
    int64_t id, held_on, year_seq /* 0 until held */, created_at, recorded_at /* 0 */, version, updated_at;
    const char *kind, *title, *location, *agenda, *status, *minutes /* NULL until held */;
    struct meeting_unit *units; /* invited, in units' order (arena); filled by meeting_get only */
    int nunits;
    int64_t nresolutions, nopen;
};

struct resolution {
    int64_t id, meeting_id, seq, deadline_on, done_on /* 0 */, created_at, version, updated_at;
    const char *number, *text, *owner_unit, *owner_name, *status, *meeting_title, *meeting_kind;
    int64_t meeting_held_on;
    bool overdue;         /* computed for today when read */
    int64_t days_overdue; /* idem */
};

struct resolution_update {
    int64_t id, at;
    const char *event, *text, *unit_code, *unit_name, *by_name;
};

struct notice {
    int64_t id, created_at, nrecipients, nread;
    const char *title, *body;
    bool to_all;
    /* For a unit's view (meeting_notice_list with a unit / meeting_notice_get): its receipt. */
    int64_t read_at; /* 0: unread */
    const char *read_by;
};

struct notice_receipt {
    const char *unit_code, *unit_name, *read_by /* NULL */;
    int64_t read_at; /* 0: unread */
};

struct meeting_new {
    int kind; /* enum meeting_kind */
    const char *title, *location, *agenda;
    int64_t held_on;
    const char *const *units; /* invited unit codes; none for a plenary: every member unit */
    int nunits;
};

/* Whether a unit officer of unit may see meeting id: invited, or a member unit for a plenary meeting. The
 * office, admins and auditors see every meeting (decided by the caller). */
enum err meeting_unit_sees(struct db *db, int64_t id, const char *unit, bool *sees);
/* Whether code names a unit (*member: one of the member units). */
enum err meeting_unit_known(struct db *db, const char *code, bool *known, bool *member);

/* Create a planned meeting (who NULL = system). Unknown unit codes go into fe as units[i], a third plenary of
 * a year as kind, with ERR_VALIDATION; ERR_FORBIDDEN unless who is the office. One transaction with its
 * audit entry; *out is the meeting as read back. */
enum err meeting_create(struct db *db, struct arena *a, const struct principal *who,
                        const struct meeting_new *in, int64_t today, struct field_errors *fe,
                        struct meeting *out);
/* A meeting with its invited units. ERR_NOT_FOUND when absent. */
enum err meeting_get(struct db *db, struct arena *a, int64_t id, struct meeting *out);
/* Meetings, latest first (at most 200). unit non-NULL: only those it sees (see meeting_unit_sees). */
enum err meeting_list(struct db *db, struct arena *a, const char *unit, struct meeting **items, int *n);
/* Record a planned meeting as held: the day, the minutes and which invited units attended (a code not
 * invited → fe attended[i]). ERR_STATE unless planned. */
enum err meeting_record(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                        int64_t held_on, const char *minutes, const char *const *attended, int nattended,
                        int64_t today, struct field_errors *fe, struct meeting *out);

/* Add a resolution to a held meeting (ERR_STATE when planned): numbered year-meeting-item. An unknown owner
 * goes into fe (owner_unit), a bad deadline too (deadline_on). */
enum err resolution_create(struct db *db, struct arena *a, const struct principal *who, int64_t meeting_id,
                           const char *text, const char *owner_unit, int64_t deadline_on,
                           struct field_errors *fe, struct resolution *out);
/* One resolution (overdue computed for today). ERR_NOT_FOUND when absent. */
enum err resolution_get(struct db *db, struct arena *a, int64_t id, struct resolution *out);
struct resolution_filter {
    const char *unit;   /* owner; NULL any */
    const char *status; /* NULL any */
    bool overdue;
    int64_t meeting_id; /* 0 any */
};
/* Resolutions matching f: overdue first (the oldest deadline first), then by deadline and number (at most
 * 500). */
enum err resolution_list(struct db *db, struct arena *a, const struct resolution_filter *f,
                         struct resolution **items, int *n);
/* The follow-up history, oldest first. */
enum err resolution_updates(struct db *db, struct arena *a, int64_t id, struct resolution_update **items,
                            int *n);
/* Follow-up by the owner unit or the office: text, and done to close it (MEV_DONE) or not (MEV_UPDATE).
 * ERR_FORBIDDEN for anyone else, ERR_STATE when the resolution is done. today is the done day. */
enum err resolution_follow_up(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                              const char *text, bool done, int64_t today, struct resolution *out);
/* The office reopens a done resolution (text: why; may be NULL). ERR_STATE unless done. */
enum err resolution_reopen(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                           const char *text, struct resolution *out);

/* Send a notice to every member unit but the office (to_all) or to the units given (unknown → fe
 * units[i]). ERR_FORBIDDEN unless who is the office. */
enum err notice_create(struct db *db, struct arena *a, const struct principal *who, const char *title,
                       const char *body, bool to_all, const char *const *units, int nunits,
                       struct field_errors *fe, struct notice *out);
/* Notices, newest first (at most 200). unit non-NULL: only those sent to it, with its receipt; unread_only
 * then keeps the unread ones. */
enum err notice_list(struct db *db, struct arena *a, const char *unit, bool unread_only,
                     struct notice **items, int *n);
/* One notice. For a unit (non-NULL) ERR_NOT_FOUND unless it was sent to the unit; mark: the first reader of
 * the unit marks it read (audited), later readers change nothing. */
enum err notice_get(struct db *db, struct arena *a, const struct principal *who, int64_t id, const char *unit,
                    bool mark, struct notice *out);
/* Who has read a notice and who has not: one row per recipient unit, in units' order. */
enum err notice_receipts(struct db *db, struct arena *a, int64_t id, struct notice_receipt **items, int *n);

/* The units (code, name) for forms: members only or all. */
enum err meeting_units(struct db *db, struct arena *a, bool members_only, struct meeting_unit **items,
                       int *n);

/* The demo: a plenary meeting held this year with minutes and five resolutions (one overdue, one done), a
 * topic meeting planned, two notices (one read by some units). Deterministic; needs the units of 008. */
enum err meeting_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (meeting_api.c, meeting_pages.c) ----------------------------------------------------------
 */

enum err meeting_api_create(struct req *r, struct resp *out);         /* POST /api/v1/meetings */
enum err meeting_api_list(struct req *r, struct resp *out);           /* GET /api/v1/meetings */
enum err meeting_api_get(struct req *r, struct resp *out);            /* GET /api/v1/meetings/{id} */
enum err meeting_api_record(struct req *r, struct resp *out);         /* POST …/{id}/record */
enum err meeting_api_resolution_add(struct req *r, struct resp *out); /* POST …/{id}/resolutions */
enum err resolution_api_list(struct req *r, struct resp *out);        /* GET /api/v1/resolutions */
enum err resolution_api_get(struct req *r, struct resp *out);         /* GET /api/v1/resolutions/{id} */
enum err resolution_api_update(struct req *r, struct resp *out);      /* POST …/{id}/updates */
enum err resolution_api_reopen(struct req *r, struct resp *out);      /* POST …/{id}/reopen */
enum err notice_api_create(struct req *r, struct resp *out);          /* POST /api/v1/notices */
enum err notice_api_list(struct req *r, struct resp *out);            /* GET /api/v1/notices */
enum err notice_api_get(struct req *r, struct resp *out);             /* GET /api/v1/notices/{id} */
enum err notice_api_receipts(struct req *r, struct resp *out);        /* GET …/{id}/receipts */
enum err inbox_api(struct req *r, struct resp *out);                  /* GET /api/v1/inbox */

enum err page_units_inbox(struct req *r, struct resp *out);             /* GET /units */
enum err page_units_notice(struct req *r, struct resp *out);            /* GET /units/notices/{id} */
enum err page_units_resolution(struct req *r, struct resp *out);        /* GET /units/resolutions/{id} */
enum err page_units_resolution_post(struct req *r, struct resp *out);   /* POST /units/resolutions/{id} */
enum err page_meetings(struct req *r, struct resp *out);                /* GET /dash/meetings */
enum err page_meetings_post(struct req *r, struct resp *out);           /* POST /dash/meetings */
enum err page_meeting(struct req *r, struct resp *out);                 /* GET /dash/meetings/{id} */
enum err page_meeting_record_post(struct req *r, struct resp *out);     /* POST /dash/meetings/{id}/record */
enum err page_meeting_resolution_post(struct req *r, struct resp *out); /* POST …/{id}/resolutions */
enum err page_resolution_reopen_post(struct req *r,
                                     struct resp *out);      /* POST /dash/resolutions/{id}/reopen */
enum err page_notices(struct req *r, struct resp *out);      /* GET /dash/notices */
enum err page_notices_post(struct req *r, struct resp *out); /* POST /dash/notices */

#endif
