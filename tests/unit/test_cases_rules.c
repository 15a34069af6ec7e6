/* Incidents and complaints: reporting deadlines and the late flag at, below and above the limit; the
 * answering deadline and overdue; every (status, event, role) of both workflows; the CAPTCHA token (good,
 * wrong, expired, reused, tampered, foreign key) and its picture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/clock.h"
#include "modules/cases/cases.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const unsigned roles[] = {ROLE_ADMIN,     ROLE_CITY,     ROLE_COUNTY, ROLE_REGISTRAR,
                                 ROLE_INSPECTOR, ROLE_OPERATOR, ROLE_AUDITOR};
#define NROLES ((int)(sizeof roles / sizeof roles[0]))

/* ---- Deadlines ---- */

static void test_incident_deadline_is_two_hours_for_urgent_kinds_and_24_otherwise(void **state)
{
    (void)state;
    assert_int_equal(incident_deadline_hours(IT_INJURY, ISEV_MINOR), 24);
    assert_int_equal(incident_deadline_hours(IT_INJURY, ISEV_SERIOUS), 2);
    assert_int_equal(incident_deadline_hours(IT_INJURY, ISEV_DEATH), 2);
    assert_int_equal(incident_deadline_hours(IT_ILLNESS_OUTBREAK, ISEV_MINOR), 24);
    assert_int_equal(incident_deadline_hours(IT_OTHER, ISEV_MINOR), 24);
    assert_int_equal(incident_deadline_hours(IT_OTHER, ISEV_SERIOUS), 2);
    for (int t = IT_SUSPECTED_ABUSE; t <= IT_FIRE; t++)
        assert_int_equal(incident_deadline_hours(t, ISEV_MINOR), 2);
    assert_int_equal(incident_deadline_hours(-1, ISEV_MINOR), -1);
    assert_int_equal(incident_deadline_hours(IT__COUNT, ISEV_MINOR), -1);
    assert_int_equal(incident_deadline_hours(IT_INJURY, ISEV__COUNT), -1);
}

