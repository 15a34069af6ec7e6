/* Random inspections (双随机一公开): institutions and inspectors drawn from the register with a published
 * seed, so that anyone can redo the draw with common tools.
 *
 * The method "sha256-rank-v1":
 *   - score(kind, id) = lowercase hex SHA-256 of the ASCII text "<seed>:<kind>:<id>", where seed is 64
 *     lowercase hex digits, kind is "institution" or "inspector" and id is the decimal institution id or
 *     inspector account id (no leading zeros). Shell: printf '%s' '<seed>:institution:<id>' | sha256sum
 *   - eligible institutions: state 'filed' in the draw's district (every district for a city-wide draw);
 *     eligible inspectors: enabled inspector accounts of the draw's department in its district (every
 *     district for a city-wide draw).
 *   - each list is sorted by score ascending (as text; ties, which do not happen in practice, by id); the
 *     first N institutions are drawn.
 *   - inspectors work in their own district, so they are assigned within it: the inspectors of district D,
 *     in rank order, form D's list of m_D; the drawn institutions are taken in rank order, and the one that
 *     is the c-th (0-based) drawn institution of its district D gets the inspectors at positions
 *     (c·k + j) mod m_D of D's list, for j = 0..k-1 — round-robin, so k consecutive positions, distinct
 *     because k ≤ m_D. For a one-district draw that is simply: the drawn institution of rank i gets the
 *     inspectors of ranks (i·k + j) mod m. The inspectors drawn are those assigned to any institution.
 *     A draw is refused when a district of a drawn institution has fewer than k eligible inspectors.
 */
#ifndef TUOYU_DRAW_H
#define TUOYU_DRAW_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

#define DRAW_METHOD      "sha256-rank-v1"
#define DRAW_HEX_LEN     64 /* a seed and a score: 64 lowercase hex digits */
#define DRAW_MAX_WANTED  1000
#define DRAW_MAX_PER_INS 10

enum draw_kind { DRAW_INSTITUTION, DRAW_INSPECTOR, DRAW__KINDS };
extern const char *const draw_kind_names[]; /* "institution", "inspector", NULL */

/* One eligible institution or inspector of a draw. */
struct draw_candidate {
    int64_t id;        /* institutions.id or users.id */
    const char *label; /* institution name or inspector username (borrowed) */
    const char *group; /* district code (borrowed): inspectors are assigned within their district */
    char score[DRAW_HEX_LEN + 1];
    int rank; /* 0-based position after sorting by score */
    bool selected;
};

/* ---- Pure rules (draw_rules.c) ---- */

/* Whether s is exactly 64 lowercase hex digits. NULL is not. */
bool draw_seed_valid(const char *s);
/* The score of one candidate into out (64 lowercase hex digits and a NUL). seed must be valid; kind an enum
 * draw_kind. Pure (SHA-256 through libsodium). */
void draw_score(const char *seed, int kind, int64_t id, char out[static DRAW_HEX_LEN + 1]);
/* Score every candidate c[0..count) with seed, sort them by score (then id) and mark the first n (at most
 * count) selected; ranks are set. The array is reordered in place. Pure. */
void draw_rank(const char *seed, int kind, struct draw_candidate *c, int count, int n);
/* Sort candidates whose scores are already set (read back from storage) and set their ranks; selected flags
 * are left as they are. Pure. */
void draw_sort(struct draw_candidate *c, int count);
/* The rank of the j-th inspector (0 ≤ j < k) of the drawn institution of rank i, among m ranked inspectors:
 * (i·k + j) mod m. -1 when the arguments make no sense (m < 1, k < 1, k > m, j outside 0..k-1, i < 0). Pure.
 */
int draw_assign(int i, int j, int k, int m);
/* Assign inspectors to the drawn institutions as draw.h describes. insts[0..ninsts) and insp[0..ninsp) are
 * ranked (draw_rank, or draw_sort with selected flags as stored); k ≥ 1. Writes, for the p-th selected
 * institution (in rank order), the indexes into insp of its k inspectors to out[p·k .. p·k+k) (out holds
 * (selected institutions)·k ints) and sets insp[].selected for those assigned, clearing the others. Returns
 * the number of selected institutions, or -1 when the district of a selected institution has fewer than k
 * inspectors (*short_group, when non-NULL, gets that district code; nothing is assigned then). Pure. */
