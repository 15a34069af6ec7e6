/* Placeholder (issue 7). */
#include "modules/demand/demand.h"