static void test_incident_late_only_after_the_deadline(void **state)
{
    (void)state;
    const int64_t t = 1767225600; /* 2026-01-01 08:00 CST */
    struct {
        int type, severity;
        int64_t after;
        bool late;
    } cases[] = {
        {IT_FIRE, ISEV_MINOR, 2 * 3600 - 1, false}, {IT_FIRE, ISEV_MINOR, 2 * 3600, false},
        {IT_FIRE, ISEV_MINOR, 2 * 3600 + 1, true},  {IT_INJURY, ISEV_MINOR, 2 * 3600 + 1, false},
        {IT_INJURY, ISEV_MINOR, 24 * 3600, false},  {IT_INJURY, ISEV_MINOR, 24 * 3600 + 1, true},
        {IT_INJURY, ISEV_DEATH, 3 * 3600, true},    {IT_MISSING_CHILD, ISEV_MINOR, 0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(incident_is_late(cases[i].type, cases[i].severity, t, t + cases[i].after),
                         cases[i].late);
}

static void test_complaint_due_fifteen_working_days_after_receipt(void **state)
{
    (void)state;
    int64_t mon = date_to_days(2026, 3, 2); /* a Monday */
    assert_int_equal(day_of_week(mon), 0);
    int64_t at = mon * 86400 - 8 * 3600 + 10 * 3600; /* 10:00 CST that Monday */
    assert_int_equal(complaint_due_on(at), date_to_days(2026, 3, 23));
    /* Received on a Saturday: the count starts with Monday. */
    int64_t sat = date_to_days(2026, 3, 7);
    assert_int_equal(complaint_due_on(sat * 86400 - 8 * 3600 + 3600), date_to_days(2026, 3, 27));
}

static void test_complaint_overdue_only_unanswered_after_due_day(void **state)
{
    (void)state;
    assert_false(complaint_is_overdue(CS_RECEIVED, 100, 100));
    assert_true(complaint_is_overdue(CS_RECEIVED, 100, 101));
    assert_true(complaint_is_overdue(CS_HANDLING, 100, 101));
    assert_false(complaint_is_overdue(CS_ANSWERED, 100, 500));
}

/* ---- Workflows ---- */

static void test_incident_transitions_allow_only_the_listed_moves(void **state)
{
    (void)state;
    for (int from = 0; from < IS__COUNT; from++)
        for (int ev = 0; ev < IEV__COUNT; ev++)
            for (int k = 0; k < NROLES; k++) {
                unsigned role = roles[k];
                int want = -1;
                bool official = role == ROLE_COUNTY || role == ROLE_CITY;
                if (from == IS_NONE && ev == IEV_REPORT && role == ROLE_OPERATOR) want = IS_REPORTED;
                if ((from == IS_REPORTED || from == IS_FOLLOWING) && ev == IEV_FOLLOW_UP && official)
                    want = IS_FOLLOWING;
                if ((from == IS_REPORTED || from == IS_FOLLOWING) && ev == IEV_CLOSE && official)
                    want = IS_CLOSED;
                assert_int_equal(incident_transition(from, ev, role), want);
            }
}

static void test_incident_closed_is_final(void **state)
{
    (void)state;
    for (int ev = 0; ev < IEV__COUNT; ev++)
        for (int k = 0; k < NROLES; k++)
            assert_int_equal(incident_transition(IS_CLOSED, ev, roles[k]), -1);
    /* An auditor, admin or inspector never moves an incident. */
    assert_int_equal(incident_transition(IS_REPORTED, IEV_CLOSE, ROLE_AUDITOR), -1);
    assert_int_equal(incident_transition(IS_REPORTED, IEV_CLOSE, ROLE_ADMIN), -1);
    assert_int_equal(incident_transition(IS_REPORTED, IEV_FOLLOW_UP, ROLE_INSPECTOR), -1);
}

static void test_complaint_transitions_allow_only_the_listed_moves(void **state)
{
    (void)state;
    assert_int_equal(complaint_transition(CS_NONE, CEV_FILE, 0), CS_RECEIVED);
    for (int from = 0; from < CS__COUNT; from++)
        for (int ev = 0; ev < CEV__COUNT; ev++)
            for (int k = 0; k < NROLES; k++) {
                unsigned role = roles[k];
                int want = -1;
                bool county = role == ROLE_COUNTY;
                if (from == CS_RECEIVED && ev == CEV_ACCEPT && county) want = CS_HANDLING;
                if ((from == CS_RECEIVED || from == CS_HANDLING) && ev == CEV_ANSWER && county)
                    want = CS_ANSWERED;
                if ((from == CS_RECEIVED || from == CS_HANDLING) && ev == CEV_INSPECT && county)
                    want = CS_HANDLING;
                assert_int_equal(complaint_transition(from, ev, role), want);
            }
    /* The public may only file; an anonymous request moves nothing else. */
    assert_int_equal(complaint_transition(CS_RECEIVED, CEV_ACCEPT, 0), -1);
    assert_int_equal(complaint_transition(CS_RECEIVED, CEV_FILE, 0), -1);
}

static void test_complaint_city_reads_but_does_not_handle(void **state)
{
    (void)state;
    assert_int_equal(complaint_transition(CS_RECEIVED, CEV_ACCEPT, ROLE_CITY), -1);
    assert_int_equal(complaint_transition(CS_HANDLING, CEV_ANSWER, ROLE_CITY), -1);
    assert_int_equal(complaint_transition(CS_ANSWERED, CEV_ANSWER, ROLE_COUNTY), -1);
    assert_int_equal(complaint_transition(CS_ANSWERED, CEV_INSPECT, ROLE_COUNTY), -1);
}

static void test_cases_names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(cases_name_index(incident_type_names, "suspected_abuse"), IT_SUSPECTED_ABUSE);
    assert_int_equal(cases_name_index(complaint_category_names, "unfiled_operation"), CC_UNFILED_OPERATION);
    assert_int_equal(cases_name_index(complaint_status_names, "nope"), -1);
    assert_int_equal(cases_name_index(complaint_status_names, NULL), -1);
}

/* ---- CAPTCHA ---- */

struct spent {
    char ids[8][65];
    int n;
};

static bool consume(const char *id, int64_t expires_at, void *ctx)
{
    (void)expires_at;
    struct spent *s = ctx;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->ids[i], id) == 0) return false;
    snprintf(s->ids[s->n++], 65, "%s", id);
    return true;
}

