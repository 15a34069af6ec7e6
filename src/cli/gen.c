/* tuoyu gen: deterministic synthetic data at city, province or national scale, written straight into the
 * tables with multi-row INSERTs inside large transactions (db_bulk_mode on), not through the stores.
 *
 * Determinism: every choice comes from one xoshiro256** stream seeded through splitmix64 with --seed, drawn
 * in a fixed order, so the same seed gives the same logical data (names, numbers, dates, counts, ids). The
 * sealed columns (*_enc) are real pii_seal output with libsodium's random nonces: their bytes differ between
 * runs, what they open to does not. The geography (the generated divisions) comes from a fixed seed of its
 * own and is the same for every --seed.
 *
 * Audit: generated rows are bulk data, not anyone's action: no audit row per record. One entry, action "gen",
 * entity "database", records the scale, the seed and the counts, chained like any other entry. */
#include "cli/gen.h"

#include "auth/auth.h"
#include "auth/pii.h"
#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "modules/reference/codes.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- deterministic generator ---- */

struct rng {
    uint64_t s[4];
};

/* splitmix64: the next value of the sequence at *x (advanced); used to expand the seed. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Seed the generator from one 64-bit seed. */
static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: the next 64 bits. */
static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n) (n > 0), by multiply-shift. */
static unsigned rn(struct rng *r, unsigned n)
{
    return (unsigned)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* A uniformly chosen element of a NULL-terminated list. */
static const char *pick(struct rng *r, const char *const *list)
{
    unsigned n = 0;
    while (list[n])
        n++;
    return list[rn(r, n)];
}

/* ---- bulk inserts ---- */

enum tbl {
    T_INST,
    T_REG,
    T_FILING,
    T_CLASS,
    T_STAFF,
    T_CC,
    T_CERT,
    T_BAN,
    T_CHILD,
    T_GUARD,
    T_CHECK,
    T_INSP,
    T_FIND,
    T_ORDER,
    T_EVENT,
    T_CPL,
    T__N
};

/* In dependency order: a table's rows may reference only tables above it. */
static const struct {
    const char *table, *cols;
    int ncols;
    bool has_id;
} tdefs[T__N] = {
    {"institutions",
     "id, uscc, name, legal_form, district_code, address, business_scope, registered_on, authority, state, "
     "created_at, updated_at, filing_number, filed_on, current_filing_id, service_types, inclusive, places, "
     "min_age_months, max_age_months, fee_min_fen, lat, lon, provider_kind, closed_on",
     25, true},
    {"registrations", "id, uscc, institution_id, authority, payload, received_at, updated_at", 7, true},
    {"filings",
     "id, institution_id, version, status, dossier, findings, violations, submitted_at, due_on, decided_at, "
     "filing_number",
     11, true},
    {"classes", "id, institution_id, name, type, capacity, created_at, updated_at", 7, true},
    {"staff",
     "id, institution_id, name, id_enc, id_hash, id_masked, role, hired_on, left_on, phone_enc, "
     "phone_masked, "
     "education, experience_years, full_time, created_at, updated_at",
     16, true},
    {"class_caregivers", "class_id, staff_id", 2, false},
    {"staff_certificates", "id, staff_id, kind, number, issued_on, expires_on, created_at", 7, true},
    {"ban_checks", "id, institution_id, id_hash, id_masked, name, purpose, result, checked_by, checked_at", 9,
     true},
    {"children",
     "id, institution_id, name, id_enc, id_hash, id_masked, birth_on, sex, class_id, start_on, end_on, "
     "created_at, updated_at",
     13, true},
    {"guardians", "id, child_id, name, relation, phone_enc, phone_masked", 6, true},
    {"health_checks",
     "id, subject, subject_id, institution_id, kind, checked_on, examiner, result, created_at", 9, true},
    {"inspections",
     "id, institution_id, department_code, kind, status, template_id, planned_on, inspected_on, summary, "
     "result, "
     "created_at, updated_at",
     12, true},
    {"inspection_findings",
     "id, inspection_id, institution_id, item_code, severity, clause, description, found_on, created_at", 9,
     true},
    {"rectification_orders",
     "id, finding_id, institution_id, status, deadline_on, requirement, ordered_at, answered_at, closed_on, "
     "updated_at",
     10, true},
    {"rectification_events", "id, order_id, event, text, at", 5, true},
    {"complaints",
     "id, number, lookup_hash, institution_id, district_code, category, text, text_hash, contact_name_enc, "
     "contact_phone_enc, contact_phone_masked, anonymous_public, status, received_at, due_on, accepted_at, "
     "answer, answered_at, updated_at",
     19, true},
};

#define GEN_PARAMS 1000 /* parameters per statement: under SQLite's and PostgreSQL's limits */

struct bulk {
    char *sql; /* the full statement of per rows */
    int per, n;
    struct db_val *vals;
    struct arena a; /* strings and blobs of the buffered rows */
    int64_t rows, next_id;
};

struct gdist {
    char code[7];
    const char *name, *prefix; /* prefix: "湖北省十堰市" */
    double lat, lon;
    unsigned weight;
};

struct tmpl_item {
    char *code, *text, *clause;
};
struct dept {
    const char *code;
    unsigned weight;
    int64_t template_id;
    struct tmpl_item items[16];
    int nitems;
};

struct gen {
    struct db *db;
    struct rng r;
    struct bulk b[T__N];
    enum err err;
    int64_t now, today;
    struct gdist *d;
    int nd;
    uint64_t cum_total;
    uint64_t *cum;
    int (*fseq)[12]; /* filing numbers per district and year (2018..2029) */
    uint64_t org_offset;
    struct dept depts[6];
    struct arena ga;
};

/* The multi-row INSERT of table t for rows rows ($1..$n in row order); malloc'd, the caller frees it. */
static char *build_sql(int t, int rows)
{
    int nc = tdefs[t].ncols;
    size_t cap = strlen(tdefs[t].table) + strlen(tdefs[t].cols) + 64 + (size_t)rows * (size_t)nc * 8 + 16;
    char *s = malloc(cap);
    if (!s) abort();
    size_t o = (size_t)snprintf(s, cap, "INSERT INTO %s (%s) VALUES ", tdefs[t].table, tdefs[t].cols);
    int p = 1;
    for (int r = 0; r < rows; r++) {
        s[o++] = r ? ',' : ' ';
        s[o++] = '(';
        for (int c = 0; c < nc; c++)
            o += (size_t)snprintf(s + o, cap - o, c ? ",$%d" : "$%d", p++);
        s[o++] = ')';
    }
    s[o] = 0;
    return s;
}

/* Insert the buffered rows of table t (unless an earlier insert failed: then drop them) and reset its
 * buffer and arena. The first error is kept in g->err. */
static void flush_one(struct gen *g, int t)
{
    struct bulk *b = &g->b[t];
    if (b->n == 0) return;
    if (g->err == OK) {
        char *sql = b->n == b->per ? b->sql : build_sql(t, b->n);
        enum err e = db_exec(g->db, sql, b->vals, b->n * tdefs[t].ncols);
        if (e != OK) {
            fprintf(stderr, "tuoyu gen: insert into %s failed (%s)\n", tdefs[t].table, err_name(e));
            g->err = e;
        }
        if (sql != b->sql) free(sql);
    }
    b->n = 0;
    arena_reset(&b->a);
}

/* Flush the tables up to and including t, in dependency order. */
static void flush_upto(struct gen *g, int t)
{
    for (int i = 0; i <= t; i++)
        flush_one(g, i);
}

/* Buffer one row of table t (values' strings must live in g->b[t].a); flushes when the buffer is full. */
static void row(struct gen *g, int t, const struct db_val *v)
{
    struct bulk *b = &g->b[t];
    memcpy(b->vals + (size_t)b->n * (size_t)tdefs[t].ncols, v, sizeof *v * (size_t)tdefs[t].ncols);
    b->n++;
    b->rows++;
    if (b->n == b->per) flush_upto(g, t);
}

#define A(t)       (&g->b[t].a)
#define NEXT_ID(t) (g->b[t].next_id++)

/* ---- people ---- */

static const char *surname(struct gen *g)
{
    static unsigned total;
    if (!total)
        for (int i = 0; gen_surnames[i].name; i++)
            total += gen_surnames[i].weight;
    unsigned x = rn(&g->r, total);
    for (int i = 0; gen_surnames[i].name; i++) {
        if (x < gen_surnames[i].weight) return gen_surnames[i].name;
        x -= gen_surnames[i].weight;
    }
    return "王";
}

/* A full name (surname and one or two given characters by sex) in a. */
static char *person_name(struct gen *g, struct arena *a, bool male)
{
    const char *const *pool = male ? gen_given_male : gen_given_female;
    const char *s = surname(g), *g1 = pick(&g->r, pool);
    if (rn(&g->r, 10) < 7) return arena_printf(a, "%s%s%s", s, g1, pick(&g->r, pool));
    return arena_printf(a, "%s%s", s, g1);
}

/* A valid 18-digit ID number for someone born on day birth in division region, sex from the 17th digit. */
static void id_number(struct gen *g, const char *region, int64_t birth, bool male, char out[19])
{
    int y, m, d;
    days_to_date(birth, &y, &m, &d);
    unsigned seq = rn(&g->r, 500) * 2 + (male ? 1 : 0);
    snprintf(out, 19, "%.6s%04d%02d%02d%03u", region, y, m, d, seq);
    out[17] = idnum_check_char(out);
    out[18] = 0;
}

/* An 11-digit mobile number with a real operator prefix, in a. */
static char *phone(struct gen *g, struct arena *a)
{
    static const char *const pre[] = {"138", "139", "135", "136", "137", "150", "151", "152",
                                      "158", "159", "187", "188", "186", "133", "153", "180",
                                      "189", "177", "199", "130", "131", NULL};
    return arena_printf(a, "%s%08u", pick(&g->r, pre), rn(&g->r, 100000000));
}

/* Sealed ID number, keyed hash and mask of idnum into the table's arena. */
static void seal_id(struct gen *g, int t, const char *idnum, struct db_val *enc, struct db_val *hash,
                    struct db_val *mask)
{
    size_t len;
    unsigned char *s = pii_seal(A(t), idnum, &len);
    char *h = arena_alloc(A(t), PII_HASH_HEX);
    pii_hash(idnum, h);
    *enc = DBV_BLOB(s, len);
    *hash = DBV_TEXT(h);
    *mask = DBV_TEXT(pii_mask_id(A(t), idnum));
}

/* A new phone number, sealed and masked, into the table's arena. */
static void seal_phone(struct gen *g, int t, struct db_val *enc, struct db_val *mask)
{
    char *p = phone(g, A(t));
    size_t len;
    unsigned char *s = pii_seal(A(t), p, &len);
    *enc = DBV_BLOB(s, len);
    *mask = DBV_TEXT(pii_mask_phone(A(t), p));
}

/* The time hour o'clock (CST) on day. */
static int64_t at_day(int64_t day, unsigned hour)
{
    return clock_day_start(day) + hour * 3600;
}

/* One health-check row of a child or a staff member (yearly checks fail now and then). */
static void health_check(struct gen *g, const char *subject, int64_t sid, int64_t inst, const char *kind,
                         int64_t day, const char *examiner)
{
    struct db_val v[] = {DBV_INT(NEXT_ID(T_CHECK)),
                         DBV_TEXT(subject),
                         DBV_INT(sid),
                         DBV_INT(inst),
                         DBV_TEXT(kind),
                         DBV_INT(day),
                         DBV_TEXT(examiner),
                         DBV_TEXT(strcmp(kind, "yearly") == 0 && rn(&g->r, 1000) < 3 ? "fail" : "pass"),
                         DBV_INT(at_day(day, 10))};
    row(g, T_CHECK, v);
}

/* ---- one institution and its life ---- */

struct inst {
    int64_t id, registered_on, filed_on, closed_on, end; /* end: last day it operated */
    const struct gdist *d;
    const char *state, *examiner;
    int places;
    bool home;
};

/* d limited to [lo, hi] (hi wins when lo > hi). */
static int64_t clamp_day(int64_t d, int64_t lo, int64_t hi)
{
    return d < lo ? lo : d > hi ? hi : d;
}

/* One staff member of in with role; class_id (or 0) is the class a caregiver works in; former: has left. */
static int64_t gen_staff(struct gen *g, const struct inst *in, const char *role, int64_t class_id,
                         bool former)
{
    int64_t sid = NEXT_ID(T_STAFF);
    bool male = strcmp(role, "security") == 0 ? rn(&g->r, 10) < 9 : rn(&g->r, 10) < 1;
    int64_t birth = g->today - 365 * (22 + (int64_t)rn(&g->r, 34)) - rn(&g->r, 365);
    char idnum[19];
    id_number(g, in->d->code, birth, male, idnum);
    int64_t hired = clamp_day(in->registered_on + rn(&g->r, 200), in->registered_on, g->today - 1);
    int64_t left =
        former && hired < g->today - 30 ? hired + 1 + rn(&g->r, (unsigned)(g->today - hired - 1)) : 0;
    static const char *const edu_dir[] = {"junior_college", "bachelor", "bachelor", "master", NULL};
    static const char *const edu_care[] = {"secondary", "junior_college", "junior_college", "bachelor", NULL};
    static const char *const edu_other[] = {"none", "secondary", "secondary", "junior_college", NULL};
    const char *edu = strcmp(role, "director") == 0    ? pick(&g->r, edu_dir)
                      : strcmp(role, "caregiver") == 0 ? pick(&g->r, edu_care)
                      : strcmp(role, "health") == 0    ? "junior_college"
                                                       : pick(&g->r, edu_other);
    struct db_val v[16] = {DBV_INT(sid), DBV_INT(in->id), DBV_TEXT(person_name(g, A(T_STAFF), male))};
    seal_id(g, T_STAFF, idnum, &v[3], &v[4], &v[5]);
    v[6] = DBV_TEXT(role);
    v[7] = DBV_INT(hired);
    v[8] = left ? DBV_INT(left) : DBV_NULL;
    seal_phone(g, T_STAFF, &v[9], &v[10]);
    v[11] = DBV_TEXT(edu);
    v[12] = DBV_INT((strcmp(role, "director") == 0 ? 3 : 1) + rn(&g->r, 15));
    v[13] = DBV_INT(rn(&g->r, 100) < 95);
    v[14] = DBV_INT(g->now);
    v[15] = DBV_INT(g->now);
    row(g, T_STAFF, v);
    /* The ban-register check at hire, or the yearly one within the year: otherwise the server's first daily
     * job would re-check every generated person at once. */
    if (!left) {
        bool recent = hired > g->today - 330;
        int64_t checked = recent ? hired - 1 : g->today - 1 - rn(&g->r, 330);
        struct db_val bv[] = {DBV_INT(NEXT_ID(T_BAN)),
                              DBV_INT(in->id),
                              DBV_TEXT(arena_strdup(A(T_BAN), v[4].s)),
                              DBV_TEXT(arena_strdup(A(T_BAN), v[5].s)),
                              DBV_TEXT(arena_strdup(A(T_BAN), v[2].s)),
                              DBV_TEXT(recent ? "hire" : "yearly"),
                              DBV_TEXT("clear"),
                              DBV_NULL,
                              DBV_INT(at_day(checked, 10))};
        row(g, T_BAN, bv);
    }
    if (class_id && !left) {
        struct db_val cv[] = {DBV_INT(class_id), DBV_INT(sid)};
        row(g, T_CC, cv);
    }
    /* Certificates: everyone a health certificate (yearly) and a criminal-record check; by role the rest. */
    int64_t issued = clamp_day(g->today - rn(&g->r, 330), hired, g->today);
    const char *extra = strcmp(role, "caregiver") == 0  ? "caregiver_qualification"
                        : strcmp(role, "director") == 0 ? "director_training"
                        : strcmp(role, "security") == 0 ? "security_license"
                                                        : NULL;
    struct db_val c1[] = {
        DBV_INT(NEXT_ID(T_CERT)), DBV_INT(sid),   DBV_TEXT("health_certificate"), DBV_NULL, DBV_INT(issued),
        DBV_INT(issued + 365),    DBV_INT(g->now)};
    row(g, T_CERT, c1);
    struct db_val c2[] = {DBV_INT(NEXT_ID(T_CERT)),
                          DBV_INT(sid),
                          DBV_TEXT("criminal_record_check"),
                          DBV_NULL,
                          DBV_INT(hired - 10),
                          DBV_NULL,
                          DBV_INT(g->now)};
    row(g, T_CERT, c2);
    if (extra) {
        struct db_val c3[] = {
            DBV_INT(NEXT_ID(T_CERT)),
            DBV_INT(sid),
            DBV_TEXT(extra),
            DBV_TEXT(arena_printf(A(T_CERT), "%s%010u", in->d->code, rn(&g->r, 1000000000))),
            DBV_INT(hired - 30 - rn(&g->r, 700)),
            DBV_NULL,
            DBV_INT(g->now)};
        row(g, T_CERT, c3);
    }
    health_check(g, "staff", sid, in->id, "pre_employment", hired - 1 - rn(&g->r, 20), in->examiner);
    if (issued > hired + 30) health_check(g, "staff", sid, in->id, "yearly", issued, in->examiner);
    return sid;
}

/* One child of class class_id aged lo_m..hi_m months, with a guardian and health checks. */
static void gen_child(struct gen *g, const struct inst *in, int64_t class_id, int lo_m, int hi_m)
{
    int64_t cid = NEXT_ID(T_CHILD);
    bool male = rn(&g->r, 100) < 52;
    int months = lo_m + (int)rn(&g->r, (unsigned)(hi_m - lo_m));
    int64_t birth = g->today - (int64_t)(months * 30.44) - rn(&g->r, 30);
    char idnum[19];
    id_number(g, in->d->code, birth, male, idnum);
    int64_t start = clamp_day(g->today - 1 - rn(&g->r, 365), birth + 180, g->today - 1);
    start = start < in->filed_on ? in->filed_on : start;
    int64_t end = rn(&g->r, 100) < 3 && start < g->today - 2
                      ? start + 1 + rn(&g->r, (unsigned)(g->today - start - 1))
                      : 0;
    struct db_val v[13] = {DBV_INT(cid), DBV_INT(in->id), DBV_TEXT(person_name(g, A(T_CHILD), male))};
    seal_id(g, T_CHILD, idnum, &v[3], &v[4], &v[5]);
    v[6] = DBV_INT(birth);
    v[7] = DBV_TEXT(male ? "male" : "female");
    v[8] = DBV_INT(class_id);
    v[9] = DBV_INT(start);
    v[10] = end ? DBV_INT(end) : DBV_NULL;
    v[11] = DBV_INT(at_day(start, 9));
    v[12] = DBV_INT(at_day(start, 9));
    row(g, T_CHILD, v);
    bool mother = rn(&g->r, 100) < 70;
    struct db_val gv[6] = {DBV_INT(NEXT_ID(T_GUARD)), DBV_INT(cid),
                           DBV_TEXT(person_name(g, A(T_GUARD), !mother)), DBV_TEXT(mother ? "母亲" : "父亲")};
    seal_phone(g, T_GUARD, &gv[4], &gv[5]);
    row(g, T_GUARD, gv);
    health_check(g, "child", cid, in->id, "admission", start - 1 - rn(&g->r, 20), in->examiner);
    for (int k = 1; k <= 3; k++) {
        int64_t d = start + 90 * k + rn(&g->r, 20);
        if (d >= g->today || (end && d > end)) break;
        health_check(g, "child", cid, in->id, "yearly", d, in->examiner);
    }
}

/* Classes by places, staff by the rules, and (filed institutions) children filling 60–95 % of each class. */
static void gen_people(struct gen *g, const struct inst *in)
{
    static const struct {
        const char *type, *name;
        int cap, lo, hi;
    } kinds[] = {{"infant", "乳儿班", 10, 6, 12},
                 {"toddler", "托小班", 15, 12, 24},
                 {"older", "托大班", 20, 24, 36},
                 {"mixed", "混龄班", 18, 18, 36}};
    int64_t class_ids[64];
    int kind_of[64], fill[64], nclasses = 0, children = 0;
    for (int rem = in->places; rem > 0 && nclasses < 64; nclasses++) {
        static const int cycle[] = {1, 2, 0, 2};
        int k = in->home ? 3 : cycle[nclasses % 4];
        int cap = rem < kinds[k].cap ? rem : kinds[k].cap;
        rem -= cap;
        class_ids[nclasses] = NEXT_ID(T_CLASS);
        kind_of[nclasses] = k;
        struct db_val v[] = {DBV_INT(class_ids[nclasses]),
                             DBV_INT(in->id),
                             DBV_TEXT(arena_printf(A(T_CLASS), "%s%d", kinds[k].name, nclasses / 3 + 1)),
                             DBV_TEXT(kinds[k].type),
                             DBV_INT(cap),
                             DBV_INT(at_day(in->registered_on, 9)),
                             DBV_INT(at_day(in->registered_on, 9))};
        row(g, T_CLASS, v);
        fill[nclasses] = strcmp(in->state, "filed") == 0 ? cap * (60 + (int)rn(&g->r, 36)) / 100 : 0;
        children += fill[nclasses];
    }
    /* The minimum staff, then caregivers per class by the ratio of its type (a few classes one short, as
     * inspections find), and now and then someone who has left. */
    static const int ratio[] = {3, 5, 7, 5};
    gen_staff(g, in, "director", 0, false);
    if (!in->home) {
        gen_staff(g, in, "health", 0, false);
        gen_staff(g, in, "security", 0, false);
        if (in->places >= 30 && strcmp(in->state, "filed") == 0) gen_staff(g, in, "cook", 0, false);
    }
    for (int c = 0; c < nclasses; c++) {
        int need = (fill[c] + ratio[kind_of[c]] - 1) / ratio[kind_of[c]];
        if (need < 1) need = 1;
        if (need > 1 && rn(&g->r, 100) < 3) need--;
        for (int k = 0; k < need; k++)
            gen_staff(g, in, "caregiver", class_ids[c], false);
    }
    if (rn(&g->r, 100) < 15) gen_staff(g, in, "caregiver", 0, true);
    for (int c = 0; c < nclasses; c++)
        for (int i = 0; i < fill[c]; i++)
            gen_child(g, in, class_ids[c], kinds[kind_of[c]].lo, kinds[kind_of[c]].hi);
}

/* A name of w drawn by its weights. */
static const char *weighted(struct gen *g, const struct gen_weighted *w)
{
    unsigned total = 0;
    for (int i = 0; w[i].name; i++)
        total += w[i].weight;
    unsigned x = rn(&g->r, total);
    for (int i = 0; w[i].name; i++) {
        if (x < w[i].weight) return w[i].name;
        x -= w[i].weight;
    }
    return w[0].name;
}

/* 3–6 inspections between filing and today (or closing), with findings, orders and their events. */
static void gen_inspections(struct gen *g, const struct inst *in)
{
    int n = 3 + (int)rn(&g->r, 4);
    int64_t span = in->end - in->filed_on;
    if (span < 10) return;
    static const struct gen_weighted kinds[] = {{"routine", 50}, {"random", 35}, {"campaign", 15}, {NULL, 0}};
    static const struct gen_weighted sev[] = {
        {"low", 40}, {"medium", 40}, {"high", 15}, {"critical", 5}, {NULL, 0}};
    static const char *const problems[] = {"现场检查未达标", "相关记录不完整", "制度未按要求落实",
                                           "设施设备不符合要求", NULL};
    for (int i = 0; i < n; i++) {
        unsigned x = rn(&g->r, 100), acc = 0;
        struct dept *dp = &g->depts[0];
        for (int k = 0; k < 6; k++) {
            acc += g->depts[k].weight;
            if (x < acc) {
                dp = &g->depts[k];
                break;
            }
        }
        bool planned = i == n - 1 && strcmp(in->state, "filed") == 0 && rn(&g->r, 100) < 30;
        int64_t day =
            planned ? g->today + 1 + rn(&g->r, 60) : in->filed_on + 5 + rn(&g->r, (unsigned)(span - 5));
        int nf = !planned && rn(&g->r, 100) < 30 ? 1 + (int)rn(&g->r, 3) : 0;
        if (nf > dp->nitems) nf = dp->nitems;
        int64_t iid = NEXT_ID(T_INSP);
        struct db_val v[] = {
            DBV_INT(iid),
            DBV_INT(in->id),
            DBV_TEXT(dp->code),
            DBV_TEXT(weighted(g, kinds)),
            DBV_TEXT(planned ? "planned" : "completed"),
            dp->template_id ? DBV_INT(dp->template_id) : DBV_NULL,
            DBV_INT(planned ? day : day - rn(&g->r, 10)),
            planned ? DBV_NULL : DBV_INT(day),
            planned
                ? DBV_NULL
                : DBV_TEXT(nf ? arena_printf(A(T_INSP), "检查%d项，发现问题%d项，已责令整改", dp->nitems, nf)
                              : arena_printf(A(T_INSP), "检查%d项，未发现问题", dp->nitems)),
            planned ? DBV_NULL : DBV_TEXT(nf ? "findings" : "pass"),
            DBV_INT(at_day(planned ? g->today - 5 : day, 9)),
            DBV_INT(at_day(planned ? g->today - 5 : day, 17))};
        row(g, T_INSP, v);
        unsigned first = dp->nitems ? rn(&g->r, (unsigned)dp->nitems) : 0;
        for (int f = 0; f < nf; f++) {
            struct tmpl_item *it = &dp->items[(first + (unsigned)f) % (unsigned)dp->nitems];
            const char *s = weighted(g, sev);
            int64_t fid = NEXT_ID(T_FIND);
            struct db_val fv[] = {
                DBV_INT(fid),
                DBV_INT(iid),
                DBV_INT(in->id),
                DBV_TEXT(it->code),
                DBV_TEXT(s),
                DBV_TEXT(it->clause),
                DBV_TEXT(arena_printf(A(T_FIND), "%s：%s", it->text, pick(&g->r, problems))),
                DBV_INT(day),
                DBV_INT(at_day(day, 16))};
            row(g, T_FIND, fv);
            int64_t deadline = day + (s[0] == 'h' || s[0] == 'c' ? 7 : 30);
            unsigned y = rn(&g->r, 100);
            const char *st = deadline < g->today - 10 ? (y < 85   ? "accepted"
                                                         : y < 95 ? "answered"
                                                                  : "open")
                                                      : (y < 60 ? "open" : "answered");
            int64_t answered = strcmp(st, "open") ? clamp_day(day + 2 + rn(&g->r, 20), day + 1, g->today) : 0;
            int64_t closed =
                strcmp(st, "accepted") == 0 ? clamp_day(answered + 1 + rn(&g->r, 10), answered, g->today) : 0;
            int64_t oid = NEXT_ID(T_ORDER);
            struct db_val ov[] = {
                DBV_INT(oid),
                DBV_INT(fid),
                DBV_INT(in->id),
                DBV_TEXT(st),
                DBV_INT(deadline),
                DBV_TEXT(
                    arena_printf(A(T_ORDER), "按“%s”的要求整改到位，并提交整改报告和佐证材料", it->text)),
                DBV_INT(at_day(day, 17)),
                answered ? DBV_INT(at_day(answered, 11)) : DBV_NULL,
                closed ? DBV_INT(closed) : DBV_NULL,
                DBV_INT(at_day(closed     ? closed
                               : answered ? answered
                                          : day,
                               17))};
            row(g, T_ORDER, ov);
            struct db_val e1[] = {DBV_INT(NEXT_ID(T_EVENT)), DBV_INT(oid), DBV_TEXT("order"), DBV_NULL,
                                  DBV_INT(at_day(day, 17))};
            row(g, T_EVENT, e1);
            if (answered) {
                struct db_val e2[] = {DBV_INT(NEXT_ID(T_EVENT)), DBV_INT(oid), DBV_TEXT("answer"),
                                      DBV_TEXT("已按要求完成整改，附整改前后照片和制度文件"),
                                      DBV_INT(at_day(answered, 11))};
                row(g, T_EVENT, e2);
            }
            if (closed) {
                struct db_val e3[] = {DBV_INT(NEXT_ID(T_EVENT)), DBV_INT(oid), DBV_TEXT("accept"),
                                      DBV_TEXT("经复查，整改到位"), DBV_INT(at_day(closed, 15))};
                row(g, T_EVENT, e3);
            }
        }
    }
}

/* One complaint about in, with sealed contact data and the state its age suggests. */
static void gen_complaint(struct gen *g, const struct inst *in)
{
    static const struct {
        const char *cat, *text;
    } texts[] = {
        {"safety", "孩子接回家后发现手臂有淤青，老师说不清原因，希望查一查园里的看护情况。"},
        {"safety", "机构门口经常无人值守，陌生人可以随便进出，担心孩子安全。"},
        {"hygiene", "午餐饭菜有异味，孩子回家后腹泻，希望检查食堂卫生。"},
        {"hygiene", "教室和卫生间清洁不到位，近期多名孩子感冒发烧。"},
        {"fees", "机构临时加收材料费和活动费，没有公示，退费也不按约定办理。"},
        {"fees", "预收了一年的费用，现在说要停业，不肯退还剩余费用。"},
        {"staff", "老师频繁更换，新来的保育员看起来没有经过培训。"},
        {"abuse", "孩子说老师会关小黑屋，回家后很害怕，请求核实。"},
        {"other", "机构宣传的户外活动基本没有，每天都在室内看电视。"},
    };
    unsigned k = rn(&g->r, sizeof texts / sizeof texts[0]);
    int64_t id = NEXT_ID(T_CPL);
    int64_t day = clamp_day(g->today - 1 - rn(&g->r, 700), in->filed_on ? in->filed_on : in->registered_on,
                            g->today - 1);
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    int64_t due = add_working_days(day, 15);
    unsigned s = rn(&g->r, 100);
    const char *status = g->today - day > 20 ? (s < 95 ? "answered" : "handling")
                         : s < 30            ? "received"
                         : s < 70            ? "handling"
                                             : "answered";
    bool accepted = strcmp(status, "received") != 0, answered = strcmp(status, "answered") == 0;
    int64_t answered_day = answered ? clamp_day(day + 3 + rn(&g->r, 15), day, g->today) : 0;
    char code[9];
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 8; i++)
        code[i] = alphabet[rn(&g->r, sizeof alphabet - 1)];
    code[8] = 0;
    char *lh = arena_alloc(A(T_CPL), PII_HASH_HEX);
    pii_hash(code, lh);
    char *scope = arena_printf(A(T_CPL), "inst:%lld|%s", (long long)in->id, texts[k].text);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)scope, strlen(scope));
    char *th = arena_alloc(A(T_CPL), 65);
    sodium_bin2hex(th, 65, hash, sizeof hash);
    size_t nl, pl;
    unsigned char *ne = pii_seal(A(T_CPL), person_name(g, A(T_CPL), rn(&g->r, 2)), &nl);
    char *ph = phone(g, A(T_CPL));
    unsigned char *pe = pii_seal(A(T_CPL), ph, &pl);
    struct db_val v[] = {DBV_INT(id),
                         DBV_TEXT(arena_printf(A(T_CPL), "TS-%04d-%06lld", y, (long long)id)),
                         DBV_TEXT(lh),
                         DBV_INT(in->id),
                         DBV_TEXT(in->d->code),
                         DBV_TEXT(texts[k].cat),
                         DBV_TEXT(texts[k].text),
                         DBV_TEXT(th),
                         DBV_BLOB(ne, nl),
                         DBV_BLOB(pe, pl),
                         DBV_TEXT(pii_mask_phone(A(T_CPL), ph)),
                         DBV_INT(rn(&g->r, 100) < 60),
                         DBV_TEXT(status),
                         DBV_INT(at_day(day, 8 + rn(&g->r, 12))),
                         DBV_INT(due),
                         accepted ? DBV_INT(at_day(day + 1, 9)) : DBV_NULL,
                         answered ? DBV_TEXT("经调查核实，已责令机构整改，并将持续跟踪整改情况。") : DBV_NULL,
                         answered ? DBV_INT(at_day(answered_day, 16)) : DBV_NULL,
                         DBV_INT(at_day(answered ? answered_day : day, 16))};
    row(g, T_CPL, v);
}

