/* Bulk onboarding of staff and children from CSV (UTF-8 or GBK, with or without BOM, quoted fields with
 * newlines), and of the city's existing institutions (and their earlier filings) from CSV or JSON Lines: a
 * dry run reports every bad row and field; a commit is all-or-nothing. */
#ifndef TUOYU_IMPORTS_H
#define TUOYU_IMPORTS_H
#include "core/arena.h"
#include "http/http.h"

#include <stddef.h>

/* A parsed CSV: rows of fields (NUL-terminated UTF-8 strings in the arena). Row 0 is the header. line[i] is
 * the 1-based physical line where record i starts (a quoted field with line breaks spans several lines);
 * encoding is "utf-8" or "gbk" (what the bytes were decoded from). */
struct csv {
    char ***rows;
    int *nfields;
    int *line;
    int nrows;
    const char *encoding;
};
/* Decode (BOM stripped; GBK converted to UTF-8 when the bytes are not valid UTF-8) and parse RFC 4180 CSV.
 * Returns false with *why (static) for undecodable input or an unterminated quote. Pure. */
bool csv_parse(const char *bytes, size_t len, struct arena *a, struct csv *out, const char **why);

enum err import_api_staff(struct req *r,
                          struct resp *out); /* POST /api/v1/institutions/{id}/imports/staff?dry_run=1 */
enum err
import_api_children(struct req *r,
                    struct resp *out); /* POST /api/v1/institutions/{id}/imports/children?dry_run=1 */

/* ---- Onboarding of existing institutions (onboard_rules.c pure, onboard.c store and handlers) ---------- */

#include "db/db.h"
#include "json/jspec.h"

#include <jansson.h>
#include <stdint.h>

/* The columns of an onboarding file. CSV headers may be the English key or the Chinese label; JSON Lines use
 * the English keys. */
enum onboard_col {
    OB_USCC,
    OB_NAME,
    OB_LEGAL_FORM,
    OB_DISTRICT,
    OB_ADDRESS,
    OB_SCOPE,
    OB_REGISTERED_ON,
    OB_AUTHORITY,
    OB_SERVICE_TYPES,
    OB_INCLUSIVE,
    OB_PLACES,
    OB_MIN_AGE,
    OB_MAX_AGE,
    OB_PROVIDER_KIND,
    OB_FILING_NUMBER,
    OB_FILED_ON,
    OB__N
};
struct onboard_column {
    const char *en, *zh;
    bool required; /* the column must be in the header and every row must fill it */
};
extern const struct onboard_column onboard_columns[OB__N];
/* The column a header names (English key, ASCII case-insensitive, or Chinese label; surrounding blanks
 * ignored by the caller), or -1. Pure. */
int onboard_column_find(const char *header);

/* One valid row. Optional fields not given (empty cell or absent column) have their bit clear in given and
 * their default value here (0, false, "institution"). */
struct onboard_row {
    const char *uscc, *name, *district_code, *address, *business_scope, *authority;
    int legal_form;         /* enum legal_form */
    int64_t registered_on;  /* days */
    unsigned service_types; /* bits of enum service_type */
    bool inclusive;
    int64_t places;
    int min_age_months, max_age_months; /* -1 when not given */
    bool home_based;
    const char *filing_number; /* NULL when the row brings no filing */
    int64_t filed_on;          /* days; 0 when no filing */
    unsigned given;            /* bits (1u << enum onboard_col) of the cells that were not empty */
};

/* Parse and check one row. cells[col] is the cell of each column (NUL-terminated UTF-8, already trimmed; ""
 * when empty or absent). districts[0..ndistricts) are the known district codes; today the current day (dates
 * may not be later). Every bad field is appended to fe under its column's English key, each field at most
 * once; *out gets the parsed values (strings borrowed from cells or from a). Returns true when clean. Pure.
 */
bool onboard_check_row(const char *const cells[OB__N], const char *const *districts, int ndistricts,
                       int64_t today, struct arena *a, struct onboard_row *out, struct field_errors *fe);
/* A date cell as spreadsheets write it: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, optionally with a time
 * after a space (ignored). Pure. */
bool onboard_parse_date(const char *s, int64_t *day);
/* s with surrounding ASCII blanks and ideographic spaces removed, copied into a. Pure. */
char *onboard_trim(struct arena *a, const char *s);

/* The result of an onboarding run. errors is a JSON array of {row, field, message} (at most
 * ONBOARD_MAX_ERRORS; nerrors counts all), owned by the report (onboard_report_free). */
#define ONBOARD_MAX_ERRORS 2000
struct onboard_report {
    const char *format, *encoding; /* "csv" | "jsonl"; "utf-8" | "gbk" */
    char sha256[65];
    int rows, valid, invalid, created, updated, unchanged, nerrors;
    json_t *errors;
    bool dry_run, committed;
    int64_t batch_id; /* 0 when nothing was recorded (dry run, refused, or nothing changed) */
};
void onboard_report_free(struct onboard_report *rep);
/* The report as the API answers it. */
json_t *onboard_report_json(const struct onboard_report *rep);
/* Import a file (bytes[0..len)) of institutions: format "csv", "jsonl" or NULL (judged from the first
 * character). who is the importing official (NULL: the command line, acting for the whole city); a county
 * official's rows must be in its district. A dry run checks and reports; a commit writes everything in one
 * transaction, or nothing when any row is bad. Returns OK with the report filled (look at rep->nerrors and
 * rep->committed), or a database error. Blocks on the database for the whole file. */
enum err onboard_run(struct db *db, const struct principal *who, const char *bytes, size_t len,
                     const char *format, bool dry_run, struct onboard_report *rep);

/* Handlers (onboard.c). */
enum err onboard_api_import(struct req *r, struct resp *out);  /* POST /api/v1/imports/institutions */
enum err onboard_api_batches(struct req *r, struct resp *out); /* GET /api/v1/imports/institutions */
enum err onboard_page(struct req *r, struct resp *out);        /* GET /dash/imports/institutions */
enum err onboard_page_post(struct req *r, struct resp *out);   /* POST /dash/imports/institutions */
/* tuoyu import institutions --db DB --file F [--dry-run] [--format csv|jsonl]: prints the report; exit 0
 * when clean (committed or a clean dry run), 1 for bad rows or a failure, 2 for bad usage. */
int onboard_cli(int argc, char **argv);

#endif
