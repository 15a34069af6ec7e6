/* Onboarding of the city's existing institutions (and their filings, when already filed elsewhere) from a CSV
 * (UTF-8 or GBK, with or without BOM) or JSON Lines file. One run reads the registry once, checks every row
 * against the rules (onboard_rules.c), the file itself (repeated codes and filing numbers) and the registry
 * (a filing number of another institution, a county's territory), and only when every row is clean writes
 * them all in the same transaction: new institutions as a registration push creates them (institution,
 * registration record, history, audit), changed ones updated with their history and a new version, earlier
 * filings as approved filing versions marked as imported. A row equal to what is stored writes nothing, so a
 * re-import of the same file changes nothing and appends nothing to the audit chain. */
#include "modules/imports/imports.h"

#include "core/clock.h"
#include "core/log.h"
#include "html/layout.h"
#include "modules/compliance/compliance.h"
#include "modules/filing/filing.h"
#include "modules/institution/inst.h"
#include "modules/reference/codes.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONBOARD_MAX_LINES 100000
#define ONBOARD_REASON    "外部已备案，批量导入"

/* ---- A string → int map in an arena (open addressing, never full: sized for the expected keys) -------- */

struct smap {
    const char **keys;
    int *vals;
    size_t cap;
};

static void smap_init(struct smap *m, struct arena *a, size_t expected)
{
    size_t cap = 64;
    while (cap < expected * 2 + 2)
        cap *= 2;
    m->keys = arena_zalloc(a, cap * sizeof *m->keys);
    m->vals = arena_zalloc(a, cap * sizeof *m->vals);
    m->cap = cap;
}

static size_t smap_slot(const struct smap *m, const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    size_t i = (size_t)h & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The value of key, or -1. */
static int smap_get(const struct smap *m, const char *key)
{
    size_t i = smap_slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

/* Insert key (borrowed: must outlive the map) → val unless present; returns the value present before, or -1
 * when newly inserted. */
static int smap_put(struct smap *m, const char *key, int val)
{
    size_t i = smap_slot(m, key);
    if (m->keys[i]) return m->vals[i];
    m->keys[i] = key;
    m->vals[i] = val;
    return -1;
}

/* ---- The report ---------------------------------------------------------------------------------------- */

void onboard_report_free(struct onboard_report *rep)
{
    json_decref(rep->errors);
    rep->errors = NULL;
}

static void report_error(struct onboard_report *rep, int row, const char *field, const char *message)
{
    rep->nerrors++;
    if (json_array_size(rep->errors) < ONBOARD_MAX_ERRORS)
        json_array_append_new(rep->errors,
                              json_pack("{s:i, s:s, s:s}", "row", row, "field", field, "message", message));
}

json_t *onboard_report_json(const struct onboard_report *rep)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:O, s:i, s:b, s:b, s:b}", "format",
                          rep->format ? rep->format : "csv", "encoding",
                          rep->encoding ? rep->encoding : "utf-8", "sha256", rep->sha256, "rows", rep->rows,
                          "valid", rep->valid, "invalid", rep->invalid, "created", rep->created, "updated",
                          rep->updated, "unchanged", rep->unchanged, "errors", rep->errors, "error_count",
                          rep->nerrors, "errors_truncated", rep->nerrors > (int)json_array_size(rep->errors),
                          "dry_run", rep->dry_run, "committed", rep->committed);
    json_object_set_new(j, "batch_id", rep->batch_id ? json_integer(rep->batch_id) : json_null());
    return j;
}

/* ---- Reading the file into records --------------------------------------------------------------------- */

struct ob_rec {
    int line; /* 1-based line of the record's start (CSV: header = 1; JSON Lines: the line) */
    const char *cells[OB__N];
    struct field_errors fe; /* problems found while reading (unknown keys, wrong JSON types) */
    bool unreadable;        /* not a record at all (a line that is no JSON object): only fe is reported */
};

struct ob_input {
    struct ob_rec *recs;
    int n;
};

static bool blank_cells(const struct ob_rec *rec)
{
    for (int i = 0; i < OB__N; i++)
        if (rec->cells[i][0]) return false;
    return rec->fe.n == 0;
}

/* Whether s is short printable ASCII, safe to echo as a field name. */
static bool echo_safe(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= 40 || s[n] < 0x21 || s[n] > 0x7E) return false;
    return n > 0;
}

static const char *field_label(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    if (echo_safe(s) || (n <= 60 && n > 0)) return arena_strdup(a, s);
    return "?";
}

/* CSV: header row mapped to columns; header problems stop the file (rows are not read). */
static bool read_csv(const char *bytes, size_t len, struct arena *a, struct onboard_report *rep,
                     struct ob_input *in)
{
    struct csv csv;
    const char *why = NULL;
    bool ok = csv_parse(bytes, len, a, &csv, &why);
    rep->encoding = csv.encoding ? csv.encoding : "utf-8";
    if (!ok) {
        int line = csv.nrows > 0 && csv.line ? csv.line[csv.nrows - 1] + 1 : 1;
        report_error(rep, line, "file", why);
        return false;
    }
    if (csv.nrows == 0) {
        report_error(rep, 1, "file", "文件为空：第一行应为列名");
        return false;
    }
    int nh = csv.nfields[0];
    int colmap[64];
    bool have[OB__N] = {0};
    for (int i = 0; i < nh; i++) {
        const char *name = onboard_trim(a, csv.rows[0][i]);
        colmap[i] = -1;
        if (!*name) continue; /* spreadsheets leave unnamed columns at the end */
        int col = onboard_column_find(name);
        if (col < 0)
            report_error(rep, 1, field_label(a, name), "未知的列");
        else if (have[col])
            report_error(rep, 1, onboard_columns[col].en, "列重复");
        else {
            have[col] = true;
            colmap[i] = col;
        }
    }
    for (int k = 0; k < OB__N; k++)
        if (onboard_columns[k].required && !have[k])
            report_error(
                rep, 1, onboard_columns[k].en,
                arena_printf(a, "缺少列：%s（或 %s）", onboard_columns[k].en, onboard_columns[k].zh));
    if (rep->nerrors) return false;
    in->recs = arena_zalloc(a, (size_t)csv.nrows * sizeof *in->recs);
    in->n = 0;
    for (int row = 1; row < csv.nrows; row++) {
        struct ob_rec *rec = &in->recs[in->n++];
        rec->line = csv.line[row];
        fe_init(&rec->fe, a);
        for (int k = 0; k < OB__N; k++)
            rec->cells[k] = "";
        for (int i = 0; i < csv.nfields[row]; i++) {
            const char *cell = csv.rows[row][i];
            if (i < nh && colmap[i] >= 0) {
                rec->cells[colmap[i]] = onboard_trim(a, cell);
            } else {
                for (const char *p = cell; *p; p++)
                    if (!isspace((unsigned char)*p)) {
                        fe_addf(&rec->fe, "row", "第 %d 列没有列名，却有内容", i + 1);
                        break;
                    }
            }
        }
    }
    return true;
}

