/* Live compliance rules: every rule at, below and above its threshold, day-exact expiry and reminder edges,
 * month-exact age edges, home-based points, the thresholds they cite, and who may see an institution's
 * people. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/clock.h"
#include "modules/compliance/compliance.h"
#include "modules/filing/filing.h"
#include "modules/people/people.h"
#include "modules/rules/rules.h"

#include <stdio.h>
#include <string.h>

#define MAXF      512
#define MAXKIDS   200
#define CLASS_ID  7
#define NSTAFF    5
#define NEVER     INT64_MAX
#define DIRECTOR  0 /* indexes into fixture.staff */
#define CARER_A   1
#define CARER_B   2
#define HEALTH    3
#define SECURITY  4
#define STAFF_ID0 11 /* staff[i].id = STAFF_ID0 + i */
#define CHILD_ID0 101

/* An institution where everything is in order on 2025-06-15: one toddler class of 2 children with a
 * caregiver, a qualified director, two caregivers, a full-time health worker and a guard, every certificate
 * valid for long, every check recent. Tests start from it and change one thing. */
struct fixture {
    struct cmp_input in;
    struct cmp_class classes[1];
    struct cmp_staff staff[NSTAFF];
    struct cmp_child children[MAXKIDS];
    struct arena a;
    struct cmp_finding f[MAXF];
    int n;
};

static int64_t today(void)
{
    return date_to_days(2025, 6, 15);
}

/* The day months calendar months before day (whose day of month must exist in the target month). */
static int64_t months_before(int64_t day, int months)
{
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    int total = y * 12 + (m - 1) - months;
    return date_to_days(total / 12, total % 12 + 1, d);
}

static int64_t whole(const char *key)
{
    return (int64_t)threshold_get(key);
}

static void staff_clean(struct cmp_staff *s, int i, int role)
{
    int64_t t = today();
    *s = (struct cmp_staff){
        .id = STAFF_ID0 + i,
        .role = role,
        .full_time = true,
        .education = EDU_SECONDARY,
        .experience_years = 1,
        .hired_on = t - 400,
        .pre_employment_check = t - 410,
        .last_health_check = t - 100,
        .last_ban_check = t - 100,
    };
    s->cert_expires[CERT_HEALTH_CERTIFICATE] = t + 1000;
    s->cert_expires[CERT_CRIMINAL_RECORD_CHECK] = NEVER;
    if (role == STAFF_CAREGIVER) s->cert_expires[CERT_CAREGIVER_QUALIFICATION] = NEVER;
    if (role == STAFF_SECURITY) s->cert_expires[CERT_SECURITY_LICENSE] = t + 1000;
    if (role == STAFF_DIRECTOR) {
        s->cert_expires[CERT_DIRECTOR_TRAINING] = NEVER;
        s->education = EDU_BACHELOR;
        s->experience_years = 5;
    }
}

static void child_clean(struct cmp_child *c, int i)
{
    int64_t t = today();
    *c = (struct cmp_child){
        .id = CHILD_ID0 + i,
        .birth_on = months_before(t, 18),
        .start_on = t - 490,
        .class_id = CLASS_ID,
        .class_type = CLASS_TODDLER,
        .admission_check = t - 500,
        .last_check = t - 100,
    };
}

static void fixture_clean(struct fixture *x)
{
    static const int roles[NSTAFF] = {STAFF_DIRECTOR, STAFF_CAREGIVER, STAFF_CAREGIVER, STAFF_HEALTH,
                                      STAFF_SECURITY};
    for (int i = 0; i < NSTAFF; i++)
        staff_clean(&x->staff[i], i, roles[i]);
    for (int i = 0; i < MAXKIDS; i++)
        child_clean(&x->children[i], i);
    x->classes[0] = (struct cmp_class){
        .id = CLASS_ID, .type = CLASS_TODDLER, .capacity = 15, .enrolled = 2, .caregivers = 1};
    x->in = (struct cmp_input){
        .provider_kind = PROVIDER_INSTITUTION,
        .today = today(),
        .classes = x->classes,
        .nclasses = 1,
        .staff = x->staff,
        .nstaff = NSTAFF,
        .children = x->children,
        .nchildren = 2,
    };
}

static int setup(void **state)
{
    static struct fixture x;
    arena_init(&x.a, 0);
    fixture_clean(&x);
    *state = &x;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *x = *state;
    arena_free(&x->a);
    return 0;
}

static int run(struct fixture *x)
{
    arena_reset(&x->a);
    x->n = compliance_evaluate(&x->in, &x->a, x->f, MAXF);
    assert_true(x->n <= MAXF);
    return x->n;
}

/* The first finding of rule (about subject, when not NULL), or NULL. */
/* A finding's subject is want itself, or want followed by ":detail" (certificate findings carry the kind). */
static bool subject_is(const char *subject, const char *want)
{
    size_t n = strlen(want);
    return strncmp(subject, want, n) == 0 && (subject[n] == 0 || subject[n] == ':');
}

static const struct cmp_finding *find(const struct fixture *x, const char *rule, const char *subject)
{
    for (int i = 0; i < x->n; i++)
        if (strcmp(x->f[i].rule, rule) == 0 && (!subject || subject_is(x->f[i].subject, subject)))
            return &x->f[i];
    return NULL;
}

static int count(const struct fixture *x, const char *rule, const char *subject)
{
    int c = 0;
    for (int i = 0; i < x->n; i++)
        if (strcmp(x->f[i].rule, rule) == 0 && (!subject || subject_is(x->f[i].subject, subject))) c++;
    return c;
}

