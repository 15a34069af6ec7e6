/* Module demand (issue 7). Placeholder until the module lands. */
#ifndef TUOYU_DEMAND_H
#define TUOYU_DEMAND_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#endif
