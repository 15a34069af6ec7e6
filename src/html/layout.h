/* The page frame shared by every HTML page: head, header with navigation for the signed-in role, footer.
 * Pages are server-rendered, work without JavaScript, and are labelled for screen readers. */
#ifndef TUOYU_LAYOUT_H
#define TUOYU_LAYOUT_H
#include "http/http.h"

/* Doctype, <head> (title "title · 十堰市托育服务", the CSS at /static/tuoyu.css, viewport meta), the header
 * with navigation (portal links for the public; 工作台/机构/备案审核 for officials; 我的机构 for operators;
 * the user's name and a logout form with the CSRF token) and the opening <main>. */
void page_begin(struct html *h, struct req *r, const char *title);
/* Closes <main>, the footer, </body></html>. */
void page_end(struct html *h);
/* <input type="hidden" name="csrf" value="…"> for the signed-in user's session (nothing when anonymous). */
void page_csrf(struct html *h, struct req *r);
/* A complete error page for e (status from err_status), listing r->fe's field errors if any. */
void page_error(struct req *r, struct resp *out, enum err e);
/* Handlers: GET /static/tuoyu.css. */
enum err static_css(struct req *r, struct resp *out);

/* Shared pieces of pages (layout.c). Each writes through the escaping writer; strings are borrowed. */
struct district;
struct filing_row;
/* <ul class="errors"> of fe's field errors ("field：message"); nothing when fe is empty. */
void page_field_errors(struct html *h, const struct field_errors *fe);
/* The alert box of a refused form: message (NULL: the error's default text, or r->error_detail) and the
 * field errors of r->fe. Writes nothing when problem is OK. */
void page_problem_box(struct html *h, const struct req *r, enum err problem, const char *message);
/* <option value="…"> with label, selected when asked. */
void page_option(struct html *h, const char *value, const char *label, bool selected);
/* The options of a district <select>: an empty option labelled any_label (none when any_label is NULL), then
 * each district. */
void page_district_options(struct html *h, const struct district *d, int n, const char *selected,
                           const char *any_label);
/* Whether code is one of the districts d[0..n). */
bool page_district_known(const struct district *d, int n, const char *code);
/* Ages served as "6–36 个月"; "—" when unknown (both 0). */
void page_ages(struct html *h, int min_months, int max_months);
/* Service types as "全日托、半日托" from bits of enum service_type; "—" for none. */
void page_service_types(struct html *h, unsigned bits);
/* v with the given number of decimals. */
void page_decimal(struct html *h, double v, int places);
/* Chinese for an institution state ("registered", "filed") and for a filing status name. Static storage. */
const char *page_inst_state_zh(const char *state);
const char *page_filing_status_zh(const char *status);
/* Parse a decimal integer s in lo..hi into *out: true when valid, and absent (NULL or "") gives def. */
bool page_parse_int(const char *s, int64_t lo, int64_t hi, int64_t def, int64_t *out);
/* The district a page must be confined to: a county official's own, else NULL (all). */
const char *page_scope_district(const struct req *r);
/* 上一页/下一页 links for a list (page 1-based) as relative "?…" URLs that keep the query values named in
 * keep (NULL-terminated); nothing when everything fits on one page. */
void page_pager(struct html *h, const struct req *r, int64_t page, int64_t per_page, int64_t total,
                const char *const *keep);
/* A table of filing versions (newest first) with status, dates, violations, reason and number; link: each
 * version links to /dash/filings/{id}. today is the current CST day, for the 逾期 badge. */
void page_filing_versions(struct html *h, const struct filing_row *rows, int n, bool link, int64_t today);
/* Exports (src/export): a small "导出 Excel" link to api_path?format=xlsx carrying the page's current query
 * values (except page) — the list as the page shows it, every page of it — and a "后台导出" link to
 * /dash/exports?list=api_path. */
void page_export_link(struct html *h, const struct req *r, const char *api_path);

#endif