struct cap {
    struct arena a;
    unsigned char key[CAPTCHA_KEY_BYTES];
    unsigned char nonce[16];
    struct spent spent;
};

static int cap_setup(void **state)
{
    static struct cap c;
    memset(&c, 0, sizeof c);
    if (sodium_init() < 0) return -1;
    arena_init(&c.a, 4096);
    randombytes_buf(c.key, sizeof c.key);
    randombytes_buf(c.nonce, sizeof c.nonce);
    *state = &c;
    return 0;
}

static int cap_teardown(void **state)
{
    struct cap *c = *state;
    arena_free(&c->a);
    return 0;
}

#define T0 1767225600

static void test_captcha_accepts_the_right_answer_once(void **state)
{
    struct cap *c = *state;
    char *tok = captcha_token_make(&c->a, c->key, "537", T0, c->nonce);
    assert_int_equal(captcha_verify(c->key, tok, "537", T0 + 1, consume, &c->spent), CAPTCHA_OK);
    assert_int_equal(c->spent.n, 1);
    /* Replayed with the right answer: refused. */
    assert_int_equal(captcha_verify(c->key, tok, "537", T0 + 2, consume, &c->spent), CAPTCHA_REUSED);
}

static void test_captcha_answer_tolerates_blanks_and_leading_zeros(void **state)
{
    struct cap *c = *state;
    char *tok = captcha_token_make(&c->a, c->key, "84", T0, c->nonce);
    assert_int_equal(captcha_verify(c->key, tok, " 084 ", T0, consume, &c->spent), CAPTCHA_OK);
}

static void test_captcha_wrong_answer_spends_the_token(void **state)
{
    struct cap *c = *state;
    char *tok = captcha_token_make(&c->a, c->key, "537", T0, c->nonce);
    assert_int_equal(captcha_verify(c->key, tok, "538", T0, consume, &c->spent), CAPTCHA_WRONG);
    /* A second guess on the same token, even the right one, is a replay. */
    assert_int_equal(captcha_verify(c->key, tok, "537", T0, consume, &c->spent), CAPTCHA_REUSED);
    char *tok2 = captcha_token_make(&c->a, c->key, "537", T0, (const unsigned char *)"another nonce 16");
    assert_int_equal(captcha_verify(c->key, tok2, "5a7", T0, consume, &c->spent), CAPTCHA_WRONG);
    char *tok3 = captcha_token_make(&c->a, c->key, "537", T0, (const unsigned char *)"yet another nonc");
    assert_int_equal(captcha_verify(c->key, tok3, NULL, T0, consume, &c->spent), CAPTCHA_WRONG);
}

static void test_captcha_expires_after_ten_minutes(void **state)
{
    struct cap *c = *state;
    char *tok = captcha_token_make(&c->a, c->key, "537", T0, c->nonce);
    assert_int_equal(captcha_verify(c->key, tok, "537", T0 + CAPTCHA_TTL_S + 1, consume, &c->spent),
                     CAPTCHA_EXPIRED);
    assert_int_equal(c->spent.n, 0); /* an expired token is not even recorded */
    assert_int_equal(captcha_verify(c->key, tok, "537", T0 + CAPTCHA_TTL_S, consume, &c->spent), CAPTCHA_OK);
}

static void test_captcha_refuses_tampered_or_foreign_tokens(void **state)
{
    struct cap *c = *state;
    char *tok = captcha_token_make(&c->a, c->key, "537", T0, c->nonce);
    size_t n = strlen(tok);
    /* Every single changed character is caught (the expiry, the nonce and both MACs are covered). */
    for (size_t i = 0; i < n; i++) {
        char *bad = arena_strdup(&c->a, tok);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        enum captcha_result r = captcha_verify(c->key, bad, "537", T0, NULL, NULL);
        /* The last character holds only padding bits of the answer MAC: a change there may decode alike. */
        if (i + 1 < n) assert_true(r == CAPTCHA_TAMPERED || r == CAPTCHA_WRONG);
        if (i + 1 < n && i < 4 * 57 / 3) assert_int_equal(r, CAPTCHA_TAMPERED);
    }
    assert_int_equal(captcha_verify(c->key, "", "537", T0, consume, &c->spent), CAPTCHA_TAMPERED);
    assert_int_equal(captcha_verify(c->key, NULL, "537", T0, consume, &c->spent), CAPTCHA_TAMPERED);
    assert_int_equal(captcha_verify(c->key, "not base64 !!", "537", T0, consume, &c->spent),
                     CAPTCHA_TAMPERED);
    char *cut = arena_strndup(&c->a, tok, n - 4);
    assert_int_equal(captcha_verify(c->key, cut, "537", T0, consume, &c->spent), CAPTCHA_TAMPERED);
    unsigned char other[CAPTCHA_KEY_BYTES];
    randombytes_buf(other, sizeof other);
    assert_int_equal(captcha_verify(other, tok, "537", T0, consume, &c->spent), CAPTCHA_TAMPERED);
    assert_int_equal(c->spent.n, 0);
}