static void dump(const struct fixture *x)
{
    for (int i = 0; i < x->n; i++)
        print_message("  %s %s %s: %s\n", x->f[i].rule, cmp_severity_names[x->f[i].severity], x->f[i].subject,
                      x->f[i].message);
}

static void test_compliance_clean_institution_has_no_findings(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    if (run(x) != 0) {
        dump(x);
        fail_msg("%d unexpected findings", x->n);
    }
}

static void test_compliance_clean_home_based_point_has_no_findings_without_a_guard(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->in.provider_kind = PROVIDER_HOME_BASED;
    x->in.nstaff = NSTAFF - 1; /* no security guard */
    x->in.nchildren = 5;
    if (run(x) != 0) {
        dump(x);
        fail_msg("%d unexpected findings", x->n);
    }
}

/* ---- The at/below/above table. Each setter moves one figure to its threshold plus off. ---- */

static const char *const class_max_keys[CLASS__COUNT] = {"class_max_infant", "class_max_toddler",
                                                         "class_max_older", "class_max_mixed"};
static const char *const ratio_keys[CLASS__COUNT] = {"ratio_infant", "ratio_toddler", "ratio_older",
                                                     "ratio_mixed"};

static void set_class_enrolled(struct fixture *x, int type, int64_t off)
{
    int64_t cap = whole(class_max_keys[type]);
    x->classes[0] = (struct cmp_class){
        .id = CLASS_ID, .type = type, .capacity = cap, .enrolled = cap + off, .caregivers = 10};
}
static void set_class_capacity(struct fixture *x, int type, int64_t off)
{
    x->classes[0] = (struct cmp_class){.id = CLASS_ID,
                                       .type = type,
                                       .capacity = whole(class_max_keys[type]) + off,
                                       .enrolled = 2,
                                       .caregivers = 1};
}
/* Two caregivers and 2 × ratio + off children: within every class type's size cap. */
static void set_class_ratio(struct fixture *x, int type, int64_t off)
{
    x->classes[0] = (struct cmp_class){.id = CLASS_ID,
                                       .type = type,
                                       .capacity = whole(class_max_keys[type]),
                                       .enrolled = 2 * whole(ratio_keys[type]) + off,
                                       .caregivers = 2};
}
/* Home-based, two carers (enough for 6 children). */
static void set_home_children(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->in.provider_kind = PROVIDER_HOME_BASED;
    x->in.nchildren = (int)(whole("home_max_children") + off);
}
/* Home-based, one carer (the other caregiver becomes a cook). */
static void set_home_ratio(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->in.provider_kind = PROVIDER_HOME_BASED;
    x->staff[CARER_B].role = STAFF_COOK;
    x->in.nchildren = (int)(whole("home_ratio") + off);
}
/* The health worker is part-time. */
static void set_children_for_fulltime(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->staff[HEALTH].full_time = false;
    x->in.nchildren = (int)(whole("health_worker_fulltime_children") + off);
}
static void set_director_education(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->staff[DIRECTOR].education = (int)(whole("director_min_education") + off);
}
static void set_director_experience(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->staff[DIRECTOR].experience_years = whole("director_min_experience_years") + off;
}
/* A caregiver's health certificate expires today (arg 0) or at the end of the reminder window (arg 1), + off.
 */
static void set_cert_expiry(struct fixture *x, int arg, int64_t off)
{
    x->staff[CARER_A].cert_expires[CERT_HEALTH_CERTIFICATE] =
        today() + (arg ? whole("cert_reminder_days") : 0) + off;
}
/* The next check falls due today (arg 0) or at the end of the reminder window (arg 1), + off. */
static int64_t last_check_for(int arg, int64_t off)
{
    return today() - whole("check_interval_days") + (arg ? whole("child_reminder_days") : 0) + off;
}
static void set_staff_check(struct fixture *x, int arg, int64_t off)
{
    x->staff[CARER_A].last_health_check = last_check_for(arg, off);
}
static void set_child_check(struct fixture *x, int arg, int64_t off)
{
    x->children[0].last_check = last_check_for(arg, off);
}
static void set_ban_check(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->staff[CARER_A].last_ban_check = today() - whole("ban_recheck_days") + off;
}
/* Absent for absence_recheck_days − off days, no check since. */
static void set_absence(struct fixture *x, int arg, int64_t off)
{
    (void)arg;
    x->children[0].absent_since = today() - whole("absence_recheck_days") + off;
}
/* arg = type × 2 + (0: the type's lowest age, 1: its highest); the child is that many months + off old. */
static void set_age(struct fixture *x, int arg, int64_t off)
{
    int type = arg / 2, min, max;
    class_type_ages(type, &min, &max);
    x->children[0].class_type = type;
    x->children[0].birth_on = months_before(today(), (int)((arg % 2 ? max : min) + off));
}

struct row {
    const char *label;
    void (*set)(struct fixture *x, int arg, int64_t off);
    int arg;
    const char *key; /* the threshold whose clause the finding cites, or NULL */
    const char *rule, *subject;
    int severity;
    bool fires[3]; /* at off −1, 0, +1 */
};

#define LOW                                                                                                  \
    {                                                                                                        \
        true, false, false                                                                                   \
    } /* fires below the threshold */
#define HIGH                                                                                                 \
    {                                                                                                        \
        false, false, true                                                                                   \
    } /* fires above it */
#define ATUP                                                                                                 \
    {                                                                                                        \
        false, true, true                                                                                    \
    } /* fires at and above it */
#define ATLO                                                                                                 \
    {                                                                                                        \
        true, true, false                                                                                    \
    } /* fires at and below it */
