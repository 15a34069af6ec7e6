/* Filing rules: thresholds at, below and above; every finding the check can make; sniffing uploads; and
 * every (status, event, role) of the workflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "modules/filing/filing.h"

#include <stdio.h>
#include <string.h>

#define MAXF 64

/* A dossier that passes every rule: one toddler class of 10 with 2 caregivers, all staff, room enough, full
 * day care with its fee. Tests start from it and change one thing. */
struct fixture {
    struct filing_dossier d;
    struct filing_class classes[4];
    struct filing_fee fees[4];
    struct arena a;
    struct finding f[MAXF];
    int n;
};

static void fixture_clean(struct fixture *x)
{
    memset(&x->d, 0, sizeof x->d);
    x->classes[0] = (struct filing_class){.type = CLASS_TODDLER, .capacity = 10, .caregivers = 2};
    x->fees[0] = (struct filing_fee){.service_type = SVC_FULL_DAY, .monthly_fen = 200000};
    x->d.service_types = 1u << SVC_FULL_DAY;
    x->d.indoor_area_m2 = 200;
    x->d.outdoor_area_m2 = 200;
    x->d.classes = x->classes;
    x->d.nclasses = 1;
    x->d.staff_director = 1;
    x->d.staff_caregiver = 2;
    x->d.staff_health = 1;
    x->d.staff_security = 1;
    x->d.staff_cook = 1;
    x->d.fees = x->fees;
    x->d.nfees = 1;
    x->d.opening_hours = "07:30-17:30";
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

static int run_check(struct fixture *x)
{
    x->n = filing_check(&x->d, &x->a, x->f, MAXF);
    assert_true(x->n <= MAXF);
    return x->n;
}

/* The finding for rule (and field, when not NULL), or NULL. */
static const struct finding *find(const struct fixture *x, const char *rule, const char *field)
{
    for (int i = 0; i < x->n; i++)
        if (strcmp(x->f[i].rule, rule) == 0 &&
            (!field || (x->f[i].field && strcmp(x->f[i].field, field) == 0)))
            return &x->f[i];
    return NULL;
}

static const struct finding *expect_finding(const struct fixture *x, const char *rule, int severity,
                                            const char *field)
{
    const struct finding *f = find(x, rule, field);
    if (!f) fail_msg("no finding %s on %s (of %d findings)", rule, field ? field : "(none)", x->n);
    assert_int_equal(f->severity, severity);
    assert_non_null(f->message);
    assert_true(strlen(f->message) > 0);
    assert_non_null(f->clause);
    if (field) assert_string_equal(f->field, field);
    return f;
}

static void test_filing_names_tables_are_complete(void **state)
{
    (void)state;
    static const struct {
        const char *const *names, *const *zh;
        int count;
    } tables[] = {
        {service_type_names, service_type_names_zh, SVC__COUNT},
        {class_type_names, class_type_names_zh, CLASS__COUNT},
        {attachment_kind_names, attachment_kind_names_zh, ATT__COUNT},
        {filing_status_names, filing_status_names_zh, FS__COUNT},
        {filing_event_names, NULL, EV__COUNT},
    };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (int i = 0; i < tables[t].count; i++) {
            assert_non_null(tables[t].names[i]);
            if (tables[t].zh) assert_non_null(tables[t].zh[i]);
        }
        assert_null(tables[t].names[tables[t].count]);
    }
    assert_string_equal(service_type_names_zh[SVC_HOURLY], "计时托");
    assert_string_equal(class_type_names[CLASS_OLDER], "older");
    assert_string_equal(class_type_names_zh[CLASS_MIXED], "混龄班");
    assert_string_equal(attachment_kind_names[ATT_FIRE_SAFETY], "fire_safety");
    assert_string_equal(attachment_kind_names_zh[ATT_BUSINESS_LICENSE], "营业执照或法人登记证书");
    assert_string_equal(filing_status_names_zh[FS_SUPERSEDED], "已被替代");
    assert_string_equal(filing_event_names[EV_RETURN], "return");
}