/* One JSON value as a cell: strings trimmed, integers in decimal, booleans 1/0, null empty, an array of
 * strings (service types) joined by commas. NULL for anything else. */
static const char *json_cell(json_t *v, struct arena *a)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return onboard_trim(a, json_string_value(v));
    case JSON_INTEGER:
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    case JSON_REAL:
        return arena_printf(a, "%.17g", json_real_value(v));
    case JSON_TRUE:
        return "1";
    case JSON_FALSE:
        return "0";
    case JSON_NULL:
        return "";
    case JSON_ARRAY: {
        size_t i;
        json_t *e;
        char *out = "";
        json_array_foreach (v, i, e) {
            if (!json_is_string(e)) return NULL;
            out = arena_printf(a, "%s%s%s", out, i ? "," : "", json_string_value(e));
        }
        return out;
    }
    default:
        return NULL;
    }
}

/* JSON Lines: one object per line (UTF-8, an optional BOM before the first), English keys; blank lines are
 * skipped. A line that is not an object is a bad row. */
static bool read_jsonl(const char *bytes, size_t len, struct arena *a, struct onboard_report *rep,
                       struct ob_input *in)
{
    rep->encoding = "utf-8";
    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
        bytes += 3;
        len -= 3;
    }
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += bytes[i] == '\n';
    if (lines > ONBOARD_MAX_LINES + 1) {
        report_error(rep, 1, "file", "数据行超过 100000 行，请分成几个文件导入");
        return false;
    }
    in->recs = arena_zalloc(a, lines * sizeof *in->recs);
    in->n = 0;
    const char *p = bytes, *end = bytes + len;
    int line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        size_t n = (size_t)(e - p);
        if (n && p[n - 1] == '\r') n--;
        bool blank = true;
        for (size_t i = 0; i < n && blank; i++)
            blank = isspace((unsigned char)p[i]);
        if (!blank) {
            struct ob_rec *rec = &in->recs[in->n++];
            rec->line = line;
            fe_init(&rec->fe, a);
            for (int k = 0; k < OB__N; k++)
                rec->cells[k] = "";
            json_error_t err;
            json_t *obj = json_loadb(p, n, JSON_REJECT_DUPLICATES, &err);
            if (!obj || !json_is_object(obj)) {
                rec->unreadable = true;
                fe_add(&rec->fe, "row",
                       obj ? "每行应为一个 JSON 对象" : "不是有效的 JSON（或含重复的键、非 UTF-8 字节）");
            } else {
                const char *key;
                json_t *v;
                json_object_foreach (obj, key, v) {
                    int col = -1;
                    for (int k = 0; k < OB__N && col < 0; k++)
                        if (strcmp(key, onboard_columns[k].en) == 0) col = k;
                    if (col < 0) {
                        fe_add(&rec->fe, field_label(a, key), "未知的字段");
                        continue;
                    }
                    const char *cell = json_cell(v, a);
                    if (!cell)
                        fe_add(&rec->fe, onboard_columns[col].en, "值的类型不对：应为字符串、数字或布尔值");
                    else
                        rec->cells[col] = cell;
                }
            }
            json_decref(obj);
        }
        p = nl ? nl + 1 : end;
    }
    return true;
}

/* ---- The registry as it is ----------------------------------------------------------------------------- */

struct ob_existing {
    int64_t id, registered_on, service_types, inclusive, places, min_age, max_age, filed_on;
    const char *uscc, *name, *legal_form, *district, *address, *scope, *authority, *provider_kind, *state,
        *filing_number, *filing_status;
    bool has_registration;
};

static void read_existing(struct db_rows *r, struct arena *a, void *item)
{
    struct ob_existing *x = item;
    x->id = db_int(r, 0);
    x->uscc = db_text_dup(r, 1, a);
    x->name = db_text_dup(r, 2, a);
    x->legal_form = db_text_dup(r, 3, a);
    x->district = db_text_dup(r, 4, a);
    x->address = db_text_dup(r, 5, a);
    x->scope = db_text_dup(r, 6, a);
    x->registered_on = db_int(r, 7);
    x->authority = db_text_dup(r, 8, a);
    x->service_types = db_int(r, 9);
    x->inclusive = db_int(r, 10);
    x->places = db_int(r, 11);
    x->min_age = db_isnull(r, 12) ? -1 : db_int(r, 12);
    x->max_age = db_isnull(r, 13) ? -1 : db_int(r, 13);
    x->provider_kind = db_text_dup(r, 14, a);
    x->state = db_text_dup(r, 15, a);
    x->filing_number = db_text_dup(r, 16, a);
    x->filed_on = db_isnull(r, 17) ? 0 : db_int(r, 17);
    x->filing_status = db_text_dup(r, 18, a);
    x->has_registration = !db_isnull(r, 19);
}

/* ---- The run ------------------------------------------------------------------------------------------- */

enum ob_action { OB_SKIP, OB_CREATE, OB_UPDATE, OB_SAME };

struct ob_plan {
    enum ob_action action;
    struct onboard_row row;
    struct ob_existing *ex;
    bool filing;     /* record the row's earlier filing */
    json_t *changes; /* updates: {field: {from, to}} */
};

struct ob_run {
    const struct principal *who;
    bool dry_run;
    struct onboard_report *rep;
    struct ob_input in;
    struct arena *a; /* the input's arena (records) */
    struct ob_plan *plans;
    int filings;
    bool finished; /* every row was checked: a rollback after this is ours */
};

static const char *county_of(const struct principal *who)
{
    return who && who->role == ROLE_COUNTY ? who->district : NULL;
}

static json_t *day_json(int64_t day)
{
    char s[11];
    return json_string(date_format(day, s));
}

static json_t *services_json(unsigned bits)
{
    json_t *j = json_array();
    for (int i = 0; i < SVC__COUNT; i++)
        if (bits & (1u << i)) json_array_append_new(j, json_string(service_type_names[i]));
    return j;
}

static void change(json_t *changes, const char *key, json_t *from, json_t *to)
{
    if (json_equal(from, to)) {
        json_decref(from);
        json_decref(to);
        return;
    }
    json_object_set_new(changes, key, json_pack("{s:o, s:o}", "from", from, "to", to));
}

