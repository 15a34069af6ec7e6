#include "modules/reference/settings.h"

#include "core/log.h"
#include "modules/filing/filing.h"

#include <stdlib.h>
#include <string.h>

int64_t settings_get_int(struct db *db, const char *key, int64_t dflt)
{
    struct db_val v[] = {DBV_TEXT(key)};
    struct db_rows *r = NULL;
    if (db_query(db, "SELECT value FROM settings WHERE key = $1", v, 1, &r) != OK) return dflt;
    int64_t out = dflt;
    if (db_next(r) == 1 && db_text(r, 0)) {
        char *end;
        long long x = strtoll(db_text(r, 0), &end, 10);
        if (!*end && end != db_text(r, 0)) out = x;
    }
    db_done(r);
    return out;
}

int settings_load_thresholds(struct db *db)
{
    struct db_rows *r = NULL;
    if (db_query(db, "SELECT key, value FROM settings WHERE key LIKE 'threshold.%' ORDER BY key", NULL, 0,
                 &r) != OK)
        return 0;
    int applied = 0;
    while (db_next(r) == 1) {
        const char *key = db_text(r, 0) + strlen("threshold."), *val = db_text(r, 1);
        char *end;
        double x = val ? strtod(val, &end) : 0;
        if (val && !*end && thresholds_set(key, x))
            applied++;
        else
            log_msg(LOG_WARN, "setting threshold.%s ignored: unknown threshold or bad value", key);
    }
    db_done(r);
    return applied;
}