#define S_CLASS "class:7"
#define S_CARER "staff:12"
#define S_DIR   "staff:11"
#define S_CHILD "child:101"

static const struct row rows[] = {
    {"infant class size", set_class_enrolled, CLASS_INFANT, "class_max_infant", "class_size", S_CLASS,
     CMP_VIOLATION, HIGH},
    {"toddler class size", set_class_enrolled, CLASS_TODDLER, "class_max_toddler", "class_size", S_CLASS,
     CMP_VIOLATION, HIGH},
    {"older class size", set_class_enrolled, CLASS_OLDER, "class_max_older", "class_size", S_CLASS,
     CMP_VIOLATION, HIGH},
    {"mixed class size", set_class_enrolled, CLASS_MIXED, "class_max_mixed", "class_size", S_CLASS,
     CMP_VIOLATION, HIGH},
    {"infant capacity", set_class_capacity, CLASS_INFANT, "class_max_infant", "class_capacity_declared",
     S_CLASS, CMP_VIOLATION, HIGH},
    {"toddler capacity", set_class_capacity, CLASS_TODDLER, "class_max_toddler", "class_capacity_declared",
     S_CLASS, CMP_VIOLATION, HIGH},
    {"older capacity", set_class_capacity, CLASS_OLDER, "class_max_older", "class_capacity_declared", S_CLASS,
     CMP_VIOLATION, HIGH},
    {"mixed capacity", set_class_capacity, CLASS_MIXED, "class_max_mixed", "class_capacity_declared", S_CLASS,
     CMP_VIOLATION, HIGH},
    {"infant ratio", set_class_ratio, CLASS_INFANT, "ratio_infant", "class_ratio", S_CLASS, CMP_VIOLATION,
     HIGH},
    {"toddler ratio", set_class_ratio, CLASS_TODDLER, "ratio_toddler", "class_ratio", S_CLASS, CMP_VIOLATION,
     HIGH},
    {"older ratio", set_class_ratio, CLASS_OLDER, "ratio_older", "class_ratio", S_CLASS, CMP_VIOLATION, HIGH},
    {"mixed ratio", set_class_ratio, CLASS_MIXED, "ratio_mixed", "class_ratio", S_CLASS, CMP_VIOLATION, HIGH},
    {"home-based children", set_home_children, 0, "home_max_children", "home_capacity", "institution",
     CMP_VIOLATION, HIGH},
    {"home-based carer ratio", set_home_ratio, 0, "home_ratio", "home_ratio", "institution", CMP_VIOLATION,
     HIGH},
    {"children needing a full-time health worker", set_children_for_fulltime, 0,
     "health_worker_fulltime_children", "health_worker_fulltime", "institution", CMP_VIOLATION, ATUP},
    {"director education", set_director_education, 0, "director_min_education", "director_education", S_DIR,
     CMP_VIOLATION, LOW},
    {"director experience", set_director_experience, 0, "director_min_experience_years",
     "director_experience", S_DIR, CMP_VIOLATION, LOW},
    {"certificate expiring today", set_cert_expiry, 0, NULL, "cert_expired", S_CARER, CMP_VIOLATION, LOW},
    {"certificate reminder from today", set_cert_expiry, 0, NULL, "cert_expiring", S_CARER, CMP_REMINDER,
     ATUP},
    {"certificate reminder window end", set_cert_expiry, 1, NULL, "cert_expiring", S_CARER, CMP_REMINDER,
     ATLO},
    {"staff check due today", set_staff_check, 0, "check_interval_days", "staff_check_overdue", S_CARER,
     CMP_VIOLATION, LOW},
    {"staff check reminder from today", set_staff_check, 0, "check_interval_days", "staff_check_due", S_CARER,
     CMP_REMINDER, ATUP},
    {"staff check reminder window end", set_staff_check, 1, "check_interval_days", "staff_check_due", S_CARER,
     CMP_REMINDER, ATLO},
    {"ban re-check", set_ban_check, 0, "ban_recheck_days", "ban_recheck_due", S_CARER, CMP_WARNING, LOW},
    {"child check due today", set_child_check, 0, "check_interval_days", "child_check_overdue", S_CHILD,
     CMP_VIOLATION, LOW},
    {"child check reminder from today", set_child_check, 0, "check_interval_days", "child_check_due", S_CHILD,
     CMP_REMINDER, ATUP},
    {"child check reminder window end", set_child_check, 1, "check_interval_days", "child_check_due", S_CHILD,
     CMP_REMINDER, ATLO},
    {"absence", set_absence, 0, "absence_recheck_days", "child_recheck_after_absence", S_CHILD, CMP_WARNING,
     ATLO},
    {"infant youngest", set_age, CLASS_INFANT * 2, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING, LOW},
    {"infant oldest", set_age, CLASS_INFANT * 2 + 1, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING,
     HIGH},
    {"toddler youngest", set_age, CLASS_TODDLER * 2, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING,
     LOW},
    {"toddler oldest", set_age, CLASS_TODDLER * 2 + 1, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING,
     HIGH},
    {"older youngest", set_age, CLASS_OLDER * 2, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING, LOW},
    {"older oldest", set_age, CLASS_OLDER * 2 + 1, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING,
     HIGH},
    {"mixed youngest", set_age, CLASS_MIXED * 2, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING, LOW},
    {"mixed oldest", set_age, CLASS_MIXED * 2 + 1, NULL, "child_age_out_of_class", S_CHILD, CMP_WARNING,
     HIGH},
};