static json_t *age_json(int64_t v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

/* What applying row to x would change ({field: {from, to}}; empty when nothing), registry fields only. */
static json_t *changes_of(const struct ob_existing *x, const struct onboard_row *w)
{
    json_t *c = json_object();
    change(c, "name", json_string(x->name), json_string(w->name));
    change(c, "legal_form", json_string(x->legal_form), json_string(legal_form_names[w->legal_form]));
    change(c, "district_code", json_string(x->district), json_string(w->district_code));
    change(c, "address", json_string(x->address), json_string(w->address));
    change(c, "business_scope", json_string(x->scope), json_string(w->business_scope));
    change(c, "registered_on", day_json(x->registered_on), day_json(w->registered_on));
    change(c, "authority", json_string(x->authority), json_string(w->authority));
    if (w->given & (1u << OB_SERVICE_TYPES))
        change(c, "service_types", services_json((unsigned)x->service_types),
               services_json(w->service_types));
    if (w->given & (1u << OB_INCLUSIVE))
        change(c, "inclusive", json_boolean(x->inclusive != 0), json_boolean(w->inclusive));
    if (w->given & (1u << OB_PLACES)) change(c, "places", json_integer(x->places), json_integer(w->places));
    if (w->given & (1u << OB_MIN_AGE))
        change(c, "min_age_months", age_json(x->min_age), age_json(w->min_age_months));
    if (w->given & (1u << OB_MAX_AGE))
        change(c, "max_age_months", age_json(x->max_age), age_json(w->max_age_months));
    if (w->given & (1u << OB_PROVIDER_KIND))
        change(c, "provider_kind", json_string(x->provider_kind ? x->provider_kind : "institution"),
               json_string(w->home_based ? "home_based" : "institution"));
    return c;
}

/* The row as JSON (history and audit of a new institution; the import's view of it). */
static json_t *row_json(const struct onboard_row *w)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "uscc", w->uscc, "name", w->name,
                          "legal_form", legal_form_names[w->legal_form], "district_code", w->district_code,
                          "address", w->address, "business_scope", w->business_scope, "registered_on",
                          day_json(w->registered_on), "authority", w->authority);
    json_object_set_new(j, "service_types", services_json(w->service_types));
    json_object_set_new(j, "inclusive", json_boolean(w->inclusive));
    json_object_set_new(j, "places", json_integer(w->places));
    json_object_set_new(j, "min_age_months", age_json(w->min_age_months));
    json_object_set_new(j, "max_age_months", age_json(w->max_age_months));
    json_object_set_new(j, "provider_kind", json_string(w->home_based ? "home_based" : "institution"));
    json_object_set_new(j, "source", json_string("import"));
    return j;
}

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* Check one record into its plan; problems go to the report. */
static void check_rec(struct ob_run *run, struct arena *a, const struct ob_rec *rec, struct ob_plan *plan,
                      const char *const *districts, int nd, struct ob_existing *ex, int nex,
                      const struct smap *by_uscc, const struct smap *by_number, struct smap *file_uscc,
                      struct smap *file_numbers, int64_t today)
{
    struct onboard_report *rep = run->rep;
    struct field_errors fe;
    fe_init(&fe, a);
    for (int i = 0; i < rec->fe.n; i++)
        fe_add(&fe, rec->fe.items[i].field, rec->fe.items[i].message);
    struct onboard_row *w = &plan->row;
    if (!rec->unreadable) onboard_check_row(rec->cells, districts, nd, today, a, w, &fe);
    const char *county = county_of(run->who);
    if (!rec->unreadable && county && w->district_code[0] && strcmp(w->district_code, county) != 0)
        fe_addf(&fe, "district_code", "只能导入本区县（%s）的机构", county);

    struct ob_existing *x = NULL;
    if (!rec->unreadable && w->uscc[0]) {
        int first = smap_put(file_uscc, w->uscc, rec->line);
        if (first >= 0) fe_addf(&fe, "uscc", "与第 %d 行的统一社会信用代码重复", first);
        int k = smap_get(by_uscc, w->uscc);
        if (k >= 0 && k < nex) x = &ex[k];
        if (x && county && strcmp(x->district, county) != 0)
            fe_add(&fe, "uscc", "该代码的机构属于其他区县，不能由本区县导入");
    }
    if (!rec->unreadable && w->filing_number) {
        int first = smap_put(file_numbers, w->filing_number, rec->line);
        if (first >= 0) fe_addf(&fe, "filing_number", "与第 %d 行的备案编号重复", first);
        int k = smap_get(by_number, w->filing_number);
        if (k >= 0 && k < nex && (!x || ex[k].id != x->id))
            fe_addf(&fe, "filing_number", "备案编号已被其他机构（%s）使用", ex[k].name);
        if (x && x->filing_number && strcmp(x->filing_number, w->filing_number) != 0) {
            fe_addf(&fe, "filing_number", "该机构已备案，备案编号为 %s，与文件不一致", x->filing_number);
        } else if (x && x->filing_number && w->filed_on && x->filed_on != w->filed_on) {
            char d[11];
            fe_addf(&fe, "filed_on", "该机构已于 %s 备案，与文件不一致", date_format(x->filed_on, d));
        } else if (x && !x->filing_number && x->filing_status && strcmp(x->filing_status, "submitted") == 0) {
            fe_add(&fe, "filing_number", "该机构有待审核的备案申请，请先处理后再导入外部备案");
        }
    }

    if (fe.n == 0) {
        plan->ex = x;
        plan->filing = w->filing_number && (!x || !x->filing_number);
        if (!x) {
            plan->action = OB_CREATE;
        } else {
            plan->changes = changes_of(x, w);
            bool same = json_object_size(plan->changes) == 0 && !plan->filing;
            if (!same && x->state && strcmp(x->state, "closed") == 0)
                fe_add(&fe, "uscc", "该机构已注销/停业，不能通过导入修改");
            plan->action = same ? OB_SAME : OB_UPDATE;
        }
    }
    if (fe.n) {
        json_decref(plan->changes);
        plan->changes = NULL;
        plan->action = OB_SKIP;
        rep->invalid++;
        /* One error per field (the first said is the most specific), in the order of the columns after
         * whatever concerns the whole row or no column. */
        for (int pass = -1; pass < OB__N; pass++) {
            for (int i = 0; i < fe.n; i++) {
                int col = -1;
                for (int k = 0; k < OB__N && col < 0; k++)
                    if (strcmp(fe.items[i].field, onboard_columns[k].en) == 0) col = k;
                if (col != pass) continue;
                bool dup = false;
                for (int k = 0; k < i && !dup; k++)
                    dup = strcmp(fe.items[k].field, fe.items[i].field) == 0;
                if (!dup) report_error(rep, rec->line, fe.items[i].field, fe.items[i].message);
            }
        }
        return;
    }
    rep->valid++;
    rep->created += plan->action == OB_CREATE;
    rep->updated += plan->action == OB_UPDATE;
    rep->unchanged += plan->action == OB_SAME;
    run->filings += plan->filing;
}

static const char *actor(const struct principal *who)
{
    return who ? who->username : "system";
}

