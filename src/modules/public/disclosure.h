/* What the portal discloses about an institution's supervision (issue 5, "public disclosure"): the last
 * inspection, findings of the last three years by severity with their rectification status and dates, credit
 * records in force, the quality rating and incidents as counts. A read model over the supervision tables;
 * it holds no personal data (findings and credit records are written without names). */
#ifndef TUOYU_DISCLOSURE_H
#define TUOYU_DISCLOSURE_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define DISCLOSURE_YEARS 3

enum severity { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV__COUNT };
extern const char *const severity_names[SEV__COUNT];    /* low medium high critical */
extern const char *const severity_names_zh[SEV__COUNT]; /* 轻微 一般 较重 严重 */

/* Where a finding's correction stands, as the public sees it. */
enum rect_public {
    RECTP_NONE,        /* no order (minor findings corrected on the spot, or none yet) */
    RECTP_IN_PROGRESS, /* ordered, deadline not passed */
    RECTP_ANSWERED,    /* the institution answered; the inspector has not verified yet */
    RECTP_OVERDUE,     /* deadline passed without accepted correction */
    RECTP_DONE,        /* verified and accepted */
    RECTP__COUNT
};
extern const char *const rect_public_names[RECTP__COUNT];
extern const char *const rect_public_names_zh[RECTP__COUNT];

struct disclosed_finding {
    int64_t found_on, deadline_on, closed_on; /* days; 0 when none */
    int severity;                             /* enum severity */
    int rect;                                 /* enum rect_public */
    const char *department, *clause, *description;
};

struct disclosure {
    int64_t last_inspection_on; /* day of the last completed inspection; 0 none */
    const char *last_inspection_department;
    int64_t inspections; /* completed in the window */
    int64_t by_severity[SEV__COUNT];
    int64_t by_rect[RECTP__COUNT];
    struct disclosed_finding *findings; /* newest first, at most 50 */
    int nfindings;
    /* Incidents in the window, as counts only: all, serious injuries, deaths, abuse found substantiated. */
    int64_t incidents, incidents_serious, incidents_deaths, abuse_substantiated;
    /* Parents' complaints received in the window, as counts only (never their text or the complainant):
     * received, answered, answered by their deadline, and open past their deadline. */
    int64_t complaints, complaints_answered, complaints_on_time, complaints_overdue;
};

/* Fill *out for institution id as of day today (the window is the DISCLOSURE_YEARS years before today).
 * Strings in a. A database error as itself. */
enum err disclosure_get(struct db *db, struct arena *a, int64_t institution_id, int64_t today,
                        struct disclosure *out);

#endif
