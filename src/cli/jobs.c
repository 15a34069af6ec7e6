#include "cli/cli.h"

#include "core/log.h"
#include "db/db.h"
#include "modules/compliance/compliance.h"
#include "modules/people/bans.h"
#include "modules/tokens/tokens.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

static pthread_t thread;
static bool running, stopping;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static const char *url;

static void *daily(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!stopping) {
        pthread_mutex_unlock(&mu);
        struct db *db = NULL;
        int count = 0;
        if (db_open_existing(url, &db) == OK) {
            int checked = 0, matches = 0;
            enum err y = people_yearly_ban_checks(db, &checked, &matches);
            if (y != OK || checked)
                log_msg(y == OK ? LOG_INFO : LOG_WARN,
                        "yearly ban re-check: %d persons checked, %d matched (%s)", checked, matches,
                        err_name(y));
            int64_t purged = 0;
            enum err t = tokens_purge_log(db, &purged);
            if (t != OK || purged)
                log_msg(t == OK ? LOG_INFO : LOG_WARN, "token request log: %lld old rows purged (%s)",
                        (long long)purged, err_name(t));
            enum err e = compliance_refresh_all(db, &count);
            if (e == OK)
                log_msg(LOG_INFO, "daily compliance: %d institutions evaluated", count);
            else
                log_msg(LOG_WARN, "daily compliance stopped early (%s) after %d institutions", err_name(e),
                        count);
            db_close(db);
        }
        pthread_mutex_lock(&mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 24 * 3600;
        while (!stopping && pthread_cond_timedwait(&cv, &mu, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

void jobs_start(const char *db_url)
{
    url = db_url;
    stopping = false;
    /* The job thread must not take SIGTERM/SIGINT: the server's main thread waits for them. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    running = pthread_create(&thread, NULL, daily, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void jobs_stop(void)
{
    if (!running) return;
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(thread, NULL);
    running = false;
}
