/* Placeholder (issue 7). */
#include "modules/facilities/facilities.h"
