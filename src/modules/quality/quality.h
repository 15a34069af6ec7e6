/* Quality assessment (质量评估) after the structure of 《托育机构质量评估标准》（WS/T 821—2023）: versioned
 * templates (categories → items → indicators with points, basic indicators that veto, level thresholds),
 * assessments of filed institutions scored against the active template, and the rating an institution
 * carries: its latest published assessment, "due" for a new one once older than the configured period.
 *
 * What is ours and what is the standard's (see /work/shared/reference/rules-and-sources.md, "Quality
 * assessment"): the seven categories and their weights (1,000 points as 100/140/200/210/80/200/70, scaled to
 * 100 here) are the standard's structure (confidence S); items, indicators, which indicators are basic, and
 * the A/B/C thresholds are placeholders in data/quality/wst821-v1.json for the county to edit.
 *
 * The veto rule (our reading, confidence low — the standard's text is not in the repository; the reference
 * notes only "16 basic one-vote-veto indicators", S): a basic indicator is met only when it is given its full
 * points; an assessment with any basic indicator not met is level D (不合格) whatever its total. */
#ifndef TUOYU_QUALITY_H
#define TUOYU_QUALITY_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "json/jspec.h"

#include <stdbool.h>
#include <stdint.h>

#define QUALITY_TOTAL_POINTS         100
#define QUALITY_SETTING_VALID_DAYS   "quality_rating_valid_days"
#define QUALITY_DEFAULT_VALID_DAYS   1095 /* 3 years: a local setting, not a national rule */
#define QUALITY_DEFAULT_TEMPLATE     "data/quality/wst821-v1.json"
#define QUALITY_MAX_CATEGORIES       12
#define QUALITY_MAX_ITEMS            30  /* per category */
#define QUALITY_MAX_INDICATORS       30  /* per item */
#define QUALITY_MAX_INDICATORS_TOTAL 300 /* per template */

/* ---- Templates (quality_rules.c, pure) ------------------------------------------------------------------
 */

struct quality_indicator {
    const char *code, *text, *clause, *origin; /* clause may be NULL; origin "standard" | "placeholder" */
    int64_t points;                            /* maximum points, 1..100 */
    bool basic;                                /* 基本指标: not met → level D */
    int category, item;                        /* indexes into the template's arrays */
};
struct quality_item {
    const char *code, *name, *origin;
    int category;
    int first, n; /* its indicators: inds[first .. first+n) */
};
struct quality_category {
    const char *code, *name, *origin;
    int64_t points; /* sum of its indicators' points */
    int first_item, nitems;
};
/* A parsed template. Strings are copies in the arena it was parsed into. */
struct quality_template {
    int64_t id, version; /* from the store; 0 for a template not stored yet */
    const char *title, *basis, *notes;
    int64_t level_min[3]; /* the least total for A, B and C; below C is D */
    struct quality_category *cats;
    int ncats;
    struct quality_item *items;
    int nitems;
    struct quality_indicator *inds;
    int ninds;
    int64_t total_points;
};

/* Parse and validate a template body ({"title","basis"?,"notes"?,"levels":{"A","B","C"},"categories":[…]}).
 * Appends every bad field to fe (paths such as "categories[2].items[0].indicators[1].points"): unknown
 * fields, lengths, codes ([0-9A-Za-z._-], 1–20 characters) unique across categories, items and indicators,
 * category names unique, points 1..100 summing to exactly 100, thresholds 1..100 with A > B > C. Returns true
 * when valid; *t's arrays and strings live in a. Pure. */
bool quality_template_parse(json_t *body, struct arena *a, struct quality_template *t,
                            struct field_errors *fe);
/* The index of the indicator with code in t, or -1. Pure. */
int quality_indicator_find(const struct quality_template *t, const char *code);

/* ---- Scoring (quality_rules.c, pure) --------------------------------------------------------------------
 */

struct quality_score {
    const char *indicator;
    int64_t points;
    const char *note; /* may be NULL */
};
struct quality_subtotal {
    const char *code, *name;
    int64_t points, max;
};
struct quality_result {
    int64_t total, max;
    struct quality_subtotal *cats; /* one per category, in template order */
    int ncats;
    const char **vetoes; /* codes of basic indicators not met, in template order */
    int nvetoes;
    char level; /* 'A'..'D' */
};

/* The level of a total against thresholds min[3] (A, B, C); any veto makes it 'D'. A total equal to a
 * threshold reaches that level. Pure. */