/* Rows whose neighbours of the threshold legitimately raise one other finding (an expired certificate is not
 * also expiring; an overdue check is not also due): those are allowed, nothing else. */
static bool expected_neighbour(const struct row *r, const struct cmp_finding *f)
{
    static const char *const pairs[][2] = {
        {"cert_expired", "cert_expiring"},
        {"cert_expiring", "cert_expired"},
        {"staff_check_overdue", "staff_check_due"},
        {"staff_check_due", "staff_check_overdue"},
        {"child_check_overdue", "child_check_due"},
        {"child_check_due", "child_check_overdue"},
        {"home_capacity", "home_ratio"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(r->rule, pairs[i][0]) == 0 && strcmp(f->rule, pairs[i][1]) == 0) return true;
    return false;
}

static void test_compliance_each_threshold_at_below_and_above(void **state)
{
    struct fixture *x = *state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        for (int off = -1; off <= 1; off++) {
            fixture_clean(x);
            r->set(x, r->arg, off);
            run(x);
            bool should = r->fires[off + 1];
            const struct cmp_finding *f = find(x, r->rule, r->subject);
            if (should != (f != NULL)) {
                dump(x);
                fail_msg("%s %+d: expected %s finding %s", r->label, off, should ? "a" : "no", r->rule);
            }
            if (f) {
                assert_int_equal(f->severity, r->severity);
                assert_int_equal(count(x, r->rule, NULL), 1);
                if (r->key) assert_string_equal(f->clause, threshold_find(r->key)->clause);
                assert_true(strlen(f->message) > 0);
            }
            for (int k = 0; k < x->n; k++)
                if (strcmp(x->f[k].rule, r->rule) != 0 && !expected_neighbour(r, &x->f[k])) {
                    dump(x);
                    fail_msg("%s %+d: unexpected %s", r->label, off, x->f[k].rule);
                }
        }
    }
}

/* ---- Day-exact edges, spelled out with dates. ---- */

static void test_compliance_certificate_is_valid_through_its_expiry_day(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[CARER_A].cert_expires[CERT_CAREGIVER_QUALIFICATION] = date_to_days(2025, 6, 15);
    run(x);
    assert_null(find(x, "cert_expired", NULL));
    const struct cmp_finding *f = find(x, "cert_expiring", S_CARER);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "2025-06-15"));
    assert_non_null(strstr(f->message, cert_kind_names_zh[CERT_CAREGIVER_QUALIFICATION]));

    x->staff[CARER_A].cert_expires[CERT_CAREGIVER_QUALIFICATION] = date_to_days(2025, 6, 14);
    run(x);
    assert_null(find(x, "cert_expiring", NULL));
    f = find(x, "cert_expired", S_CARER);
    assert_non_null(f);
    assert_int_equal(f->severity, CMP_VIOLATION);
    assert_non_null(strstr(f->message, "2025-06-14"));
    assert_non_null(strstr(f->message, "1 天"));

    /* Reminder window: 30 days ahead (2025-07-15) still reminds, 31 days ahead does not. */
    x->staff[CARER_A].cert_expires[CERT_CAREGIVER_QUALIFICATION] = date_to_days(2025, 7, 15);
    run(x);
    assert_non_null(find(x, "cert_expiring", S_CARER));
    x->staff[CARER_A].cert_expires[CERT_CAREGIVER_QUALIFICATION] = date_to_days(2025, 7, 16);
    assert_int_equal(run(x), 0);
}

static void test_compliance_certificate_that_never_expires_never_reminds(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    for (int k = 0; k < CERT__COUNT; k++)
        x->staff[DIRECTOR].cert_expires[k] = NEVER;
    x->in.today = date_to_days(2999, 12, 31);
    run(x);
    for (int i = 0; i < x->n; i++)
        if (subject_is(x->f[i].subject, S_DIR) && strncmp(x->f[i].rule, "cert_", 5) == 0)
            fail_msg("never-expiring certificate gave %s", x->f[i].rule);
}

/* One finding per person and required kind, naming the kind in Chinese. */
static void test_compliance_each_role_needs_its_certificates(void **state)
{
    static const struct {
        int index;
        const char *subject;
        unsigned kinds; /* bits of enum cert_kind */
    } cases[] = {
        {DIRECTOR, "staff:11",
         1u << CERT_HEALTH_CERTIFICATE | 1u << CERT_CRIMINAL_RECORD_CHECK | 1u << CERT_DIRECTOR_TRAINING},
        {CARER_A, "staff:12",
         1u << CERT_HEALTH_CERTIFICATE | 1u << CERT_CRIMINAL_RECORD_CHECK |
             1u << CERT_CAREGIVER_QUALIFICATION},
        {HEALTH, "staff:14", 1u << CERT_HEALTH_CERTIFICATE | 1u << CERT_CRIMINAL_RECORD_CHECK},
        {SECURITY, "staff:15",
         1u << CERT_HEALTH_CERTIFICATE | 1u << CERT_CRIMINAL_RECORD_CHECK | 1u << CERT_SECURITY_LICENSE},
    };
    struct fixture *x = *state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fixture_clean(x);
        memset(x->staff[cases[c].index].cert_expires, 0, sizeof x->staff[0].cert_expires);
        run(x);
        unsigned seen = 0;
        for (int i = 0; i < x->n; i++) {
            const struct cmp_finding *f = &x->f[i];
            assert_string_equal(f->rule, "cert_missing");
            assert_true(subject_is(f->subject, cases[c].subject));
            assert_int_equal(f->severity, CMP_VIOLATION);
            int kind = -1;
            for (int k = 0; k < CERT__COUNT; k++)
                if (strstr(f->message, cert_kind_names_zh[k])) kind = k;
            if (kind < 0) fail_msg("message names no certificate: %s", f->message);
            char want[96];
            snprintf(want, sizeof want, "%s:%s", cases[c].subject, cert_kind_names[kind]);
            assert_string_equal(f->subject, want);
            if (seen & (1u << kind)) fail_msg("two findings for %s", cert_kind_names[kind]);
            seen |= 1u << kind;
        }
        assert_int_equal(seen, cases[c].kinds);
    }
}

