/* Placeholder (issue 8). */
#include "modules/imports/imports.h"
