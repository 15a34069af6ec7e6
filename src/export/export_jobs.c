/* Placeholder (issue 7). */
#include "export/export.h"