/* The registration record of an institution, as a registration push keeps it (same payload shape), so a
 * later push of the same USCC updates the imported institution instead of colliding with it. */
static enum err upsert_registration(struct db *db, int64_t inst_id, const struct onboard_row *w, int64_t now)
{
    char *payload =
        dump(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "uscc", w->uscc, "name", w->name,
                       "legal_form", legal_form_names[w->legal_form], "district_code", w->district_code,
                       "address", w->address, "business_scope", w->business_scope, "registered_on",
                       day_json(w->registered_on), "authority", w->authority));
    struct db_val v[] = {DBV_TEXT(w->uscc), DBV_INT(inst_id), DBV_TEXT(w->authority), DBV_TEXT(payload),
                         DBV_INT(now)};
    enum err e = db_exec(db,
                         "INSERT INTO registrations (uscc, institution_id, authority, payload, received_at, "
                         "updated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (uscc) DO UPDATE SET "
                         "authority = excluded.authority, payload = excluded.payload, updated_at = "
                         "excluded.updated_at",
                         v, DB_NPARAMS(v));
    free(payload);
    return e;
}

/* Record an earlier filing: an approved filing version marked as imported, the institution filed with its
 * number and day, and the district's number sequence moved past an imported number of our own pattern. */
static enum err write_filing(struct db *db, const struct principal *who, int64_t inst_id,
                             const struct onboard_row *w, int64_t now)
{
    struct db_val iv[] = {DBV_INT(inst_id)};
    int64_t version = 0;
    enum err e = db_int_query(
        db, "SELECT COALESCE(MAX(version), 0) + 1 FROM filings WHERE institution_id = $1", iv, 1, &version);
    if (e != OK) return e;
    json_t *d = json_pack("{s:s, s:b, s:s, s:o, s:o, s:b, s:I}", "source", "import", "filed_elsewhere", 1,
                          "filing_number", w->filing_number, "filed_on", day_json(w->filed_on),
                          "service_types", services_json(w->service_types), "inclusive", w->inclusive,
                          "places", (json_int_t)w->places);
    char *dossier = dump(d);
    struct db_val v[] = {DBV_INT(inst_id),
                         DBV_INT(version),
                         DBV_TEXT(dossier),
                         DBV_INT(now),
                         who ? DBV_INT(who->user_id) : DBV_NULL,
                         DBV_INT(w->filed_on),
                         DBV_TEXT(ONBOARD_REASON),
                         DBV_TEXT(w->filing_number)};
    int64_t filing_id = 0;
    e = db_int_query(db,
                     "INSERT INTO filings (institution_id, version, status, dossier, findings, violations, "
                     "submitted_at, submitted_by, due_on, decided_at, decided_by, reason, filing_number) "
                     "VALUES ($1, $2, 'approved', $3, '[]', 0, $4, $5, $6, $4, $5, $7, $8) RETURNING id",
                     v, DB_NPARAMS(v), &filing_id);
    free(dossier);
    if (e != OK) return e;
    struct db_val uv[] = {DBV_INT(inst_id), DBV_TEXT(w->filing_number), DBV_INT(w->filed_on),
                          DBV_INT(filing_id), DBV_INT(now)};
    e = db_exec(
        db,
        "UPDATE institutions SET state = 'filed', filing_number = $2, filed_on = $3, current_filing_id = "
        "$4, updated_at = $5, version = version + 1 WHERE id = $1",
        uv, DB_NPARAMS(uv));
    if (e != OK) return e;
    /* TY-420303-2024-0012: later numbers of that district and year must not collide with it. */
    char dist[8];
    int year = 0, seq = 0, used = 0;
    if (sscanf(w->filing_number, "TY-%6[0-9]-%4d-%d%n", dist, &year, &seq, &used) == 3 &&
        used == (int)strlen(w->filing_number) && seq > 0) {
        struct db_val sv[] = {DBV_TEXT(dist), DBV_INT(year), DBV_INT(seq)};
        e = db_exec(
            db,
            "INSERT INTO filing_number_seq (district_code, year, last) VALUES ($1, $2, $3) "
            "ON CONFLICT (district_code, year) DO UPDATE SET last = CASE WHEN filing_number_seq.last < "
            "excluded.last THEN excluded.last ELSE filing_number_seq.last END",
            sv, DB_NPARAMS(sv));
        if (e != OK) return e;
    }
    char *txt = dump(json_pack("{s:I, s:s, s:o, s:s}", "filing_id", (json_int_t)filing_id, "filing_number",
                               w->filing_number, "filed_on", day_json(w->filed_on), "source", "import"));
    e = inst_history_add(db, inst_id, actor(who), "filing_imported", txt);
    if (e == OK) e = audit_append(db, who, "filing.import", "filing", filing_id, NULL, txt);
    free(txt);
    return e;
}

static enum err write_create(struct db *db, const struct principal *who, const struct onboard_row *w,
                             int64_t now)
{
    struct db_val v[] = {DBV_TEXT(w->uscc),
                         DBV_TEXT(w->name),
                         DBV_TEXT(legal_form_names[w->legal_form]),
                         DBV_TEXT(w->district_code),
                         DBV_TEXT(w->address),
                         DBV_TEXT(w->business_scope),
                         DBV_INT(w->registered_on),
                         DBV_TEXT(w->authority),
                         DBV_INT(now),
                         DBV_INT(w->service_types),
                         DBV_BOOL(w->inclusive),
                         DBV_INT(w->places),
                         w->min_age_months >= 0 ? DBV_INT(w->min_age_months) : DBV_NULL,
                         w->max_age_months >= 0 ? DBV_INT(w->max_age_months) : DBV_NULL,
                         DBV_TEXT(w->home_based ? "home_based" : "institution")};
    int64_t id = 0;
    enum err e = db_int_query(
        db,
        "INSERT INTO institutions (uscc, name, legal_form, district_code, address, business_scope, "
        "registered_on, "
        "authority, state, created_at, updated_at, service_types, inclusive, places, min_age_months, "
        "max_age_months, provider_kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'registered', $9, $9, $10, "
        "$11, "
        "$12, $13, $14, $15) RETURNING id",
        v, DB_NPARAMS(v), &id);
    if (e == ERR_CONFLICT)
        return ERR_DB_SOFT; /* created meanwhile by a push: run again, it is an update now */
    if (e != OK) return e;
    e = upsert_registration(db, id, w, now);
    if (e != OK) return e;
    char *txt = dump(row_json(w));
    e = inst_history_add(db, id, actor(who), "imported", txt);
    if (e == OK) e = audit_append(db, who, "institution.import", "institution", id, NULL, txt);
    free(txt);
    if (e == OK && w->filing_number) e = write_filing(db, who, id, w, now);
    return e;
}