static void test_compliance_staff_check_yearly_edges_by_date(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    /* Checked 2024-06-15: due 2025-06-15, i.e. today — a reminder, not yet overdue. */
    x->staff[CARER_A].last_health_check = date_to_days(2024, 6, 15);
    run(x);
    assert_non_null(find(x, "staff_check_due", S_CARER));
    assert_null(find(x, "staff_check_overdue", NULL));
    x->staff[CARER_A].last_health_check = date_to_days(2024, 6, 14);
    run(x);
    assert_non_null(find(x, "staff_check_overdue", S_CARER));
    assert_null(find(x, "staff_check_due", NULL));
    /* Only the pre-employment check on record: it counts as the last check. */
    x->staff[CARER_A].last_health_check = 0;
    x->staff[CARER_A].pre_employment_check = date_to_days(2024, 6, 14);
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "staff_check_overdue");
}

static void test_compliance_staff_without_pre_employment_check_is_a_violation(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[HEALTH].pre_employment_check = 0;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "staff_health_check");
    assert_string_equal(x->f[0].subject, "staff:14");
    assert_int_equal(x->f[0].severity, CMP_VIOLATION);
    /* Never checked at all: the missing pre-employment check is the one finding, not also an overdue one. */
    x->staff[HEALTH].last_health_check = 0;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "staff_health_check");
}

static void test_compliance_staff_never_checked_against_bans_gets_a_warning(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[SECURITY].last_ban_check = 0;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "ban_recheck_due");
    assert_string_equal(x->f[0].subject, "staff:15");
    assert_int_equal(x->f[0].severity, CMP_WARNING);
}

static void test_compliance_health_worker_rules(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[HEALTH].role = STAFF_COOK;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "health_worker");
    assert_string_equal(x->f[0].subject, "institution");
    /* 150 children and nobody for health care: both the missing worker and the missing full-time one. */
    x->in.nchildren = 150;
    run(x);
    assert_int_equal(x->n, 2);
    assert_non_null(find(x, "health_worker", "institution"));
    const struct cmp_finding *f = find(x, "health_worker_fulltime", "institution");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "150"));
    /* A part-time worker and 149 children is enough; a full-time worker and 200 too. */
    x->staff[HEALTH].role = STAFF_HEALTH;
    x->staff[HEALTH].full_time = false;
    x->in.nchildren = 149;
    assert_int_equal(run(x), 0);
    x->staff[HEALTH].full_time = true;
    x->in.nchildren = MAXKIDS;
    assert_int_equal(run(x), 0);
}

static void test_compliance_institution_needs_a_guard_but_a_home_based_point_does_not(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->in.nstaff = NSTAFF - 1;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "security_guard");
    x->in.provider_kind = PROVIDER_HOME_BASED;
    assert_int_equal(run(x), 0);
}

static void test_compliance_home_based_point_five_and_six_children(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->in.provider_kind = PROVIDER_HOME_BASED;
    x->in.nchildren = 5;
    assert_int_equal(run(x), 0);
    x->in.nchildren = 6;
    run(x);
    assert_int_equal(x->n, 1);
    const struct cmp_finding *f = find(x, "home_capacity", "institution");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "6"));
    /* One carer for three children is the limit; a fourth child needs a second carer. */
    x->staff[CARER_B].role = STAFF_COOK;
    x->in.nchildren = 3;
    assert_int_equal(run(x), 0);
    x->in.nchildren = 4;
    run(x);
    assert_int_equal(x->n, 1);
    assert_non_null(find(x, "home_ratio", "institution"));
    /* Nobody to care for the children at all. */
    x->staff[CARER_A].role = STAFF_COOK;
    x->in.nchildren = 1;
    run(x);
    assert_non_null(find(x, "home_ratio", "institution"));
}

static void test_compliance_class_with_children_but_no_caregiver(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0].caregivers = 0;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "class_ratio");
    assert_string_equal(x->f[0].subject, S_CLASS);
    /* An empty class needs nobody yet. */
    x->classes[0].enrolled = 0;
    assert_int_equal(run(x), 0);
}

static void test_compliance_director_missing_or_several(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[DIRECTOR].role = STAFF_OTHER;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "director");
    assert_int_equal(x->f[0].severity, CMP_VIOLATION);

    fixture_clean(x);
    staff_clean(&x->staff[HEALTH], HEALTH, STAFF_DIRECTOR); /* a second, qualified director */
    x->staff[CARER_B].role = STAFF_HEALTH;
    x->staff[CARER_B].cert_expires[CERT_CAREGIVER_QUALIFICATION] = 0;
    run(x);
    if (x->n != 1) dump(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "director_multiple");
    assert_int_equal(x->f[0].severity, CMP_WARNING);
}

