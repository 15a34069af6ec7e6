/* Documents (issue 7): the filing receipt (备案回执) as PDF with a QR code to the public verification page,
 * the monthly report of the city as PDF and XLSX. Owner: module reports. Placeholder until the module lands. */
#ifndef TUOYU_REPORTS_H
#define TUOYU_REPORTS_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#endif
