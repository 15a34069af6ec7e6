/* People of an institution: staff with their certificates, classes with their caregivers, children with their
 * guardians, and the health checks of both. Personal ID numbers and phones are sealed at rest (auth/pii.h)
 * and shown masked; every official's read of a person's record is audited. */
#ifndef TUOYU_PEOPLE_H
#define TUOYU_PEOPLE_H
#include "auth/auth.h"
#include "db/db.h"
#include "http/http.h"
#include "json/jspec.h"

#include <stdbool.h>
#include <stdint.h>

enum staff_role {
    STAFF_DIRECTOR,
    STAFF_CAREGIVER,
    STAFF_HEALTH,
    STAFF_SECURITY,
    STAFF_COOK,
    STAFF_OTHER,
    STAFF_ROLE__COUNT
};
extern const char
    *const staff_role_names[]; /* "director","caregiver","health","security","cook","other",NULL */
extern const char *const staff_role_names_zh[]; /* 负责人 保育人员 保健人员 保安 炊事人员 其他 */

enum cert_kind {
    CERT_CAREGIVER_QUALIFICATION, /* 保育员/育婴员证书或岗位培训 */
    CERT_HEALTH_CERTIFICATE,      /* 健康证明（每年） */
    CERT_CRIMINAL_RECORD_CHECK,   /* 无犯罪记录证明 */
    CERT_DIRECTOR_TRAINING,       /* 负责人岗位培训 */
    CERT_SECURITY_LICENSE,        /* 保安员证 */
    CERT__COUNT
};
extern const char *const cert_kind_names[]; /* "caregiver_qualification", … NULL */
extern const char *const cert_kind_names_zh[];

enum education { EDU_NONE, EDU_SECONDARY, EDU_JUNIOR_COLLEGE, EDU_BACHELOR, EDU_MASTER, EDU__COUNT };
extern const char *const education_names[]; /* "none","secondary","junior_college","bachelor","master",NULL */

/* What an operator submits to add a staff member (strings borrowed from the request). */
struct staff_input {
    const char *name, *id_number, *phone;
    int role;                 /* enum staff_role */
    int64_t hired_on;         /* day */
    int education;            /* enum education, -1 unknown */
    int64_t experience_years; /* -1 unknown */
    bool full_time;
};

/* Add a staff member inside the caller's transaction: validates (ID check character, dates) into fe
 * (ERR_VALIDATION), checks the ID number against the ban register first — a match records the check, audits
 * it and returns ERR_HIRE_REFUSED without adding anyone — then stores the person sealed, audits, and
 * refreshes the institution's compliance. who NULL: the command line/importer. */
enum err staff_add_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         const struct staff_input *in, struct field_errors *fe, int64_t *id);

struct child_guardian {
    const char *name, *relation, *phone;
};
struct child_input {
    const char *name, *id_number, *sex; /* sex: "female" | "male" */
    int64_t birth_on, start_on;         /* days */
    int64_t class_id;                   /* 0: not placed yet */
    struct child_guardian *guardians;
    int nguardians;
    /* The admission check (required, result pass, on or before start_on). */
    int64_t admission_checked_on;
    const char *admission_examiner, *admission_result;
};
/* Enrol a child inside the caller's transaction: ID number valid and agreeing with birth_on, age fitting the
 * class type on start_on, class of this institution, admission check passed before the start. Stores sealed,
 * audits, refreshes compliance. */
enum err child_add_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         const struct child_input *in, struct field_errors *fe, int64_t *id);

/* Take the institution's row lock for the rest of the transaction (PostgreSQL; SQLite's write lock is held
 * already), so that two changes at once cannot both take a class's last place or add the same person twice.
 * ERR_NOT_FOUND when there is no such institution. Inside people_bulk_begin/end for the same institution the
 * lock is taken once: updating one row thousands of times in one PostgreSQL transaction slows every later
 * statement down. */
enum err people_lock(struct db *db, int64_t inst_id);
/* Bulk mode for an importer's single transaction: lock inst_id now, and let people_lock skip it. Per thread.
 */
enum err people_bulk_begin(struct db *db, int64_t inst_id);
void people_bulk_end(void);

/* Staff operations shared by the JSON handlers (staff_api.c) and the pages; implemented in staff_store.c.
 * Each runs its own transaction; reads by officials are audited when audit is set. *out and *items are new
 * references for the caller. */
enum err staff_owner(struct db *db, struct arena *a, int64_t staff_id, int64_t *inst_id,
                     const char **district);
enum err staff_list_json(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         bool include_left, bool audit, json_t **items);
enum err staff_get_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                        bool audit, json_t **out);
enum err staff_patch_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                          json_t *body, struct field_errors *fe, json_t **out);
enum err staff_cert_add_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                             json_t *body, struct field_errors *fe, json_t **out);
enum err staff_check_add_json(struct db *db, struct arena *a, const struct principal *who, int64_t staff_id,
                              json_t *body, struct field_errors *fe, json_t **out);

/* Whether who may see people of institution inst_id in district: its operator, or officials of the district
 * (admin, city, auditor: all). */
bool people_visible(const struct principal *who, int64_t inst_id, const char *district);

/* Handlers (people_api.c and friends). Paths in src/routes.c. */
enum err staff_api_list(struct req *r, struct resp *out);      /* GET  /api/v1/institutions/{id}/staff */
enum err staff_api_add(struct req *r, struct resp *out);       /* POST /api/v1/institutions/{id}/staff */
enum err staff_api_get(struct req *r, struct resp *out);       /* GET  /api/v1/staff/{id} */
enum err staff_api_patch(struct req *r, struct resp *out);     /* PATCH /api/v1/staff/{id} */
enum err staff_api_add_cert(struct req *r, struct resp *out);  /* POST /api/v1/staff/{id}/certificates */
enum err staff_api_add_check(struct req *r, struct resp *out); /* POST /api/v1/staff/{id}/health-checks */
enum err class_api_list(struct req *r, struct resp *out);      /* GET  /api/v1/institutions/{id}/classes */
enum err class_api_add(struct req *r, struct resp *out);       /* POST /api/v1/institutions/{id}/classes */
enum err class_api_patch(struct req *r, struct resp *out);     /* PATCH /api/v1/classes/{id} */
enum err child_api_list(struct req *r, struct resp *out);      /* GET  /api/v1/institutions/{id}/children */
enum err child_api_add(struct req *r, struct resp *out);       /* POST /api/v1/institutions/{id}/children */
enum err child_api_get(struct req *r, struct resp *out);       /* GET  /api/v1/children/{id} */
enum err child_api_patch(struct req *r, struct resp *out);     /* PATCH /api/v1/children/{id} */
enum err child_api_add_check(struct req *r, struct resp *out); /* POST /api/v1/children/{id}/health-checks */
enum err checks_api_due(struct req *r, struct resp *out);      /* GET  /api/v1/institutions/{id}/checks-due */

/* Pages for operators (and officials, read-only). */
enum err page_people(struct req *r, struct resp *out); /* GET /operator/people */
enum err
page_people_post(struct req *r,
                 struct resp *out); /* POST /operator/people (form: action=add_class|add_staff|add_child) */
enum err page_inst_people(struct req *r, struct resp *out); /* GET /dash/institutions/{id}/people */

#endif
