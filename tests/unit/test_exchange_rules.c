/* The outbox's pure rules: retry delays double up to the cap, action filters, the wire form of an event. */
#include "modules/exchange/exchange.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void backoff_doubles_to_the_cap(void **state)
{
    (void)state;
    struct outbox_policy p = {.base_ms = 1000, .max_ms = 60000, .max_attempts = 10, .timeout_ms = 1000};
    assert_int_equal(outbox_backoff_ms(&p, 0), 1000);
    assert_int_equal(outbox_backoff_ms(&p, 1), 1000);
    assert_int_equal(outbox_backoff_ms(&p, 2), 2000);
    assert_int_equal(outbox_backoff_ms(&p, 6), 32000);
    assert_int_equal(outbox_backoff_ms(&p, 7), 60000);
    assert_int_equal(outbox_backoff_ms(&p, 1000000), 60000); /* no overflow however many attempts */
    assert_int_equal(outbox_backoff_ms(&outbox_policy_default, 1), 1000);
}

static void action_filters(void **state)
{
    (void)state;
    assert_true(outbox_action_matches("*", "filing_approved"));
    assert_true(outbox_action_matches("filing_approved, filing_returned", "filing_returned"));
    assert_true(outbox_action_matches(" closed ,filing_approved", "closed"));
    assert_false(outbox_action_matches("filing_approved", "filing_approve"));
    assert_false(outbox_action_matches("filing_approved", "filing_approved_x"));
    assert_false(outbox_action_matches("", "closed"));
    assert_false(outbox_action_matches(NULL, "closed"));
    assert_true(outbox_actions_valid("*"));
    assert_true(outbox_actions_valid("filing_approved, closed"));
    assert_false(outbox_actions_valid(""));
    assert_false(outbox_actions_valid("Filing"));
    assert_false(outbox_actions_valid("a,,b"));
    assert_false(outbox_actions_valid("a;b"));
    assert_true(outbox_accepted(200) && outbox_accepted(204) && outbox_accepted(299));
    assert_false(outbox_accepted(0) || outbox_accepted(199) || outbox_accepted(300) || outbox_accepted(500));
}

static void wire_form(void **state)
{
    (void)state;
    char key[32];
    outbox_idempotency_key(42, key, sizeof key);
    assert_string_equal(key, "tuoyu-42");
    struct feed_event e = {42,
                           1800000000,
                           7,
                           "420303",
                           "market",
                           "filing_approved",
                           "{\"id\":7,\"uscc\":\"91420303MA000001X\"}",
                           "{\"filing_number\":\"TY-420303-2026-0001\"}"};
    json_t *j = feed_event_json(&e);
    assert_int_equal(json_integer_value(json_object_get(j, "seq")), 42);
    assert_string_equal(json_string_value(json_object_get(j, "event_id")), "tuoyu-42");
    assert_string_equal(json_string_value(json_object_get(j, "action")), "filing_approved");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "changes"), "filing_number")),
                        "TY-420303-2026-0001");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "institution"), "id")), 7);
    json_decref(j);
    /* A history entry whose changes are not JSON travels as text. */
    e.changes = "not json";
    j = feed_event_json(&e);
    assert_string_equal(json_string_value(json_object_get(j, "changes")), "not json");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(backoff_doubles_to_the_cap),
                                       cmocka_unit_test(action_filters), cmocka_unit_test(wire_form)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
