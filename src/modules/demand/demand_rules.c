/* The pure rules of parents' demand: the choice workflow as a transition table, the chosen institutions, the
 * months of an application and the child's age band. No I/O. */
#include "modules/demand/demand.h"

#include <stdio.h>
#include <string.h>

const char *const choice_status_names[] = {"pending",  "offered",   "waitlisted", "declined",
                                           "accepted", "withdrawn", NULL};
const char *const choice_status_names_zh[] = {"待答复", "已录取", "候补", "未录取", "已接受", "已撤回", NULL};
const char *const choice_event_names[] = {"offer", "waitlist", "decline", "accept", "withdraw", NULL};
const char *const choice_event_names_zh[] = {"录取", "列入候补", "不予录取", "接受录取", "撤回", NULL};
const char *const demand_band_names[] = {"0-1", "1-2", "2-3", NULL};
const char *const demand_band_names_zh[] = {"0–1 岁", "1–2 岁", "2–3 岁", NULL};

/* The institution answers a pending or waitlisted choice (a waitlisted one is offered or declined, not put
 * on the waitlist again: its position stays); the parent accepts an offer or withdraws an open choice. */
static const struct demand_transition transitions[] = {
    {DCH_PENDING, DCE_OFFER, DCH_OFFERED, DEMAND_BY_INSTITUTION},
    {DCH_PENDING, DCE_WAITLIST, DCH_WAITLISTED, DEMAND_BY_INSTITUTION},
    {DCH_PENDING, DCE_DECLINE, DCH_DECLINED, DEMAND_BY_INSTITUTION},
    {DCH_WAITLISTED, DCE_OFFER, DCH_OFFERED, DEMAND_BY_INSTITUTION},
    {DCH_WAITLISTED, DCE_DECLINE, DCH_DECLINED, DEMAND_BY_INSTITUTION},
    {DCH_OFFERED, DCE_ACCEPT, DCH_ACCEPTED, DEMAND_BY_PARENT},
    {DCH_PENDING, DCE_WITHDRAW, DCH_WITHDRAWN, DEMAND_BY_PARENT},
    {DCH_WAITLISTED, DCE_WITHDRAW, DCH_WITHDRAWN, DEMAND_BY_PARENT},
    {DCH_OFFERED, DCE_WITHDRAW, DCH_WITHDRAWN, DEMAND_BY_PARENT},
};

const struct demand_transition *demand_transitions(int *n)
{
    if (n) *n = (int)(sizeof transitions / sizeof transitions[0]);
    return transitions;
}

enum err demand_choice_check(int from, int event, unsigned actor, int *to)
{
    bool fires = false;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        const struct demand_transition *t = &transitions[i];
        if (t->event != event || !(t->actors & actor)) continue;
        fires = true;
        if (t->from == from) {
            if (to) *to = t->to;
            return OK;
        }
    }
    return fires ? ERR_STATE : ERR_FORBIDDEN;
}

enum demand_choices_problem demand_choices_check(const int64_t *ids, int n, int *bad)
{
    *bad = -1;
    if (n <= 0) return DCP_NONE;
    if (n > DEMAND_CHOICES_MAX) return DCP_TOO_MANY;
    for (int i = 0; i < n; i++) {
        if (ids[i] < 1) {
            *bad = i;
            return DCP_BAD_ID;
        }
        for (int k = 0; k < i; k++)
            if (ids[k] == ids[i]) {
                *bad = i;
                return DCP_DUPLICATE;
            }
    }
    return DCP_OK;
}

bool demand_month_parse(const char *s, int *ym)
{
    if (!s || strlen(s) != 7 || s[4] != '-') return false;
    int y = 0, m = 0;
    for (int i = 0; i < 7; i++) {
        if (i == 4) continue;
        if (s[i] < '0' || s[i] > '9') return false;
        if (i < 4)
            y = y * 10 + (s[i] - '0');
        else
            m = m * 10 + (s[i] - '0');
    }
    if (y < 1900 || y > 2999 || m < 1 || m > 12) return false;
    *ym = y * 12 + m - 1;
    return true;
}

char *demand_month_format(int ym, char out[static 8])
{
    if (ym < 0 || ym / 12 > 9999) ym = 0;
    snprintf(out, 8, "%04d-%02d", ym / 12 % 10000, ym % 12 + 1);
    return out;
}

int demand_month_of_day(int64_t day)
{
    /* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm), kept here so the rules stay pure.
     */
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    return (int)(y * 12 + m - 1);
}

unsigned demand_months_problem(int birth_ym, int start_ym, int this_ym)
{
    unsigned p = 0;
    if (birth_ym > this_ym) p |= DMP_BIRTH_FUTURE;
    if (start_ym < this_ym) p |= DMP_START_PAST;
    if (start_ym > this_ym + DEMAND_START_AHEAD_MAX) p |= DMP_START_FAR;
    if (start_ym < birth_ym)
        p |= DMP_AGE_UNBORN;
    else if (start_ym - birth_ym >= 36)
        p |= DMP_AGE_OVER;
    return p;
}

int demand_age_band(int birth_ym, int start_ym)
{
    int months = start_ym - birth_ym;
    if (months < 0 || months >= 36) return -1;
    return months / 12;
}

bool demand_phone_normalise(const char *in, char out[static 16])
{
    if (!in) return false;
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-') continue;
        if (*p == '+' && n == 0) continue;
        if (*p < '0' || *p > '9' || n >= 15) return false;
        out[n++] = *p;
    }
    out[n] = 0;
    return n >= 7;
}

int demand_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}
