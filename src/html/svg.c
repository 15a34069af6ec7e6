/* Placeholder (issue 7). */
#include "html/svg.h"
