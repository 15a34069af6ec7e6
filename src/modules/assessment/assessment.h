/* The county assessment (督导考核): a scoreboard per district and year computed from the registry — places
 * per 1,000 residents, inclusive places, filing, inspection coverage, rectification and complaints on time,
 * demonstration institutions, the county's task reports and resolutions — with weights and targets set per
 * year, and yearly snapshots that are frozen and then served as stored. assessment_rules.c holds the pure
 * part (the indicator table with its sources, scores, weighted totals, ranks, the scoreboard's JSON),
 * assessment_store.c the SQL, assessment_api.c and assessment_pages.c the handlers. */
#ifndef TUOYU_ASSESSMENT_H
#define TUOYU_ASSESSMENT_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/institution/inst.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- Rules (assessment_rules.c; pure) ------------------------------------------------------------------ */

enum asm_indicator {
    AI_PLACES,        /* places of filed institutions per 1,000 residents */
    AI_INCLUSIVE,     /* share of 普惠 places among places of filed institutions */
    AI_FILED,         /* filed / (filed + registered) institutions */
    AI_INSPECTION,    /* filed institutions with a completed inspection in the year / filed institutions */
    AI_RECTIFICATION, /* orders due in the year accepted by their deadline / orders due in the year */
    AI_COMPLAINTS,    /* complaints due in the year answered by the end of their due day / due in the year */
    AI_DEMONSTRATION, /* demonstration institutions in force at the end of the year (target: at least 1) */
    AI_TASKS,         /* accepted task reports + resolutions done on time / reports + resolutions due */
    AI_GUIDANCE, /* families reached by guidance events done in the year per 1,000 residents (weight 0 until
                    the city gives it one) */
    AI__COUNT
};

/* One indicator: its code (API and storage), Chinese name, default target and weight, the multiplier of
 * numerator/denominator (1000 for per 1,000 residents, else 1), and where the target and weight come from. */
struct asm_rule {
    const char *code, *name_zh, *unit_zh;
    double default_target;
    int default_weight;
    double scale;
    const char *target_source, *weight_source;
};
/* The indicator table, AI__COUNT entries in enum order. Static storage. */
extern const struct asm_rule asm_rules[AI__COUNT];
/* The index of an indicator code, -1 for NULL or unknown. */
int asm_indicator_from_code(const char *code);

/* Years the assessment accepts. */
#define ASM_YEAR_MIN 2019
#define ASM_YEAR_MAX 2100

/* An indicator's raw numbers for one district. has_data false: nothing to measure (no population, a zero
 * denominator, a source that does not exist yet); such an indicator is shown as 无数据 and left out of the
 * weighted total. */
struct asm_cell {
    bool has_data;
    int64_t num, den;
    double value; /* num * scale / den, when has_data */
    double score; /* 0..100, when has_data */
};

/* value = num * scale / den (den > 0). Pure. */
double asm_value(int64_t num, int64_t den, double scale);
/* The score of value against target: min(1, value / target) × 100; 100 for a target <= 0; 0 for value <= 0.
 * Pure. */
double asm_score(double value, double target);
/* Fill c->value and c->score from c->num and c->den for indicator ind with target; has_data becomes false
 * when den <= 0. Pure. */
void asm_cell_compute(struct asm_cell *c, int ind, double target);

/* Check a year's weights: each given (given[i]) and 0..100, their sum 100. Adds one field error per bad or
 * missing weight ("weights.CODE") and one for the sum ("weights"). Returns true when valid. Pure. */
bool asm_weights_check(const int64_t w[AI__COUNT], const bool given[AI__COUNT], struct field_errors *fe);

/* The weighted total (the rule): Σ wᵢ·sᵢ / Σ wᵢ over the indicators with data, i.e. the weights of indicators
 * without data are left out and the others renormalised to 100. false (no total) when no indicator with a
 * positive weight has data. Pure. */
bool asm_weighted_total(const struct asm_cell c[AI__COUNT], const int64_t w[AI__COUNT], double *total);

/* v rounded half away from zero to places decimals (0..6). Pure. */
double asm_round(double v, int places);

