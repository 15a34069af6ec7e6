/* Filing operations (each its own audited transaction) and queries. Shared by the JSON API, the HTML pages
 * and the demo loader, so every path applies the same validation and rules. */
#ifndef TUOYU_FILING_STORE_H
#define TUOYU_FILING_STORE_H
#include "auth/auth.h"
#include "db/db.h"
#include "json/jspec.h"
#include "modules/filing/filing.h"

#include <jansson.h>

struct filing_row {
    int64_t id, institution_id, version;
    const char *status;   /* "submitted" | "returned" | "approved" | "superseded" */
    const char *dossier;  /* JSON text as submitted (validated) */
    const char *findings; /* JSON array text */
    int64_t violations;
    int64_t submitted_at, decided_at; /* seconds; 0 when not decided */
    int64_t due_on;                   /* day by which the county must decide */
    const char *reason, *filing_number;
    const char *institution_name, *district_code, *district_name;
    unsigned attachments; /* bits of enum attachment_kind present */
};

struct attachment_row {
    int64_t id, size, uploaded_at;
    const char *kind, *media_type, *sha256;
};

/* Validate a dossier JSON object (the body of POST /institutions/{id}/filings) into d; every bad field goes
 * to fe. Returns true when valid. Arrays in d come from a. */
bool filing_parse(json_t *body, struct arena *a, struct filing_dossier *d, struct field_errors *fe);
/* Findings as a JSON array [{"rule","severity","message","clause","field"}]. */
json_t *findings_to_json(const struct finding *f, int n);

/* Submit a new filing version for inst_id by who (an operator of that institution, or NULL for the demo
 * loader). ERR_VALIDATION with fe filled for a bad dossier; ERR_STATE when the institution is already
 * filed. On success *out describes the new version. */
enum err filing_submit(struct db *db, struct arena *a, const struct principal *who, int64_t inst_id,
                       json_t *body, struct field_errors *fe, struct filing_row *out);
/* Store an attachment (content-addressed) for a submitted or returned filing. kind must be a known kind
 * (ERR_VALIDATION), the content PDF/JPEG/PNG (ERR_UNSUPPORTED_MEDIA). */
enum err filing_attach(struct db *db, struct arena *a, const struct principal *who, int64_t filing_id,
                       const char *kind, const void *p, size_t n, struct attachment_row *out);
/* Decide a submitted filing: decision "approve" or "return" (reason required for return: ERR_VALIDATION).
 * Approval refused with ERR_FILING_VIOLATIONS / ERR_FILING_ATTACHMENTS; ERR_STATE when not submitted. On
 * approval issues the filing number and moves the institution to "filed". */
enum err filing_decide(struct db *db, struct arena *a, const struct principal *who, int64_t filing_id,
                       const char *decision, const char *reason, struct field_errors *fe,
                       struct filing_row *out);

enum err filing_get(struct db *db, struct arena *a, int64_t id, struct filing_row *out);
/* Filings with status (NULL: any) in district (NULL: all), oldest due first; 50 per page. */
/* Submitted filings (of district; NULL: all) whose decision day is before today, counted in one query. */
enum err filing_overdue_count(struct db *db, const char *district, int64_t today, int64_t *n);
enum err filing_list(struct db *db, struct arena *a, const char *status, const char *district, int page,
                     struct filing_row **items, int *n, int64_t *total);
/* Every version of an institution's filing, newest first. */
enum err filing_versions(struct db *db, struct arena *a, int64_t inst_id, struct filing_row **items, int *n);
enum err filing_attachments(struct db *db, struct arena *a, int64_t filing_id, struct attachment_row **items,
                            int *n);
/* The latest approved dossier of an institution (JSON text in a), for the public page's fees. */
enum err filing_approved_dossier(struct db *db, struct arena *a, int64_t inst_id, const char **dossier);

#endif