static void test_filing_status_names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < FS__COUNT; i++)
        assert_int_equal(filing_status_from_name(filing_status_names[i]), i);
    assert_int_equal(filing_status_from_name("Approved"), -1);
    assert_int_equal(filing_status_from_name(""), -1);
    assert_int_equal(filing_status_from_name(NULL), -1);
    assert_string_equal(finding_severity_name(SEV_VIOLATION), "violation");
    assert_string_equal(finding_severity_name(SEV_WARNING), "warning");
}

static void test_class_type_ages_follow_the_setting_standard(void **state)
{
    (void)state;
    static const int want[][3] = {
        {CLASS_INFANT, 6, 12}, {CLASS_TODDLER, 12, 24}, {CLASS_OLDER, 24, 36}, {CLASS_MIXED, 18, 36},
        {-1, -1, -1},          {CLASS__COUNT, -1, -1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int lo = 0, hi = 0;
        class_type_ages(want[i][0], &lo, &hi);
        assert_int_equal(lo, want[i][1]);
        assert_int_equal(hi, want[i][2]);
    }
}

static void test_attachment_sniff_judges_by_content(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *bytes;
        size_t n;
        const char *want;
    } cases[] = {
        {"pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15, "application/pdf"},
        {"pdf, header only", "%PDF-", 5, "application/pdf"},
        {"jpeg", "\xFF\xD8\xFF\xE0\x00\x10JFIF", 10, "image/jpeg"},
        {"jpeg, header only", "\xFF\xD8\xFF", 3, "image/jpeg"},
        {"png", "\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16, "image/png"},
        {"text renamed to .pdf", "备案书 plain text\n", 21, NULL},
        {"pdf magic not at start", " %PDF-1.7", 9, NULL},
        {"short pdf", "%PDF", 4, NULL},
        {"short jpeg", "\xFF\xD8", 2, NULL},
        {"short png", "\x89PNG\r\n\x1A", 7, NULL},
        {"png with unix newlines", "\x89PNG\n\n\x1A\n", 8, NULL},
        {"empty", "", 0, NULL},
        {"html", "<!DOCTYPE html>", 15, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = attachment_sniff(cases[i].bytes, cases[i].n);
        if ((got == NULL) != (cases[i].want == NULL) || (got && strcmp(got, cases[i].want) != 0))
            fail_msg("%s: got %s", cases[i].what, got ? got : "NULL");
    }
    assert_null(attachment_sniff(NULL, 0));
    assert_null(attachment_sniff(NULL, 100));
}

static const struct {
    const char *key;
    double value;
    bool local;
} expected_thresholds[] = {
    {"class_max_infant", 10, false},
    {"class_max_toddler", 15, false},
    {"class_max_older", 20, false},
    {"class_max_mixed", 18, false},
    {"ratio_infant", 3, false},
    {"ratio_toddler", 5, false},
    {"ratio_older", 7, false},
    {"ratio_mixed", 5, true},
    {"min_director", 1, false},
    {"min_health_worker", 1, false},
    {"min_security_guard", 1, false},
    {"indoor_area_per_child_m2", 3, true},
    {"outdoor_area_per_child_m2", 2, true},
};
#define N_EXPECTED_THRESHOLDS (sizeof expected_thresholds / sizeof expected_thresholds[0])

static void test_thresholds_table_has_defaults_and_cites_sources(void **state)
{
    (void)state;
    int n = 0;
    const struct threshold *t = thresholds_all(&n);
    /* The table is shared with live compliance (modules/rules): the filing figures are among its entries. */
    assert_true(n >= (int)N_EXPECTED_THRESHOLDS);
    for (size_t i = 0; i < N_EXPECTED_THRESHOLDS; i++) {
        const struct threshold *th = NULL;
        for (int j = 0; j < n; j++)
            if (strcmp(t[j].key, expected_thresholds[i].key) == 0) th = &t[j];
        if (!th) fail_msg("threshold %s missing", expected_thresholds[i].key);
        assert_true(th->value == expected_thresholds[i].value);
        assert_true(threshold_get(th->key) == expected_thresholds[i].value);
        assert_int_equal(th->local, expected_thresholds[i].local);
        assert_non_null(th->description);
        assert_true(strlen(th->description) > 0);
        if (th->local) {
            /* A local setting must not pass for a national rule, and must say how sure its source is. */
            assert_non_null(strstr(th->clause, "本地设置（非国家标准）"));
            assert_non_null(strstr(th->clause, "可信度"));
        } else {
            assert_non_null(strstr(th->clause, "〔2019〕58号"));
        }
        /* No article numbers: the reference notes confirm none for these figures. */
        assert_null(strstr(th->clause, "条"));
    }
}

static void test_thresholds_set_overrides_known_keys_only(void **state)
{
    (void)state;
    assert_false(thresholds_set("class_max_giraffe", 3));
    assert_false(thresholds_set(NULL, 3));
    assert_false(thresholds_set("ratio_mixed", 0));
    assert_false(thresholds_set("ratio_mixed", -4));
    assert_true(threshold_get("ratio_mixed") == 5);
    assert_true(thresholds_set("ratio_mixed", 4));
    assert_true(threshold_get("ratio_mixed") == 4);
    assert_true(thresholds_set("ratio_mixed", 5));
    assert_true(threshold_get("ratio_mixed") == 5);
}

static void test_filing_clean_dossier_has_no_findings(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    if (run_check(x) != 0) fail_msg("unexpected finding %s: %s", x->f[0].rule, x->f[0].message);
    assert_int_equal(findings_violations(x->f, x->n), 0);
}

/* One row of the at/below/above table: set the dossier so that the figure under test equals the threshold
 * plus delta (in units of step). "Upper" limits fire above; "lower" limits fire below. */
enum bound { UPPER, LOWER };
struct threshold_case {
    const char *key;
    enum bound bound;
    const char *rule;
    int severity;
    const char *field;
    void (*apply)(struct fixture *x, double threshold, int delta);
};

static void apply_class_size(struct fixture *x, int type, double cap, int delta)
{
    x->classes[0] = (struct filing_class){.type = type, .capacity = (int64_t)cap + delta, .caregivers = 30};
    x->d.staff_caregiver = 30;
}
static void cap_infant(struct fixture *x, double t, int d)
{
    apply_class_size(x, CLASS_INFANT, t, d);
}
static void cap_toddler(struct fixture *x, double t, int d)
{
    apply_class_size(x, CLASS_TODDLER, t, d);
}
static void cap_older(struct fixture *x, double t, int d)
{
    apply_class_size(x, CLASS_OLDER, t, d);
}
static void cap_mixed(struct fixture *x, double t, int d)
{
    apply_class_size(x, CLASS_MIXED, t, d);
}

/* Two caregivers and 2 × ratio + delta children: within every class's size cap. */
static void apply_ratio(struct fixture *x, int type, double ratio, int delta)
{
    x->classes[0] =
        (struct filing_class){.type = type, .capacity = 2 * (int64_t)ratio + delta, .caregivers = 2};
}
static void ratio_infant(struct fixture *x, double t, int d)
{
    apply_ratio(x, CLASS_INFANT, t, d);
}
static void ratio_toddler(struct fixture *x, double t, int d)
{
    apply_ratio(x, CLASS_TODDLER, t, d);
}
static void ratio_older(struct fixture *x, double t, int d)
{
    apply_ratio(x, CLASS_OLDER, t, d);
}
static void ratio_mixed(struct fixture *x, double t, int d)
{
    apply_ratio(x, CLASS_MIXED, t, d);
}

static void min_director(struct fixture *x, double t, int d)
{
    x->d.staff_director = (int64_t)t + d;
}
static void min_health(struct fixture *x, double t, int d)
{
    x->d.staff_health = (int64_t)t + d;
}
static void min_security(struct fixture *x, double t, int d)
{
    x->d.staff_security = (int64_t)t + d;
}
/* 10 children: the area is 10 × per-child threshold, ± half a square metre. */
static void area_indoor(struct fixture *x, double t, int d)
{
    x->d.indoor_area_m2 = 10 * t + 0.5 * d;
}
static void area_outdoor(struct fixture *x, double t, int d)
{
    x->d.outdoor_area_m2 = 10 * t + 0.5 * d;
}

static const struct threshold_case threshold_cases[] = {
    {"class_max_infant", UPPER, "class_capacity", SEV_VIOLATION, "classes[0].capacity", cap_infant},
    {"class_max_toddler", UPPER, "class_capacity", SEV_VIOLATION, "classes[0].capacity", cap_toddler},
    {"class_max_older", UPPER, "class_capacity", SEV_VIOLATION, "classes[0].capacity", cap_older},
    {"class_max_mixed", UPPER, "class_capacity", SEV_VIOLATION, "classes[0].capacity", cap_mixed},
    {"ratio_infant", UPPER, "caregiver_ratio", SEV_VIOLATION, "classes[0].caregivers", ratio_infant},
    {"ratio_toddler", UPPER, "caregiver_ratio", SEV_VIOLATION, "classes[0].caregivers", ratio_toddler},
    {"ratio_older", UPPER, "caregiver_ratio", SEV_VIOLATION, "classes[0].caregivers", ratio_older},
    {"ratio_mixed", UPPER, "caregiver_ratio", SEV_VIOLATION, "classes[0].caregivers", ratio_mixed},
    {"min_director", LOWER, "director", SEV_VIOLATION, "staff_planned.director", min_director},
    {"min_health_worker", LOWER, "health_worker", SEV_VIOLATION, "staff_planned.health", min_health},
    {"min_security_guard", LOWER, "security_guard", SEV_VIOLATION, "staff_planned.security", min_security},
    {"indoor_area_per_child_m2", LOWER, "indoor_area", SEV_WARNING, "indoor_area_m2", area_indoor},
    {"outdoor_area_per_child_m2", LOWER, "outdoor_area", SEV_WARNING, "outdoor_area_m2", area_outdoor},
};

static void test_filing_each_threshold_at_below_and_above(void **state)
{
    struct fixture *x = *state;
    for (size_t i = 0; i < sizeof threshold_cases / sizeof threshold_cases[0]; i++) {
        const struct threshold_case *c = &threshold_cases[i];
        for (int delta = -1; delta <= 1; delta++) {
            fixture_clean(x);
            c->apply(x, threshold_get(c->key), delta);
            run_check(x);
            bool should = c->bound == UPPER ? delta > 0 : delta < 0;
            const struct finding *f = find(x, c->rule, c->field);
            if (should != (f != NULL))
                fail_msg("%s at threshold %+d: expected %s finding %s", c->key, delta, should ? "a" : "no",
                         c->rule);
            if (f) assert_int_equal(f->severity, c->severity);
            /* Nothing else fires: each row moves exactly one figure. */
            if (x->n != (should ? 1 : 0))
                fail_msg("%s at threshold %+d: %d findings, first %s", c->key, delta, x->n, x->f[0].rule);
        }
    }
}

static void test_thresholds_set_changes_what_the_check_refuses(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0].capacity = 13;
    x->classes[0].caregivers = 3;
    x->d.staff_caregiver = 3;
    assert_int_equal(run_check(x), 0);
    assert_true(thresholds_set("class_max_toddler", 12));
    run_check(x);
    assert_true(thresholds_set("class_max_toddler", 15));
    expect_finding(x, "class_capacity", SEV_VIOLATION, "classes[0].capacity");
    assert_string_equal(find(x, "class_capacity", NULL)->message, "托小班人数 13 超过上限 12 人");
}

static void test_filing_capacity_message_names_class_and_numbers(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0].capacity = 16;
    x->classes[0].caregivers = 4;
    x->d.staff_caregiver = 4;
    assert_int_equal(run_check(x), 1);
    const struct finding *f = expect_finding(x, "class_capacity", SEV_VIOLATION, "classes[0].capacity");
    assert_string_equal(f->message, "托小班人数 16 超过上限 15 人");
    assert_non_null(strstr(f->clause, "托育机构设置标准（试行）"));
}

static void test_filing_ratio_message_says_how_many_caregivers_are_needed(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0] = (struct filing_class){.type = CLASS_INFANT, .capacity = 10, .caregivers = 3};
    x->d.staff_caregiver = 3;
    run_check(x);
    const struct finding *f = expect_finding(x, "caregiver_ratio", SEV_VIOLATION, "classes[0].caregivers");
    assert_non_null(strstr(f->message, "乳儿班"));
    assert_non_null(strstr(f->message, "1:3"));
    assert_non_null(strstr(f->message, "至少需要 4 名"));
}

