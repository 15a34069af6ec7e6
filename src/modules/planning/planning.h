/* Planning (issue 7): residents and births per district and year, places needed for the target per 1,000
 * residents (and a second target year), the gap, a projection of children under three from births, monthly
 * trend snapshots; the city, county and institution dashboards with SVG charts. Owner: module planning. */
#ifndef TUOYU_PLANNING_H
#define TUOYU_PLANNING_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdint.h>

/* ---- For other modules (demand, reports) ---------------------------------------------------------------- */

/* The planning figures of district (a district code; NULL: the whole city) for year: *residents the residents
 * recorded for that year (the latest earlier year's, else the district's census figure; 0 when unknown),
 * *needed the places needed at the configured target per 1,000 residents (rounded up), *places the approved
 * places of the district's filed institutions today. Any out pointer may be NULL. Reads only. ERR_NOT_FOUND for
 * an unknown district, ERR_DB on failure. */
enum err planning_needed(struct db *db, const char *district, int year, int64_t *residents, int64_t *needed,
                         int64_t *places);

#endif
