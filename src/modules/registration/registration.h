/* Registration pushes from the registration authorities (市场监管/民政/编办/行政审批). */
#ifndef TUOYU_REGISTRATION_H
#define TUOYU_REGISTRATION_H
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "modules/reference/codes.h"

#include <stdbool.h>
#include <stdint.h>

struct registration {
    const char *uscc, *name, *district_code, *address, *business_scope, *authority;
    int legal_form;        /* enum legal_form */
    int64_t registered_on; /* days */
};

/* Whether a business scope names infant care for under-threes (3岁以下婴幼儿照护 or 托育). Pure. */
bool registration_scope_is_childcare(const char *scope);

/* Validate a parsed registration beyond types (USCC check character, legal-form digits, scope) and append
 * each problem to fe. district_known says whether district_code is one of ours (looked up by the caller).
 * Returns true when clean. Pure. */
bool registration_check(const struct registration *reg, bool district_known, struct field_errors *fe);

/* Create or update the institution for a validated registration, in one audited transaction. payload is
 * the canonical JSON of reg. *created tells whether it was new. */
enum err registration_upsert(struct db *db, const struct principal *who, const struct registration *reg,
                             int64_t *reg_id, int64_t *inst_id, bool *created);

enum err registration_api_push(struct req *r, struct resp *out);

#endif
