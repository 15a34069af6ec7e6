/* Fee and credit rules: which cap applies to which kind of institution, which row is in effect on a day, fees
 * at, below and above the cap, the finding live compliance makes of a breach; publicity periods and whether a
 * credit record is in force on the days around its period; the revocation table per role; numbers in text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/clock.h"
#include "modules/compliance/compliance.h"
#include "modules/credit/credit.h"
#include "modules/fees/fees.h"
#include "modules/filing/filing.h"

#include <string.h>

#define D(y, m, d) date_to_days((y), (m), (d))

static void test_fee_cap_applies_by_kind_of_institution(void **state)
{
    (void)state;
    assert_true(fee_cap_applies(CAP_INCLUSIVE, true, false));
    assert_false(fee_cap_applies(CAP_INCLUSIVE, false, true));
    assert_true(fee_cap_applies(CAP_NON_PROFIT, false, true));
    assert_false(fee_cap_applies(CAP_NON_PROFIT, true, false));
    assert_false(fee_cap_applies(CAP_INCLUSIVE, false, false));
    assert_false(fee_cap_applies(CAP_NON_PROFIT, false, false));
    assert_true(fee_non_profit("social_org"));
    assert_true(fee_non_profit("public_institution"));
    assert_false(fee_non_profit("enterprise"));
    assert_false(fee_non_profit(NULL));
}

static void test_fee_current_is_latest_effective_on_or_before_today(void **state)
{
    (void)state;
    struct fee_row rows[] = {
        {.id = 1, .service_type = SVC_FULL_DAY, .fen = 100, .effective_from = D(2025, 1, 1)},
        {.id = 2, .service_type = SVC_FULL_DAY, .fen = 200, .effective_from = D(2025, 6, 1)},
        {.id = 3,
         .service_type = SVC_FULL_DAY,
         .fen = 300,
         .effective_from = D(2025, 6, 1)}, /* same day, later */
        {.id = 4, .service_type = SVC_FULL_DAY, .fen = 400, .effective_from = D(2026, 1, 1)}, /* future */
        {.id = 5, .service_type = SVC_HALF_DAY, .fen = 50, .effective_from = D(2025, 1, 1)},
    };
    assert_int_equal(fee_current(rows, 5, SVC_FULL_DAY, -1, D(2024, 12, 31)), -1);
    assert_int_equal(fee_current(rows, 5, SVC_FULL_DAY, -1, D(2025, 1, 1)), 0);
    assert_int_equal(fee_current(rows, 5, SVC_FULL_DAY, -1, D(2025, 5, 31)), 0);
    assert_int_equal(fee_current(rows, 5, SVC_FULL_DAY, -1, D(2025, 6, 1)), 2);
    assert_int_equal(fee_current(rows, 5, SVC_FULL_DAY, -1, D(2025, 12, 31)), 2);
    assert_int_equal(fee_current(rows, 5, SVC_FULL_DAY, -1, D(2026, 1, 1)), 3);
    assert_int_equal(fee_current(rows, 5, SVC_HALF_DAY, -1, D(2026, 1, 1)), 4);
    assert_int_equal(fee_current(rows, 5, SVC_HOURLY, -1, D(2026, 1, 1)), -1);
}

static struct fee_row caps[3];

/* Caps of one district: inclusive full day 2000 yuan from 2025, non-profit 2400, inclusive falls to 1800 in
 * 2026. */
static int setup_caps(void **state)
{
    (void)state;
    caps[0] = (struct fee_row){.id = 1,
                               .service_type = SVC_FULL_DAY,
                               .cap_kind = CAP_INCLUSIVE,
                               .fen = 200000,
                               .effective_from = D(2025, 1, 1)};
    caps[1] = (struct fee_row){.id = 2,
                               .service_type = SVC_FULL_DAY,
                               .cap_kind = CAP_NON_PROFIT,
                               .fen = 240000,
                               .effective_from = D(2025, 1, 1)};
    caps[2] = (struct fee_row){.id = 3,
                               .service_type = SVC_FULL_DAY,
                               .cap_kind = CAP_INCLUSIVE,
                               .fen = 180000,
                               .effective_from = D(2026, 1, 1)};
    return 0;
}