static enum err write_update(struct db *db, const struct principal *who, const struct ob_plan *p, int64_t now)
{
    const struct onboard_row *w = &p->row;
    const struct ob_existing *x = p->ex;
    enum err e = OK;
    if (json_object_size(p->changes) > 0) {
        bool g_st = w->given & (1u << OB_SERVICE_TYPES), g_inc = w->given & (1u << OB_INCLUSIVE),
             g_pl = w->given & (1u << OB_PLACES), g_min = w->given & (1u << OB_MIN_AGE),
             g_max = w->given & (1u << OB_MAX_AGE), g_kind = w->given & (1u << OB_PROVIDER_KIND);
        int64_t min_age = g_min ? w->min_age_months : x->min_age,
                max_age = g_max ? w->max_age_months : x->max_age;
        struct db_val v[] = {
            DBV_INT(x->id),
            DBV_TEXT(w->name),
            DBV_TEXT(legal_form_names[w->legal_form]),
            DBV_TEXT(w->district_code),
            DBV_TEXT(w->address),
            DBV_TEXT(w->business_scope),
            DBV_INT(w->registered_on),
            DBV_TEXT(w->authority),
            DBV_INT(g_st ? (int64_t)w->service_types : x->service_types),
            DBV_INT(g_inc ? (int64_t)w->inclusive : x->inclusive),
            DBV_INT(g_pl ? w->places : x->places),
            min_age >= 0 ? DBV_INT(min_age) : DBV_NULL,
            max_age >= 0 ? DBV_INT(max_age) : DBV_NULL,
            DBV_TEXT(g_kind ? (w->home_based ? "home_based" : "institution") : x->provider_kind),
            DBV_INT(now)};
        e = db_exec(
            db,
            "UPDATE institutions SET name = $2, legal_form = $3, district_code = $4, address = $5, "
            "business_scope = $6, registered_on = $7, authority = $8, service_types = $9, inclusive = $10, "
            "places = $11, min_age_months = $12, max_age_months = $13, provider_kind = $14, updated_at = "
            "$15, version = version + 1 WHERE id = $1",
            v, DB_NPARAMS(v));
        if (e != OK) return e;
        e = upsert_registration(db, x->id, w, now);
        if (e != OK) return e;
        char *ch = json_dumps(p->changes, JSON_COMPACT | JSON_SORT_KEYS);
        json_t *before = json_object(), *after = json_object();
        const char *key;
        json_t *val;
        json_object_foreach (p->changes, key, val) {
            json_object_set(before, key, json_object_get(val, "from"));
            json_object_set(after, key, json_object_get(val, "to"));
        }
        json_object_set_new(after, "source", json_string("import"));
        char *b = dump(before), *af = dump(after);
        e = inst_history_add(db, x->id, actor(who), "import_updated", ch);
        if (e == OK) e = audit_append(db, who, "institution.import_update", "institution", x->id, b, af);
        free(ch);
        free(b);
        free(af);
        /* As an official's edit does: the provider kind changes which rules apply. */
        if (e == OK && json_object_get(p->changes, "provider_kind")) {
            struct arena ca;
            arena_init(&ca, 0);
            e = compliance_refresh_in_tx(db, &ca, x->id, now);
            arena_free(&ca);
        }
        if (e != OK) return e;
    }
    if (p->filing) e = write_filing(db, who, x->id, w, now);
    return e;
}

static enum err onboard_tx(struct db *db, void *ctx)
{
    struct ob_run *run = ctx;
    struct onboard_report *rep = run->rep;
    /* A retry starts the report over. */
    json_array_clear(rep->errors);
    rep->nerrors = rep->rows = rep->valid = rep->invalid = rep->created = rep->updated = rep->unchanged = 0;
    rep->batch_id = 0;
    run->filings = 0;
    run->finished = false;
    if (run->plans)
        for (int i = 0; i < run->in.n; i++)
            json_decref(run->plans[i].changes);

    struct arena a;
    arena_init(&a, 0);
    struct district *dl = NULL;
    int nd = 0;
    struct ob_existing *ex = NULL;
    int nex = 0;
    enum err e = district_list(db, &a, &dl, &nd);
    if (e == OK)
        e = db_get_all(
            db, &a,
            "SELECT i.id, i.uscc, i.name, i.legal_form, i.district_code, i.address, i.business_scope, "
            "i.registered_on, i.authority, i.service_types, i.inclusive, i.places, i.min_age_months, "
            "i.max_age_months, i.provider_kind, i.state, i.filing_number, i.filed_on, f.status, g.id "
            "FROM institutions i LEFT JOIN filings f ON f.id = i.current_filing_id "
            "LEFT JOIN registrations g ON g.uscc = i.uscc ORDER BY i.id",
            NULL, 0, read_existing, sizeof *ex, 0, (void **)&ex, &nex);
    if (e != OK) goto done;
    const char **districts = arena_alloc(&a, (size_t)(nd + 1) * sizeof *districts);
    for (int i = 0; i < nd; i++)
        districts[i] = dl[i].code;
    struct smap by_uscc, by_number, file_uscc, file_numbers;
    smap_init(&by_uscc, &a, (size_t)nex);
    smap_init(&by_number, &a, (size_t)nex);
    smap_init(&file_uscc, &a, (size_t)run->in.n);
    smap_init(&file_numbers, &a, (size_t)run->in.n);
    for (int i = 0; i < nex; i++) {
        smap_put(&by_uscc, ex[i].uscc, i);
        if (ex[i].filing_number) smap_put(&by_number, ex[i].filing_number, i);
    }

    run->plans = arena_zalloc(run->a, (size_t)(run->in.n + 1) * sizeof *run->plans);
    int64_t now = clock_now(), today = clock_day_of(now);
    for (int i = 0; i < run->in.n; i++) {
        const struct ob_rec *rec = &run->in.recs[i];
        if (blank_cells(rec)) continue;
        rep->rows++;
        check_rec(run, &a, rec, &run->plans[i], districts, nd, ex, nex, &by_uscc, &by_number, &file_uscc,
                  &file_numbers, today);
    }
    if (rep->rows == 0) report_error(rep, 1, "file", "文件中没有数据行");
    run->finished = true;
    if (run->dry_run || rep->nerrors) {
        e = ERR_STATE; /* roll back: nothing was written anyway */
        goto done;
    }
    if (rep->created + rep->updated == 0) goto done; /* a re-import: nothing to write, nothing to record */