static void test_filing_refuses_dossier_without_classes(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->d.nclasses = 0;
    x->d.staff_caregiver = 0;
    assert_int_equal(run_check(x), 1);
    expect_finding(x, "classes_missing", SEV_VIOLATION, "classes");
    assert_int_equal(findings_violations(x->f, x->n), 1);
}

static void test_filing_refuses_empty_class_and_class_without_caregiver(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[1] = (struct filing_class){.type = CLASS_OLDER, .capacity = 0, .caregivers = 1};
    x->classes[2] = (struct filing_class){.type = CLASS_INFANT, .capacity = 2, .caregivers = 0};
    x->classes[3] = (struct filing_class){.type = CLASS_MIXED, .capacity = -3, .caregivers = -1};
    x->d.nclasses = 4;
    x->d.staff_caregiver = 10;
    run_check(x);
    expect_finding(x, "class_capacity", SEV_VIOLATION, "classes[1].capacity");
    expect_finding(x, "caregiver_ratio", SEV_VIOLATION, "classes[2].caregivers");
    expect_finding(x, "class_capacity", SEV_VIOLATION, "classes[3].capacity");
    expect_finding(x, "caregiver_ratio", SEV_VIOLATION, "classes[3].caregivers");
    assert_int_equal(x->n, 4);
    assert_int_equal(findings_violations(x->f, x->n), 4);
}

