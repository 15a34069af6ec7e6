/* GB 32100 and GB 11643 codes: published vectors pass, every single-character mutation fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules/reference/codes.h"

#include <stdio.h>
#include <string.h>

static const char *const published_uscc[] = {"91110000600037341L", "91512081MA62K0260E"};
#define N_PUBLISHED_USCC (sizeof(published_uscc) / sizeof(published_uscc[0]))

/* Every printable ASCII character: the alphabet, the excluded letters I O S V Z, lower case, punctuation. */
static void for_each_mutation(const char *good, void (*check)(const char *mutated, int pos, char c))
{
    size_t len = strlen(good);
    char buf[32];
    for (size_t pos = 0; pos < len; pos++) {
        for (int c = 0x20; c < 0x7f; c++) {
            if (c == good[pos]) continue;
            memcpy(buf, good, len + 1);
            buf[pos] = (char)c;
            check(buf, (int)pos, (char)c);
        }
    }
}

static void test_uscc_published_vectors_are_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PUBLISHED_USCC; i++) {
        assert_true(uscc_valid(published_uscc[i]));
        assert_int_equal(uscc_check_char(published_uscc[i]), published_uscc[i][17]);
    }
}

static void uscc_mutation_must_fail(const char *mutated, int pos, char c)
{
    if (uscc_valid(mutated)) fail_msg("mutation at %d to '%c' accepted: %s", pos, c, mutated);
}

static void test_uscc_rejects_every_single_character_mutation(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PUBLISHED_USCC; i++)
        for_each_mutation(published_uscc[i], uscc_mutation_must_fail);
}

static void test_uscc_rejects_lower_case(void **state)
{
    (void)state;
    assert_false(uscc_valid("91512081ma62k0260e"));
    assert_false(uscc_valid("91512081MA62K0260e"));
    assert_false(uscc_valid("91110000600037341l"));
}

static void test_uscc_rejects_wrong_lengths(void **state)
{
    (void)state;
    char buf[40];
    const char *good = published_uscc[0];
    for (size_t n = 0; n < 18; n++) {
        memcpy(buf, good, n);
        buf[n] = '\0';
        assert_false(uscc_valid(buf));
    }
    snprintf(buf, sizeof buf, "%s0", good);
    assert_false(uscc_valid(buf));
    snprintf(buf, sizeof buf, "%sL", good);
    assert_false(uscc_valid(buf));
    snprintf(buf, sizeof buf, " %s", good);
    assert_false(uscc_valid(buf));
    assert_false(uscc_valid(NULL));
}

static void test_uscc_check_char_refuses_characters_outside_alphabet(void **state)
{
    (void)state;
    assert_int_equal(uscc_check_char("9111000060003734I"), 0);
    assert_int_equal(uscc_check_char("9111000060003734O"), 0);
    assert_int_equal(uscc_check_char("9111000060003734a"), 0);
    assert_int_equal(uscc_check_char("911100006000"), 0); /* too short */
}

