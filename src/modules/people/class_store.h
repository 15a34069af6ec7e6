/* Classes of an institution (store), with the few facts about the institution and its employed staff that the
 * class, child and page handlers need. Every write is one transaction that also audits and refreshes the
 * institution's compliance; rules that need the database (national caps, caregivers employed here, a class
 * emptied before it closes) are checked inside it. */
#ifndef TUOYU_CLASS_STORE_H
#define TUOYU_CLASS_STORE_H
#include "auth/auth.h"
#include "db/db.h"
#include "json/jspec.h"

#include <stdbool.h>
#include <stdint.h>

/* What the people handlers need to know about an institution. Strings in the arena. */
struct people_inst {
    int64_t id;
    const char *name, *district_code;
    bool home_based; /* a 家庭托育点: at most home_max_children children */
};
/* Read an institution; ERR_NOT_FOUND when absent. */
enum err class_store_inst(struct db *db, struct arena *a, int64_t id, struct people_inst *out);

/* The most children a class of type may hold (enum class_type): the national cap of the type, and for a
 * home-based point at most home_max_children. Pure (reads the thresholds table). */
int64_t class_cap(int type, bool home_based);

struct class_row {
    int64_t id, institution_id, capacity, version;
    int64_t enrolled;  /* children placed and not left (end_on NULL or after today) */
    int64_t closed_on; /* day; 0 while open */
    const char *name;
    int type; /* enum class_type; -1 if the stored name is unknown */
    int ncaregivers;
    int64_t *caregiver_ids;       /* employed caregivers assigned, by id */
    const char **caregiver_names; /* their names, same order */
};
/* Classes of an institution by id; closed ones (closed_on on or before today) only with include_closed. Rows
 * and strings in a. */
enum err class_list(struct db *db, struct arena *a, int64_t inst_id, int64_t today, bool include_closed,
                    struct class_row **items, int *n);
/* One class (closed or not); ERR_NOT_FOUND when absent. Strings in a. */
enum err class_get(struct db *db, struct arena *a, int64_t id, int64_t today, struct class_row *out);

struct class_input {
    const char *name;
    int type; /* enum class_type, -1 when the client gave none or a bad one */
    int64_t capacity;
    const int64_t *caregiver_ids;
    int ncaregivers;
};
/* Open a class for inst_id (own transaction). Bad fields go to fe (skipping fields fe already names):
 * name 1..50, capacity 1..class_cap, caregivers employed staff of this institution, no repeats →
 * ERR_VALIDATION. Audits "class.add", refreshes compliance. *id gets the new class. */
enum err class_add(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                   const struct class_input *in, struct field_errors *fe, int64_t *id);

struct class_change {
    int64_t version;       /* the version the client saw */
    const char *name;      /* NULL: unchanged */
    int64_t capacity;      /* 0: unchanged */
    bool caregivers_given; /* replace the caregivers with caregiver_ids[0..ncaregivers) */
    const int64_t *caregiver_ids;
    int ncaregivers;
    int closing;       /* 0 unchanged, 1 close on closed_on, -1 reopen */
    int64_t closed_on; /* day */
};
/* Change a class of inst_id (own transaction): ERR_NOT_FOUND when the class is not of inst_id, ERR_CONFLICT
 * when version is stale, ERR_VALIDATION (fe) for bad fields or a capacity below the children enrolled,
 * ERR_STATE when closing a class that still has children. Audits "class.update", refreshes compliance. */
enum err class_change(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                      int64_t class_id, const struct class_change *ch, struct field_errors *fe);

/* A staff member as the people pages show one: masked numbers only. */
struct staff_brief {
    int64_t id, hired_on, experience_years;                         /* experience_years -1 unknown */
    const char *name, *role, *id_masked, *phone_masked, *education; /* phone_masked, education may be NULL */
    bool full_time;
};
/* Staff of an institution employed today (left_on NULL or after today), by id. Strings in a. */
enum err class_store_staff(struct db *db, struct arena *a, int64_t inst_id, int64_t today,
                           struct staff_brief **items, int *n);

/* Append (field, message) to fe unless fe already has an error for field or for a path containing it
 * ("guardians" covers "guardians[0].phone"), so that a store re-checking what a validator refused does not
 * report one mistake twice. */
void people_fe_once(struct field_errors *fe, const char *field, const char *message);
/* Whether fe already has an error for field or a path containing it. */
bool people_fe_covers(const struct field_errors *fe, const char *field);

#endif