/* A division drawn by weight (binary search over the cumulative weights). */
static const struct gdist *pick_district(struct gen *g)
{
    uint64_t x = (rng_next(&g->r) >> 11) % g->cum_total;
    int lo = 0, hi = g->nd - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (g->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return &g->d[lo];
}

/* GB 11714 organisation code: 8 characters and a check character. */
static void org_code(uint64_t n, char out[10])
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 10, "%08llu", (unsigned long long)n);
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += (out[i] - '0') * w[i];
    int c = 11 - sum % 11;
    out[8] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    out[9] = 0;
}

/* The idx-th institution (0-based) and everything it owns. */
static void gen_institution(struct gen *g, int64_t idx)
{
    struct inst in = {.id = NEXT_ID(T_INST), .d = pick_district(g)};
    unsigned lf = rn(&g->r, 100);
    enum legal_form form = lf < 70 ? LEGAL_ENTERPRISE : lf < 95 ? LEGAL_SOCIAL_ORG : LEGAL_PUBLIC_INSTITUTION;
    in.home = form == LEGAL_ENTERPRISE && rn(&g->r, 100) < 10;
    char org[10], uscc[19];
    org_code((g->org_offset + (uint64_t)idx * 48271u) % 100000000u, org);
    snprintf(uscc, sizeof uscc, "%s%s%s",
             form == LEGAL_ENTERPRISE   ? "91"
             : form == LEGAL_SOCIAL_ORG ? "52"
                                        : "12",
             in.d->code, org);
    uscc[17] = uscc_check_char(uscc);
    uscc[18] = 0;
    static const char *const ent[] = {"托育服务有限公司", "托育中心有限公司", "婴幼儿照护服务有限公司", NULL};
    static const char *const soc[] = {"托育中心", "托育园", "婴幼儿照护中心", NULL};
    static const char *const pub[] = {"机关托育园", "妇幼保健院托育中心", "公办托育中心", NULL};
    const char *brand = pick(&g->r, gen_brands);
    const char *suffix = in.home                    ? "家庭托育点"
                         : form == LEGAL_ENTERPRISE ? pick(&g->r, ent)
                         : form == LEGAL_SOCIAL_ORG ? pick(&g->r, soc)
                                                    : pick(&g->r, pub);
    char *name = arena_printf(A(T_INST), "%s%s%s", in.d->name, brand, suffix);
    char *address = arena_printf(A(T_INST), "%s%s%s%u号", in.d->prefix, in.d->name, pick(&g->r, gen_streets),
                                 1 + rn(&g->r, 300));
    unsigned st = rn(&g->r, 100);
    in.state = st < 80 ? "filed" : st < 95 ? "registered" : "closed";
    in.registered_on = g->today - 60 - rn(&g->r, 6 * 365);
    in.filed_on = strcmp(in.state, "registered")
                      ? clamp_day(in.registered_on + 15 + rn(&g->r, 90), 0, g->today - 30)
                      : 0;
    in.closed_on = strcmp(in.state, "closed") == 0
                       ? in.filed_on + 20 + rn(&g->r, (unsigned)(g->today - in.filed_on - 20))
                       : 0;
    in.end = in.closed_on ? in.closed_on : g->today;
    in.places = in.home ? 4 + (int)rn(&g->r, 2) : 20 + (int)rn(&g->r, 76);
    in.examiner = arena_printf(&g->ga, "%s妇幼保健院", in.d->name);
    const char *authority = arena_printf(A(T_INST), "%s%s", in.d->name,
                                         form == LEGAL_ENTERPRISE   ? "市场监督管理局"
                                         : form == LEGAL_SOCIAL_ORG ? "民政局"
                                                                    : "事业单位登记管理局");
    char *number = NULL;
    if (in.filed_on) {
        int y, m, d;
        days_to_date(in.filed_on, &y, &m, &d);
        int di = (int)(in.d - g->d), yi = y - 2018 < 0 ? 0 : y - 2018 > 11 ? 11 : y - 2018;
        number = arena_printf(A(T_INST), "TY-%s-%04d-%04d", in.d->code, y, ++g->fseq[di][yi]);
    }
    bool pending = !in.filed_on && rn(&g->r, 3) == 0;
    int64_t filing_id = in.filed_on || pending ? NEXT_ID(T_FILING) : 0;
    unsigned svc =
        1u | (rn(&g->r, 10) < 4 ? 2u : 0) | (rn(&g->r, 10) < 2 ? 4u : 0) | (rn(&g->r, 10) < 1 ? 8u : 0);
    int min_age = in.home ? 18 : rn(&g->r, 2) ? 6 : 12;
    struct db_val v[] = {DBV_INT(in.id),
                         DBV_TEXT(arena_strdup(A(T_INST), uscc)),
                         DBV_TEXT(name),
                         DBV_TEXT(legal_form_names[form]),
                         DBV_TEXT(in.d->code),
                         DBV_TEXT(address),
                         DBV_TEXT("托育服务（3周岁以下婴幼儿照护服务）"),
                         DBV_INT(in.registered_on),
                         DBV_TEXT(authority),
                         DBV_TEXT(in.state),
                         DBV_INT(at_day(in.registered_on, 10)),
                         DBV_INT(at_day(in.closed_on  ? in.closed_on
                                        : in.filed_on ? in.filed_on
                                                      : in.registered_on,
                                        15)),
                         DBV_TEXT(number),
                         in.filed_on ? DBV_INT(in.filed_on) : DBV_NULL,
                         filing_id ? DBV_INT(filing_id) : DBV_NULL,
                         DBV_INT(svc),
                         DBV_INT(rn(&g->r, 10) < 4),
                         DBV_INT(in.places),
                         DBV_INT(min_age),
                         DBV_INT(36),
                         DBV_INT((120000 + (int64_t)rn(&g->r, 240000)) / 1000 * 1000),
                         DBV_REAL(in.d->lat + ((int)rn(&g->r, 2001) - 1000) / 20000.0),
                         DBV_REAL(in.d->lon + ((int)rn(&g->r, 2001) - 1000) / 20000.0),
                         DBV_TEXT(in.home ? "home_based" : "institution"),
                         in.closed_on ? DBV_INT(in.closed_on) : DBV_NULL};
    row(g, T_INST, v);
    char rd[11];
    struct db_val rv[] = {
        DBV_INT(NEXT_ID(T_REG)),
        v[1],
        DBV_INT(in.id),
        DBV_TEXT(authority),
        DBV_TEXT(arena_printf(
            A(T_REG),
            "{\"uscc\":\"%s\",\"name\":\"%s\",\"legal_form\":\"%s\",\"district_code\":\"%s\","
            "\"address\":\"%s\",\"registered_on\":\"%s\"}",
            uscc, name, legal_form_names[form], in.d->code, address, date_format(in.registered_on, rd))),
        DBV_INT(at_day(in.registered_on, 11)),
        DBV_INT(at_day(in.registered_on, 11))};
    /* Copies: a row's strings must live in its own table's arena, which is reset when that table flushes. */
    rv[3] = DBV_TEXT(arena_strdup(A(T_REG), authority));
    rv[1] = DBV_TEXT(arena_strdup(A(T_REG), uscc));
    row(g, T_REG, rv);
    if (filing_id) {
        int64_t sub = in.filed_on ? in.filed_on - 3 - rn(&g->r, 4) : g->today - rn(&g->r, 6);
        struct db_val fv[] = {
            DBV_INT(filing_id),
            DBV_INT(in.id),
            DBV_INT(1),
            DBV_TEXT(in.filed_on ? "approved" : "submitted"),
            DBV_TEXT(arena_printf(
                A(T_FILING),
                "{\"address\":\"%s\",\"max_age_months\":36,\"min_age_months\":%d,\"name\":\"%s\","
                "\"places\":%d,\"service_types\":[\"full_day\"]}",
                address, min_age, name, in.places)),
            DBV_TEXT("[]"),
            DBV_INT(0),
            DBV_INT(at_day(sub, 10)),
            DBV_INT(add_working_days(sub, 5)),
            in.filed_on ? DBV_INT(at_day(in.filed_on, 15)) : DBV_NULL,
            DBV_TEXT(number ? arena_strdup(A(T_FILING), number) : NULL)};
        row(g, T_FILING, fv);
    }
    if (strcmp(in.state, "closed") != 0) gen_people(g, &in);
    if (in.filed_on) gen_inspections(g, &in);
    unsigned c = rn(&g->r, 100);
    int nc = c < 38 ? 1 : c < 45 ? 2 : 0;
    for (int i = 0; i < nc; i++)
        gen_complaint(g, &in);
}