static void test_fee_applicable_cap_is_the_stricter_current_one(void **state)
{
    (void)state;
    int64_t day = D(2025, 7, 1);
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_FULL_DAY, true, false, day), 0);
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_FULL_DAY, false, true, day), 1);
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_FULL_DAY, true, true, day), 0);    /* 2000 < 2400 */
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_FULL_DAY, false, false, day), -1); /* for-profit */
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_HALF_DAY, true, true, day), -1);   /* no cap set */
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_FULL_DAY, true, false, D(2024, 12, 31)), -1);
    assert_int_equal(fee_applicable_cap(caps, 3, SVC_FULL_DAY, true, false, D(2026, 1, 1)), 2);
}

/* Fees at, below and above the cap; only above is a breach. */
static void test_fee_breach_only_strictly_above_the_cap(void **state)
{
    (void)state;
    static const struct {
        int64_t fen;
        bool inclusive, non_profit;
        int breaches;
    } cases[] = {
        {199999, true, false, 0}, {200000, true, false, 0}, {200001, true, false, 1},
        {240000, false, true, 0}, {240001, false, true, 1}, {999999, false, false, 0},
        {220000, true, true, 1}, /* the stricter inclusive cap binds */
    };
    int64_t day = D(2025, 7, 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fee_row fees[] = {
            {.id = 1, .service_type = SVC_FULL_DAY, .fen = cases[i].fen, .effective_from = D(2025, 2, 1)}};
        struct cmp_fee_breach out[SVC__COUNT];
        int n = fee_breaches(fees, 1, caps, 3, cases[i].inclusive, cases[i].non_profit, day, out, SVC__COUNT);
        assert_int_equal(n, cases[i].breaches);
        if (n) {
            assert_int_equal(out[0].service_type, SVC_FULL_DAY);
            assert_int_equal(out[0].fee_fen, cases[i].fen);
            assert_int_equal(out[0].cap_from, D(2025, 1, 1));
        }
    }
}

static void test_fee_lowered_or_future_fee_is_no_breach(void **state)
{
    (void)state;
    struct fee_row fees[] = {
        {.id = 1, .service_type = SVC_FULL_DAY, .fen = 250000, .effective_from = D(2025, 2, 1)},
        {.id = 2, .service_type = SVC_FULL_DAY, .fen = 190000, .effective_from = D(2025, 8, 1)},
    };
    struct cmp_fee_breach out[SVC__COUNT];
    assert_int_equal(fee_breaches(fees, 2, caps, 3, true, false, D(2025, 7, 31), out, SVC__COUNT), 1);
    assert_int_equal(fee_breaches(fees, 2, caps, 3, true, false, D(2025, 8, 1), out, SVC__COUNT), 0);
    /* The cap falls to 1800 on 2026-01-01: the lowered fee of 1900 is then above it. */
    assert_int_equal(fee_breaches(fees, 2, caps, 3, true, false, D(2026, 1, 1), out, SVC__COUNT), 1);
    assert_int_equal(out[0].cap_fen, 180000);
}

static void test_fee_breach_becomes_a_compliance_violation(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct cmp_fee_breach b = {
        .service_type = SVC_FULL_DAY, .fee_fen = 230000, .cap_fen = 200000, .cap_from = D(2025, 1, 1)};
    struct cmp_input in = {.today = D(2025, 7, 1), .fee_breaches = &b, .nfee_breaches = 1};
    struct cmp_finding f[64];
    int n = compliance_evaluate(&in, &a, f, 64);
    int found = -1;
    for (int i = 0; i < n && i < 64; i++)
        if (strcmp(f[i].rule, "fee_above_cap") == 0) found = i;
    assert_true(found >= 0);
    assert_int_equal(f[found].severity, CMP_VIOLATION);
    assert_string_equal(f[found].subject, "fee:full_day");
    assert_non_null(strstr(f[found].message, "2300.00"));
    assert_non_null(strstr(f[found].message, "2000.00"));
    assert_non_null(strstr(f[found].clause, "指导价"));
    arena_free(&a);
}

