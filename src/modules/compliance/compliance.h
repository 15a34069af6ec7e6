/* Live compliance: pure rules over an institution's actual data (compliance_rules.c) and their stored
 * findings (compliance_store.c). Thresholds come from the one table in modules/rules (rules.h), each with its
 * clause. */
#ifndef TUOYU_COMPLIANCE_H
#define TUOYU_COMPLIANCE_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/people/people.h"

#include <stdbool.h>
#include <stdint.h>

enum provider_kind { PROVIDER_INSTITUTION, PROVIDER_HOME_BASED };

struct cmp_class {
    int64_t id;
    int type; /* enum class_type */
    int64_t capacity, enrolled, caregivers;
};
struct cmp_staff {
    int64_t id;
    int role; /* enum staff_role */
    bool full_time;
    int education;            /* enum education, -1 unknown */
    int64_t experience_years; /* -1 unknown */
    int64_t hired_on;
    int64_t cert_expires[CERT__COUNT]; /* day the latest certificate of each kind expires; 0 none; INT64_MAX
                                          never */
    int64_t pre_employment_check;      /* day of a passed check on or before hired_on; 0 none */
    int64_t last_health_check;         /* day of the latest passed check; 0 none */
    int64_t last_ban_check;            /* day of the latest clear ban check; 0 none */
};
struct cmp_child {
    int64_t id, birth_on, start_on, class_id;
    int class_type;              /* enum class_type, -1 not placed */
    int64_t admission_check;     /* day of a passed admission check on or before start_on; 0 none */
    int64_t last_check;          /* day of the latest passed check; 0 none */
    int64_t absent_since;        /* 0: present */
    int64_t check_since_absence; /* day of a passed check after absent_since; 0 none */
};
/* A current fee above the guideline cap that applies to the institution (found by modules/fees). */
struct cmp_fee_breach {
    int service_type;         /* enum service_type */
    int64_t fee_fen, cap_fen; /* per month; hourly: per hour */
    int64_t cap_from;         /* day the cap took effect */
};
struct cmp_input {
    int provider_kind;
    int64_t today;
    struct cmp_class *classes;
    int nclasses;
    struct cmp_staff *staff; /* employed only */
    int nstaff;
    struct cmp_child *children; /* enrolled only */
    int nchildren;
    const struct cmp_fee_breach *fee_breaches;
    int nfee_breaches;
};

enum cmp_severity { CMP_VIOLATION, CMP_WARNING, CMP_REMINDER };
extern const char *const cmp_severity_names[]; /* "violation", "warning", "reminder", NULL */

struct cmp_finding {
    const char *rule; /* stable name: class_size, class_ratio, health_worker, … */
    int severity;
    const char *clause;
    const char *subject; /* "institution", "class:12", "staff:7", "child:31" (arena) */
    const char *message; /* Chinese; numbers allowed, no personal names or ID numbers (arena) */
};

/* Evaluate every rule. Writes up to max findings and returns how many there are (may exceed max). Pure. */
int compliance_evaluate(const struct cmp_input *in, struct arena *a, struct cmp_finding *out, int max);

/* Store: load an institution's data, evaluate and reconcile the stored findings (new ones opened, gone ones
 * resolved) inside the caller's transaction. now: epoch seconds. */
enum err compliance_refresh_in_tx(struct db *db, struct arena *a, int64_t inst_id, int64_t now);
/* Bulk changes (imports): between begin and end, compliance_refresh_in_tx only notes the institution, and end
 * refreshes it once — inside the caller's transaction. Per thread; not nestable across institutions. */
void compliance_defer_begin(void);
enum err compliance_defer_end(struct db *db, struct arena *a, int64_t now);

/* Refresh every filed or registered institution, each in its own transaction (daily job). *count: how many.
 */
enum err compliance_refresh_all(struct db *db, int *count);
/* The same, checking stop(ctx) before each institution and returning OK early when it says so (a server that
 * is shutting down must not wait for a national register's refresh). stop may be NULL. */
enum err compliance_refresh_all_until(struct db *db, int *count, bool (*stop)(void *ctx), void *ctx);

struct open_finding {
    int64_t id, first_seen;
    const char *rule, *severity, *clause, *subject, *message;
};
/* Open findings of an institution (strings in a). */
enum err compliance_open(struct db *db, struct arena *a, int64_t inst_id, struct open_finding **items,
                         int *n);

enum err compliance_api_list(struct req *r, struct resp *out); /* GET /api/v1/institutions/{id}/findings */
enum err compliance_api_run(struct req *r, struct resp *out);  /* POST /api/v1/compliance/run (admin) */

#endif