/* ---- geography ---- */

static const char *hubei_city(const char *parent)
{
    static const char *const t[][2] = {{"420100", "武汉市"},
                                       {"420200", "黄石市"},
                                       {"420300", "十堰市"},
                                       {"420500", "宜昌市"},
                                       {"420600", "襄阳市"},
                                       {"420700", "鄂州市"},
                                       {"420800", "荆门市"},
                                       {"420900", "孝感市"},
                                       {"421000", "荆州市"},
                                       {"421100", "黄冈市"},
                                       {"421200", "咸宁市"},
                                       {"421300", "随州市"},
                                       {"422800", "恩施土家族苗族自治州"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i][0], parent) == 0) return t[i][1];
    return "";
}

/* Append a division to g->d. */
static void add_dist(struct gen *g, const char *code, const char *name, const char *prefix, double lat,
                     double lon, unsigned weight)
{
    struct gdist *d = &g->d[g->nd++];
    snprintf(d->code, sizeof d->code, "%s", code);
    d->name = name;
    d->prefix = prefix;
    d->lat = lat;
    d->lon = lon;
    d->weight = weight;
}

/* Build the divisions of the scale and insert the missing ones into districts. */
static enum err build_geography(struct gen *g, const char *scale)
{
    struct arena *a = &g->ga;
    g->d = arena_zalloc(a, sizeof *g->d * 4000);
    static const char *const shiyan_names[] = {"茅箭区",
                                               "张湾区",
                                               "郧阳区",
                                               "郧西县",
                                               "竹山县",
                                               "竹溪县",
                                               "房县",
                                               "丹江口市",
                                               "十堰经济技术开发区",
                                               "武当山旅游经济特区"};
    bool province = strcmp(scale, "province") == 0, national = strcmp(scale, "national") == 0;
    for (int i = 0; gen_shiyan[i]; i++)
        add_dist(g, gen_shiyan[i], shiyan_names[i], "湖北省十堰市", 32.6, 110.8,
                 province   ? 10
                 : national ? 55
                            : 1);
    if (!province && !national) return OK;
    for (int i = 0; gen_hubei[i].code; i++)
        add_dist(g, gen_hubei[i].code, gen_hubei[i].name,
                 arena_printf(a, "湖北省%s", hubei_city(gen_hubei[i].parent)),
                 strncmp(gen_hubei[i].code, "4201", 4) == 0 ? 30.59 : 31.0,
                 strncmp(gen_hubei[i].code, "4201", 4) == 0 ? 114.31 : 112.5,
                 (strncmp(gen_hubei[i].code, "4201", 4) == 0 ? 40 : 10) * (national ? 55 : 1) /
                     (national ? 10 : 1));
    if (national) {
        struct rng geo;
        rng_seed(&geo, 2260);
        for (int p = 0; gen_provinces[p].code; p++) {
            const struct gen_province *pv = &gen_provinces[p];
            if (strcmp(pv->code, "42") == 0) continue;
            bool muni = !strcmp(pv->code, "11") || !strcmp(pv->code, "12") || !strcmp(pv->code, "31") ||
                        !strcmp(pv->code, "50");
            int ncities = muni ? 1 : (int)(pv->people / 60);
            ncities = ncities < 2 && !muni ? 2 : ncities > 16 ? 16 : ncities;
            int first = g->nd;
            for (int c = 1; c <= ncities; c++) {
                const char *cname =
                    muni ? ""
                         : arena_printf(a, "%s%s市", pick(&geo, gen_name_stems), pick(&geo, gen_name_stems));
                int nd = muni ? 12 + (int)rn(&geo, 5) : 4 + (int)rn(&geo, 8);
                for (int k = 0; k < nd; k++) {
                    bool county = !muni && k >= nd / 2;
                    char code[7];
                    snprintf(code, sizeof code, "%s%02d%02d", pv->code, c, county ? 21 + k : 2 + k);
                    const char *nm = arena_printf(a, "%s%s%s", pick(&geo, gen_name_stems),
                                                  pick(&geo, gen_name_stems), county ? "县" : "区");
                    add_dist(g, code, nm, arena_printf(a, "%s%s", pv->name, cname),
                             pv->lat + ((int)rn(&geo, 200) - 100) / 50.0,
                             pv->lon + ((int)rn(&geo, 200) - 100) / 50.0, 0);
                }
            }
            for (int i = first; i < g->nd; i++)
                g->d[i].weight = pv->people * 100 / (unsigned)(g->nd - first);
        }
    }
    /* Insert the divisions the schema does not seed (十堰's ten are there already). */
    enum err e = OK;
    for (int i = 10; i < g->nd && e == OK; i++) {
        const struct gdist *d = &g->d[i];
        const char *kind = strstr(d->name, "县")                         ? "county"
                           : strstr(d->name + strlen(d->name) - 3, "市") ? "city"
                                                                         : "district";
        char parent[7];
        snprintf(parent, sizeof parent, "%.4s00", d->code);
        if (strncmp(d->code, "4290", 4) == 0) snprintf(parent, sizeof parent, "429000");
        struct db_val v[] = {DBV_TEXT(d->code), DBV_TEXT(d->name), DBV_TEXT(kind), DBV_TEXT(parent),
                             DBV_INT(100 + i)};
        e = db_exec(g->db,
                    "INSERT INTO districts (code, name, kind, parent_code, sort) VALUES ($1, $2, $3, $4, $5) "
                    "ON CONFLICT (code) DO NOTHING",
                    v, DB_NPARAMS(v));
    }
    return e;
}

