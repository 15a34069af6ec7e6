/* Online backup of a live database (SQLite's backup API): a consistent copy while the server keeps serving.
 */
#ifndef TUOYU_DB_BACKUP_H
#define TUOYU_DB_BACKUP_H
#include "db/db.h"

/* Copy db to a new SQLite file at path (which must not exist). *pages gets the page count copied. Returns
 * ERR_STATE for an engine without an online backup here (PostgreSQL: use pg_dump), ERR_CONFLICT when path
 * exists, ERR_DB_FULL when its disk fills up, ERR_IO when it cannot be written; on failure no file is left
 * at path. Blocks while copying; writers are held only briefly per step. */
enum err db_backup(struct db *db, const char *path, int *pages);

#endif
