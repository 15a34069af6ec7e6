/* Registration rules: the scope names infant care, and every bad field is reported in one go. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/arena.h"
#include "json/jspec.h"
#include "modules/registration/registration.h"

#include <string.h>

static void test_registration_scope_names_infant_care(void **state)
{
    (void)state;
    static const struct {
        const char *scope;
        bool childcare;
    } cases[] = {
        {"3岁以下婴幼儿照护服务", true},
        {"许可项目：三岁以下婴幼儿照护服务；一般项目：家政服务", true},
        {"３岁以下婴幼儿照护服务（全角数字）", true},
        {"托育服务；教育咨询服务（不含涉许可审批的教育培训活动）", true},
        {"婴幼儿托育", true},
        {"教育咨询服务；家政服务；餐饮服务", false},
        {"3-6岁幼儿教育", false},
        {"婴幼儿用品销售", false},
        {"3岁以下婴幼儿用品销售", false},
        {"4岁以下婴幼儿照护", false},
        {"托 育", false}, /* a space in the phrase is not the phrase */
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (registration_scope_is_childcare(cases[i].scope) != cases[i].childcare)
            fail_msg("scope \"%s\": expected %s", cases[i].scope ? cases[i].scope : "(null)",
                     cases[i].childcare ? "childcare" : "not childcare");
}

struct fixture {
    struct arena a;
    struct field_errors fe;
    struct registration reg;
};

static int setup(void **state)
{
    static struct fixture x;
    arena_init(&x.a, 0);
    fe_init(&x.fe, &x.a);
    x.reg = (struct registration){
        .uscc = "91110000600037341L",
        .name = "十堰市张湾区小星星托育有限公司",
        .district_code = "420303",
        .address = "十堰市张湾区车城路 1 号",
        .business_scope = "许可项目：3岁以下婴幼儿照护服务",
        .authority = "十堰市张湾区市场监督管理局",
        .legal_form = LEGAL_ENTERPRISE,
        .registered_on = 19000,
    };
    *state = &x;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *x = *state;
    arena_free(&x->a);
    return 0;
}

static const struct field_error *error_on(const struct fixture *x, const char *field)
{
    for (int i = 0; i < x->fe.n; i++)
        if (strcmp(x->fe.items[i].field, field) == 0) return &x->fe.items[i];
    return NULL;
}

static int errors_on(const struct fixture *x, const char *field)
{
    int n = 0;
    for (int i = 0; i < x->fe.n; i++)
        n += strcmp(x->fe.items[i].field, field) == 0;
    return n;
}

static void test_registration_clean_push_passes(void **state)
{
    struct fixture *x = *state;
    assert_true(registration_check(&x->reg, true, &x->fe));
    assert_int_equal(x->fe.n, 0);
}

static void test_registration_each_legal_form_with_its_digit_passes(void **state)
{
    struct fixture *x = *state;
    static const struct {
        const char *uscc;
        int lf;
    } cases[] = {
        {"91110000600037341L", LEGAL_ENTERPRISE},
        {"91512081MA62K0260E", LEGAL_ENTERPRISE},
        {"52420303MJ0000000", LEGAL_SOCIAL_ORG},
        {"12420303400000000", LEGAL_PUBLIC_INSTITUTION},
    };
    char code[19];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(code, cases[i].uscc, 17);
        code[17] = uscc_check_char(code);
        code[18] = '\0';
        x->reg.uscc = code;
        x->reg.legal_form = cases[i].lf;
        fe_init(&x->fe, &x->a);
        if (!registration_check(&x->reg, true, &x->fe))
            fail_msg("%s as %s: %s", code, legal_form_names[cases[i].lf], x->fe.items[0].message);
    }
}

