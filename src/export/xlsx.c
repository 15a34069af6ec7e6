/* Placeholder (issue 7). */
#include "export/xlsx.h"