/* One district of a scoreboard. */
struct asm_row {
    const char *district_code, *district_name;
    const char *unit_code; /* the county's joint-meeting unit (units.division_code), NULL when none */
    int64_t population;    /* -1 unknown */
    struct asm_cell c[AI__COUNT];
    bool has_total;
    double total; /* rounded to 2 decimals */
    int rank;     /* 1-based, ties share a rank (1, 2, 2, 4); 0 when no total */
};

/* A scoreboard: settings of the year and one row per district. */
struct asm_board {
    int year;
    int64_t weights[AI__COUNT];
    double targets[AI__COUNT];
    bool configured; /* the year's settings were set (else the defaults) */
    int64_t computed_at;
    struct asm_row *rows;
    int n;
    struct code_map map; /* district code → row, for loading */
};

/* Compute every cell's value and score, each row's total and the ranks (totals compared after rounding, so
 * equal shown totals share a rank; rows without a total get rank 0). Pure. */
void asm_board_score(struct asm_board *b);

/* The list behind an indicator of a district (and its unit, NULL when none) for year, as an API URL (arena
 * string), or NULL when no list shows it. Pure. */
const char *asm_records_url(struct arena *a, int ind, const char *district, const char *unit, int year);

/* The scoreboard as JSON: {year, frozen:false, computed_at, weighted_total_rule, indicators:[{code, name,
 * target, weight, target_source, weight_source}], districts:[{district_code, district_name, population,
 * total, rank, indicators:{CODE:{numerator, denominator, value, score, weight, target, no_data, records}}}]}.
 * New reference. Pure. */
json_t *asm_board_json(const struct asm_board *b, struct arena *a);

/* ---- Store (assessment_store.c) ------------------------------------------------------------------------ */

/* The year's weights and targets into w and t (defaults when the year has none); *configured tells which. */
enum err asm_settings_get(struct db *db, int year, int64_t w[AI__COUNT], double t[AI__COUNT],
                          bool *configured);
/* Set the year's weights and targets (already checked) in one transaction with an audit entry. ERR_STATE when
 * the year is frozen. */
enum err asm_settings_set(struct db *db, const struct principal *who, int year, const int64_t w[AI__COUNT],
                          const double t[AI__COUNT]);
/* Compute the live scoreboard of year: settings, every district's raw numbers, scores. Strings and rows in
 * a. Reads only (several statements, no transaction: a live view). */
enum err asm_board_load(struct db *db, struct arena *a, int year, struct asm_board *out);

/* A frozen year. */
struct asm_snapshot {
    int year;
    const char *scoreboard; /* JSON text */
    int64_t frozen_at;
    const char *frozen_by; /* username, NULL for the system */
};
/* The snapshot of year; ERR_NOT_FOUND when the year is not frozen. */
enum err asm_snapshot_get(struct db *db, struct arena *a, int year, struct asm_snapshot *out);
/* Freeze year with scoreboard (JSON text) in one transaction with an audit entry. ERR_STATE when it is
 * frozen already. */
enum err asm_snapshot_put(struct db *db, const struct principal *who, int year, const char *scoreboard);
/* Frozen years, newest first (at most 100). */
enum err asm_snapshot_years(struct db *db, struct arena *a, int **years, int *n);

/* The scoreboard of year as served: the snapshot when frozen (with frozen:true, frozen_at, frozen_by), else
 * the live computation. New reference in *out. */
enum err asm_scoreboard(struct db *db, struct arena *a, int year, json_t **out);

/* Demo: freeze last year's scoreboard (as the system) unless it is frozen already. */
enum err assessment_demo_load(struct db *db, struct arena *a);

/* ---- Handlers ------------------------------------------------------------------------------------------ */

enum err assessment_api_get(struct req *r, struct resp *out);     /* GET /api/v1/assessment?year= */
enum err assessment_api_weights(struct req *r, struct resp *out); /* POST /api/v1/assessment/weights */
enum err assessment_api_freeze(struct req *r, struct resp *out);  /* POST /api/v1/assessment/{year}/freeze */
enum err assessment_api_compare(struct req *r, struct resp *out); /* GET /api/v1/assessment/compare?years= */
enum err page_assessment(struct req *r, struct resp *out);        /* GET /dash/assessment */
enum err page_assessment_freeze(struct req *r, struct resp *out); /* POST /dash/assessment/freeze */

#endif
