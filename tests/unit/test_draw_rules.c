/* Random draws, method sha256-rank-v1: scores equal what `printf '%s' '<seed>:<kind>:<id>' | sha256sum`
 * prints (vectors computed with coreutils and written down here), ranking by score, selection of the first N,
 * and the round-robin assignment of ranked inspectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules/inspection/draw.h"

#include <stdio.h>
#include <string.h>

#define SEED "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* printf '%s' "$SEED:institution:$id" | sha256sum, for ids 1..8, 10, 42; sorted by score. */
static const struct {
    int64_t id;
    const char *score;
} inst_vectors[] = {
    {6, "2203ba30e792134b10782ab334bd1c83c9912b4462f7201e5c9bd091b0f5be11"},
    {3, "2930c9a56212fced7a7bd8e80122417f519fff1dea0b6e6649e3c135dc171051"},
    {1, "2afd9f75ff8ad3502a765eff39841d5ed86b3a0f8840cc267adeb3fdf4f19085"},
    {5, "3d822ced9f958c977e006472d5211f9642243a69b0552a8fd7fc9572245a9704"},
    {7, "553bf43dc5e2c6a8787b1a92f4a5c901fad950dc2ff3f14dba7eb27959c1a7ad"},
    {2, "5b4ccc68ca7f7e7dd537cff2da1164e14d7a15174dde17cd86c3a486797904ce"},
    {42, "63f4fad6968cb0f99afc9003176c7a72e73a5f2d0a9bf366d037e35bd5034697"},
    {4, "7c1a210ab378f1dcf725e0f5ce30f40b693bb95473086c4b094eda20c611e02c"},
    {8, "b393faba189aa43deb1fbd5fdd6e31f093f62cc65c4ee8245a1a927caddb5485"},
    {10, "ed53a4362ec2c2026da6d66a0613b24115f9d2566bcc51a10a005efebc77974f"},
};
#define NINST ((int)(sizeof inst_vectors / sizeof inst_vectors[0]))

/* printf '%s' "$SEED:inspector:$id" | sha256sum, for ids 7, 8, 9, 11; sorted by score. */
static const struct {
    int64_t id;
    const char *score;
} insp_vectors[] = {
    {8, "2a1a1acbb8e136a1e5dda4e297de63ac1f87b3f491db820728463fa82376986e"},
    {7, "75831db3267a01c6440409aaa3b1a36e45597b11d75da58bb19f4db6c98fb5a5"},
    {11, "a92833e0885ca285d8316dbee5d10bb59982f08cb082a14ca102c512b5eb5175"},
    {9, "bb03166700c85273079693b8a173ee3bc34360ba7f95a19b7bac03b56c4fae95"},
};

static void test_draw_score_equals_sha256sum_of_the_published_text(void **state)
{
    (void)state;
    char out[DRAW_HEX_LEN + 1];
    for (int i = 0; i < NINST; i++) {
        draw_score(SEED, DRAW_INSTITUTION, inst_vectors[i].id, out);
        assert_string_equal(out, inst_vectors[i].score);
    }
    for (int i = 0; i < 4; i++) {
        draw_score(SEED, DRAW_INSPECTOR, insp_vectors[i].id, out);
        assert_string_equal(out, insp_vectors[i].score);
    }
}

static void test_draw_score_depends_on_seed_kind_and_id(void **state)
{
    (void)state;
    char a[DRAW_HEX_LEN + 1], b[DRAW_HEX_LEN + 1];
    draw_score(SEED, DRAW_INSTITUTION, 7, a);
    draw_score(SEED, DRAW_INSPECTOR, 7, b);
    assert_string_not_equal(a, b);
    draw_score(SEED, DRAW_INSTITUTION, 70, b);
    assert_string_not_equal(a, b);
    draw_score("1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", DRAW_INSTITUTION, 7, b);
    assert_string_not_equal(a, b);
    draw_score(SEED, DRAW_INSTITUTION, 7, b);
    assert_string_equal(a, b);
}

static void fill(struct draw_candidate *c, const int64_t *ids, int n)
{
    memset(c, 0, sizeof *c * (size_t)n);
    for (int i = 0; i < n; i++)
        c[i].id = ids[i];
}

static void test_draw_rank_sorts_by_score_and_selects_the_first_n(void **state)
{
    (void)state;
    static const int64_t ids[] = {1, 2, 3, 4, 5, 6, 7, 8, 10, 42};
    struct draw_candidate c[NINST];
    fill(c, ids, NINST);
    draw_rank(SEED, DRAW_INSTITUTION, c, NINST, 3);
    for (int i = 0; i < NINST; i++) {
        assert_int_equal(c[i].id, inst_vectors[i].id);
        assert_string_equal(c[i].score, inst_vectors[i].score);
        assert_int_equal(c[i].rank, i);
        assert_int_equal(c[i].selected, i < 3);
    }
}

