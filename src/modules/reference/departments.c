/* The inspecting departments. */
#include "modules/reference/departments.h"

enum err department_list(struct db *db, struct arena *a, struct department **items, int *n)
{
    struct db_rows *r = NULL;
    enum err e = db_query(db, "SELECT code, name, competence FROM departments ORDER BY sort", NULL, 0, &r);
    if (e != OK) return e;
    int cap = 8, k;
    *items = arena_alloc(a, (size_t)cap * sizeof **items);
    *n = 0;
    while ((k = db_next(r)) == 1) {
        if (*n == cap) {
            struct department *more = arena_alloc(a, (size_t)cap * 2 * sizeof *more);
            for (int i = 0; i < *n; i++)
                more[i] = (*items)[i];
            *items = more;
            cap *= 2;
        }
        struct department *d = &(*items)[(*n)++];
        d->code = db_text_dup(r, 0, a);
        d->name = db_text_dup(r, 1, a);
        d->competence = db_text_dup(r, 2, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

enum err department_name(struct db *db, struct arena *a, const char *code, const char **name)
{
    struct db_rows *r = NULL;
    struct db_val v[] = {DBV_TEXT(code)};
    enum err e = db_query(db, "SELECT name FROM departments WHERE code = $1", v, 1, &r);
    if (e != OK) return e;
    int k = db_next(r);
    if (k == 1) *name = db_text_dup(r, 0, a);
    e = k < 0 ? db_rows_err(r) : k == 0 ? ERR_NOT_FOUND : OK;
    db_done(r);
    return e;
}