static void test_registration_reports_all_bad_fields_at_once(void **state)
{
    struct fixture *x = *state;
    x->reg.uscc = "91110000600037341K";           /* wrong check character */
    x->reg.legal_form = LEGAL_SOCIAL_ORG;         /* but the code says enterprise */
    x->reg.district_code = "420111";              /* 武汉市洪山区: not ours */
    x->reg.business_scope = "餐饮服务；家政服务"; /* no infant care */
    assert_false(registration_check(&x->reg, false, &x->fe));
    assert_int_equal(x->fe.n, 4);
    static const char *const fields[] = {"uscc", "legal_form", "district_code", "business_scope"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (errors_on(x, fields[i]) != 1) fail_msg("expected one error on %s", fields[i]);
        assert_true(strlen(error_on(x, fields[i])->message) > 0);
    }
    assert_non_null(strstr(error_on(x, "uscc")->message, "校验位"));
    assert_non_null(strstr(error_on(x, "legal_form")->message, "应为 5"));
    assert_non_null(strstr(error_on(x, "district_code")->message, "420111"));
    assert_non_null(strstr(error_on(x, "business_scope")->message, "托育"));
}

static void test_registration_says_which_digit_the_legal_form_expects(void **state)
{
    struct fixture *x = *state;
    static const struct {
        int lf;
        const char *want;
    } cases[] = {
        {LEGAL_SOCIAL_ORG, "应为 5，实际为 9"},
        {LEGAL_PUBLIC_INSTITUTION, "应为 1，实际为 9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fe_init(&x->fe, &x->a);
        x->reg.legal_form = cases[i].lf;
        assert_false(registration_check(&x->reg, true, &x->fe));
        assert_int_equal(x->fe.n, 1);
        assert_string_equal(x->fe.items[0].field, "legal_form");
        assert_non_null(strstr(x->fe.items[0].message, cases[i].want));
    }
}

static void test_registration_refuses_malformed_uscc(void **state)
{
    struct fixture *x = *state;
    static const char *const bad[] = {
        "",
        "9111000060003734",              /* 16 */
        "91110000600037341",             /* 17 */
        "91110000600037341L0",           /* 19 */
        "91110000600037341l",            /* lower case */
        "9111000060003734IL",            /* I is not in the alphabet */
        "91110000600037341Z",            /* nor is Z, even as check character */
        "91110000600037341\xE4\xB8\x80", /* 20 bytes with a Chinese character */
        "91110000600037341M",            /* right shape, wrong check */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fe_init(&x->fe, &x->a);
        x->reg.uscc = bad[i];
        assert_false(registration_check(&x->reg, true, &x->fe));
        if (errors_on(x, "uscc") != 1) fail_msg("code \"%s\": %d uscc errors", bad[i], errors_on(x, "uscc"));
    }
    fe_init(&x->fe, &x->a);
    x->reg.uscc = NULL;
    assert_false(registration_check(&x->reg, true, &x->fe));
    assert_int_equal(errors_on(x, "uscc"), 1);
}

static void test_registration_refuses_unknown_legal_form(void **state)
{
    struct fixture *x = *state;
    static const int bad[] = {-1, LEGAL__COUNT, 99};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fe_init(&x->fe, &x->a);
        x->reg.legal_form = bad[i];
        assert_false(registration_check(&x->reg, true, &x->fe));
        assert_int_equal(x->fe.n, 1);
        assert_string_equal(x->fe.items[0].field, "legal_form");
    }
}

static void test_registration_district_unknown_or_missing(void **state)
{
    struct fixture *x = *state;
    static const char *const codes[] = {"420111", "", NULL, "十堰", "4203031234567890"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        fe_init(&x->fe, &x->a);
        x->reg.district_code = codes[i];
        assert_false(registration_check(&x->reg, false, &x->fe));
        assert_int_equal(x->fe.n, 1);
        assert_string_equal(x->fe.items[0].field, "district_code");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registration_scope_names_infant_care),
        cmocka_unit_test_setup_teardown(test_registration_clean_push_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_each_legal_form_with_its_digit_passes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_registration_reports_all_bad_fields_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_says_which_digit_the_legal_form_expects, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_registration_refuses_malformed_uscc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_refuses_unknown_legal_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_district_unknown_or_missing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
