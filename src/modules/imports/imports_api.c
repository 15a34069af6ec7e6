/* Bulk onboarding of staff and children from a CSV upload. The whole file runs in one transaction through the
 * same operations as single additions (staff_add_in_tx, child_add_in_tx), each row inside a savepoint so a
 * bad row neither leaves half of itself behind nor aborts the transaction (PostgreSQL would), and every row
 * is checked: a dry run reports and rolls back; a commit is all-or-nothing. The report names rows and
 * columns, never the values, so no ID number or phone travels back in clear. */
#include "modules/imports/imports.h"

#include "auth/pii.h"
#include "core/clock.h"
#include "core/log.h"
#include "modules/compliance/compliance.h"
#include "modules/people/bans.h"
#include "modules/people/people.h"
#include "modules/reference/codes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_ERRORS 1000 /* listed in the answer; the count covers all */

enum import_kind { IMPORT_STAFF, IMPORT_CHILDREN };

/* ---- Columns ------------------------------------------------------------------------------------------- */

struct column {
    const char *en, *zh;
    bool required; /* in the header; a cell may still be empty where the operation allows it */
};

enum { S_NAME, S_ID, S_ROLE, S_HIRED, S_PHONE, S_EDU, S_EXP, S__N };
static const struct column staff_columns[S__N] = {
    [S_NAME] = {"name", "姓名", true},
    [S_ID] = {"id_number", "身份证号", true},
    [S_ROLE] = {"role", "岗位", true},
    [S_HIRED] = {"hired_on", "入职日期", true},
    [S_PHONE] = {"phone", "电话", false},
    [S_EDU] = {"education", "学历", false},
    [S_EXP] = {"experience_years", "从业年限", false},
};

enum {
    C_NAME,
    C_ID,
    C_BIRTH,
    C_SEX,
    C_CLASS,
    C_START,
    C_GNAME,
    C_GREL,
    C_GPHONE,
    C_ACHECK,
    C_AEXAM,
    C_ARESULT,
    C__N
};
static const struct column child_columns[C__N] = {
    [C_NAME] = {"name", "姓名", true},
    [C_ID] = {"id_number", "身份证号", true},
    [C_BIRTH] = {"birth_on", "出生日期", true},
    [C_SEX] = {"sex", "性别", true},
    [C_CLASS] = {"class", "班级", false},
    [C_START] = {"start_on", "入托日期", true},
    [C_GNAME] = {"guardian_name", "监护人", true},
    [C_GREL] = {"guardian_relation", "关系", true},
    [C_GPHONE] = {"guardian_phone", "监护人电话", true},
    [C_ACHECK] = {"admission_checked_on", "入托体检日期", true},
    [C_AEXAM] = {"admission_examiner", "体检机构", true},
    [C_ARESULT] = {"admission_result", "体检结果", true},
};

#define MAX_COLUMNS 12 /* the larger of S__N and C__N */
#define HEADER_MAX  64 /* csv_parse allows no more fields in a row */

/* The Chinese labels of education levels, in the order of education_names. */
static const char *const education_names_zh[] = {"无", "中专及以下", "大专", "本科", "研究生", NULL};
static const char *const sex_names[] = {"female", "male", NULL};
static const char *const sex_names_zh[] = {"女", "男", NULL};
static const char *const result_names[] = {"pass", "fail", NULL};
static const char *const result_names_zh[] = {"合格", "不合格", NULL};

/* ---- Cells --------------------------------------------------------------------------------------------- */

/* s without surrounding ASCII white space and ideographic spaces (U+3000), which spreadsheets leave around
 * pasted values; a copy in the arena. */
