/* The ban register (禁入名单) and bad credit records of persons. ID numbers are sealed and matched by keyed
 * hash; no page or API lists them (only masked forms). */
#ifndef TUOYU_BANS_H
#define TUOYU_BANS_H
#include "auth/auth.h"
#include "db/db.h"
#include "http/http.h"
#include "json/jspec.h"

#include <jansson.h>

#include <stdbool.h>
#include <stdint.h>

/* Check an ID number against the register inside the caller's transaction and record the check (ban_checks)
 * with its purpose ("hire", "yearly", "official") and audit it. *ban_id gets the matching ban (0: clear). A
 * ban matches while it is lifetime, or term with ends_on >= today, and not revoked. */
enum err ban_check_in_tx(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                         const char *id_number, const char *name, const char *purpose, int64_t *ban_id);

/* Ban-register operations shared by the JSON handlers and the /dash/bans forms (which build the same JSON
 * bodies the API takes); implemented in bans.c. *out and *items are new references for the caller. */
enum err ban_add_json(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                      struct field_errors *fe, json_t **out);
enum err ban_check_json(struct db *db, struct arena *a, const struct principal *who, json_t *body,
                        struct field_errors *fe, json_t **out);
enum err ban_list_json(struct db *db, struct arena *a, const struct principal *who, int64_t before, int limit,
                       json_t **items, int64_t *next_before);
enum err ban_matches_json(struct db *db, struct arena *a, const struct principal *who, int64_t before,
                          int limit, json_t **items, int64_t *next_before);

/* The daily job's yearly re-check of every employed person whose last clear check is older than
 * ban_recheck_days (yearly.c); each check its own audited transaction. *checked and *matches count them.
 * Staff are walked in id ranges of a few thousand, each a short query, and stop (may be NULL) is asked
 * between ranges: true ends the walk early with OK (the rest waits for the next run). */
enum err people_yearly_ban_checks(struct db *db, int *checked, int *matches, bool (*stop)(void *), void *ctx);

enum err ban_api_add(struct req *r, struct resp *out);     /* POST /api/v1/bans */
enum err ban_api_list(struct req *r, struct resp *out);    /* GET  /api/v1/bans */
enum err ban_api_check(struct req *r, struct resp *out);   /* POST /api/v1/bans/check */
enum err ban_api_matches(struct req *r, struct resp *out); /* GET  /api/v1/ban-matches */
enum err credit_api_add(struct req *r, struct resp *out);  /* POST /api/v1/person-credit-records */
enum err credit_api_list(struct req *r, struct resp *out); /* GET  /api/v1/person-credit-records */
enum err page_bans(struct req *r, struct resp *out);       /* GET  /dash/bans */
enum err page_bans_post(struct req *r,
                        struct resp *out); /* POST /dash/bans (form: record a ban or check a number) */

#endif
