/* The daily jobs of `tuoyu serve`: the yearly ban re-check and the compliance refresh of every institution,
 * at start and then every 24 hours, on their own connection. */
#include "cli/cli.h"

#include "core/log.h"
#include "core/worker.h"
#include "db/db.h"
#include "modules/compliance/compliance.h"
#include "modules/people/bans.h"
#include "modules/tokens/tokens.h"

#include <stdbool.h>

#define DAY_MS (24 * 3600 * 1000LL)

static void daily(struct worker *w);
static struct worker jobs_worker = WORKER_INIT(daily);
static const char *url;

static bool stop_asked(void *w)
{
    return worker_stopping(w);
}

static void daily(struct worker *w)
{
    do {
        struct db *db = NULL;
        int count = 0;
        if (db_open_existing(url, &db) == OK) {
            int checked = 0, matches = 0;
            enum err y = people_yearly_ban_checks(db, &checked, &matches, stop_asked, w);
            if (y != OK || checked)
                log_msg(y == OK ? LOG_INFO : LOG_WARN,
                        "yearly ban re-check: %d persons checked, %d matched (%s)", checked, matches,
                        err_name(y));
            int64_t purged = 0;
            enum err t = tokens_purge_log(db, &purged);
            if (t != OK || purged)
                log_msg(t == OK ? LOG_INFO : LOG_WARN, "token request log: %lld old rows purged (%s)",
                        (long long)purged, err_name(t));
            enum err e = compliance_refresh_all_until(db, &count, stop_asked, w);
            if (e == OK)
                log_msg(LOG_INFO, "daily compliance: %d institutions evaluated", count);
            else
                log_msg(LOG_WARN, "daily compliance stopped early (%s) after %d institutions", err_name(e),
                        count);
            db_close(db);
        }
    } while (worker_sleep(w, DAY_MS));
}

void jobs_start(const char *db_url)
{
    url = db_url;
    worker_start(&jobs_worker, NULL);
}

void jobs_stop(void)
{
    worker_stop(&jobs_worker);
}
