/* Local settings kept in the settings table (key → text value): the grace period before a registration counts
 * as unfiled, and overrides of the rule thresholds that are local choices (see filing_rules.c). */
#ifndef TUOYU_SETTINGS_H
#define TUOYU_SETTINGS_H
#include "db/db.h"

#include <stdint.h>

#define SETTING_UNFILED_GRACE_DAYS "unfiled_grace_days"
#define DEFAULT_UNFILED_GRACE_DAYS 30

/* The integer value of key, or dflt when absent or not an integer. Never fails. */
int64_t settings_get_int(struct db *db, const char *key, int64_t dflt);
/* Apply every "threshold.KEY" setting to the rule thresholds (start-up only). Returns how many applied; an
 * unknown key or a bad value is logged and skipped. */
int settings_load_thresholds(struct db *db);

#endif