char quality_level(const int64_t min[3], int64_t total, bool veto);
/* Score an assessment: every indicator of t must be scored exactly once with 0..its points. Each missing
 * indicator is reported as field "scores.CODE", each unknown or repeated one as "scores[i].indicator", each
 * over its maximum as "scores[i].points". On success fills *out (arrays in a) and returns true. Pure. */
bool quality_score_compute(const struct quality_template *t, const struct quality_score *s, int n,
                           struct arena *a, struct quality_result *out, struct field_errors *fe);
/* The first day on which a rating assessed on assessed_on is due for a new assessment: assessed_on +
 * valid_days. A rating is due when today >= that day. Pure. */
int64_t quality_due_on(int64_t assessed_on, int64_t valid_days);
bool quality_rating_due(int64_t assessed_on, int64_t today, int64_t valid_days);

/* ---- Workflow (quality_rules.c, pure) -------------------------------------------------------------------
 */

enum quality_status { QS_DRAFT, QS_PUBLISHED, QS_SUPERSEDED, QS__COUNT };
extern const char *const quality_status_names[]; /* "draft", "published", "superseded", NULL */
extern const char *const quality_status_names_zh[];
enum quality_event { QE_EDIT, QE_PUBLISH, QE_SUPERSEDE, QE__COUNT };
struct quality_transition {
    int from, event, to;
    unsigned roles; /* enum role bits */
};
/* The target status of event from status for role, or -1 when refused. Pure. */
int quality_transition(int from, int event, unsigned role);
const struct quality_transition *quality_transitions(int *n);
/* Parse a status name; -1 when unknown. */
int quality_status_from_name(const char *s);
extern const char *const quality_level_names[]; /* "A", "B", "C", "D", NULL */
/* Parse a level name; -1 when unknown. */
int quality_level_from_name(const char *s);
/* Roles that may create, edit and publish assessments (county within its district, city anywhere). */
#define QUALITY_ASSESSOR_ROLES (ROLE_CITY | ROLE_COUNTY)

/* ---- Store (quality_store.c) ----------------------------------------------------------------------------
 */

struct quality_template_row {
    int64_t id, version, indicators, total_points, created_at;
    const char *title, *body, *created_by; /* body: JSON text; created_by: username or NULL (system) */
    bool active;
};
struct quality_assessment {
    int64_t id, institution_id, template_id, template_version, assessed_on, total, version;
    int64_t created_at, updated_at, published_at;                /* published_at 0 while a draft */
    const char *status, *level, *assessors, *subtotals, *vetoes; /* JSON texts for the last three */
    bool veto;
    const char *institution_name, *district_code, *district_name, *created_by;
    struct quality_score *scores; /* filled by quality_assessment_get only */
    int nscores;
};
struct quality_filter {
    const char *district;   /* NULL: any */
    const char *level;      /* NULL: any */
    const char *status;     /* NULL: any */
    bool due_only;          /* current (published) ratings that are due */
    int64_t institution_id; /* 0: any */
    bool public_only;       /* published and superseded only (operators) */
    int page;               /* 1-based */
};

/* The active template (the newest version), seeding version 1 from the embedded default when none exists.
 * *t lives in a. Runs its own transaction when it must seed. */
enum err quality_template_active(struct db *db, struct arena *a, struct quality_template *t);
/* One template by id, parsed (ERR_NOT_FOUND when absent); row gets the stored fields. */
enum err quality_template_get(struct db *db, struct arena *a, int64_t id, struct quality_template_row *row,
                              struct quality_template *t);
/* Every version, newest first (seeds version 1 first when none exists). */
enum err quality_template_list(struct db *db, struct arena *a, struct quality_template_row **items, int *n);
/* Validate body and store it as the next version (which becomes active); audited. ERR_VALIDATION with fe. */
enum err quality_template_create(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                                 struct field_errors *fe, struct quality_template_row *out);

/* What an assessment is made of. */
struct quality_input {
    int64_t assessed_on;
    const char **assessors;
    int nassessors;
    struct quality_score *scores;
    int nscores;
};
/* Create a draft assessment of a filed institution against the active template, scored by in (every
 * indicator, see quality_score_compute). ERR_NOT_FOUND when the institution is absent, ERR_STATE when it is
 * not filed, ERR_VALIDATION with fe. Territory is the caller's business. Audited. *id_out gets the new id. */
enum err quality_assessment_create(struct db *db, struct arena *a, const struct principal *who,
                                   int64_t institution_id, const struct quality_input *in,
                                   struct field_errors *fe, int64_t *id_out);