static void test_uscc_legal_form_follows_first_character(void **state)
{
    (void)state;
    static const struct {
        const char *uscc;
        enum legal_form lf;
        bool match;
    } cases[] = {
        {"91110000600037341L", LEGAL_ENTERPRISE, true},
        {"91110000600037341L", LEGAL_SOCIAL_ORG, false},
        {"91110000600037341L", LEGAL_PUBLIC_INSTITUTION, false},
        {"52420300MJ0000000X", LEGAL_SOCIAL_ORG, true},
        {"51420300MJ0000000X", LEGAL_SOCIAL_ORG, true},
        {"52420300MJ0000000X", LEGAL_ENTERPRISE, false},
        {"12420300400000000X", LEGAL_PUBLIC_INSTITUTION, true},
        {"11420300400000000X", LEGAL_PUBLIC_INSTITUTION, true},
        {"12420300400000000X", LEGAL_ENTERPRISE, false},
        {"92420300MA0000000X", LEGAL_ENTERPRISE, true}, /* only the first character decides */
        {"Y1420300MA0000000X", LEGAL_ENTERPRISE, false},
        {"", LEGAL_ENTERPRISE, false},
        {"91110000600037341L", LEGAL__COUNT, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (uscc_matches_legal_form(cases[i].uscc, cases[i].lf) != cases[i].match)
            fail_msg("case %zu: %s / %d", i, cases[i].uscc, cases[i].lf);

    /* Exhaustive over the first character: exactly one form's digit matches, and only for that form. */
    static const char digit_of[LEGAL__COUNT] = {'9', '5', '1'};
    char code[19] = "91110000600037341L";
    for (int c = 0x20; c < 0x7f; c++) {
        code[0] = (char)c;
        for (int lf = 0; lf < LEGAL__COUNT; lf++)
            if (uscc_matches_legal_form(code, (enum legal_form)lf) != (c == digit_of[lf]))
                fail_msg("first character '%c' as %s", c, legal_form_names[lf]);
    }
    assert_false(uscc_matches_legal_form(NULL, LEGAL_ENTERPRISE));
    assert_string_equal(legal_form_names[LEGAL_ENTERPRISE], "enterprise");
    assert_string_equal(legal_form_names[LEGAL_SOCIAL_ORG], "social_org");
    assert_string_equal(legal_form_names[LEGAL_PUBLIC_INSTITUTION], "public_institution");
    assert_null(legal_form_names[LEGAL__COUNT]);
}

/* The reference example; its check character 5 is what the algorithm gives. */
static const char *const good_id = "420303198501011235";

static void test_idnum_reference_example_is_valid(void **state)
{
    (void)state;
    assert_int_equal(idnum_check_char(good_id), '5');
    assert_true(idnum_valid(good_id));
}

static void idnum_mutation_must_fail(const char *mutated, int pos, char c)
{
    /* A mutated birth-date digit can still give a valid number only if the check digit also moves, which a
     * single mutation cannot do: the weights are all non-zero modulo 11. */
    if (idnum_valid(mutated)) fail_msg("mutation at %d to '%c' accepted: %s", pos, c, mutated);
}

static void test_idnum_rejects_every_single_character_mutation(void **state)
{
    (void)state;
    for_each_mutation(good_id, idnum_mutation_must_fail);
}

static void test_idnum_x_check_character_must_be_upper_case(void **state)
{
    (void)state;
    /* 11010519491231002X is the number printed in GB 11643 itself. */
    assert_int_equal(idnum_check_char("11010519491231002X"), 'X');
    assert_true(idnum_valid("11010519491231002X"));
    assert_false(idnum_valid("11010519491231002x"));
    assert_false(idnum_valid("110105194912310020"));
}

/* Build a number with a given birth date and the right check character, so only the date can fail. */
static void id_with_birth(char out[19], const char *yyyymmdd)
{
    memcpy(out, "420303", 6);
    memcpy(out + 6, yyyymmdd, 8);
    memcpy(out + 14, "123", 3);
    out[17] = idnum_check_char(out);
    out[18] = '\0';
}

static void test_idnum_birth_date_must_be_a_real_date(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        bool ok;
    } cases[] = {
        {"19850101", true},  {"19850230", false}, {"19850229", false}, {"19840229", true},
        {"20000229", true},  {"19000229", false}, {"21000229", false}, {"20240229", true},
        {"19851301", false}, {"19850001", false}, {"19850100", false}, {"19850132", false},
        {"19850431", false}, {"19850430", true},  {"19851231", true},  {"00000101", false},
        {"17991231", false}, {"18000101", true},
    };
    char id[19];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        id_with_birth(id, cases[i].date);
        if (idnum_valid(id) != cases[i].ok)
            fail_msg("date %s: expected %s (%s)", cases[i].date, cases[i].ok ? "valid" : "invalid", id);
    }
}

static void test_idnum_rejects_wrong_lengths_and_non_digits(void **state)
{
    (void)state;
    char buf[40];
    for (size_t n = 0; n < 18; n++) {
        memcpy(buf, good_id, n);
        buf[n] = '\0';
        assert_false(idnum_valid(buf));
    }
    snprintf(buf, sizeof buf, "%s5", good_id);
    assert_false(idnum_valid(buf));
    assert_false(idnum_valid(NULL));
    assert_int_equal(idnum_check_char("4203031985010112A"), 0);
    assert_int_equal(idnum_check_char("42030319850"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uscc_published_vectors_are_valid),
        cmocka_unit_test(test_uscc_rejects_every_single_character_mutation),
        cmocka_unit_test(test_uscc_rejects_lower_case),
        cmocka_unit_test(test_uscc_rejects_wrong_lengths),
        cmocka_unit_test(test_uscc_check_char_refuses_characters_outside_alphabet),
        cmocka_unit_test(test_uscc_legal_form_follows_first_character),
        cmocka_unit_test(test_idnum_reference_example_is_valid),
        cmocka_unit_test(test_idnum_rejects_every_single_character_mutation),
        cmocka_unit_test(test_idnum_x_check_character_must_be_upper_case),
        cmocka_unit_test(test_idnum_birth_date_must_be_a_real_date),
        cmocka_unit_test(test_idnum_rejects_wrong_lengths_and_non_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