static void test_filing_refuses_unknown_class_type(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0].type = CLASS__COUNT;
    run_check(x);
    expect_finding(x, "class_type", SEV_VIOLATION, "classes[0].type");
}

static void test_filing_warns_when_planned_caregivers_fall_short_of_classes(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[1] = (struct filing_class){.type = CLASS_OLDER, .capacity = 14, .caregivers = 2};
    x->d.nclasses = 2;
    x->d.staff_caregiver = 3; /* classes need 2 + 2 */
    x->d.indoor_area_m2 = x->d.outdoor_area_m2 = 500;
    assert_int_equal(run_check(x), 1);
    const struct finding *f =
        expect_finding(x, "caregiver_staff_total", SEV_WARNING, "staff_planned.caregiver");
    assert_non_null(strstr(f->message, "3"));
    assert_non_null(strstr(f->message, "4"));
    assert_int_equal(findings_violations(x->f, x->n), 0);

    x->d.staff_caregiver = 4;
    assert_int_equal(run_check(x), 0);
}

static void test_filing_area_counts_children_of_all_classes(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[1] = (struct filing_class){.type = CLASS_OLDER, .capacity = 20, .caregivers = 3};
    x->d.nclasses = 2;
    x->d.staff_caregiver = 5;
    x->d.indoor_area_m2 = 30 * threshold_get("indoor_area_per_child_m2") - 1;
    x->d.outdoor_area_m2 = 30 * threshold_get("outdoor_area_per_child_m2");
    assert_int_equal(run_check(x), 1);
    const struct finding *f = expect_finding(x, "indoor_area", SEV_WARNING, "indoor_area_m2");
    assert_non_null(strstr(f->message, "30 名婴幼儿"));
    assert_non_null(strstr(f->message, "本地设置"));
    assert_non_null(strstr(f->clause, "本地设置（非国家标准）"));
}