/* Replace a draft's date, assessors and scores, when its version is still expected_version (ERR_CONFLICT
 * otherwise). ERR_STATE unless it is a draft; ERR_VALIDATION with fe. Audited. */
enum err quality_assessment_update(struct db *db, struct arena *a, const struct principal *who, int64_t id,
                                   int64_t expected_version, const struct quality_input *in,
                                   struct field_errors *fe);
/* Publish a draft: it becomes the institution's rating and the earlier published one is superseded.
 * ERR_STATE when not a draft, or when a published assessment of the institution is dated later. Audited. */
enum err quality_assessment_publish(struct db *db, const struct principal *who, int64_t id);
/* One assessment with its scores (arena). ERR_NOT_FOUND when absent. */
enum err quality_assessment_get(struct db *db, struct arena *a, int64_t id, struct quality_assessment *out);
/* The score of indicator code among q's scores (NULL q: none), or NULL. Pure. */
const struct quality_score *quality_score_find(const struct quality_assessment *q, const char *code);
/* A page (50) of assessments matching f, newest first, and the total count. today and valid_days decide
 * "due". */
enum err quality_assessment_list(struct db *db, struct arena *a, const struct quality_filter *f,
                                 int64_t today, int64_t valid_days, struct quality_assessment **items, int *n,
                                 int64_t *total);
/* The rating period in days: setting quality_rating_valid_days, default 1095. */
int64_t quality_valid_days(struct db *db);

/* An institution's current rating, for the portal. */
struct quality_rating {
    int64_t assessment_id;
    char level;          /* 'A'..'D' */
    int64_t assessed_on; /* day */
    int64_t due_on;      /* day from which it is due */
    bool due;            /* today >= due_on */
    bool veto;
    int64_t total, max;
    int64_t template_version;
    struct quality_subtotal *cats; /* per-category subtotals (arena) */
    int ncats;
};
/* The current rating of an institution: its latest published assessment, with its date, due flag (against
 * today, a CST day, and the setting quality_rating_valid_days) and per-category subtotals; never assessors'
 * notes or names. ERR_NOT_FOUND when it has none. Strings and arrays in a. Does not check that the
 * institution is filed or visible: the caller does. */
enum err quality_current_rating(struct db *db, struct arena *a, int64_t institution_id, int64_t today,
                                struct quality_rating *out);

/* Demo: published assessments for about 40 filed institutions across levels A–D, some older than the rating
 * period (due), one with a veto. Deterministic; actor NULL (system). */
enum err quality_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (quality_api.c, quality_pages.c) ----------------------------------------------------------
 */

enum err quality_api_template_create(struct req *r, struct resp *out); /* POST /api/v1/quality-templates */
enum err quality_api_template_list(struct req *r, struct resp *out);   /* GET  /api/v1/quality-templates */
enum err quality_api_template_get(struct req *r, struct resp *out);    /* GET  …/quality-templates/{id} */
enum err quality_api_create(struct req *r,
                            struct resp *out); /* POST /api/v1/institutions/{id}/quality-assessments */
enum err quality_api_list(struct req *r, struct resp *out);    /* GET  /api/v1/quality-assessments */
enum err quality_api_get(struct req *r, struct resp *out);     /* GET  /api/v1/quality-assessments/{id} */
enum err quality_api_update(struct req *r, struct resp *out);  /* PATCH /api/v1/quality-assessments/{id} */
enum err quality_api_publish(struct req *r, struct resp *out); /* POST …/quality-assessments/{id}/publish */
enum err quality_api_history(struct req *r, struct resp *out); /* GET  /api/v1/institutions/{id}/quality */
enum err quality_api_public_rating(struct req *r,
                                   struct resp *out); /* GET /api/v1/public/institutions/{id}/rating */

enum err page_quality_list(struct req *r, struct resp *out);    /* GET  /dash/quality */
enum err page_quality_new(struct req *r, struct resp *out);     /* GET  /dash/quality/new?institution=ID */
enum err page_quality_create(struct req *r, struct resp *out);  /* POST /dash/quality */
enum err page_quality(struct req *r, struct resp *out);         /* GET  /dash/quality/{id} */
enum err page_quality_save(struct req *r, struct resp *out);    /* POST /dash/quality/{id} */
enum err page_quality_publish(struct req *r, struct resp *out); /* POST /dash/quality/{id}/publish */

#endif
