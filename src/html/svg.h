/* Charts drawn as SVG on the server (issue 7): bars against a target line, trend lines, a tile map of the
 * districts. Written through the escaping HTML writer. Owner: module planning. Placeholder. */
#ifndef TUOYU_SVG_H
#define TUOYU_SVG_H
#include "html/html.h"

#endif
