/* Documents (issue 7): the filing receipt (备案回执) as PDF with a QR code to the public verification page,
 * the monthly report of the city as PDF and XLSX. Owner: module reports. The PDF writer is in pdf.h. */
#ifndef TUOYU_REPORTS_H
#define TUOYU_REPORTS_H
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* The setting holding the address the QR codes point to (no trailing slash needed). */
#define REPORTS_SETTING_BASE_URL "public_base_url"
#define REPORTS_DEFAULT_BASE_URL "http://127.0.0.1:8080"

/* ---- The filing receipt (receipt.c) ---- */

/* What a receipt shows; strings live in the arena that loaded it. No personal data: the registry holds no
 * legal representative, and no ID numbers are ever printed. */
struct receipt {
    int64_t filing_id, institution_id;
    const char *status;        /* the filing's status: a receipt exists only for "approved" */
    const char *filing_number; /* as issued on approval: "TY-420303-2026-0001" */
    const char *number;        /* the receipt number: "备字〔2026〕420303-0001号" */
    const char *institution_name, *uscc, *address, *inst_state;
    const char *district_code, *district_name;
    unsigned service_types; /* bits of enum service_type */
    bool inclusive;
    int64_t places;
    int64_t filed_on; /* CST day of the approval */
    const char *code; /* the verification code (receipt_code) */
    const char *url;  /* <public_base_url>/verify/<code> */
};

/* The receipt number from the filing number "TY-<district>-<year>-<seq>": "备字〔<year>〕<district>-<seq>号".
 * A filing number of another shape gives "备字〔<year>〕<district>-<filing id, 4+ digits>号" (year of the
 * approval day). Result in a. Pure. */
const char *receipt_number(struct arena *a, const char *filing_number, const char *district_code,
                           int64_t filed_on, int64_t filing_id);
/* The verification code of a filing: base64url (no padding) of the id (8 bytes, big-endian) and a 12-byte
 * keyed BLAKE2b MAC of it under a key derived from the key file (pii_derive_key, context "receipts"), 27
 * characters. ERR_INTERNAL when no keys are loaded. Result in a. */
enum err receipt_code(struct arena *a, int64_t filing_id, const char **code);
/* Check a code: true with *filing_id when it is well-formed and its MAC verifies (constant time). Any other
 * text, a changed character or a code made under another key gives false. */
bool receipt_code_check(const char *code, int64_t *filing_id);
/* The public base URL setting without trailing slashes (default REPORTS_DEFAULT_BASE_URL). Result in a. */
const char *reports_base_url(struct db *db, struct arena *a);
/* Load the receipt of filing id (whatever its status: the caller checks r->status). ERR_NOT_FOUND when no
 * such filing; ERR_INTERNAL without keys. */
enum err receipt_load(struct db *db, struct arena *a, int64_t filing_id, struct receipt *out);
/* Render the receipt as a one-page A4 PDF: *out heap (caller frees with free()), *len bytes. Errors of
 * pdf_finish. CPU-bound (tens of milliseconds, font loading on first use). */
enum err receipt_pdf(const struct receipt *rc, char **out, size_t *len);

/* ---- The monthly report (monthly.c) ---- */

/* One district's figures for a month (counts in the month unless noted). */
struct monthly_row {
    const char *code, *name;
    int64_t population;                      /* 0 when unknown */
    int64_t filed, places, inclusive_places; /* at the end of the month (today for the current month) */
    int64_t approved, deregistered, inspections;
    int64_t findings[4];             /* by severity: low, medium, high, critical */
    int64_t rect_open, rect_overdue; /* at the end of the month (today for the current month) */
    int64_t complaints_received, complaints_closed, incidents;
};
struct monthly {
    int year, month;
    int64_t first_day, last_day; /* CST days of the month */
    int64_t as_of;               /* the day "at the end of the month" means: last_day, or today */
    const char *scope_name;      /* "十堰市" or the county's district name */
    struct monthly_row *rows;
    int n;
    struct monthly_row total; /* sums; population only of districts that have one */
};
/* Parse "YYYY-MM" (month 01..12, year 2000..2999) into *year, *month. Pure. */
bool monthly_parse(const char *s, int *year, int *month);
/* Places per 1,000 residents (−1 when population is 0) and the 普惠 share (0..1; −1 when no places). */
double monthly_per_1000(int64_t places, int64_t population);
double monthly_share(int64_t part, int64_t whole);
/* Compute the month's figures for every district (district NULL) or one. Read-only, one query. */
enum err monthly_compute(struct db *db, struct arena *a, int year, int month, const char *district,
                         struct monthly *out);
/* Render as PDF / XLSX: *out heap (caller frees with free()). */
enum err monthly_pdf(const struct monthly *m, char **out, size_t *len);
enum err monthly_xlsx(const struct monthly *m, char **out, size_t *len);
/* The national target of places per 1,000 residents by 2025 (“十四五” plan): 4.5. */
#define MONTHLY_TARGET_PER_1000 4.5

/* ---- Handlers (reports_api.c) ---- */
enum err reports_api_receipt(struct req *r, struct resp *out); /* GET /api/v1/filings/{id}/receipt.pdf */
enum err reports_api_monthly(struct req *r, struct resp *out); /* GET /api/v1/reports/monthly */
enum err page_verify(struct req *r, struct resp *out);         /* GET /verify/{code} (public) */
enum err page_reports(struct req *r, struct resp *out);        /* GET /dash/reports */

/* Demo data: nothing of its own (receipts and reports are computed from other modules' rows); returns OK. */
enum err reports_demo_load(struct db *db, struct arena *a);

#endif
