/* Module facilities (issue 7). Placeholder until the module lands. */
#ifndef TUOYU_FACILITIES_H
#define TUOYU_FACILITIES_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#endif
