/* Placeholder (issue 8). */
#include "db/db.h"