static void test_filing_service_types_and_fees_must_agree(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->d.service_types = (1u << SVC_FULL_DAY) | (1u << SVC_HOURLY);
    x->fees[1] = (struct filing_fee){.service_type = SVC_TEMPORARY, .monthly_fen = 5000};
    x->fees[2] = (struct filing_fee){.service_type = 17, .monthly_fen = 5000};
    x->d.nfees = 3;
    assert_int_equal(run_check(x), 3);
    const struct finding *f = expect_finding(x, "fee_missing", SEV_WARNING, "fees");
    assert_non_null(strstr(f->message, "计时托"));
    f = expect_finding(x, "fee_unoffered_service", SEV_WARNING, "fees[1].service_type");
    assert_non_null(strstr(f->message, "临时托"));
    expect_finding(x, "fee_unoffered_service", SEV_WARNING, "fees[2].service_type");
    assert_int_equal(findings_violations(x->f, x->n), 0);
}

static void test_filing_each_offered_service_with_its_fee_passes(void **state)
{
    struct fixture *x = *state;
    for (int t = 0; t < SVC__COUNT; t++) {
        fixture_clean(x);
        x->d.service_types = 1u << t;
        x->fees[0].service_type = t;
        if (run_check(x) != 0) fail_msg("%s alone: %s", service_type_names[t], x->f[0].message);
    }
    fixture_clean(x);
    x->d.service_types = (1u << SVC__COUNT) - 1;
    for (int t = 0; t < SVC__COUNT; t++)
        x->fees[t] = (struct filing_fee){.service_type = SVC__COUNT - 1 - t, .monthly_fen = 1000 * (t + 1)};
    x->d.nfees = SVC__COUNT;
    assert_int_equal(run_check(x), 0);
}