static void test_draw_rank_does_not_depend_on_the_order_of_the_register(void **state)
{
    (void)state;
    static const int64_t forward[] = {1, 2, 3, 4, 5, 6, 7, 8, 10, 42};
    static const int64_t backward[] = {42, 10, 8, 7, 6, 5, 4, 3, 2, 1};
    static const int64_t shuffled[] = {5, 42, 1, 8, 3, 10, 2, 7, 6, 4};
    const int64_t *orders[] = {forward, backward, shuffled};
    for (int o = 0; o < 3; o++) {
        struct draw_candidate c[NINST];
        fill(c, orders[o], NINST);
        draw_rank(SEED, DRAW_INSTITUTION, c, NINST, 5);
        for (int i = 0; i < NINST; i++)
            assert_int_equal(c[i].id, inst_vectors[i].id);
    }
}

static void test_draw_rank_selects_at_most_what_is_there(void **state)
{
    (void)state;
    static const int64_t ids[] = {1, 2, 3};
    struct draw_candidate c[3];
    fill(c, ids, 3);
    draw_rank(SEED, DRAW_INSTITUTION, c, 3, 10);
    for (int i = 0; i < 3; i++)
        assert_true(c[i].selected);
    draw_rank(SEED, DRAW_INSTITUTION, c, 3, 0);
    for (int i = 0; i < 3; i++)
        assert_false(c[i].selected);
    draw_rank(SEED, DRAW_INSTITUTION, c, 0, 2); /* an empty register draws nothing and does not crash */
}

static void test_draw_sort_breaks_equal_scores_by_id(void **state)
{
    (void)state;
    struct draw_candidate c[4];
    static const int64_t ids[] = {9, 3, 7, 1};
    fill(c, ids, 4);
    for (int i = 0; i < 4; i++)
        strcpy(c[i].score, i == 2 ? "00" : "ff");
    draw_sort(c, 4);
    assert_int_equal(c[0].id, 7);
    assert_int_equal(c[1].id, 1);
    assert_int_equal(c[2].id, 3);
    assert_int_equal(c[3].id, 9);
    assert_int_equal(c[3].rank, 3);
}

static void test_draw_assign_goes_round_robin_over_the_ranked_inspectors(void **state)
{
    (void)state;
    /* m = 3 inspectors, k = 2 each: institution 0 → ranks 0,1; 1 → 2,0; 2 → 1,2; 3 → 0,1. */
    static const int want[4][2] = {{0, 1}, {2, 0}, {1, 2}, {0, 1}};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++)
            assert_int_equal(draw_assign(i, j, 2, 3), want[i][j]);
    /* k = m: every institution gets every inspector, in rank order. */
    for (int j = 0; j < 4; j++)
        assert_int_equal(draw_assign(5, j, 4, 4), j);
    /* k = 1: each institution its own inspector while they last. */
    for (int i = 0; i < 6; i++)
        assert_int_equal(draw_assign(i, 0, 1, 6), i);
}

static void test_draw_assign_never_gives_an_institution_the_same_inspector_twice(void **state)
{
    (void)state;
    for (int m = 1; m <= 9; m++)
        for (int k = 1; k <= m; k++)
            for (int i = 0; i < 20; i++)
                for (int j1 = 0; j1 < k; j1++)
                    for (int j2 = j1 + 1; j2 < k; j2++)
                        assert_int_not_equal(draw_assign(i, j1, k, m), draw_assign(i, j2, k, m));
}

static void test_draw_assign_refuses_impossible_arguments(void **state)
{
    (void)state;
    assert_int_equal(draw_assign(0, 0, 2, 1), -1); /* k > m */
    assert_int_equal(draw_assign(0, 0, 1, 0), -1); /* no inspectors */
    assert_int_equal(draw_assign(0, 2, 2, 3), -1); /* j outside 0..k-1 */
    assert_int_equal(draw_assign(0, -1, 2, 3), -1);
    assert_int_equal(draw_assign(-1, 0, 2, 3), -1);
    assert_int_equal(draw_assign(0, 0, 0, 3), -1);
}

/* A one-district draw: the inspectors 8, 7, 11, 9 (rank order for SEED), two per institution, three drawn
 * institutions: ranks 0,1 / 2,3 / 0,1. */
