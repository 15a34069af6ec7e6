/* The inspecting departments (table departments, seeded by migration 3): health, fire, police, market,
 * emergency, education, housing. */
#ifndef TUOYU_DEPARTMENTS_H
#define TUOYU_DEPARTMENTS_H
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

struct department {
    const char *code, *name, *competence;
};

/* Every department in display order (arena strings). */
enum err department_list(struct db *db, struct arena *a, struct department **items, int *n);
/* The Chinese name of department code into *name (arena). ERR_NOT_FOUND when there is no such department;
 * a database error as itself. */
enum err department_name(struct db *db, struct arena *a, const char *code, const char **name);

#endif