static void test_compliance_director_with_unknown_education_or_experience(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[DIRECTOR].education = -1;
    x->staff[DIRECTOR].experience_years = -1;
    run(x);
    assert_int_equal(x->n, 2);
    assert_non_null(find(x, "director_education", S_DIR));
    assert_non_null(find(x, "director_experience", S_DIR));
    /* A value outside the enum is no better than unknown. */
    x->staff[DIRECTOR].education = EDU__COUNT;
    x->staff[DIRECTOR].experience_years = 3;
    run(x);
    assert_int_equal(x->n, 1);
    assert_non_null(find(x, "director_education", S_DIR));
    /* Secondary school is below 大专; the message says both. */
    x->staff[DIRECTOR].education = EDU_SECONDARY;
    run(x);
    assert_int_equal(x->n, 1);
    assert_non_null(strstr(x->f[0].message, "大专"));
    /* Other roles are not held to the director's education. */
    fixture_clean(x);
    x->staff[CARER_A].education = -1;
    x->staff[CARER_A].experience_years = -1;
    assert_int_equal(run(x), 0);
}

static void test_compliance_child_without_admission_check(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->children[1].admission_check = 0;
    x->children[1].last_check = 0;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "child_admission_check");
    assert_string_equal(x->f[0].subject, "child:102");
    assert_int_equal(x->f[0].severity, CMP_VIOLATION);
}

static void test_compliance_child_check_yearly_edges_by_date(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->children[0].last_check = date_to_days(2024, 6, 15);
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "child_check_due");
    assert_int_equal(x->f[0].severity, CMP_REMINDER);
    x->children[0].last_check = date_to_days(2024, 6, 14);
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "child_check_overdue");
    /* Only the admission check on record: it counts as the last check. */
    x->children[0].last_check = 0;
    x->children[0].admission_check = date_to_days(2024, 6, 1);
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "child_check_overdue");
}

static void test_compliance_check_after_absence_clears_the_warning(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->children[0].absent_since = today() - 120;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "child_recheck_after_absence");
    assert_non_null(strstr(x->f[0].message, "120"));
    x->children[0].check_since_absence = today() - 1;
    assert_int_equal(run(x), 0);
    /* A check from before the absence does not count. */
    x->children[0].check_since_absence = today() - 121;
    run(x);
    assert_non_null(find(x, "child_recheck_after_absence", S_CHILD));
}

static void test_compliance_unplaced_child_gets_a_warning(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->children[1].class_type = -1;
    x->children[1].class_id = 0;
    run(x);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->f[0].rule, "child_unplaced");
    assert_string_equal(x->f[0].subject, "child:102");
    assert_int_equal(x->f[0].severity, CMP_WARNING);
}

/* Whole calendar months: out of the infant class (6–12 months) on the day the child turns 13 months, not a
 * day before; into range on the day it turns 6 months. */
static void test_compliance_age_out_at_day_exact_month_boundaries(void **state)
{
    static const struct {
        int by, bm, bd, type;
        bool out;
    } cases[] = {
        {2024, 5, 15, CLASS_INFANT, true},   /* 13 months today */
        {2024, 5, 16, CLASS_INFANT, false},  /* 12 months and 30 days */
        {2024, 6, 15, CLASS_INFANT, false},  /* exactly 12 months */
        {2024, 12, 15, CLASS_INFANT, false}, /* exactly 6 months */
        {2024, 12, 16, CLASS_INFANT, true},  /* 5 months and 30 days */
        {2023, 12, 15, CLASS_MIXED, false},  /* exactly 18 months */
        {2023, 12, 16, CLASS_MIXED, true},   /* a day short of 18 months */
        {2022, 6, 15, CLASS_OLDER, false},   /* exactly 36 months */
        {2022, 6, 14, CLASS_OLDER, false},   /* 36 months and a day: still 36 whole months */
        {2022, 5, 15, CLASS_OLDER, true},    /* 37 months */
        {2025, 7, 1, CLASS_INFANT, true},    /* not born yet: a data error, flagged */
    };
    struct fixture *x = *state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture_clean(x);
        x->children[0].birth_on = date_to_days(cases[i].by, cases[i].bm, cases[i].bd);
        x->children[0].class_type = cases[i].type;
        run(x);
        if ((find(x, "child_age_out_of_class", S_CHILD) != NULL) != cases[i].out ||
            x->n != (cases[i].out ? 1 : 0))
            fail_msg("born %d-%02d-%02d in %s: expected %s", cases[i].by, cases[i].bm, cases[i].bd,
                     class_type_names[cases[i].type], cases[i].out ? "out of class" : "no finding");
    }
}

/* Born on the 31st: a month completes on the first day of the month after a shorter month. */
static void test_compliance_age_of_child_born_on_the_31st(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->children[0].birth_on = date_to_days(2023, 12, 31);
    x->children[0].class_type = CLASS_MIXED; /* from 18 months */
    x->in.today = date_to_days(2025, 6, 30); /* 17 months and 30 days */
    run(x);
    const struct cmp_finding *f = find(x, "child_age_out_of_class", S_CHILD);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "17 个月"));
    x->in.today = date_to_days(2025, 7, 1); /* 18 months */
    run(x);
    assert_null(find(x, "child_age_out_of_class", NULL));
    /* Leap day: born 2024-02-29, 12 months on 2025-03-01, still 11 on 2025-02-28. */
    x->children[0].birth_on = date_to_days(2024, 2, 29);
    x->children[0].class_type = CLASS_INFANT;
    x->in.today = date_to_days(2025, 2, 28);
    run(x);
    assert_null(find(x, "child_age_out_of_class", NULL));
    x->in.today = date_to_days(2025, 3, 1);
    run(x);
    assert_null(find(x, "child_age_out_of_class", NULL));
    x->in.today = date_to_days(2025, 3, 29);
    run(x);
    assert_non_null(find(x, "child_age_out_of_class", S_CHILD));
}