    audit_bulk_begin();
    for (int i = 0; i < run->in.n && e == OK; i++) {
        const struct ob_plan *p = &run->plans[i];
        if (p->action == OB_CREATE)
            e = write_create(db, run->who, &p->row, now);
        else if (p->action == OB_UPDATE)
            e = write_update(db, run->who, p, now);
    }
    if (e == OK) {
        struct db_val bv[] = {DBV_TEXT(rep->sha256),
                              DBV_TEXT(rep->format),
                              DBV_TEXT(rep->encoding),
                              DBV_INT(rep->rows),
                              DBV_INT(rep->created),
                              DBV_INT(rep->updated),
                              DBV_INT(rep->unchanged),
                              DBV_INT(run->filings),
                              run->who ? DBV_INT(run->who->user_id) : DBV_NULL,
                              DBV_TEXT(actor(run->who)),
                              DBV_INT(now)};
        e = db_int_query(
            db,
            "INSERT INTO import_batches (sha256, format, encoding, row_count, created, updated, "
            "unchanged, filings, by_user, by_name, at, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
            "$7, $8, $9, $10, $11, $11) RETURNING id",
            bv, DB_NPARAMS(bv), &rep->batch_id);
    }
    if (e == OK) {
        char *txt =
            dump(json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i}", "sha256", rep->sha256, "format",
                           rep->format, "encoding", rep->encoding, "rows", rep->rows, "created", rep->created,
                           "updated", rep->updated, "unchanged", rep->unchanged, "filings", run->filings));
        e = audit_append(db, run->who, "import.institutions", "import_batch", rep->batch_id, NULL, txt);
        free(txt);
    }
    enum err b = audit_bulk_end(db);
    if (e == OK) e = b;
done:
    arena_free(&a);
    return e;
}

enum err onboard_run(struct db *db, const struct principal *who, const char *bytes, size_t len,
                     const char *format, bool dry_run, struct onboard_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->errors = json_array();
    rep->dry_run = dry_run;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)bytes, len);
    sodium_bin2hex(rep->sha256, sizeof rep->sha256, h, sizeof h);
    if (!format) {
        size_t i = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        while (i < len && isspace((unsigned char)bytes[i]))
            i++;
        format = i < len && bytes[i] == '{' ? "jsonl" : "csv";
    }
    rep->format = strcmp(format, "jsonl") == 0 ? "jsonl" : "csv";

    struct arena a;
    arena_init(&a, 0);
    struct ob_run run = {.who = who, .dry_run = dry_run, .rep = rep, .a = &a};
    bool ok = strcmp(rep->format, "jsonl") == 0 ? read_jsonl(bytes, len, &a, rep, &run.in)
                                                : read_csv(bytes, len, &a, rep, &run.in);
    enum err e = OK;
    if (ok) {
        e = db_tx(db, onboard_tx, &run);
        if (e == ERR_STATE && run.finished) e = OK;
        if (e == OK && !dry_run && rep->nerrors == 0) rep->committed = true;
        if (run.plans)
            for (int i = 0; i < run.in.n; i++)
                json_decref(run.plans[i].changes);
    }
    if (e == OK && rep->nerrors) rep->committed = false;
    arena_free(&a);
    return e;
}

/* ---- The API ------------------------------------------------------------------------------------------- */

/* The format a request names: ?format=, else the Content-Type, else NULL (judged from the content). false
 * for an unknown ?format=. */
static bool request_format(struct req *r, const char **format)
{
    *format = NULL;
    const char *f = req_query(r, "format");
    if (f) {
        if (strcmp(f, "csv") == 0 || strcmp(f, "jsonl") == 0) {
            *format = f;
            return true;
        }
        return false;
    }
    const char *ct = r->content_type ? r->content_type : "";
    if (strncasecmp(ct, "text/csv", 8) == 0)
        *format = "csv";
    else if (strncasecmp(ct, "application/x-ndjson", 20) == 0 ||
             strncasecmp(ct, "application/jsonl", 17) == 0 ||
             strncasecmp(ct, "application/x-jsonlines", 23) == 0 ||
             strncasecmp(ct, "application/json-lines", 22) == 0)
        *format = "jsonl";
    return true;
}

/* Spreadsheet files that are not CSV. */
static bool office_file(const char *b, size_t n)
{
    return (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) ||
           (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0);
}

static const char MSG_XLSX[] =
    "请上传 CSV 或 JSON Lines 文件：在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”";

/* POST /api/v1/imports/institutions[?dry_run=1][&format=csv|jsonl]: the body is the file (text/csv,
 * application/x-ndjson or application/jsonl; up to 10 MiB). Admins and city officials import anywhere, county
 * officials only rows of their district. 200 with the report for a dry run (bad rows included) or a commit
 * that changed nothing, 201 for a commit that wrote, 422 with the report when any row is bad (nothing
 * stored), 415 for an Excel file. */
enum err onboard_api_import(struct req *r, struct resp *out)
{
    const char *dry = req_query(r, "dry_run");
    bool dry_run = false;
    if (dry) {
        if (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0)
            dry_run = true;
        else if (strcmp(dry, "0") != 0 && strcmp(dry, "false") != 0)
            fe_add(&r->fe, "dry_run", "dry_run 应为 1 或 0");
    }
    const char *format = NULL;
    if (!request_format(r, &format)) fe_add(&r->fe, "format", "format 应为 csv 或 jsonl");
    if (r->fe.n) return ERR_VALIDATION;
    if (office_file(r->body, r->body_len)) {
        r->error_detail = MSG_XLSX;
        return ERR_UNSUPPORTED_MEDIA;
    }
    struct onboard_report rep;
    enum err e = onboard_run(r->db, r->who, r->body ? r->body : "", r->body_len, format, dry_run, &rep);
    if (e != OK) {
        onboard_report_free(&rep);
        return e;
    }
    json_t *doc = onboard_report_json(&rep);
    unsigned status = 200;
    if (rep.nerrors && !dry_run) {
        status = 422;
        json_t *fields = json_array();
        size_t i;
        json_t *v;
        json_array_foreach (rep.errors, i, v) {
            json_array_append_new(fields,
                                  json_pack("{s:s, s:s}", "field",
                                            arena_printf(r->a, "rows[%d].%s",
                                                         (int)json_integer_value(json_object_get(v, "row")),
                                                         json_string_value(json_object_get(v, "field"))),
                                            "message", json_string_value(json_object_get(v, "message"))));
        }
        json_object_set_new(doc, "error",
                            json_pack("{s:s, s:s, s:o}", "code", err_name(ERR_VALIDATION), "message",
                                      "导入文件有错误，未导入任何数据", "fields", fields));
    } else if (rep.committed && rep.batch_id) {
        status = 201;
    }
    onboard_report_free(&rep);
    return resp_json(r, out, status, doc);
}

struct batch_row {
    int64_t id, rows, created, updated, unchanged, filings, at;
    const char *sha256, *format, *encoding, *by_name;
};

