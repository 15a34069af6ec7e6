/* Children of an institution (store): enrolment (child_add_in_tx in people.h), moves, absences, leaving,
 * health checks, the list of checks due, and the audit entries of officials' reads. ID numbers and phones are
 * stored sealed; everything read here carries masked forms only. */
#ifndef TUOYU_CHILD_STORE_H
#define TUOYU_CHILD_STORE_H
#include "auth/auth.h"
#include "db/db.h"
#include "json/jspec.h"
#include "modules/people/people.h"

#include <stdbool.h>
#include <stdint.h>

/* Whole months from birth_on to day: a month counts once the day of the month of birth is reached (born
 * 2024-01-15: 0 months on 2024-02-14, 1 month on 2024-02-15). Negative when day is before birth_on. Pure. */
int child_age_months(int64_t birth_on, int64_t day);
/* Whether a child of age_months fits a class of type (enum class_type): from the type's lowest age up to,
 * not including, its highest (infant 6–11, toddler 12–23, older 24–35, mixed 18–35 months). Pure. */
bool child_age_fits(int type, int age_months);

struct guardian_row {
    const char *name, *relation, *phone_masked;
};
struct check_row {
    int64_t id, checked_on;
    const char *kind, *examiner, *result;
};
struct child_row {
    int64_t id, institution_id, version;
    const char *name, *id_masked, *sex;
    int64_t birth_on, start_on, end_on, absent_since; /* days; end_on, absent_since 0 when not set */
    int64_t class_id;                                 /* 0: not placed */
    const char *class_name;                           /* NULL when not placed */
    int class_type;                                   /* enum class_type, -1 not placed */
    int64_t last_check;                               /* latest passed check, 0 none */
    int64_t next_check_due;                           /* last_check + check_interval_days; start_on if none */
    /* child_get only: */
    struct guardian_row *guardians;
    int nguardians;
    struct check_row *checks; /* newest first */
    int nchecks;
};
/* Children of an institution by id: placed in class_id (0: any), and only those not left today unless
 * include_left. Strings in a. */
enum err child_list(struct db *db, struct arena *a, int64_t inst_id, int64_t class_id, bool include_left,
                    int64_t today, struct child_row **items, int *n);
/* One child with guardians and checks; ERR_NOT_FOUND when absent. */
enum err child_get(struct db *db, struct arena *a, int64_t id, struct child_row *out);

/* Enrol a child in its own transaction (child_add_in_tx). */
enum err child_add(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                   const struct child_input *in, struct field_errors *fe, int64_t *id);

struct child_change {
    int64_t version;
    bool class_given;
    int64_t class_id; /* with class_given: the new class, 0 takes the child out of its class */
    bool end_given;
    int64_t end_on;
    int absence; /* 0 unchanged, 1 absent since absent_since, -1 back (clears it) */
    int64_t absent_since;
};
/* Change a child of inst_id (own transaction): ERR_NOT_FOUND outside inst_id, ERR_CONFLICT when version is
 * stale, ERR_STATE for a child who has left, ERR_VALIDATION (fe) for a class that is not open here, an age
 * that does not fit it, a full class, or dates out of order. Audits "child.update", refreshes compliance. */
enum err child_change(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                      int64_t child_id, const struct child_change *ch, struct field_errors *fe);

struct check_input {
    const char *kind; /* "yearly" | "return" (and "admission" from enrolment) */
    int64_t checked_on;
    const char *examiner, *result; /* result "pass" | "fail" */
};
/* Record a health check of a child of inst_id (own transaction): checked_on between birth and today,
 * examiner 1..100 characters. Audits "child.check", refreshes compliance. *id gets the check. */
enum err child_add_check(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         int64_t child_id, const struct check_input *in, struct field_errors *fe,
                         int64_t *id);

/* Health checks and certificates due: children and staff whose yearly check falls due on or before
 * today + within_days (or is overdue), children without a passed admission check, staff without any check,
 * and staff certificates expiring by then. Names included: the caller decides who may see them. */
struct due_item {
    const char *subject; /* "child" | "staff" */
    int64_t id;
    const char *name;
    int64_t due_on;
    const char *kind; /* "yearly", "admission", "pre_employment", or a certificate kind name */
    bool overdue;     /* due_on before today */
};
/* Items sorted by due day, then subject and id. Strings in a. */
enum err checks_due_list(struct db *db, struct arena *a, int64_t inst_id, int64_t today, int64_t within_days,
                         struct due_item **items, int *n);

/* Audit an official's read of persons' records ("children.list", "child.read", …) in its own transaction;
 * nothing for operators (they read their own institution). detail: JSON text or NULL. */
enum err people_audit_read(struct db *db, const struct principal *who, const char *action, const char *entity,
                           int64_t entity_id, const char *detail);

#endif