/* Everything wrong at once: every finding is well formed, and nothing is missed because another fired. */
static void test_compliance_reports_every_problem_at_once_well_formed(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0] = (struct cmp_class){.id = CLASS_ID, .type = CLASS_INFANT, .capacity = 12, .enrolled = 11};
    x->staff[SECURITY].role = STAFF_COOK;
    x->staff[HEALTH].full_time = false;
    x->staff[DIRECTOR].education = EDU_NONE;
    x->staff[DIRECTOR].experience_years = 0;
    x->staff[CARER_A].cert_expires[CERT_HEALTH_CERTIFICATE] = today() - 3;
    x->staff[CARER_A].pre_employment_check = 0;
    x->staff[CARER_A].last_health_check = 0;
    x->staff[CARER_A].last_ban_check = 0;
    x->children[0].admission_check = 0;
    x->children[0].last_check = 0;
    x->children[0].class_type = -1;
    x->children[1].absent_since = today() - 200;
    x->in.nchildren = 150;
    run(x);
    static const char *const expected[] = {
        "class_size",
        "class_capacity_declared",
        "class_ratio",
        "health_worker_fulltime",
        "security_guard",
        "director_education",
        "director_experience",
        "cert_expired",
        "staff_health_check",
        "ban_recheck_due",
        "child_admission_check",
        "child_unplaced",
        "child_recheck_after_absence",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!find(x, expected[i], NULL)) {
            dump(x);
            fail_msg("missing %s", expected[i]);
        }
    assert_int_equal(x->n, (int)(sizeof expected / sizeof expected[0]));
    for (int i = 0; i < x->n; i++) {
        const struct cmp_finding *f = &x->f[i];
        assert_true(f->severity >= CMP_VIOLATION && f->severity <= CMP_REMINDER);
        assert_non_null(f->clause);
        assert_non_null(strstr(f->clause, "《"));
        assert_true(strcmp(f->subject, "institution") == 0 || strncmp(f->subject, "class:", 6) == 0 ||
                    strncmp(f->subject, "staff:", 6) == 0 || strncmp(f->subject, "child:", 6) == 0);
        assert_true(strlen(f->message) > 0);
        assert_null(strchr(f->message, '%')); /* no format left unfilled */
    }
}

static void test_compliance_counts_beyond_max_without_writing(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->staff[CARER_A].last_ban_check = 0;
    x->staff[CARER_B].last_ban_check = 0;
    x->staff[HEALTH].last_ban_check = 0;
    struct cmp_finding one[2];
    memset(one, 0, sizeof one);
    assert_int_equal(compliance_evaluate(&x->in, &x->a, one, 1), 3);
    assert_string_equal(one[0].rule, "ban_recheck_due");
    assert_null(one[1].rule);
    assert_int_equal(compliance_evaluate(&x->in, &x->a, NULL, 0), 3);
    assert_int_equal(compliance_evaluate(&x->in, &x->a, NULL, 5), 3);
}

static void test_compliance_thresholds_set_changes_what_is_reported(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->in.provider_kind = PROVIDER_HOME_BASED;
    x->in.nchildren = 5;
    assert_int_equal(run(x), 0);
    assert_true(thresholds_set("home_max_children", 4));
    run(x);
    assert_non_null(find(x, "home_capacity", "institution"));
    assert_true(thresholds_set("home_max_children", 5));
    assert_int_equal(run(x), 0);
}

static void test_compliance_severity_names(void **state)
{
    (void)state;
    assert_string_equal(cmp_severity_names[CMP_VIOLATION], "violation");
    assert_string_equal(cmp_severity_names[CMP_WARNING], "warning");
    assert_string_equal(cmp_severity_names[CMP_REMINDER], "reminder");
    assert_null(cmp_severity_names[3]);
}

/* ---- The thresholds the compliance rules add. ---- */

static const struct {
    const char *key;
    double value;
    bool local;
    const char *cites; /* a document the clause must name */
} compliance_thresholds[] = {
    {"health_worker_fulltime_children", 150, false, "卫生部、教育部令第76号"},
    {"cert_reminder_days", 30, true, NULL},
    {"check_interval_days", 365, false, "托育机构管理规范"},
    {"child_reminder_days", 30, true, NULL},
    {"absence_recheck_days", 90, false, "托育机构管理规范"},
    {"ban_recheck_days", 365, true, "托育服务法（草案）"},
    {"director_min_education", EDU_JUNIOR_COLLEGE, false, "〔2019〕58号"},
    {"director_min_experience_years", 3, false, "〔2019〕58号"},
    {"home_max_children", 5, false, "家庭托育点管理办法"},
    {"home_ratio", 3, false, "家庭托育点管理办法"},
};

static void test_thresholds_for_compliance_have_defaults_and_cite_sources(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof compliance_thresholds / sizeof compliance_thresholds[0]; i++) {
        const struct threshold *t = threshold_find(compliance_thresholds[i].key);
        if (!t) fail_msg("threshold %s missing", compliance_thresholds[i].key);
        assert_true(t->value == compliance_thresholds[i].value);
        assert_int_equal(t->local, compliance_thresholds[i].local);
        assert_true(strlen(t->description) > 0);
        if (compliance_thresholds[i].cites)
            assert_non_null(strstr(t->clause, compliance_thresholds[i].cites));
        /* Only S-level facts are allowed without a confidence note where they are national. */
        if (strstr(t->clause, "家庭托育点") || strstr(t->clause, "第十二条"))
            assert_non_null(strstr(t->clause, "可信度 S"));
    }
    /* Every entry of the table: a local setting says so and how sure its source is; a national one names a
     * document; keys are unique. */
    int n = 0;
    const struct threshold *all = thresholds_all(&n);
    for (int i = 0; i < n; i++) {
        if (all[i].local) {
            assert_ptr_equal(strstr(all[i].clause, RULES_LOCAL), all[i].clause);
            assert_non_null(strstr(all[i].clause, "可信度"));
        } else {
            assert_ptr_equal(strstr(all[i].clause, "《"), all[i].clause);
        }
        for (int j = i + 1; j < n; j++)
            if (strcmp(all[i].key, all[j].key) == 0) fail_msg("duplicate key %s", all[i].key);
    }
    assert_null(threshold_find("giraffes"));
    assert_null(threshold_find(NULL));
}