static void read_batch(struct db_rows *r, struct arena *a, void *item)
{
    struct batch_row *b = item;
    b->id = db_int(r, 0);
    b->sha256 = db_text_dup(r, 1, a);
    b->format = db_text_dup(r, 2, a);
    b->encoding = db_text_dup(r, 3, a);
    b->rows = db_int(r, 4);
    b->created = db_int(r, 5);
    b->updated = db_int(r, 6);
    b->unchanged = db_int(r, 7);
    b->filings = db_int(r, 8);
    b->by_name = db_text_dup(r, 9, a);
    b->at = db_int(r, 10);
}

/* The latest 50 batches: a county official's own, everyone's for the city and admins. */
static enum err list_batches(struct req *r, struct batch_row **items, int *n)
{
    struct db_val v[] = {r->who->role == ROLE_COUNTY ? DBV_INT(r->who->user_id) : DBV_NULL};
    return db_get_all(r->db, r->a,
                      "SELECT id, sha256, format, encoding, row_count, created, updated, unchanged, filings, "
                      "by_name, at FROM import_batches WHERE (CAST($1 AS BIGINT) IS NULL OR by_user = $1) "
                      "ORDER BY id DESC LIMIT 50",
                      v, 1, read_batch, sizeof **items, 50, (void **)items, n);
}

/* GET /api/v1/imports/institutions: {"items": [batch…]} newest first. */
enum err onboard_api_batches(struct req *r, struct resp *out)
{
    struct batch_row *b = NULL;
    int n = 0;
    enum err e = list_batches(r, &b, &n);
    if (e != OK) return e;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(
            items,
            json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:I}", "id", (json_int_t)b[i].id,
                      "sha256", b[i].sha256, "format", b[i].format, "encoding", b[i].encoding, "rows",
                      (json_int_t)b[i].rows, "created", (json_int_t)b[i].created, "updated",
                      (json_int_t)b[i].updated, "unchanged", (json_int_t)b[i].unchanged, "filings",
                      (json_int_t)b[i].filings, "by", b[i].by_name, "at", (json_int_t)b[i].at));
    return resp_json(r, out, 200, json_pack("{s:o}", "items", items));
}

/* ---- The page ------------------------------------------------------------------------------------------ */

static const char *column_zh(const char *field)
{
    for (int k = 0; k < OB__N; k++)
        if (strcmp(field, onboard_columns[k].en) == 0) return onboard_columns[k].zh;
    if (strcmp(field, "file") == 0) return "文件";
    if (strcmp(field, "row") == 0) return "整行";
    return NULL;
}

static void render_report(struct html *h, const struct onboard_report *rep)
{
    html_lit(h, "<section aria-labelledby=\"report\"><h2 id=\"report\">");
    if (rep->dry_run)
        html_lit(h, "试导入结果（未保存）");
    else if (rep->committed)
        html_lit(h, "导入完成");
    else
        html_lit(h, "导入未执行：文件有错误，未导入任何数据");
    html_lit(h, "</h2>\n<dl class=\"facts\">");
    static const char *const labels[] = {"数据行", "无误", "有误", "新增", "更新", "无变化"};
    const int values[] = {rep->rows, rep->valid, rep->invalid, rep->created, rep->updated, rep->unchanged};
    for (int i = 0; i < 6; i++) {
        html_lit(h, "<dt>");
        html_text(h, labels[i]);
        html_lit(h, "</dt><dd>");
        html_int(h, values[i]);
        html_lit(h, "</dd>");
    }
    html_lit(h, "<dt>格式</dt><dd>");
    html_text(h, rep->format);
    html_lit(h, "（");
    html_text(h, strcmp(rep->encoding ? rep->encoding : "", "gbk") == 0 ? "GBK" : "UTF-8");
    html_lit(h, "）</dd></dl>\n");
    if (rep->dry_run && rep->nerrors == 0)
        html_lit(h, "<p class=\"notice\">文件无误。取消勾选“仅试导入”后再次上传即可正式导入。</p>\n");
    if (rep->nerrors) {
        html_lit(h, "<p>共 ");
        html_int(h, rep->nerrors);
        html_lit(h, " 处错误");
        if (rep->nerrors > (int)json_array_size(rep->errors)) {
            html_lit(h, "（仅列出前 ");
            html_int(h, (int64_t)json_array_size(rep->errors));
            html_lit(h, " 处）");
        }
        html_lit(h, "，请修改后重新上传：</p>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-label=\"错误列表\"><table><thead><tr><th scope=\"col\">行</th>"
                    "<th scope=\"col\">字段</th><th scope=\"col\">问题</th></tr></thead><tbody>\n");
        size_t i;
        json_t *v;
        json_array_foreach (rep->errors, i, v) {
            const char *field = json_string_value(json_object_get(v, "field"));
            const char *zh = column_zh(field ? field : "");
            html_lit(h, "<tr><td>");
            html_int(h, json_integer_value(json_object_get(v, "row")));
            html_lit(h, "</td><td>");
            if (zh) {
                html_text(h, zh);
                html_lit(h, " <code>");
                html_text(h, field);
                html_lit(h, "</code>");
            } else {
                html_text(h, field);
            }
            html_lit(h, "</td><td>");
            html_text(h, json_string_value(json_object_get(v, "message")));
            html_lit(h, "</td></tr>\n");
        }
        html_lit(h, "</tbody></table></div>\n");
    }
    html_lit(h, "</section>\n");
}

