/* TEMPORARY — lead removes on merge. A weak stand-in for planning_needed() (module planning, built in
 * parallel) so that this branch links on its own: it knows no figures and says so (ERR_NOT_FOUND), which the
 * demand summary shows as "unknown". The real definition in planning_store.c overrides it. */
#include "modules/planning/planning.h"

__attribute__((weak)) enum err planning_needed(struct db *db, const char *district, int year,
                                               int64_t *residents, int64_t *needed, int64_t *places)
{
    (void)db, (void)district, (void)year;
    if (residents) *residents = 0;
    if (needed) *needed = 0;
    if (places) *places = 0;
    return ERR_NOT_FOUND;
}
