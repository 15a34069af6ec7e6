/* Exports (issue 7): every list of the API as XLSX (GET <list>?format=xlsx, the columns declared in
 * export_specs.c), and long exports run by a background worker with progress (POST /api/v1/exports,
 * GET /api/v1/exports/{id}, GET /api/v1/exports/{id}/file). Owner: src/export. */
#ifndef TUOYU_EXPORT_H
#define TUOYU_EXPORT_H
#include "core/err.h"
#include "db/db.h"
#include "export/xlsx.h"
#include "http/http.h"

#endif
