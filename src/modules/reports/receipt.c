/* Placeholder (issue 7). */
#include "modules/reports/reports.h"