static char *trim(struct arena *a, const char *s)
{
    const char *b = s, *e = s + strlen(s);
    for (;;) {
        if (b < e && isspace((unsigned char)*b))
            b++;
        else if (e - b >= 3 && memcmp(b, "\xE3\x80\x80", 3) == 0)
            b += 3;
        else
            break;
    }
    for (;;) {
        if (e > b && isspace((unsigned char)e[-1]))
            e--;
        else if (e - b >= 3 && memcmp(e - 3, "\xE3\x80\x80", 3) == 0)
            e -= 3;
        else
            break;
    }
    return arena_strndup(a, b, (size_t)(e - b));
}

/* The index of s in en (ASCII case-insensitive) or zh (exact), or -1. */
static int lookup(const char *s, const char *const *en, const char *const *zh)
{
    for (int i = 0; en[i]; i++)
        if (strcasecmp(s, en[i]) == 0) return i;
    for (int i = 0; zh && zh[i]; i++)
        if (strcmp(s, zh[i]) == 0) return i;
    return -1;
}

/* Whether s looks like a number Excel turned into scientific notation (4.20303E+17), which loses digits. */
static bool scientific(const char *s)
{
    const char *e = strpbrk(s, "Ee");
    if (!e || e == s) return false;
    for (const char *p = s; p < e; p++)
        if (!isdigit((unsigned char)*p) && *p != '.') return false;
    return e[1] == '+' && isdigit((unsigned char)e[2]);
}

/* ---- A set of ID hashes (the file's and the institution's) ------------------------------------------- */

struct seen {
    char (*keys)[PII_HASH_HEX];
    int *rows; /* row of the file that holds it; 0: already in the database */
    size_t cap, n;
};

static void seen_init(struct seen *s, struct arena *a, size_t expected)
{
    size_t cap = 64;
    while (cap < expected * 2)
        cap *= 2;
    s->keys = arena_zalloc(a, cap * sizeof *s->keys);
    s->rows = arena_zalloc(a, cap * sizeof *s->rows);
    s->cap = cap;
    s->n = 0;
}

/* Insert hash for row unless present; returns the row holding it (-1 when newly inserted). The set never
 * fills: it is sized for the institution's people plus the file's rows. */
static int seen_put(struct seen *s, const char *hash, int row)
{
    /* The hash is already uniform: its first 16 hex digits make a good slot number. */
    size_t h = 0;
    for (int i = 0; i < 16; i++)
        h = h << 4 | (size_t)(isdigit((unsigned char)hash[i]) ? hash[i] - '0' : (hash[i] | 0x20) - 'a' + 10);
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->keys[i][0]) {
            memcpy(s->keys[i], hash, PII_HASH_HEX);
            s->rows[i] = row;
            s->n++;
            return -1;
        }
        if (memcmp(s->keys[i], hash, PII_HASH_HEX - 1) == 0) return s->rows[i];
    }
}

/* ---- The institution's data the rows refer to ---------------------------------------------------------- */

/* Who an institution has today, as the single additions count them: staff not yet left, children not yet
 * gone (a leaving day in the future still counts). */
#define PRESENT_STAFF    " FROM staff WHERE institution_id = $1 AND (left_on IS NULL OR left_on > $2)"
#define PRESENT_CHILDREN " FROM children WHERE institution_id = $1 AND (end_on IS NULL OR end_on > $2)"

