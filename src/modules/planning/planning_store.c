/* Placeholder (issue 7). */
#include "modules/planning/planning.h"
