/* Placeholder (issue 7). */
#include "modules/guidance/guidance.h"
