/* The institution row lock shared by the people stores and the importer (see people.h). */
#include "modules/people/people.h"

static _Thread_local int64_t bulk_inst;

enum err people_lock(struct db *db, int64_t inst_id)
{
    if (bulk_inst && bulk_inst == inst_id) return OK;
    struct db_val v[] = {DBV_INT(inst_id)};
    /* A closed (deregistered) institution's people are kept for reading but no longer change: 409. */
    enum err e = db_exec(
        db, "UPDATE institutions SET updated_at = updated_at WHERE id = $1 AND state <> 'closed'", v, 1);
    if (e == OK && db_changes(db) != 1) {
        int64_t n = 0;
        e = db_int_query(db, "SELECT COUNT(*) FROM institutions WHERE id = $1", v, 1, &n);
        if (e == OK) e = n ? ERR_STATE : ERR_NOT_FOUND;
    }
    return e;
}

enum err people_bulk_begin(struct db *db, int64_t inst_id)
{
    bulk_inst = 0;
    enum err e = people_lock(db, inst_id);
    if (e == OK) bulk_inst = inst_id;
    return e;
}

void people_bulk_end(void)
{
    bulk_inst = 0;
}