static void test_filing_refuses_dossier_without_service_type(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->d.service_types = 0;
    x->d.nfees = 0;
    assert_int_equal(run_check(x), 1);
    expect_finding(x, "service_types_missing", SEV_VIOLATION, "service_types");
}

static void test_filing_reports_every_problem_at_once(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->classes[0] = (struct filing_class){.type = CLASS_INFANT, .capacity = 12, .caregivers = 2};
    x->d.staff_director = 0;
    x->d.staff_health = 0;
    x->d.staff_security = 0;
    x->d.staff_caregiver = 1;
    x->d.indoor_area_m2 = 1;
    x->d.outdoor_area_m2 = 1;
    x->d.nfees = 0;
    run_check(x);
    static const char *const rules[] = {"class_capacity", "caregiver_ratio", "director",
                                        "health_worker",  "security_guard",  "caregiver_staff_total",
                                        "indoor_area",    "outdoor_area",    "fee_missing"};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!find(x, rules[i], NULL)) fail_msg("missing %s", rules[i]);
    assert_int_equal(x->n, (int)(sizeof rules / sizeof rules[0]));
    assert_int_equal(findings_violations(x->f, x->n), 5);
}

static void test_filing_check_counts_beyond_max_without_writing(void **state)
{
    struct fixture *x = *state;
    fixture_clean(x);
    x->d.staff_director = x->d.staff_health = x->d.staff_security = 0;
    x->d.service_types = 0;
    x->d.nfees = 0;
    struct finding few[3];
    memset(few, 0xA5, sizeof few);
    int n = filing_check(&x->d, &x->a, few, 2);
    assert_int_equal(n, 4);
    assert_non_null(few[0].rule);
    assert_non_null(few[1].message);
    unsigned char untouched[sizeof few[2]];
    memset(untouched, 0xA5, sizeof untouched);
    assert_memory_equal(&few[2], untouched, sizeof untouched);
    assert_int_equal(filing_check(&x->d, &x->a, NULL, 0), 4);
}

