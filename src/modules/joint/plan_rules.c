/* The rules of the plan's progress reports: the workflow as a transition table, who the actor is to a
 * report, the period arithmetic (quarters by default) and what is overdue. No I/O. */
#include "modules/joint/plan.h"

#include "core/clock.h"

#include <string.h>

const char *const plan_status_names[] = {"none", "draft", "submitted", "accepted", "returned", NULL};
const char *const plan_status_names_zh[] = {"未报送", "草稿", "已提交", "已通过", "已退回", NULL};
const char *const plan_event_names[] = {"save", "submit", "accept", "return", NULL};
const char *const plan_progress_names[] = {"not_started", "in_progress", "done", NULL};
const char *const plan_progress_names_zh[] = {"未启动", "推进中", "已完成", NULL};

#define REVIEWERS (PA_LEAD | PA_OFFICE)

/* The workflow. A unit writes its own report (saving keeps a returned report returned until it is submitted
 * again); a lead unit of the task or the office reviews it. Nothing moves out of accepted, and a submitted
 * report waits for its review before the unit may touch it again. */
static const struct plan_transition plan_table[] = {
    {PR_NONE, PE_SAVE, PR_DRAFT, PA_OWN},
    {PR_DRAFT, PE_SAVE, PR_DRAFT, PA_OWN},
    {PR_RETURNED, PE_SAVE, PR_RETURNED, PA_OWN},
    {PR_DRAFT, PE_SUBMIT, PR_SUBMITTED, PA_OWN},
    {PR_RETURNED, PE_SUBMIT, PR_SUBMITTED, PA_OWN},
    {PR_SUBMITTED, PE_ACCEPT, PR_ACCEPTED, REVIEWERS},
    {PR_SUBMITTED, PE_RETURN, PR_RETURNED, REVIEWERS},
};
#define PLAN_NTRANSITIONS ((int)(sizeof plan_table / sizeof plan_table[0]))

/* See plan.h. Static storage. */
const struct plan_transition *plan_transitions(int *n)
{
    if (n) *n = PLAN_NTRANSITIONS;
    return plan_table;
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* See plan.h. Pure. */
unsigned plan_actor(unsigned role, const char *unit, const char *report_unit, const char *report_role,
                    bool unit_leads)
{
    unsigned bits = 0;
    if (role == ROLE_UNIT && same(unit, report_unit) && report_role) bits |= PA_OWN;
    if (role == ROLE_UNIT && unit_leads && unit && !same(unit, report_unit)) bits |= PA_LEAD;
    if (role == ROLE_CITY || (role == ROLE_UNIT && same(unit, PLAN_OFFICE_UNIT))) bits |= PA_OFFICE;
    return bits;
}

/* See plan.h. Pure. */
enum err plan_check(int from, int event, unsigned actors, int *to)
{
    bool fires = false;
    for (int i = 0; i < PLAN_NTRANSITIONS; i++)
        fires |= plan_table[i].event == event && (plan_table[i].actors & actors) != 0;
    if (!fires) return ERR_FORBIDDEN;
    for (int i = 0; i < PLAN_NTRANSITIONS; i++) {
        const struct plan_transition *t = &plan_table[i];
        if (t->from == from && t->event == event && (t->actors & actors) != 0) {
            if (to) *to = t->to;
            return OK;
        }
    }
    return ERR_STATE;
}

static int name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

int plan_status_from_name(const char *s)
{
    return name_index(plan_status_names, s);
}

int plan_event_from_name(const char *s)
{
    return name_index(plan_event_names, s);
}

int plan_progress_from_name(const char *s)
{
    return name_index(plan_progress_names, s);
}

/* "quarter" → PK_QUARTER, "half" → PK_HALF, "year" → PK_YEAR; -1 otherwise. Pure. */
int plan_period_kind_from_name(const char *s)
{
    static const char *const kinds[] = {"quarter", "half", "year", NULL};
    return name_index(kinds, s);
}

/* Months in one period of kind. */
static int period_months(int kind)
{
    return kind == PK_HALF ? 6 : kind == PK_YEAR ? 12 : 3;
}

static char *period_write(int y, int n, int kind, char out[static PLAN_PERIOD_MAX])
{
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    if (n < 1 || n > 4) n = 1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = 0;
    if (kind != PK_YEAR) {
        out[4] = kind == PK_HALF ? 'H' : 'Q';
        out[5] = (char)('0' + n);
        out[6] = 0;
    }
    return out;
}

/* See plan.h. Pure. */
char *plan_period_of(int64_t day, int kind, char out[static PLAN_PERIOD_MAX])
{
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    return period_write(y, (m - 1) / period_months(kind) + 1, kind, out);
}

/* Year and number (1-based; 1 for years) of a period string of kind; false when malformed. */
static bool period_split(const char *s, int kind, int *y, int *n)
{
    if (!s) return false;
    size_t len = strlen(s);
    size_t want = kind == PK_YEAR ? 4 : 6;
    if (len != want) return false;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (*y < 2000 || *y > 2999) return false;
    *n = 1;
    if (kind == PK_YEAR) return true;
    char letter = kind == PK_HALF ? 'H' : 'Q';
    int max = 12 / period_months(kind);
    if (s[4] != letter || s[5] < '1' || s[5] > '0' + max) return false;
    *n = s[5] - '0';
    return true;
}

/* See plan.h. Pure. */
bool plan_period_parse(const char *s, int kind, int64_t *first, int64_t *last)
{
    int y, n;
    if (!period_split(s, kind, &y, &n)) return false;
    int months = period_months(kind), m0 = (n - 1) * months + 1, m1 = m0 + months;
    if (first) *first = date_to_days(y, m0, 1);
    if (last) *last = (m1 > 12 ? date_to_days(y + 1, 1, 1) : date_to_days(y, m1, 1)) - 1;
    return true;
}

/* See plan.h. Pure. */
bool plan_period_prev(const char *period, int kind, char out[static PLAN_PERIOD_MAX])
{
    int64_t first;
    if (!plan_period_parse(period, kind, &first, NULL)) return false;
    plan_period_of(first - 1, kind, out);
    return true;
}

/* See plan.h. Pure. */
char *plan_period_last_closed(int64_t today, int kind, char out[static PLAN_PERIOD_MAX])
{
    char cur[PLAN_PERIOD_MAX];
    int64_t first = 0;
    plan_period_parse(plan_period_of(today, kind, cur), kind, &first, NULL);
    return plan_period_of(first - 1, kind, out);
}

/* See plan.h. Pure. */
int64_t plan_period_due(const char *period, int kind, int64_t due_days)
{
    int64_t last;
    if (!plan_period_parse(period, kind, NULL, &last)) return -1;
    return last + due_days;
}

/* See plan.h. Pure. */
bool plan_report_overdue(int status, int64_t due_on, int64_t today)
{
    if (status == PR_SUBMITTED || status == PR_ACCEPTED) return false;
    return today > due_on;
}

/* See plan.h. Pure. */
bool plan_task_overdue(int64_t deadline_on, int64_t today, int leads, int leads_done)
{
    return deadline_on > 0 && today > deadline_on && leads_done < leads;
}
