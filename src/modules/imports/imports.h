/* Bulk onboarding of staff and children from CSV (UTF-8 or GBK, with or without BOM, quoted fields with
 * newlines): a dry run reports every bad row and field; a commit is all-or-nothing. */
#ifndef TUOYU_IMPORTS_H
#define TUOYU_IMPORTS_H
#include "core/arena.h"
#include "http/http.h"

#include <stddef.h>

/* A parsed CSV: rows of fields (NUL-terminated UTF-8 strings in the arena). Row 0 is the header. */
struct csv {
    char ***rows;
    int *nfields;
    int nrows;
};
/* Decode (BOM stripped; GBK converted to UTF-8 when the bytes are not valid UTF-8) and parse RFC 4180 CSV.
 * Returns false with *why (static) for undecodable input or an unterminated quote. Pure. */
bool csv_parse(const char *bytes, size_t len, struct arena *a, struct csv *out, const char **why);

enum err import_api_staff(struct req *r,
                          struct resp *out); /* POST /api/v1/institutions/{id}/imports/staff?dry_run=1 */
enum err
import_api_children(struct req *r,
                    struct resp *out); /* POST /api/v1/institutions/{id}/imports/children?dry_run=1 */

#endif