/* The active checklist template of each inspecting department, with its items, and the departments' weights.
 */
static enum err load_templates(struct gen *g)
{
    static const struct gen_weighted w[] = {{"health", 35}, {"fire", 25},     {"police", 15},
                                            {"market", 15}, {"emergency", 5}, {"housing", 5}};
    for (int k = 0; k < 6; k++) {
        struct dept *dp = &g->depts[k];
        dp->code = w[k].name;
        dp->weight = w[k].weight;
        struct db_val v[] = {DBV_TEXT(dp->code)};
        struct db_rows *r = NULL;
        enum err e =
            db_query(g->db,
                     "SELECT id, items FROM checklist_templates WHERE department_code = $1 AND active = 1 "
                     "ORDER BY version DESC",
                     v, 1, &r);
        if (e != OK) return e;
        if (db_next(r) == 1) {
            dp->template_id = db_int(r, 0);
            json_t *items = json_loads(db_text(r, 1), 0, NULL);
            size_t i;
            json_t *it;
            json_array_foreach (items, i, it) {
                if (dp->nitems == 16) break;
                const char *c = json_string_value(json_object_get(it, "code")),
                           *t = json_string_value(json_object_get(it, "text")),
                           *cl = json_string_value(json_object_get(it, "clause"));
                if (!c || !t || !cl) continue;
                dp->items[dp->nitems++] = (struct tmpl_item){arena_strdup(&g->ga, c), arena_strdup(&g->ga, t),
                                                             arena_strdup(&g->ga, cl)};
            }
            json_decref(items);
        }
        db_done(r);
        if (!dp->nitems)
            dp->items[dp->nitems++] =
                (struct tmpl_item){"G01", "安全管理制度落实", "托育机构管理规范（试行）"};
    }
    return OK;
}