static void test_draw_assign_all_in_one_district_follows_the_ranks(void **state)
{
    (void)state;
    static const int64_t inst_ids[] = {1, 2, 3, 4, 5, 6};
    static const int64_t insp_ids[] = {7, 8, 9, 11};
    struct draw_candidate in[6], ip[4];
    fill(in, inst_ids, 6);
    fill(ip, insp_ids, 4);
    for (int i = 0; i < 6; i++)
        in[i].group = "420303";
    for (int i = 0; i < 4; i++)
        ip[i].group = "420303";
    draw_rank(SEED, DRAW_INSTITUTION, in, 6, 3);
    draw_rank(SEED, DRAW_INSPECTOR, ip, 4, 0);
    assert_int_equal(ip[0].id, 8);
    assert_int_equal(ip[1].id, 7);
    int out[6];
    assert_int_equal(draw_assign_all(in, 6, ip, 4, 2, out, NULL), 3);
    static const int want[6] = {0, 1, 2, 3, 0, 1};
    for (int i = 0; i < 6; i++)
        assert_int_equal(out[i], want[i]);
    for (int i = 0; i < 4; i++)
        assert_true(ip[i].selected);
    /* One institution with two: only the first two ranks are drawn. */
    draw_rank(SEED, DRAW_INSTITUTION, in, 6, 1);
    assert_int_equal(draw_assign_all(in, 6, ip, 4, 2, out, NULL), 1);
    assert_true(ip[0].selected && ip[1].selected);
    assert_false(ip[2].selected || ip[3].selected);
}

/* A city-wide draw: each institution gets inspectors of its own district, round-robin within it. */
static void test_draw_assign_all_keeps_inspectors_in_their_district(void **state)
{
    (void)state;
    struct draw_candidate in[4] = {
        {.id = 1, .group = "A", .selected = true},
        {.id = 2, .group = "B", .selected = true},
        {.id = 3, .group = "A", .selected = true},
        {.id = 4, .group = "B", .selected = false},
    };
    struct draw_candidate ip[5] = {
        {.id = 10, .group = "B"}, {.id = 11, .group = "A"}, {.id = 12, .group = "A"},
        {.id = 13, .group = "B"}, {.id = 14, .group = "A"},
    };
    int out[6];
    assert_int_equal(draw_assign_all(in, 4, ip, 5, 2, out, NULL), 3);
    /* A's list: 11, 12, 14; B's: 10, 13. Institution 1 (A, c=0): 11, 12; 2 (B, c=0): 10, 13; 3 (A, c=1):
     * positions 2, 0 → 14, 11. */
    static const int64_t want[6] = {11, 12, 10, 13, 14, 11};
    for (int i = 0; i < 6; i++)
        assert_int_equal(ip[out[i]].id, want[i]);
    for (int i = 0; i < 5; i++)
        assert_true(ip[i].selected);
}

static void test_draw_assign_all_refuses_a_district_with_too_few_inspectors(void **state)
{
    (void)state;
    struct draw_candidate in[2] = {{.id = 1, .group = "A", .selected = true},
                                   {.id = 2, .group = "B", .selected = true}};
    struct draw_candidate ip[3] = {
        {.id = 10, .group = "A"}, {.id = 11, .group = "A"}, {.id = 12, .group = "B"}};
    int out[4] = {-7, -7, -7, -7};
    const char *shortg = NULL;
    assert_int_equal(draw_assign_all(in, 2, ip, 3, 2, out, &shortg), -1);
    assert_string_equal(shortg, "B");
    assert_int_equal(out[0], -7); /* nothing assigned */
    /* An undrawn institution's district does not need inspectors. */
    in[1].selected = false;
    assert_int_equal(draw_assign_all(in, 2, ip, 3, 2, out, &shortg), 1);
    assert_int_equal(draw_assign_all(in, 2, ip, 3, 3, out, &shortg), -1);
    assert_string_equal(shortg, "A");
}

static void test_draw_seed_valid_takes_only_64_lowercase_hex_digits(void **state)
{
    (void)state;
    assert_true(draw_seed_valid(SEED));
    assert_true(draw_seed_valid("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
    assert_false(draw_seed_valid(NULL));
    assert_false(draw_seed_valid(""));
    assert_false(draw_seed_valid("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_false(draw_seed_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"));
    assert_false(draw_seed_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
    assert_false(draw_seed_valid("0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_false(draw_seed_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draw_score_equals_sha256sum_of_the_published_text),
        cmocka_unit_test(test_draw_score_depends_on_seed_kind_and_id),
        cmocka_unit_test(test_draw_rank_sorts_by_score_and_selects_the_first_n),
        cmocka_unit_test(test_draw_rank_does_not_depend_on_the_order_of_the_register),
        cmocka_unit_test(test_draw_rank_selects_at_most_what_is_there),
        cmocka_unit_test(test_draw_sort_breaks_equal_scores_by_id),
        cmocka_unit_test(test_draw_assign_goes_round_robin_over_the_ranked_inspectors),
        cmocka_unit_test(test_draw_assign_never_gives_an_institution_the_same_inspector_twice),
        cmocka_unit_test(test_draw_assign_refuses_impossible_arguments),
        cmocka_unit_test(test_draw_assign_all_in_one_district_follows_the_ranks),
        cmocka_unit_test(test_draw_assign_all_keeps_inspectors_in_their_district),
        cmocka_unit_test(test_draw_assign_all_refuses_a_district_with_too_few_inspectors),
        cmocka_unit_test(test_draw_seed_valid_takes_only_64_lowercase_hex_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
