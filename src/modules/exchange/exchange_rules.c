/* The outbox's pure rules: retry delays, action filters, the wire form of an event. */
#include "modules/exchange/exchange.h"

#include <stdio.h>
#include <string.h>

const struct outbox_policy outbox_policy_default = {
    .base_ms = 1000,
    .max_ms = 5 * 60 * 1000,
    .max_attempts = 12,
    .timeout_ms = 10000,
};

int64_t outbox_backoff_ms(const struct outbox_policy *p, int attempts)
{
    if (attempts < 1) attempts = 1;
    int64_t d = p->base_ms > 0 ? p->base_ms : 1;
    for (int i = 1; i < attempts && d < p->max_ms; i++)
        d *= 2;
    return d > p->max_ms ? p->max_ms : d;
}

/* The next item of a comma list starting at *p: its bounds without surrounding spaces; *p moves past the
 * comma. false at the end. */
static bool next_item(const char **p, const char **start, size_t *len)
{
    const char *s = *p;
    if (!s) return false;
    while (*s == ' ')
        s++;
    const char *e = strchr(s, ',');
    const char *end = e ? e : s + strlen(s);
    const char *t = end;
    while (t > s && t[-1] == ' ')
        t--;
    *start = s;
    *len = (size_t)(t - s);
    *p = e ? e + 1 : NULL;
    return true;
}

bool outbox_action_matches(const char *filter, const char *action)
{
    if (!filter || !action) return false;
    const char *p = filter, *s;
    size_t n;
    while (next_item(&p, &s, &n)) {
        if (n == 1 && *s == '*') return true;
        if (n == strlen(action) && strncmp(s, action, n) == 0) return true;
    }
    return false;
}

bool outbox_actions_valid(const char *filter)
{
    if (!filter || !*filter) return false;
    const char *p = filter, *s;
    size_t n;
    int count = 0;
    while (next_item(&p, &s, &n)) {
        if (++count > 40 || n == 0 || n > 64) return false;
        if (n == 1 && *s == '*') continue;
        for (size_t i = 0; i < n; i++)
            if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_')) return false;
    }
    return count > 0;
}

bool outbox_accepted(long status)
{
    return status >= 200 && status <= 299;
}

void outbox_idempotency_key(int64_t seq, char *out, size_t cap)
{
    snprintf(out, cap, "tuoyu-%lld", (long long)seq);
}

json_t *feed_event_json(const struct feed_event *e)
{
    char key[32];
    outbox_idempotency_key(e->seq, key, sizeof key);
    json_t *inst = e->institution ? json_loads(e->institution, 0, NULL) : NULL;
    json_t *changes = e->changes ? json_loads(e->changes, 0, NULL) : NULL;
    /* A history entry whose changes are not JSON is passed on as text. */
    if (e->changes && !changes) changes = json_string(e->changes);
    return json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s?, s:o*, s:o*}", "seq", (json_int_t)e->seq,
                     "event_id", key, "at", (json_int_t)e->at, "action", e->action, "institution_id",
                     (json_int_t)e->institution_id, "district_code", e->district_code, "authority",
                     e->authority, "institution", inst, "changes", changes);
}