int draw_assign_all(const struct draw_candidate *insts, int ninsts, struct draw_candidate *insp, int ninsp,
                    int k, int *out, const char **short_group);

/* ---- Store (draw_store.c) ---- */

struct draw_params {
    const char *title, *department;
    const char *district; /* NULL: the whole city */
    int64_t institutions, per_institution, planned_on;
    const char *seed; /* 64 lowercase hex digits, or NULL for 32 random bytes from libsodium */
};

/* What a drawn institution's inspection has become (for the public record). */
struct draw_outcome {
    int64_t inspection_id; /* 0 when none (should not happen) */
    const char *status;    /* planned | completed | cancelled */
    int64_t inspected_on;  /* day; 0 until completed */
    const char *result;    /* pass | findings; NULL until completed */
    int64_t findings[4];   /* completed: counts by severity low, medium, high, critical */
};

struct draw_pick {
    const struct draw_candidate *institution;
    const struct draw_candidate **inspectors; /* k of them, in assignment order */
    int ninspectors;
    struct draw_outcome outcome;
};

struct draw_row {
    int64_t id;
    const char *title, *department_code, *department_name, *district_code, *district_name, *method, *seed;
    int64_t institutions_wanted, inspectors_per_institution, eligible_institutions, eligible_inspectors;
    int64_t planned_on, drawn_at;
    /* Filled by draw_get only (NULL/0 in lists): the eligible lists sorted by rank and the picks. */
    struct draw_candidate *insts, *inspectors;
    int ninsts, ninspectors;
    struct draw_pick *picks;
    int npicks;
};

extern const char *const draw_severity_names[]; /* "low", "medium", "high", "critical", NULL */

/* Draw and store, in one transaction: the draw, every eligible entry with its score and whether it was drawn,
 * one planned 'random' inspection per drawn institution with its inspectors (inspection_plan_in_tx), and the
 * audit entry. who NULL is the system (demo). p must have been validated (known department and district,
 * sizes in range, seed NULL or valid). When fewer institutions than p->institutions or fewer inspectors
 * than p->per_institution are eligible, adds "institutions" / "inspectors_per_institution" to fe and returns
 * ERR_VALIDATION. *id gets the draw's id. Blocks on the database. */
enum err draw_create(struct db *db, const struct principal *who, const struct draw_params *p,
                     struct field_errors *fe, int64_t *id);
/* One draw with its lists, picks and their inspections' outcomes (strings in a). ERR_NOT_FOUND when absent.
 */
enum err draw_get(struct db *db, struct arena *a, int64_t id, struct draw_row *out);
/* Draws newest first, at most limit, with id < before (before ≤ 0: from the newest). district non-NULL: only
 * draws of that district and city-wide ones. Lists are not filled. Strings in a. */
enum err draw_list(struct db *db, struct arena *a, const char *district, int64_t before, int limit,
                   struct draw_row **items, int *n);

/* The demo: one published draw for 张湾区 (420303) by the health department with a fixed seed, 5
 * institutions, 2 inspectors each, planned two weeks ahead. Does nothing when that draw exists. Needs the
 * demo's filed institutions and inspector accounts. */
enum err draw_demo_load(struct db *db, struct arena *a);

/* ---- Handlers (draw_api.c, draw_pages.c) ---- */
enum err draw_api_create(struct req *r, struct resp *out);      /* POST /api/v1/draws */
enum err draw_api_list(struct req *r, struct resp *out);        /* GET /api/v1/draws */
enum err draw_api_public_list(struct req *r, struct resp *out); /* GET /api/v1/public/draws */
enum err draw_api_public_get(struct req *r, struct resp *out);  /* GET /api/v1/public/draws/{id} */
enum err draw_page_list(struct req *r, struct resp *out);       /* GET /draws */
enum err draw_page_get(struct req *r, struct resp *out);        /* GET /draws/{id} */
/* For the list handlers: the draws ?before=<id> asks for (older than that id; from the newest when absent),
 * at most limit, of district (NULL: all; see draw_list). A bad before adds to r->fe and returns
 * ERR_VALIDATION. Strings in r->a. */
enum err draw_list_before(struct req *r, const char *district, int limit, struct draw_row **items, int *n);

#endif