static void test_credit_default_publicity_by_kind(void **state)
{
    (void)state;
    assert_int_equal(credit_publicity_years(CREDIT_SERIOUS_VIOLATION), 3);
    assert_int_equal(credit_publicity_years(CREDIT_ABUSE), 3);
    assert_int_equal(credit_publicity_years(CREDIT_OPERATING_UNFILED), 1);
    assert_int_equal(credit_publicity_years(CREDIT_OTHER), 1);
    assert_int_equal(credit_default_until(CREDIT_SERIOUS_VIOLATION, D(2025, 3, 1)), D(2028, 2, 29));
    assert_int_equal(credit_default_until(CREDIT_OTHER, D(2025, 3, 1)), D(2026, 2, 28));
    assert_int_equal(credit_default_until(CREDIT_OTHER, D(2024, 2, 29)), D(2025, 2, 27));
    assert_non_null(strstr(credit_publicity_clause, "本地设置"));
}

static void test_credit_in_force_on_the_days_of_its_period(void **state)
{
    (void)state;
    int64_t from = D(2025, 3, 1), until = D(2026, 2, 28);
    assert_false(credit_in_force(CREDIT_ACTIVE, from, until, from - 1));
    assert_true(credit_in_force(CREDIT_ACTIVE, from, until, from));
    assert_true(credit_in_force(CREDIT_ACTIVE, from, until, until));
    assert_false(credit_in_force(CREDIT_ACTIVE, from, until, until + 1));
    assert_false(credit_in_force(CREDIT_REVOKED, from, until, from + 10));
}

static void test_credit_revocation_table_per_role(void **state)
{
    (void)state;
    static const unsigned roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY, ROLE_REGISTRAR,
                                     ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        bool may = roles[i] & (ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY);
        assert_int_equal(credit_transition(CREDIT_ACTIVE, CREDIT_EV_REVOKE, roles[i]),
                         may ? CREDIT_REVOKED : -1);
        assert_int_equal(credit_transition(CREDIT_REVOKED, CREDIT_EV_REVOKE, roles[i]), -1);
    }
}

static void test_credit_text_with_id_or_phone_number_is_refused(void **state)
{
    (void)state;
    assert_true(credit_text_has_number("联系人 13800138000"));
    assert_true(credit_text_has_number("身份证 420303198501011235"));
    assert_true(credit_text_has_number("42030319850101123X"));
    assert_false(credit_text_has_number("张卫罚〔2025〕12号"));
    assert_false(credit_text_has_number("inspection:1234567890")); /* ten digits */
    assert_false(credit_text_has_number(""));
    assert_false(credit_text_has_number(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fee_cap_applies_by_kind_of_institution),
        cmocka_unit_test(test_fee_current_is_latest_effective_on_or_before_today),
        cmocka_unit_test_setup(test_fee_applicable_cap_is_the_stricter_current_one, setup_caps),
        cmocka_unit_test_setup(test_fee_breach_only_strictly_above_the_cap, setup_caps),
        cmocka_unit_test_setup(test_fee_lowered_or_future_fee_is_no_breach, setup_caps),
        cmocka_unit_test(test_fee_breach_becomes_a_compliance_violation),
        cmocka_unit_test(test_credit_default_publicity_by_kind),
        cmocka_unit_test(test_credit_in_force_on_the_days_of_its_period),
        cmocka_unit_test(test_credit_revocation_table_per_role),
        cmocka_unit_test(test_credit_text_with_id_or_phone_number_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
