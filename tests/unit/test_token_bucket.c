/* The per-token rate limiter: a full bucket of per_minute requests, refilled evenly over a minute, the
 * Retry-After it computes, a changed limit starting afresh; and the registration authorities' matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules/tokens/tokens.h"

#include <string.h>

static void test_bucket_allows_per_minute_then_refuses_with_retry_after(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    int64_t retry = 0;
    for (int i = 0; i < 5; i++)
        assert_true(token_bucket_take(&b, 1000, 5, &retry));
    assert_false(token_bucket_take(&b, 1000, 5, &retry));
    assert_int_equal(retry, 12); /* one request every 12 s at 5 a minute */
    /* Still refused just before a request has refilled, allowed at that moment. */
    assert_false(token_bucket_take(&b, 1000 + 11999, 5, &retry));
    assert_int_equal(retry, 1);
    assert_true(token_bucket_take(&b, 1000 + 12000, 5, &retry));
    assert_false(token_bucket_take(&b, 1000 + 12000, 5, &retry));
}

static void test_bucket_refills_to_capacity_only(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    assert_true(token_bucket_take(&b, 1, 60, NULL));
    /* An hour idle refills to 60, not 3600. */
    int allowed = 0;
    while (token_bucket_take(&b, 3600 * 1000, 60, NULL))
        allowed++;
    assert_int_equal(allowed, 60);
}

static void test_bucket_change_of_limit_starts_full(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    for (int i = 0; i < 600; i++)
        assert_true(token_bucket_take(&b, 5000, 600, NULL));
    assert_false(token_bucket_take(&b, 5000, 600, NULL));
    for (int i = 0; i < 3; i++)
        assert_true(token_bucket_take(&b, 5001, 3, NULL));
    int64_t retry = 0;
    assert_false(token_bucket_take(&b, 5001, 3, &retry));
    assert_int_equal(retry, 20);
}

static void test_bucket_clock_going_back_does_not_refill(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    assert_true(token_bucket_take(&b, 10000, 1, NULL));
    assert_false(token_bucket_take(&b, 5000, 1, NULL));
    assert_false(token_bucket_take(&b, 10000, 1, NULL));
}

static void test_bucket_zero_limit_means_one(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    assert_true(token_bucket_take(&b, 1, 0, NULL));
    int64_t retry = 0;
    assert_false(token_bucket_take(&b, 1, 0, &retry));
    assert_int_equal(retry, 60);
}

static void test_authorities_match_code_or_name_only(void **state)
{
    (void)state;
    static const struct {
        const char *code, *pushed;
        bool ok;
    } cases[] = {
        {"market", "market", true},
        {"market", "十堰市市场监督管理局", true},
        {"market", "十堰市民政局", false},
        {"market", "civil", false},
        {"civil", "十堰市民政局", true},
        {"bianban", "十堰市委机构编制委员会办公室", true},
        {"approval", "十堰市行政审批局", true},
        {"approval", "十堰市行政审批局 ", false},
        {"police", "police", false},
        {NULL, "market", false},
        {"market", NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(reg_authority_matches(cases[i].code, cases[i].pushed), cases[i].ok);
    assert_null(reg_authority_by_code("all"));
    int n = 0;
    for (; reg_authorities[n].code; n++)
        assert_ptr_equal(reg_authority_by_code(reg_authorities[n].code), &reg_authorities[n]);
    assert_int_equal(n, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket_allows_per_minute_then_refuses_with_retry_after),
        cmocka_unit_test(test_bucket_refills_to_capacity_only),
        cmocka_unit_test(test_bucket_change_of_limit_starts_full),
        cmocka_unit_test(test_bucket_clock_going_back_does_not_refill),
        cmocka_unit_test(test_bucket_zero_limit_means_one),
        cmocka_unit_test(test_authorities_match_code_or_name_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