static void test_captcha_token_does_not_contain_the_answer(void **state)
{
    struct cap *c = *state;
    /* Two tokens with the same nonce and time differ only through the answer MAC. */
    char *a = captcha_token_make(&c->a, c->key, "111", T0, c->nonce);
    char *b = captcha_token_make(&c->a, c->key, "112", T0, c->nonce);
    assert_int_equal(strlen(a), strlen(b));
    assert_memory_equal(a, b, 4 * 57 / 3); /* version, expiry, nonce and the first MAC */
    assert_null(strstr(a, "111"));
}

static void test_captcha_svg_holds_only_the_expression_and_markup(void **state)
{
    struct cap *c = *state;
    unsigned char seed[32] = {1, 2, 3};
    char *svg = captcha_svg(&c->a, 457, 38, seed);
    assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(svg, "</svg>"));
    /* The glyphs are drawn one by one: 4 5 7 + 3 8 = ? */
    const char *glyphs[] = {">4<", ">5<", ">7<", ">+<", ">3<", ">8<", ">=<", ">?<"};
    for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
        assert_non_null(strstr(svg, glyphs[i]));
    int texts = 0; /* one <text> per glyph: the expression never appears as one string */
    for (const char *p = svg; (p = strstr(p, "<text")) != NULL; p++)
        texts++;
    assert_int_equal(texts, 8);
    assert_null(strstr(svg, "<script"));
    /* The same seed draws the same picture; another seed another. */
    assert_string_equal(svg, captcha_svg(&c->a, 457, 38, seed));
    seed[0] = 9;
    assert_string_not_equal(svg, captcha_svg(&c->a, 457, 38, seed));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incident_deadline_is_two_hours_for_urgent_kinds_and_24_otherwise),
        cmocka_unit_test(test_incident_late_only_after_the_deadline),
        cmocka_unit_test(test_complaint_due_fifteen_working_days_after_receipt),
        cmocka_unit_test(test_complaint_overdue_only_unanswered_after_due_day),
        cmocka_unit_test(test_incident_transitions_allow_only_the_listed_moves),
        cmocka_unit_test(test_incident_closed_is_final),
        cmocka_unit_test(test_complaint_transitions_allow_only_the_listed_moves),
        cmocka_unit_test(test_complaint_city_reads_but_does_not_handle),
        cmocka_unit_test(test_cases_names_round_trip),
        cmocka_unit_test_setup_teardown(test_captcha_accepts_the_right_answer_once, cap_setup, cap_teardown),
        cmocka_unit_test_setup_teardown(test_captcha_answer_tolerates_blanks_and_leading_zeros, cap_setup,
                                        cap_teardown),
        cmocka_unit_test_setup_teardown(test_captcha_wrong_answer_spends_the_token, cap_setup, cap_teardown),
        cmocka_unit_test_setup_teardown(test_captcha_expires_after_ten_minutes, cap_setup, cap_teardown),
        cmocka_unit_test_setup_teardown(test_captcha_refuses_tampered_or_foreign_tokens, cap_setup,
                                        cap_teardown),
        cmocka_unit_test_setup_teardown(test_captcha_token_does_not_contain_the_answer, cap_setup,
                                        cap_teardown),
        cmocka_unit_test_setup_teardown(test_captcha_svg_holds_only_the_expression_and_markup, cap_setup,
                                        cap_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