/* The hashes of the people an institution has now into s. */
static enum err load_existing(struct db *db, enum import_kind kind, int64_t inst_id, struct seen *s)
{
    static const char *const sql[] = {
        [IMPORT_STAFF] = "SELECT id_hash" PRESENT_STAFF,
        [IMPORT_CHILDREN] = "SELECT id_hash" PRESENT_CHILDREN,
    };
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(clock_day_of(clock_now()))};
    struct db_rows *r = NULL;
    enum err e = db_query(db, sql[kind], v, 2, &r);
    if (e != OK) return e;
    int k;
    while ((k = db_next(r)) == 1) {
        const char *h = db_text(r, 0);
        if (h && strlen(h) == PII_HASH_HEX - 1) seen_put(s, h, 0);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

static enum err count_existing(struct db *db, enum import_kind kind, int64_t inst_id, int64_t *n)
{
    static const char *const sql[] = {
        [IMPORT_STAFF] = "SELECT COUNT(*)" PRESENT_STAFF,
        [IMPORT_CHILDREN] = "SELECT COUNT(*)" PRESENT_CHILDREN,
    };
    struct db_val v[] = {DBV_INT(inst_id), DBV_INT(clock_day_of(clock_now()))};
    return db_int_query(db, sql[kind], v, 2, n);
}

struct class_ref {
    int64_t id;
    const char *name;
};

/* The open classes of an institution, by name (strings in a). */
static enum err load_classes(struct db *db, struct arena *a, int64_t inst_id, struct class_ref **out, int *n)
{
    struct db_val v[] = {DBV_INT(inst_id)};
    struct db_rows *r = NULL;
    enum err e = db_query(db,
                          "SELECT id, name FROM classes WHERE institution_id = $1 AND closed_on IS NULL "
                          "ORDER BY id",
                          v, 1, &r);
    if (e != OK) return e;
    int cap = 16, k;
    *out = arena_alloc(a, (size_t)cap * sizeof **out);
    *n = 0;
    while ((k = db_next(r)) == 1) {
        if (*n == cap) {
            struct class_ref *bigger = arena_alloc(a, (size_t)cap * 2 * sizeof *bigger);
            memcpy(bigger, *out, (size_t)cap * sizeof *bigger);
            *out = bigger;
            cap *= 2;
        }
        (*out)[*n].id = db_int(r, 0);
        (*out)[(*n)++].name = db_text_dup(r, 1, a);
    }
    e = k < 0 ? db_rows_err(r) : OK;
    db_done(r);
    return e;
}

/* ---- The run ------------------------------------------------------------------------------------------- */

struct banned {
    const char *id_number, *name;
};

struct import_run {
    struct req *r;
    enum import_kind kind;
    int64_t inst_id;
    bool dry_run;
    const struct csv *csv;
    const struct column *cols;
    int ncols;
    int colmap[HEADER_MAX]; /* header cell → column, -1 ignored (empty name) */
    int nheader;
    /* Results, reset at every attempt of the transaction. */
    int rows, valid, nerrors;
    json_t *errors;
    struct banned *banned;
    int nbanned;
    bool finished; /* every row was processed; a rollback after this is ours */
};

static void report_error(struct import_run *run, int row, const char *field, const char *message)
{
    run->nerrors++;
    if (json_array_size(run->errors) < REPORT_MAX_ERRORS)
        json_array_append_new(run->errors,
                              json_pack("{s:i, s:s, s:s}", "row", row, "field", field, "message", message));
}

/* The CSV column a field error of the operations belongs to: "guardians[0].phone" → "guardian_phone",
 * "admission_check.result" → "admission_result", "class_id" → "class". */
static const char *column_of(struct arena *a, enum import_kind kind, const char *field)
{
    if (kind == IMPORT_CHILDREN) {
        if (strncmp(field, "guardians[", 10) == 0) {
            const char *dot = strchr(field, '.');
            return dot ? arena_printf(a, "guardian_%s", dot + 1) : "guardian_name";
        }
        if (strncmp(field, "admission_check.", 16) == 0) return arena_printf(a, "admission_%s", field + 16);
        if (strcmp(field, "admission_check") == 0) return "admission_checked_on";
        if (strcmp(field, "guardians") == 0) return "guardian_name";
        if (strcmp(field, "class_id") == 0) return "class";
    }
    return field;
}

/* The cell of column col in a row ("" when the row is short or the column absent). */
static const char *cell(const struct import_run *run, char **fields, int nf, int col, struct arena *a)
{
    for (int i = 0; i < run->nheader && i < nf; i++)
        if (run->colmap[i] == col) return trim(a, fields[i]);
    return "";
}

static bool row_blank(char **fields, int nf)
{
    for (int i = 0; i < nf; i++)
        for (const char *p = fields[i]; *p; p++)
            if (!isspace((unsigned char)*p)) return false;
    return true;
}

static const char MSG_REQUIRED[] = "必填";
static const char MSG_DATE[] = "日期应为 YYYY-MM-DD 或 YYYY/M/D，且是真实的日期";
static const char MSG_ID_SCIENTIFIC[] = "身份证号被 Excel 改成了科学计数法，请把该列设为“文本”格式后重新导出";

/* The words of staff_add_in_tx and child_add_in_tx for a person already there. */
static const char *already_here(enum import_kind kind)
{
    return kind == IMPORT_STAFF ? "此人已在本机构在职，不能重复添加" : "该幼儿已在本机构入托";
}

static bool required_date(struct field_errors *fe, const char *col, const char *s, int64_t *day)
{
    if (!*s) {
        fe_add(fe, col, MSG_REQUIRED);
        return false;
    }
    if (!onboard_parse_date(s, day)) {
        fe_add(fe, col, MSG_DATE);
        return false;
    }
    return true;
}

/* Parse the cells of a staff row into in; bad cells go to fe. */
static void parse_staff(const struct import_run *run, char **f, int nf, struct arena *a,
                        struct staff_input *in, struct field_errors *fe)
{
    memset(in, 0, sizeof *in);
    in->name = cell(run, f, nf, S_NAME, a);
    if (!*in->name) fe_add(fe, "name", MSG_REQUIRED);
    in->id_number = idnum_normalize(a, cell(run, f, nf, S_ID, a));
    const char *role = cell(run, f, nf, S_ROLE, a);
    const char *phone = cell(run, f, nf, S_PHONE, a);
    const char *edu = cell(run, f, nf, S_EDU, a);
    const char *exp = cell(run, f, nf, S_EXP, a);
    in->phone = *phone ? phone : NULL;
    in->full_time = true;
    in->role = lookup(role, staff_role_names, staff_role_names_zh);
    if (in->role < 0)
        fe_add(fe, "role",
               *role ? "岗位应为 director、caregiver、health、security、cook、other 或 负责人、保育人员、"
                       "保健人员、保安、炊事人员、其他"
                     : MSG_REQUIRED);
    in->hired_on = INT64_MIN;
    required_date(fe, "hired_on", cell(run, f, nf, S_HIRED, a), &in->hired_on);
    in->education = -1;
    if (*edu) {
        in->education = lookup(edu, education_names, education_names_zh);
        if (in->education < 0)
            fe_add(fe, "education",
                   "学历应为 none、secondary、junior_college、bachelor、master 或 无、中专及以下、"
                   "大专、本科、研究生");
    }
    in->experience_years = -1;
    if (*exp) {
        char *end;
        long v = strtol(exp, &end, 10);
        if (*end || v < 0 || v > 60 || !isdigit((unsigned char)*exp))
            fe_add(fe, "experience_years", "从业年限应为 0 到 60 的整数");
        else
            in->experience_years = v;
    }
}

/* Parse the cells of a child row into in (one guardian); bad cells go to fe. */
static void parse_child(const struct import_run *run, char **f, int nf, struct arena *a,
                        const struct class_ref *classes, int nclasses, struct child_input *in,
                        struct field_errors *fe)
{
    memset(in, 0, sizeof *in);
    in->name = cell(run, f, nf, C_NAME, a);
    in->id_number = idnum_normalize(a, cell(run, f, nf, C_ID, a));
    if (!*in->name) fe_add(fe, "name", MSG_REQUIRED);
    /* Field names as child_add_in_tx uses them, so that it does not report a field twice. */
    required_date(fe, "birth_on", cell(run, f, nf, C_BIRTH, a), &in->birth_on);
    required_date(fe, "start_on", cell(run, f, nf, C_START, a), &in->start_on);
    const char *sex = cell(run, f, nf, C_SEX, a);
    int s = lookup(sex, sex_names, sex_names_zh);
    if (s < 0)
        fe_add(fe, "sex", *sex ? "性别应为 female、male 或 女、男" : MSG_REQUIRED);
    else
        in->sex = sex_names[s];
    const char *klass = cell(run, f, nf, C_CLASS, a);
    if (*klass) {
        for (int i = 0; i < nclasses && !in->class_id; i++)
            if (strcmp(classes[i].name, klass) == 0) in->class_id = classes[i].id;
        if (!in->class_id) fe_add(fe, "class_id", "本机构没有这个名称的班级（或该班已关闭）");
    }
    struct child_guardian *g = arena_zalloc(a, sizeof *g);
    g->name = cell(run, f, nf, C_GNAME, a);
    g->relation = cell(run, f, nf, C_GREL, a);
    g->phone = cell(run, f, nf, C_GPHONE, a);
    in->guardians = g;
    in->nguardians = 1;
    required_date(fe, "admission_check.checked_on", cell(run, f, nf, C_ACHECK, a), &in->admission_checked_on);
    in->admission_examiner = cell(run, f, nf, C_AEXAM, a);
    const char *result = cell(run, f, nf, C_ARESULT, a);
    int k = lookup(result, result_names, result_names_zh);
    if (k < 0)
        fe_add(fe, "admission_check.result",
               *result ? "体检结果应为 pass、fail 或 合格、不合格" : MSG_REQUIRED);
    else
        in->admission_result = result_names[k];
}

/* Whether e is a problem of the row (reported, the import goes on) rather than of the database or the
 * program (the transaction is abandoned). */
static bool row_error(enum err e)
{
    return e != ERR_DB_SOFT && err_status(e) < 500;
}

/* One data row: parse, check duplicates, run the operation inside a savepoint. Returns OK, or a database or
 * program error that ends the transaction. */
static enum err import_row(struct db *db, struct import_run *run, int row, const struct class_ref *classes,
                           int nclasses, struct seen *seen, struct arena *scratch)
{
    char **f = run->csv->rows[row];
    int nf = run->csv->nfields[row];
    struct field_errors fe;
    fe_init(&fe, scratch);
    for (int i = 0; i < nf; i++)
        if ((i >= run->nheader || run->colmap[i] < 0) && !row_blank(&f[i], 1))
            fe_addf(&fe, "row", "第 %d 列没有列名，却有内容", i + 1);

    struct staff_input sin;
    struct child_input cin;
    const char *id_number, *name;
    if (run->kind == IMPORT_STAFF) {
        parse_staff(run, f, nf, scratch, &sin, &fe);
        id_number = sin.id_number;
        name = sin.name;
    } else {
        parse_child(run, f, nf, scratch, classes, nclasses, &cin, &fe);
        id_number = cin.id_number;
        name = cin.name;
    }

    /* Checks only the file can make; the operation then reports only what is not said already (it skips
     * fields with an error) and, with any error in fe, returns ERR_VALIDATION before writing anything. */
    if (!*id_number) {
        fe_add(&fe, "id_number", MSG_REQUIRED);
    } else if (scientific(id_number)) {
        fe_add(&fe, "id_number", MSG_ID_SCIENTIFIC);
    } else if (idnum_valid(id_number)) {
        char hash[PII_HASH_HEX];
        pii_hash(id_number, hash);
        int first = seen_put(seen, hash, row);
        if (first == 0)
            fe_add(&fe, "id_number", already_here(run->kind));
        else if (first > 0)
            fe_addf(&fe, "id_number", "与第 %d 行的身份证号重复", first);
    }
    int before = fe.n;

    enum err e = db_exec(db, "SAVEPOINT import_row", NULL, 0);
    if (e != OK) return e;
    int64_t id = 0;
    if (run->kind == IMPORT_STAFF)
        e = staff_add_in_tx(db, scratch, run->r->who, run->inst_id, &sin, &fe, &id);
    else
        e = child_add_in_tx(db, scratch, run->r->who, run->inst_id, &cin, &fe, &id);
    if (e != OK && !row_error(e)) return e;
    bool ok = e == OK && fe.n == 0;
    enum err s = ok ? OK : db_exec(db, "ROLLBACK TO SAVEPOINT import_row", NULL, 0);
    if (s == OK) s = db_exec(db, "RELEASE SAVEPOINT import_row", NULL, 0);
    if (s != OK) return s;
    if (ok) {
        run->valid++;
        return OK;
    }
    if (e == ERR_HIRE_REFUSED) {
        /* The refusal is generic: whoever imports learns no more than a single hire would tell. */
        fe.n = before;
        fe_add(&fe, "id_number", err_message_zh(ERR_HIRE_REFUSED));
        run->banned[run->nbanned].id_number = arena_strdup(run->r->a, id_number);
        run->banned[run->nbanned++].name = arena_strdup(run->r->a, name);
    } else if (e == ERR_CONFLICT && fe.n == 0) {
        fe_add(&fe, "id_number", already_here(run->kind));
    } else if (fe.n == 0) {
        fe_add(&fe, "row", err_message_zh(e == OK ? ERR_INTERNAL : e));
    }
    /* One error per column: the first said is the most specific (the file's own checks come first). */
    const char **said = arena_alloc(scratch, (size_t)fe.n * sizeof *said);
    int nsaid = 0;
    for (int i = 0; i < fe.n; i++) {
        const char *col = column_of(scratch, run->kind, fe.items[i].field);
        bool dup = false;
        for (int k = 0; k < nsaid && !dup; k++)
            dup = strcmp(said[k], col) == 0 && strcmp(col, "row") != 0;
        if (dup) continue;
        said[nsaid++] = col;
        report_error(run, row, col, fe.items[i].message);
    }
    return OK;
}

static enum err import_tx(struct db *db, void *p)
{
    struct import_run *run = p;
    /* A retry of the transaction starts the report over. */
    json_array_clear(run->errors);
    run->rows = run->valid = run->nerrors = run->nbanned = 0;
    run->finished = false;
    const struct csv *csv = run->csv;
    for (int row = 1; row < csv->nrows; row++)
        run->rows += !row_blank(csv->rows[row], csv->nfields[row]);
    run->banned = arena_alloc(run->r->a, (size_t)(run->rows + 1) * sizeof *run->banned);

    struct arena scratch;
    arena_init(&scratch, 0);
    struct class_ref *classes = NULL;
    int nclasses = 0;
    int64_t existing = 0;
    struct seen seen;
    enum err e = count_existing(db, run->kind, run->inst_id, &existing);
    if (e != OK) goto done;
    seen_init(&seen, run->r->a, (size_t)existing + (size_t)run->rows);
    e = load_existing(db, run->kind, run->inst_id, &seen);
    if (e == OK && run->kind == IMPORT_CHILDREN)
        e = load_classes(db, run->r->a, run->inst_id, &classes, &nclasses);
    if (e != OK) goto done;

    /* One compliance refresh for the whole file instead of one per row (each reads the institution's
     * people: per row that would grow with the square of the file). */
    compliance_defer_begin();
    /* One institution lock for the whole file, taken before any row's savepoint, and one update of the audit
     * chain's head. */
    e = people_bulk_begin(db, run->inst_id);
    audit_bulk_begin();
    for (int row = 1; row < csv->nrows && e == OK; row++) {
        if (row_blank(csv->rows[row], csv->nfields[row])) continue;
        e = import_row(db, run, row, classes, nclasses, &seen, &scratch);
        /* Allocations of the operations for one row (sealed values, audit texts) go with it. */
        arena_reset(&scratch);
    }
    /* Always ended: the deferral is per thread and would outlive this request. After a failure its refresh
     * is wasted (the transaction rolls back) and its result does not matter. */
    people_bulk_end();
    enum err a = audit_bulk_end(db);
    if (e == OK) e = a;
    enum err c = compliance_defer_end(db, &scratch, clock_now());
    if (e == OK) e = c;
    if (e != OK) goto done;
    run->finished = true;
    if (run->dry_run || run->nerrors) {
        e = ERR_STATE; /* roll back; import_run says why */
        goto done;
    }
    char after[96];
    snprintf(after, sizeof after, "{\"rows\":%d,\"imported\":%d}", run->rows, run->valid);
    e = audit_append(db, run->r->who, run->kind == IMPORT_STAFF ? "import.staff" : "import.children",
                     "institution", run->inst_id, NULL, after);
done:
    arena_free(&scratch);
    return e;
}

/* Record the register checks of refused hires again after the import's rollback: a refused hire is on the
 * officials' list of ban matches whether it came from a form or a file. */
static enum err replay_ban_checks(struct db *db, void *p)
{
    struct import_run *run = p;
    for (int i = 0; i < run->nbanned; i++) {
        int64_t ban_id = 0;
        enum err e = ban_check_in_tx(db, run->r->a, run->r->who, run->inst_id, run->banned[i].id_number,
                                     run->banned[i].name, "hire", &ban_id);
        if (e != OK) return e;
    }
    return OK;
}

/* ---- The header ---------------------------------------------------------------------------------------- */

/* Map the header cells to columns; unknown, repeated and missing columns go to the report as row 0. */
static void map_header(struct import_run *run)
{
    struct arena *a = run->r->a;
    char **h = run->csv->rows[0];
    run->nheader = run->csv->nfields[0];
    bool have[MAX_COLUMNS] = {0};
    for (int i = 0; i < run->nheader; i++) {
        const char *name = trim(a, h[i]);
        run->colmap[i] = -1;
        if (!*name) continue; /* spreadsheets leave unnamed columns at the end */
        int col = -1;
        for (int k = 0; k < run->ncols && col < 0; k++)
            if (strcasecmp(name, run->cols[k].en) == 0 || strcmp(name, run->cols[k].zh) == 0) col = k;
        if (col < 0) {
            report_error(run, 0, name, "未知的列");
        } else if (have[col]) {
            report_error(run, 0, run->cols[col].en, "列重复");
        } else {
            have[col] = true;
            run->colmap[i] = col;
        }
    }
    for (int k = 0; k < run->ncols; k++)
        if (run->cols[k].required && !have[k])
            report_error(run, 0, run->cols[k].en,
                         arena_printf(a, "缺少列：%s（或 %s）", run->cols[k].en, run->cols[k].zh));
}

/* ---- Handlers ------------------------------------------------------------------------------------------ */

static json_t *report_json(const struct import_run *run, bool committed)
{
    return json_pack("{s:i, s:i, s:O, s:i, s:b, s:b, s:b}", "rows", run->rows, "valid", run->valid, "errors",
                     run->errors, "error_count", run->nerrors, "errors_truncated",
                     run->nerrors > (int)json_array_size(run->errors), "dry_run", run->dry_run, "committed",
                     committed);
}

/* 422 with the report, and the usual error object so clients that only read "error" still see why. */
static enum err answer_refused(struct req *r, struct resp *out, const struct import_run *run)
{
    json_t *fields = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (run->errors, i, v) {
        json_array_append_new(
            fields,
            json_pack("{s:s, s:s}", "field",
                      arena_printf(r->a, "rows[%d].%s", (int)json_integer_value(json_object_get(v, "row")),
                                   json_string_value(json_object_get(v, "field"))),
                      "message", json_string_value(json_object_get(v, "message"))));
    }
    json_t *doc = report_json(run, false);
    json_object_set_new(
        doc, "error",
        json_pack("{s:s, s:s, s:o}", "code", err_name(ERR_VALIDATION), "message",
                  run->rows ? "导入文件有错误，未导入任何数据" : "导入文件无法使用，未导入任何数据", "fields",
                  fields));
    return resp_json(r, out, 422, doc);
}

/* Spreadsheet files that are not CSV: answer with what to do instead. */
static bool office_file(const char *b, size_t n)
{
    return (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) ||
           (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0);
}

static enum err import_api(struct req *r, struct resp *out, enum import_kind kind)
{
    int64_t inst_id = r->id[0];
    if (r->who->institution_id != inst_id) return ERR_NOT_FOUND;
    const char *dry = req_query(r, "dry_run");
    bool dry_run = false;
    if (dry) {
        if (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0)
            dry_run = true;
        else if (strcmp(dry, "0") != 0 && strcmp(dry, "false") != 0) {
            fe_add(&r->fe, "dry_run", "dry_run 应为 1 或 0");
            return ERR_VALIDATION;
        }
    }
    if (office_file(r->body, r->body_len)) {
        r->error_detail = "请上传 CSV 文件：在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”";
        return ERR_UNSUPPORTED_MEDIA;
    }
    if (!pii_ready()) {
        log_msg(LOG_ERROR, "import refused: personal-data keys are not loaded");
        return ERR_INTERNAL;
    }

    struct import_run run = {.r = r, .kind = kind, .inst_id = inst_id, .dry_run = dry_run};
    run.cols = kind == IMPORT_STAFF ? staff_columns : child_columns;
    run.ncols = kind == IMPORT_STAFF ? S__N : C__N;
    run.errors = json_array();
    enum err e = OK;

    struct csv csv;
    const char *why = NULL;
    if (!csv_parse(r->body ? r->body : "", r->body_len, r->a, &csv, &why)) {
        report_error(&run, csv.nrows, "file", why);
        e = answer_refused(r, out, &run);
        goto done;
    }
    run.csv = &csv;
    if (csv.nrows == 0) {
        report_error(&run, 0, "file", "文件为空：第一行应为列名");
        e = answer_refused(r, out, &run);
        goto done;
    }
    map_header(&run);
    for (int row = 1; row < csv.nrows; row++)
        run.rows += !row_blank(csv.rows[row], csv.nfields[row]);
    if (run.nerrors == 0 && run.rows == 0) report_error(&run, 0, "file", "文件中没有数据行");
    if (run.nerrors) {
        e = answer_refused(r, out, &run);
        goto done;
    }

    e = db_tx(r->db, import_tx, &run);
    if (e != OK && !(e == ERR_STATE && run.finished)) goto done;
    if (run.nbanned) {
        enum err b = db_tx(r->db, replay_ban_checks, &run);
        if (b != OK) {
            e = b;
            goto done;
        }
    }
    if (e == OK)
        e = resp_json(r, out, 201, report_json(&run, true));
    else if (run.dry_run)
        e = resp_json(r, out, 200, report_json(&run, false));
    else
        e = answer_refused(r, out, &run);
done:
    json_decref(run.errors);
    return e;
}

/* POST /api/v1/institutions/{id}/imports/staff[?dry_run=1]: the body is the CSV. Operators of the institution
 * only (anyone else: 404). Answers 200 (dry run), 201 (committed) or 422 with the report; 415 for a
 * spreadsheet that is not CSV. Blocks on the database for the whole file (one transaction). */
enum err import_api_staff(struct req *r, struct resp *out)
{
    return import_api(r, out, IMPORT_STAFF);
}

/* POST /api/v1/institutions/{id}/imports/children[?dry_run=1]: as import_api_staff, for children (a class is
 * named, not numbered). */
enum err import_api_children(struct req *r, struct resp *out)
{
    return import_api(r, out, IMPORT_CHILDREN);
}