/* ---- the command ---- */

static double secs(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One line on stderr; exit status 2. */
static int gen_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "tuoyu: %s%s%s (usage: tuoyu gen --db DB --scale city|province|national --seed N)\n", msg,
            arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* A statement without parameters. */
static enum err exec0(struct db *db, const char *sql)
{
    return db_exec(db, sql, NULL, 0);
}

int cli_gen(int argc, char **argv)
{
    const char *url = NULL, *scale = NULL, *seed_s = NULL, *count_s = NULL;
    for (int i = 0; i < argc; i++) {
        const char **dst = !strcmp(argv[i], "--db")             ? &url
                           : !strcmp(argv[i], "--scale")        ? &scale
                           : !strcmp(argv[i], "--seed")         ? &seed_s
                           : !strcmp(argv[i], "--institutions") ? &count_s
                                                                : NULL;
        if (!dst) return gen_usage("unknown option", argv[i]);
        if (i + 1 >= argc || !argv[i + 1][0]) return gen_usage("missing value for option", argv[i]);
        *dst = argv[++i];
    }
    if (!url || !scale || !seed_s) return gen_usage("gen needs --db, --scale and --seed", NULL);
    int64_t count = !strcmp(scale, "city")       ? 1000
                    : !strcmp(scale, "province") ? 10000
                    : !strcmp(scale, "national") ? 126000
                                                 : -1;
    if (count < 0) return gen_usage("unknown scale", scale);
    char *end;
    unsigned long long seed = strtoull(seed_s, &end, 10);
    if (*end || seed_s[0] == '-') return gen_usage("bad --seed", seed_s);
    if (count_s) {
        count = strtoll(count_s, &end, 10);
        if (*end || count < 1 || count > 1000000) return gen_usage("bad --institutions", count_s);
    }

    struct db *db;
    if (db_open(url, &db) != OK || db_migrate(db) != OK) {
        fprintf(stderr, "tuoyu: cannot open or migrate the database\n");
        return 1;
    }
    if (pii_init(url, true) != OK) {
        fprintf(stderr, "tuoyu: cannot read or create the key file (set TUOYU_KEY_FILE for PostgreSQL)\n");
        db_close(db);
        return 1;
    }
    int64_t existing = 0;
    db_int_query(db, "SELECT COUNT(*) FROM institutions", NULL, 0, &existing);
    if (existing) {
        fprintf(stderr, "tuoyu: gen needs a database without institutions (this one has %lld)\n",
                (long long)existing);
        db_close(db);
        return 1;
    }

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct gen *g = calloc(1, sizeof *g);
    if (!g) abort();
    g->db = db;
    g->now = clock_now();
    g->today = clock_day_of(g->now);
    arena_init(&g->ga, 0);
    rng_seed(&g->r, seed);
    g->org_offset = rng_next(&g->r) % 100000000u;
    enum err e = db_bulk_mode(db, true);
    if (e == OK) e = exec0(db, "BEGIN");
    if (e == OK) e = build_geography(g, scale);
    if (e == OK) e = load_templates(g);
    g->cum = arena_alloc(&g->ga, sizeof *g->cum * (size_t)(g->nd ? g->nd : 1));
    for (int i = 0; i < g->nd; i++)
        g->cum[i] = (g->cum_total += g->d[i].weight ? g->d[i].weight : 1);
    g->fseq = arena_zalloc(&g->ga, sizeof *g->fseq * (size_t)g->nd);
    for (int t = 0; t < T__N && e == OK; t++) {
        struct bulk *b = &g->b[t];
        b->per = GEN_PARAMS / tdefs[t].ncols;
        if (b->per > 500) b->per = 500;
        b->sql = build_sql(t, b->per);
        b->vals = calloc((size_t)b->per * (size_t)tdefs[t].ncols, sizeof *b->vals);
        arena_init(&b->a, 0);
        b->next_id = 1;
        if (tdefs[t].has_id) {
            char *q = arena_printf(&g->ga, "SELECT COALESCE(MAX(id), 0) + 1 FROM %s", tdefs[t].table);
            e = db_int_query(db, q, NULL, 0, &b->next_id);
        }
    }
    if (e != OK) {
        fprintf(stderr, "tuoyu gen: cannot prepare (%s)\n", err_name(e));
        db_close(db);
        return 1;
    }
    fprintf(stderr, "tuoyu gen: %s scale, seed %llu: %lld institutions in %d divisions\n", scale, seed,
            (long long)count, g->nd);
    for (int64_t i = 0; i < count && g->err == OK; i++) {
        gen_institution(g, i);
        if ((i + 1) % 2000 == 0 || i + 1 == count) {
            /* Buffered rows go into the next transaction: flushing part-full buffers would prepare new
             * statements of odd sizes each time. The last chunk flushes everything. */
            if (i + 1 == count) flush_upto(g, T__N - 1);
            if (g->err == OK) g->err = exec0(db, "COMMIT");
            if (g->err == OK && i + 1 < count) g->err = exec0(db, "BEGIN");
            double s = secs(&t0);
            fprintf(stderr, "tuoyu gen: %lld/%lld institutions, %lld children, %lld checks, %.1f s\n",
                    (long long)(i + 1), (long long)count, (long long)g->b[T_CHILD].rows,
                    (long long)g->b[T_CHECK].rows, s);
        }
    }
    e = g->err;
    if (e == OK) e = exec0(db, "BEGIN");
    /* Filing numbers: the next approval in a district and year continues after the generated ones. */
    for (int i = 0; i < g->nd && e == OK; i++)
        for (int y = 0; y < 12 && e == OK; y++) {
            if (!g->fseq[i][y]) continue;
            struct db_val v[] = {DBV_TEXT(g->d[i].code), DBV_INT(2018 + y), DBV_INT(g->fseq[i][y])};
            e = db_exec(
                db,
                "INSERT INTO filing_number_seq (district_code, year, last) VALUES ($1, $2, $3) "
                "ON CONFLICT (district_code, year) DO UPDATE SET last = CASE WHEN filing_number_seq.last < "
                "excluded.last THEN excluded.last ELSE filing_number_seq.last END",
                v, DB_NPARAMS(v));
        }
    for (int t = 0; t < T__N && e == OK; t++)
        if (tdefs[t].has_id) e = db_sync_ids(db, tdefs[t].table, "id");
    json_t *counts = json_object();
    for (int t = 0; t < T__N; t++)
        json_object_set_new(counts, tdefs[t].table, json_integer(g->b[t].rows));
    json_t *after = json_pack("{s:s, s:I, s:i, s:O}", "scale", scale, "seed", (json_int_t)seed, "districts",
                              g->nd, "rows", counts);
    char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    if (e == OK) e = audit_append(db, NULL, "gen", "database", 0, NULL, txt);
    if (e == OK) e = exec0(db, "COMMIT");
    double load_s = secs(&t0);
    if (e == OK) e = exec0(db, "ANALYZE");
    db_bulk_mode(db, false);
    if (e == OK) {
        printf("generated %s scale (seed %llu) in %.1f s (%.1f s with ANALYZE):\n", scale, seed, load_s,
               secs(&t0));
        for (int t = 0; t < T__N; t++)
            printf("  %-22s %lld\n", tdefs[t].table, (long long)g->b[t].rows);
    } else {
        fprintf(stderr, "tuoyu gen: failed (%s); the last chunk was rolled back\n", err_name(e));
    }
    free(txt);
    json_decref(after);
    json_decref(counts);
    for (int t = 0; t < T__N; t++) {
        free(g->b[t].sql);
        free(g->b[t].vals);
        arena_free(&g->b[t].a);
    }
    arena_free(&g->ga);
    free(g);
    db_close(db);
    return e == OK ? 0 : 1;
}