/* The workflow, written out independently of filing_rules.c. */
static const struct {
    int from, event;
    unsigned role;
    int to;
} allowed_moves[] = {
    {FS_NONE, EV_SUBMIT, ROLE_OPERATOR, FS_SUBMITTED},
    {FS_RETURNED, EV_SUBMIT, ROLE_OPERATOR, FS_SUBMITTED},
    {FS_SUBMITTED, EV_SUBMIT, ROLE_OPERATOR, FS_SUBMITTED},
    {FS_SUBMITTED, EV_APPROVE, ROLE_COUNTY, FS_APPROVED},
    {FS_SUBMITTED, EV_RETURN, ROLE_COUNTY, FS_RETURNED},
};

static void test_filing_transitions_allow_only_the_listed_moves(void **state)
{
    (void)state;
    static const unsigned roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY,  ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR, 0};
    int allowed = 0;
    for (int from = -1; from <= FS__COUNT; from++)
        for (int ev = -1; ev <= EV__COUNT; ev++)
            for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
                int want = -1;
                for (size_t m = 0; m < sizeof allowed_moves / sizeof allowed_moves[0]; m++)
                    if (allowed_moves[m].from == from && allowed_moves[m].event == ev &&
                        allowed_moves[m].role == roles[r])
                        want = allowed_moves[m].to;
                int got = filing_transition(from, ev, roles[r]);
                if (got != want)
                    fail_msg("from %d by event %d as role %#x: got %d, want %d", from, ev, roles[r], got,
                             want);
                if (got >= 0) allowed++;
            }
    assert_int_equal(allowed, (int)(sizeof allowed_moves / sizeof allowed_moves[0]));
}

static void test_filing_nothing_leaves_approved_or_superseded(void **state)
{
    (void)state;
    for (int ev = 0; ev < EV__COUNT; ev++) {
        assert_int_equal(filing_transition(FS_APPROVED, ev, ROLES_ANY_USER), -1);
        assert_int_equal(filing_transition(FS_SUPERSEDED, ev, ROLES_ANY_USER), -1);
    }
}

static void test_filing_transition_table_matches_the_workflow(void **state)
{
    (void)state;
    int n = 0;
    const struct transition *t = filing_transitions(&n);
    assert_int_equal(n, (int)(sizeof allowed_moves / sizeof allowed_moves[0]));
    for (int i = 0; i < n; i++) {
        bool listed = false;
        for (size_t m = 0; m < sizeof allowed_moves / sizeof allowed_moves[0]; m++)
            listed |= allowed_moves[m].from == t[i].from && allowed_moves[m].event == t[i].event &&
                      allowed_moves[m].role == t[i].roles && allowed_moves[m].to == t[i].to;
        if (!listed) fail_msg("unexpected table row %d", i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filing_names_tables_are_complete),
        cmocka_unit_test(test_filing_status_names_round_trip),
        cmocka_unit_test(test_class_type_ages_follow_the_setting_standard),
        cmocka_unit_test(test_attachment_sniff_judges_by_content),
        cmocka_unit_test(test_thresholds_table_has_defaults_and_cites_sources),
        cmocka_unit_test(test_thresholds_set_overrides_known_keys_only),
        cmocka_unit_test_setup_teardown(test_filing_clean_dossier_has_no_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_each_threshold_at_below_and_above, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thresholds_set_changes_what_the_check_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_capacity_message_names_class_and_numbers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_filing_ratio_message_says_how_many_caregivers_are_needed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_filing_refuses_dossier_without_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_refuses_empty_class_and_class_without_caregiver, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_filing_refuses_unknown_class_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_warns_when_planned_caregivers_fall_short_of_classes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_area_counts_children_of_all_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_service_types_and_fees_must_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_each_offered_service_with_its_fee_passes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_filing_refuses_dossier_without_service_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_reports_every_problem_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filing_check_counts_beyond_max_without_writing, setup, teardown),
        cmocka_unit_test(test_filing_transitions_allow_only_the_listed_moves),
        cmocka_unit_test(test_filing_nothing_leaves_approved_or_superseded),
        cmocka_unit_test(test_filing_transition_table_matches_the_workflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
