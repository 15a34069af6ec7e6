/* Filing (备案) with the county health department: the dossier, the national rules it is checked against
 * (figures from the thresholds table in modules/rules), and the workflow as a transition table. */
#ifndef TUOYU_FILING_H
#define TUOYU_FILING_H
#include "core/err.h"
#include "http/http.h"
#include "modules/rules/rules.h" /* the thresholds table: struct threshold, threshold_get, … */

#include <stdbool.h>
#include <stdint.h>

enum service_type { SVC_FULL_DAY, SVC_HALF_DAY, SVC_HOURLY, SVC_TEMPORARY, SVC__COUNT };
extern const char *const service_type_names[];    /* "full_day", "half_day", "hourly", "temporary", NULL */
extern const char *const service_type_names_zh[]; /* 全日托 半日托 计时托 临时托 */

enum class_type { CLASS_INFANT, CLASS_TODDLER, CLASS_OLDER, CLASS_MIXED, CLASS__COUNT };
extern const char *const class_type_names[];    /* "infant", "toddler", "older", "mixed", NULL */
extern const char *const class_type_names_zh[]; /* 乳儿班 托小班 托大班 混龄班 */
/* Ages a class type serves, in months: infant 6–12, toddler 12–24, older 24–36, mixed 18–36. */
void class_type_ages(int type, int *min_months, int *max_months);

enum attachment_kind {
    ATT_FILING_FORM,
    ATT_COMMITMENT,
    ATT_BUSINESS_LICENSE,
    ATT_PREMISES_PROOF,
    ATT_STAFF_QUALIFICATIONS,
    ATT_HEALTH_EVALUATION,
    ATT_FIRE_SAFETY,
    ATT__COUNT
};
extern const char *const attachment_kind_names[]; /* "filing_form", … NULL */
extern const char *const attachment_kind_names_zh[];
#define ATT_ALL_REQUIRED ((1u << ATT__COUNT) - 1)
/* The media type of a file judged by its first bytes: "application/pdf", "image/jpeg", "image/png", or NULL
 * for anything else. Pure. */
const char *attachment_sniff(const void *p, size_t n);

struct filing_class {
    int type; /* enum class_type */
    int64_t capacity, caregivers;
};
struct filing_fee {
    int service_type;
    int64_t monthly_fen;
};
struct filing_dossier {
    unsigned service_types; /* bits of enum service_type */
    bool inclusive;
    double indoor_area_m2, outdoor_area_m2;
    struct filing_class *classes;
    int nclasses;
    int64_t staff_director, staff_caregiver, staff_health, staff_security, staff_cook;
    struct filing_fee *fees;
    int nfees;
    const char *opening_hours;
};

enum finding_severity { SEV_VIOLATION, SEV_WARNING };
struct finding {
    const char *rule;    /* stable name: "class_capacity", "caregiver_ratio", "health_worker", … */
    int severity;        /* enum finding_severity */
    const char *message; /* Chinese; static or from the arena */
    const char *clause;
    const char *field; /* the dossier field it concerns, e.g. "classes[2].capacity", or NULL */
};

/* Check a dossier against the rules. Writes up to max findings (messages allocated from a) and returns the
 * number found (which may exceed max; only max are written). Pure. */
int filing_check(const struct filing_dossier *d, struct arena *a, struct finding *out, int max);
/* Count of violations among findings. */
int findings_violations(const struct finding *f, int n);
/* The stable JSON name of a severity: "violation", "warning" ("unknown" otherwise). Static storage. */
const char *finding_severity_name(int severity);

/* The workflow. Status of a filing version. */
enum filing_status { FS_NONE, FS_SUBMITTED, FS_RETURNED, FS_APPROVED, FS_SUPERSEDED, FS__COUNT };
extern const char
    *const filing_status_names[]; /* "none", "submitted", "returned", "approved", "superseded" */
extern const char *const filing_status_names_zh[];
enum filing_event { EV_SUBMIT, EV_APPROVE, EV_RETURN, EV__COUNT };
extern const char *const filing_event_names[];
struct transition {
    int from, event, to;
    unsigned roles; /* enum role bits that may fire it */
};
/* Look up the move from status by event for a role. Returns the target status, or -1 when refused. A submit
 * while a filing is still submitted supersedes it (see filing_rules.c). Pure. */
int filing_transition(int from, int event, unsigned role);
const struct transition *filing_transitions(int *n);
/* Parse a status name; -1 when unknown. */
int filing_status_from_name(const char *s);

/* Clocks (备案办法): decide within 5 working days, notify within 15. */
#define FILING_DECIDE_WORKING_DAYS 5
#define FILING_NOTIFY_WORKING_DAYS 15

/* Handlers (filing_api.c). */
enum err filing_api_submit(struct req *r, struct resp *out);
enum err filing_api_get(struct req *r, struct resp *out);
enum err filing_api_list(struct req *r, struct resp *out);
enum err filing_api_attach(struct req *r, struct resp *out);
enum err filing_api_decide(struct req *r, struct resp *out);

#endif