static enum err render_page(struct req *r, struct resp *out, unsigned status,
                            const struct onboard_report *rep, enum err problem)
{
    struct batch_row *b = NULL;
    int nb = 0;
    enum err e = list_batches(r, &b, &nb);
    if (e != OK) return e;
    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "批量导入机构");
    html_lit(&h, "<h1>批量导入已有托育机构</h1>\n<p>上传本市已有托育机构的清单（CSV 或 JSON Lines），"
                 "已在其他系统备案的机构可一并带入备案编号和备案日期。先试导入检查每一行，"
                 "全部无误后再正式导入；正式导入要么全部成功，要么什么也不保存。同一文件重复导入不会产生任何"
                 "变化。</p>\n");
    if (r->who->role == ROLE_COUNTY) html_lit(&h, "<p class=\"notice\">区县账号只能导入本区县的机构。</p>\n");
    page_problem_box(&h, r, problem, NULL);
    if (rep) render_report(&h, rep);
    html_lit(&h,
             "<section aria-labelledby=\"upload\"><h2 id=\"upload\">上传文件</h2>\n"
             "<form method=\"post\" action=\"/dash/imports/institutions\" enctype=\"multipart/form-data\">");
    page_csrf(&h, r);
    html_lit(
        &h,
        "<p><label for=\"file\">文件（CSV：UTF-8 或 GBK；或 JSON Lines）</label> "
        "<input type=\"file\" id=\"file\" name=\"file\" accept=\".csv,.txt,.jsonl,.ndjson\" required></p>\n"
        "<p><input type=\"checkbox\" id=\"dry_run\" name=\"dry_run\" value=\"1\"");
    if (!rep || rep->dry_run || rep->committed) html_lit(&h, " checked");
    html_lit(&h, "> <label for=\"dry_run\">仅试导入（只检查，不保存）</label></p>\n"
                 "<p><button type=\"submit\">上传</button></p></form></section>\n");
    html_lit(&h,
             "<section aria-labelledby=\"cols\"><h2 id=\"cols\">列</h2>\n<p>第一行为列名，中文或英文均可；"
             "带 * 的列必填。备案编号和备案日期要么都填，要么都不填。</p>\n"
             "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"列说明\"><table><thead>"
             "<tr><th scope=\"col\">中文列名</th><th scope=\"col\">英文列名</th></tr></thead><tbody>\n");
    for (int k = 0; k < OB__N; k++) {
        html_lit(&h, "<tr><td>");
        html_text(&h, onboard_columns[k].zh);
        if (onboard_columns[k].required) html_lit(&h, " *");
        html_lit(&h, "</td><td><code>");
        html_text(&h, onboard_columns[k].en);
        html_lit(&h, "</code></td></tr>\n");
    }
    html_lit(&h, "</tbody></table></div></section>\n");
    if (nb) {
        html_lit(
            &h,
            "<section aria-labelledby=\"batches\"><h2 id=\"batches\">最近的导入</h2>\n"
            "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"最近的导入\">"
            "<table><thead><tr><th scope=\"col\">时间</th><th scope=\"col\">操作人</th><th scope=\"col\">行数"
            "</th><th scope=\"col\">新增</th><th scope=\"col\">更新</th><th scope=\"col\">无变化</th>"
            "<th scope=\"col\">备案</th></tr></thead><tbody>\n");
        for (int i = 0; i < nb; i++) {
            html_lit(&h, "<tr><td>");
            html_time(&h, b[i].at);
            html_lit(&h, "</td><td>");
            html_text(&h, b[i].by_name);
            const int64_t nums[] = {b[i].rows, b[i].created, b[i].updated, b[i].unchanged, b[i].filings};
            for (int k = 0; k < 5; k++) {
                html_lit(&h, "</td><td>");
                html_int(&h, nums[k]);
            }
            html_lit(&h, "</td></tr>\n");
        }
        html_lit(&h, "</tbody></table></div></section>\n");
    }
    page_end(&h);
    return resp_html(r, out, status, &h);
}

/* GET /dash/imports/institutions: the upload form, the columns and the latest batches. */
enum err onboard_page(struct req *r, struct resp *out)
{
    return render_page(r, out, 200, NULL, OK);
}

/* POST /dash/imports/institutions (multipart: file, dry_run): the report on the same page; 422 when the
 * commit was refused for bad rows. */
enum err onboard_page_post(struct req *r, struct resp *out)
{
    const struct req_file *file = NULL;
    for (int i = 0; i < r->nfiles && !file; i++)
        if (strcmp(r->files[i].name, "file") == 0 && r->files[i].len > 0) file = &r->files[i];
    if (!file) {
        fe_add(&r->fe, "file", "请选择要上传的文件");
        return render_page(r, out, 422, NULL, ERR_VALIDATION);
    }
    if (office_file(file->data, file->len)) {
        fe_add(&r->fe, "file", MSG_XLSX);
        return render_page(r, out, 415, NULL, ERR_VALIDATION);
    }
    const char *dry = req_form(r, "dry_run");
    bool dry_run = dry && *dry && strcmp(dry, "0") != 0;
    const char *format = NULL;
    size_t fl = file->filename ? strlen(file->filename) : 0;
    if ((fl >= 6 && strcasecmp(file->filename + fl - 6, ".jsonl") == 0) ||
        (fl >= 7 && strcasecmp(file->filename + fl - 7, ".ndjson") == 0))
        format = "jsonl";
    else if (fl >= 4 && strcasecmp(file->filename + fl - 4, ".csv") == 0)
        format = "csv";
    struct onboard_report rep;
    enum err e = onboard_run(r->db, r->who, file->data, file->len, format, dry_run, &rep);
    if (e == OK) e = render_page(r, out, rep.nerrors && !dry_run ? 422 : 200, &rep, OK);
    onboard_report_free(&rep);
    return e;
}

/* ---- The command line ---------------------------------------------------------------------------------- */

static int cli_bad(const char *msg)
{
    fprintf(stderr,
            "tuoyu: %s (usage: tuoyu import institutions --db DB --file F [--dry-run] "
            "[--format csv|jsonl])\n",
            msg);
    return 2;
}

int onboard_cli(int argc, char **argv)
{
    const char *dbu = NULL, *file = NULL, *format = NULL;
    bool dry_run = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = true;
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            dbu = argv[++i];
        else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else
            return cli_bad("unknown or incomplete option");
    }
    if (!dbu || !file) return cli_bad("import institutions needs --db and --file");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)
        return cli_bad("--format is csv or jsonl");
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "tuoyu: cannot read %s\n", file);
        return 1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            if (cap >= (size_t)256 << 20) break;
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return 1;
    struct db *db = NULL;
    int version = 0;
    enum err e = db_open_existing(dbu, &db);
    if (e == OK) e = db_schema_check(db, &version);
    if (e != OK) {
        char red[256];
        fprintf(stderr, "tuoyu: cannot use database %s (%s)\n", db_url_redacted(dbu, red, sizeof red),
                err_name(e));
        if (db) db_close(db);
        free(buf);
        return 1;
    }
    struct onboard_report rep;
    e = onboard_run(db, NULL, buf, len, format, dry_run, &rep);
    db_close(db);
    free(buf);
    if (e != OK) {
        fprintf(stderr, "tuoyu: import failed (%s)\n", err_name(e));
        onboard_report_free(&rep);
        return 1;
    }
    printf("format %s, encoding %s, rows %d, valid %d, invalid %d, created %d, updated %d, unchanged %d\n",
           rep.format, rep.encoding, rep.rows, rep.valid, rep.invalid, rep.created, rep.updated,
           rep.unchanged);
    size_t i;
    json_t *v;
    json_array_foreach (rep.errors, i, v) {
        printf("row %lld %s: %s\n", (long long)json_integer_value(json_object_get(v, "row")),
               json_string_value(json_object_get(v, "field")),
               json_string_value(json_object_get(v, "message")));
    }
    int rc = rep.nerrors ? 1 : 0;
    if (rep.nerrors)
        printf("%d error(s): nothing imported\n", rep.nerrors);
    else if (dry_run)
        printf("dry run: nothing imported\n");
    else if (rep.batch_id)
        printf("committed as batch %lld\n", (long long)rep.batch_id);
    else
        printf("nothing changed\n");
    onboard_report_free(&rep);
    return rc;
}
