/* Schema migrations: numbered SQL files per dialect (sql/sqlite/NNN_*.sql, sql/pg/NNN_*.sql) compiled into
 * the binary, one schema_version row, applied in order inside one transaction each. */
#include "core/log.h"
#include "db/db.h"
#include "db/embedded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct embedded_file *embedded_find(const char *name)
{
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

/* The version number of a migration file of this dialect, or 0 for other files. */
static int migration_version(const char *name, const char *dialect)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "sql/%s/", dialect);
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0) return 0;
    return atoi(name + n);
}

static int latest_version(const char *dialect)
{
    int v = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        int fv = migration_version(f->name, dialect);
        if (fv > v) v = fv;
    }
    return v;
}

static enum err current_version(struct db *db, int *version)
{
    enum err e = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", NULL, 0);
    if (e != OK) return e;
    int64_t v = 0;
    e = db_int_query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, 0, &v);
    *version = (int)v;
    return e;
}

struct apply_ctx {
    const char *sql;
    int version;
};

static enum err apply_one(struct db *db, void *p)
{
    struct apply_ctx *c = p;
    enum err e = db_exec_script(db, c->sql);
    if (e != OK) return e;
    e = db_exec(db, "DELETE FROM schema_version", NULL, 0);
    if (e != OK) return e;
    struct db_val v[] = {DBV_INT(c->version)};
    return db_exec(db, "INSERT INTO schema_version (version) VALUES ($1)", v, 1);
}

enum err db_migrate(struct db *db)
{
    const char *dialect = db_dialect(db);
    int have = 0;
    enum err e = current_version(db, &have);
    if (e != OK) return e;
    int want = latest_version(dialect);
    if (have > want) {
        log_msg(LOG_ERROR, "database schema version %d is newer than this binary's %d", have, want);
        return ERR_SCHEMA_NEWER;
    }
    for (int v = have + 1; v <= want; v++) {
        const struct embedded_file *f = NULL;
        for (const struct embedded_file *g = embedded_files; g->name; g++)
            if (migration_version(g->name, dialect) == v) f = g;
        if (!f) {
            log_msg(LOG_ERROR, "migration %d for %s is missing", v, dialect);
            return ERR_INTERNAL;
        }
        struct apply_ctx c = {(const char *)f->data, v};
        e = db_tx(db, apply_one, &c);
        if (e != OK) return e;
        log_msg(LOG_INFO, "applied migration %s", f->name);
    }
    return OK;
}

enum err db_schema_check(struct db *db, int *version)
{
    int have = 0;
    enum err e = current_version(db, &have);
    if (e != OK) return e;
    *version = have;
    int want = latest_version(db_dialect(db));
    if (have > want) return ERR_SCHEMA_NEWER;
    if (have < want) return ERR_STATE;
    return OK;
}