/* ---- people_common.c ---- */

static void test_people_name_tables_are_complete(void **state)
{
    (void)state;
    for (int i = 0; i < STAFF_ROLE__COUNT; i++) {
        assert_non_null(staff_role_names[i]);
        assert_non_null(staff_role_names_zh[i]);
    }
    assert_null(staff_role_names[STAFF_ROLE__COUNT]);
    assert_null(staff_role_names_zh[STAFF_ROLE__COUNT]);
    for (int i = 0; i < CERT__COUNT; i++) {
        assert_non_null(cert_kind_names[i]);
        assert_non_null(cert_kind_names_zh[i]);
    }
    assert_null(cert_kind_names[CERT__COUNT]);
    assert_null(cert_kind_names_zh[CERT__COUNT]);
    for (int i = 0; i < EDU__COUNT; i++)
        assert_non_null(education_names[i]);
    assert_null(education_names[EDU__COUNT]);
    assert_string_equal(staff_role_names[STAFF_SECURITY], "security");
    assert_string_equal(cert_kind_names[CERT_CRIMINAL_RECORD_CHECK], "criminal_record_check");
    assert_string_equal(education_names[EDU_JUNIOR_COLLEGE], "junior_college");
}

static void test_people_visible_by_role_and_territory(void **state)
{
    (void)state;
    static const struct {
        unsigned role;
        const char *district;
        int64_t institution_id;
        int64_t inst;
        const char *inst_district;
        bool visible;
    } cases[] = {
        {ROLE_OPERATOR, NULL, 5, 5, "420303", true},
        {ROLE_OPERATOR, NULL, 5, 6, "420303", false},
        {ROLE_OPERATOR, NULL, 0, 0, "420303", false}, /* an operator without an institution sees nothing */
        {ROLE_ADMIN, NULL, 0, 6, "420303", true},
        {ROLE_CITY, NULL, 0, 6, "420325", true},
        {ROLE_AUDITOR, NULL, 0, 6, NULL, true},
        {ROLE_COUNTY, "420303", 0, 6, "420303", true},
        {ROLE_COUNTY, "420303", 0, 6, "420302", false},
        {ROLE_COUNTY, "420303", 0, 6, NULL, false},
        {ROLE_COUNTY, NULL, 0, 6, "420303", false},
        {ROLE_INSPECTOR, "420302", 0, 6, "420302", true},
        {ROLE_INSPECTOR, "420302", 0, 6, "420303", false},
        {ROLE_REGISTRAR, NULL, 0, 6, "420303", false},
        {0, NULL, 6, 6, "420303", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct principal p = {
            .role = cases[i].role, .district = cases[i].district, .institution_id = cases[i].institution_id};
        if (people_visible(&p, cases[i].inst, cases[i].inst_district) != cases[i].visible)
            fail_msg("case %zu: %s should %ssee institution %lld", i, role_name(cases[i].role),
                     cases[i].visible ? "" : "not ", (long long)cases[i].inst);
    }
    assert_false(people_visible(NULL, 5, "420303"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_compliance_clean_institution_has_no_findings),
        T(test_compliance_clean_home_based_point_has_no_findings_without_a_guard),
        T(test_compliance_each_threshold_at_below_and_above),
        T(test_compliance_certificate_is_valid_through_its_expiry_day),
        T(test_compliance_certificate_that_never_expires_never_reminds),
        T(test_compliance_each_role_needs_its_certificates),
        T(test_compliance_staff_check_yearly_edges_by_date),
        T(test_compliance_staff_without_pre_employment_check_is_a_violation),
        T(test_compliance_staff_never_checked_against_bans_gets_a_warning),
        T(test_compliance_health_worker_rules),
        T(test_compliance_institution_needs_a_guard_but_a_home_based_point_does_not),
        T(test_compliance_home_based_point_five_and_six_children),
        T(test_compliance_class_with_children_but_no_caregiver),
        T(test_compliance_director_missing_or_several),
        T(test_compliance_director_with_unknown_education_or_experience),
        T(test_compliance_child_without_admission_check),
        T(test_compliance_child_check_yearly_edges_by_date),
        T(test_compliance_check_after_absence_clears_the_warning),
        T(test_compliance_unplaced_child_gets_a_warning),
        T(test_compliance_age_out_at_day_exact_month_boundaries),
        T(test_compliance_age_of_child_born_on_the_31st),
        T(test_compliance_reports_every_problem_at_once_well_formed),
        T(test_compliance_counts_beyond_max_without_writing),
        T(test_compliance_thresholds_set_changes_what_is_reported),
        cmocka_unit_test(test_compliance_severity_names),
        cmocka_unit_test(test_thresholds_for_compliance_have_defaults_and_cite_sources),
        cmocka_unit_test(test_people_name_tables_are_complete),
        cmocka_unit_test(test_people_visible_by_role_and_territory),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
