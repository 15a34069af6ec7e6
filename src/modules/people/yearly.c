/* The yearly re-check of every employed person against the ban register (the plan's 污点禁入, and the draft
 * 托育服务法's yearly checks): run by the daily job. A person whose last clear check is older than
 * ban_recheck_days is checked again (a match, too, is re-checked only a year later: it stays on the county's
 * list); a match is recorded like a refused hire, so the county official of the district sees it in GET
 * /api/v1/ban-matches. */
#include "auth/pii.h"
#include "core/clock.h"
#include "core/log.h"
#include "modules/people/bans.h"
#include "modules/people/people.h"
#include "modules/rules/rules.h"

#include <stdlib.h>
#include <string.h>

struct recheck_ctx {
    struct arena *a;
    int64_t inst_id;
    const char *id_number, *name;
    int64_t ban_id;
};

static enum err recheck_tx(struct db *db, void *p)
{
    struct recheck_ctx *c = p;
    return ban_check_in_tx(db, c->a, NULL, c->inst_id, c->id_number, c->name, "yearly", &c->ban_id);
}

#define RANGE 4000 /* staff ids per query of the walk */

enum err people_yearly_ban_checks(struct db *db, int *checked, int *matches, bool (*stop)(void *), void *ctx)
{
    *checked = *matches = 0;
    if (!pii_ready()) return OK; /* no key file: nothing sealed can be opened (and nothing was stored) */
    int64_t now = clock_now(), today = clock_day_of(now);
    int64_t due_before = now - (int64_t)threshold_get("ban_recheck_days") * 86400;
    struct arena a;
    arena_init(&a, 0);
    /* Walk the employed staff by id, one at a time, so that no cursor stays open across the checks' writes;
     * each query looks at one range of ids only, so that on a national register (1.4 M staff, nearly all
     * checked within the year) no single query runs for seconds and a stop request is heard. */
    int64_t last_id = 0;
    enum err e = db_int_query(db, "SELECT COALESCE(MAX(id), 0) FROM staff", NULL, 0, &last_id);
    for (int64_t after = 0; e == OK && after < last_id;) {
        if (stop && stop(ctx)) break;
        arena_reset(&a);
        struct db_val v[] = {DBV_INT(after), DBV_INT(today), DBV_INT(due_before), DBV_INT(after + RANGE)};
        struct db_rows *r = NULL;
        e = db_query(db,
                     "SELECT s.id, s.institution_id, s.name, s.id_enc FROM staff s "
                     "WHERE s.id > $1 AND s.id <= $4 AND (s.left_on IS NULL OR s.left_on > $2) "
                     "AND NOT EXISTS (SELECT 1 FROM ban_checks b WHERE b.id_hash = s.id_hash "
                     "AND b.checked_at > $3) ORDER BY s.id LIMIT 1",
                     v, DB_NPARAMS(v), &r);
        if (e != OK) break;
        int k = db_next(r);
        struct recheck_ctx c = {&a, 0, NULL, NULL, 0};
        if (k == 1) {
            after = db_int(r, 0);
            c.inst_id = db_int(r, 1);
            c.name = db_text_dup(r, 2, &a);
            size_t len = 0;
            const void *sealed = db_blob(r, 3, &len);
            c.id_number = pii_open(&a, sealed, len);
        }
        e = k < 0 ? db_rows_err(r) : OK;
        db_done(r);
        if (e != OK) break;
        if (k == 0) { /* nobody due in this range */
            after += RANGE;
            continue;
        }
        if (!c.id_number) {
            log_msg(LOG_WARN, "yearly ban check: staff %lld cannot be opened with this key file",
                    (long long)after);
            continue;
        }
        e = db_tx(db, recheck_tx, &c);
        if (e != OK) break;
        (*checked)++;
        if (c.ban_id) (*matches)++;
    }
    arena_free(&a);
    return e;
}
