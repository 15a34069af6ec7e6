/* The rules of rectification (整改): the workflow as a transition table, who may supervise a finding, the
 * deadline bounds and escalation of overdue orders. No I/O: handlers and the store call in here. */
#include "modules/rectification/rectification.h"

#include "core/arena.h"

#include <string.h>

const char *const rect_status_names[] = {"none", "open", "answered", "accepted", NULL};
const char *const rect_status_names_zh[] = {"未下达", "待整改", "待验收", "已验收", NULL};
const char *const rect_event_names[] = {"order", "answer", "accept", "reopen", NULL};
const char *const rect_event_names_zh[] = {"下达整改", "整改答复", "验收通过", "退回重新整改", NULL};
const char *const rect_level_names[] = {"none", "county", "city", NULL};
const char *const rect_level_names_zh[] = {"未逾期", "逾期（县级督办）", "逾期（市级督办）", NULL};

#define SUPERVISORS (ROLE_INSPECTOR | ROLE_COUNTY)

/* The workflow. Anything not listed is refused: in particular nothing moves out of accepted, an order is
 * given once per finding, and an answered order waits for verification before the operator may answer
 * again. */
static const struct rect_transition rect_table[] = {
    {RS_NONE, REV_ORDER, RS_OPEN, SUPERVISORS},
    {RS_OPEN, REV_ANSWER, RS_ANSWERED, ROLE_OPERATOR},
    {RS_ANSWERED, REV_ACCEPT, RS_ACCEPTED, SUPERVISORS},
    {RS_ANSWERED, REV_REOPEN, RS_OPEN, SUPERVISORS},
};
#define RECT_NTRANSITIONS ((int)(sizeof rect_table / sizeof rect_table[0]))

/* The table and (through n, if not NULL) its length. Static storage. */
const struct rect_transition *rect_transitions(int *n)
{
    if (n) *n = RECT_NTRANSITIONS;
    return rect_table;
}

/* The target of event from status from for a principal whose role bit is role, or -1. Pure. */
int rect_transition(int from, int event, unsigned role)
{
    for (int i = 0; i < RECT_NTRANSITIONS; i++) {
        const struct rect_transition *t = &rect_table[i];
        if (t->from == from && t->event == event && (t->roles & role) != 0) return t->to;
    }
    return -1;
}

/* Whether some row of the table lets role fire event. Pure. */
bool rect_role_fires(int event, unsigned role)
{
    for (int i = 0; i < RECT_NTRANSITIONS; i++)
        if (rect_table[i].event == event && (rect_table[i].roles & role) != 0) return true;
    return false;
}

/* OK (target in *to when to is not NULL), ERR_FORBIDDEN for a role that never fires event, ERR_STATE for a
 * move the table lacks from this status. Pure. */
enum err rect_check(int from, int event, unsigned role, int *to)
{
    if (!rect_role_fires(event, role)) return ERR_FORBIDDEN;
    int t = rect_transition(from, event, role);
    if (t < 0) return ERR_STATE;
    if (to) *to = t;
    return OK;
}

static int name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* "open" → RS_OPEN; -1 for NULL or an unknown name. */
int rect_status_from_name(const char *s)
{
    return name_index(rect_status_names, s);
}

/* "reopen" → REV_REOPEN; -1 for NULL or an unknown name. */
int rect_event_from_name(const char *s)
{
    return name_index(rect_event_names, s);
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The county official of the institution's district, or an inspector of that district and of the department
 * that made the finding. Everyone else (city, admin, auditor, operators, inspectors of another department or
 * district) does not supervise rectification. Strings are borrowed; NULL never matches. Pure. */
bool rect_may_supervise(unsigned role, const char *district, const char *department,
                        const char *inst_district, const char *dept)
{
    if (role == ROLE_COUNTY) return same(district, inst_district);
    if (role == ROLE_INSPECTOR) return same(district, inst_district) && same(department, dept);
    return false;
}

/* A Chinese message when deadline_on is not after today or more than RECT_DEADLINE_MAX_DAYS ahead; NULL
 * when it is acceptable. Static storage. Pure. */
const char *rect_deadline_problem(int64_t deadline_on, int64_t today)
{
    if (deadline_on <= today) return "整改期限应晚于今天";
    if (deadline_on > today + RECT_DEADLINE_MAX_DAYS) return "整改期限不能超过 180 天";
    return NULL;
}

/* Days past the deadline of an order that is not accepted; 0 when it is accepted or not yet due. Pure. */
int64_t rect_days_overdue(int status, int64_t deadline_on, int64_t today)
{
    if (status == RS_ACCEPTED || status == RS_NONE || today <= deadline_on) return 0;
    return today - deadline_on;
}

/* The escalation level of an order on day today: RL_NONE (accepted or within the deadline), RL_COUNTY
 * (overdue), RL_CITY (overdue by more than city_days). Pure. */
int rect_escalation(int status, int64_t deadline_on, int64_t today, int64_t city_days)
{
    int64_t late = rect_days_overdue(status, deadline_on, today);
    if (late <= 0) return RL_NONE;
    return late > city_days ? RL_CITY : RL_COUNTY;
}

/* The length of the UTF-8 sequence at s (1..4) when it is valid, else 0. */
static size_t utf8_seq(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (n == 2 && s[0] < 0xC2) || (n == 4 && s[0] > 0xF4)) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

/* See rectification.h. given is borrowed and may be NULL; the result is a new arena string. Pure. */
const char *rect_evidence_filename(struct arena *a, const char *given, const char *media_type)
{
    const char *base = given ? given : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    size_t len = strlen(base);
    char *out = arena_alloc(a, len + 1);
    size_t o = 0;
    int chars = 0;
    const unsigned char *s = (const unsigned char *)base;
    while (*s && chars < RECT_FILENAME_MAX) {
        size_t n = utf8_seq(s);
        if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7F || *s == '"' || *s == ';'))) {
            out[o++] = '_';
            s += n ? n : 1;
        } else {
            memcpy(out + o, s, n);
            o += n;
            s += n;
        }
        chars++;
    }
    out[o] = 0;
    bool empty = true;
    for (size_t i = 0; i < o; i++)
        empty &= out[i] == '_' || out[i] == ' ' || out[i] == '.';
    if (!empty) return out;
    if (media_type && strcmp(media_type, "image/jpeg") == 0) return "evidence.jpg";
    if (media_type && strcmp(media_type, "image/png") == 0) return "evidence.png";
    return "evidence.pdf";
}
