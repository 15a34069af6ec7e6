/* The rules of the life cycle: three workflows as transition tables, the annual review's due day and what
 * counts as overdue. No I/O: the stores and handlers call in here. */
#include "modules/lifecycle/lifecycle.h"

#include "core/clock.h"

#include <math.h>
#include <string.h>

const char *const review_status_names[] = {"none", "draft", "submitted", "accepted", "returned", NULL};
const char *const review_status_names_zh[] = {"未提交", "草稿", "已提交", "已通过", "已退回", NULL};
const char *const change_status_names[] = {"none", "pending", "approved", "rejected", NULL};
const char *const change_status_names_zh[] = {"无", "待审核", "已批准", "已驳回", NULL};
const char *const dereg_status_names[] = {"none", "requested", "approved", "rejected", NULL};
const char *const dereg_status_names_zh[] = {"无", "已申请", "已批准", "已驳回", NULL};

/* Annual review (年审): the operator submits (a review not started yet counts as a draft), the county
 * accepts or returns it with a reason, the operator resubmits a returned one. Accepted is final. */
static const struct lc_transition review_table[] = {
    {RV_NONE, RVE_SUBMIT, RV_SUBMITTED, ROLE_OPERATOR},
    {RV_DRAFT, RVE_SUBMIT, RV_SUBMITTED, ROLE_OPERATOR},
    {RV_SUBMITTED, RVE_ACCEPT, RV_ACCEPTED, ROLE_COUNTY},
    {RV_SUBMITTED, RVE_RETURN, RV_RETURNED, ROLE_COUNTY},
    {RV_RETURNED, RVE_SUBMIT, RV_SUBMITTED, ROLE_OPERATOR},
};

/* Information change (信息变更): requested by the operator, or opened by a registration push (the registrar),
 * decided by the county. Every request is a new row, so there is no move out of approved or rejected. */
static const struct lc_transition change_table[] = {
    {CH_NONE, CHE_REQUEST, CH_PENDING, ROLE_OPERATOR | ROLE_REGISTRAR},
    {CH_PENDING, CHE_APPROVE, CH_APPROVED, ROLE_COUNTY},
    {CH_PENDING, CHE_REJECT, CH_REJECTED, ROLE_COUNTY},
};

/* Deregistration (注销): requested by the operator and decided by the county, or imposed by the county. A
 * rejected request leaves the institution as it was (a new request starts again from none). */
static const struct lc_transition dereg_table[] = {
    {DR_NONE, DRE_REQUEST, DR_REQUESTED, ROLE_OPERATOR},
    {DR_NONE, DRE_IMPOSE, DR_APPROVED, ROLE_COUNTY},
    {DR_REQUESTED, DRE_APPROVE, DR_APPROVED, ROLE_COUNTY},
    {DR_REQUESTED, DRE_REJECT, DR_REJECTED, ROLE_COUNTY},
};

#define NELEM(x) ((int)(sizeof(x) / sizeof((x)[0])))

static int lookup(const struct lc_transition *t, int n, int from, int event, unsigned role)
{
    for (int i = 0; i < n; i++)
        if (t[i].from == from && t[i].event == event && (t[i].roles & role) != 0) return t[i].to;
    return -1;
}

int review_transition(int from, int event, unsigned role)
{
    return lookup(review_table, NELEM(review_table), from, event, role);
}

int change_transition(int from, int event, unsigned role)
{
    return lookup(change_table, NELEM(change_table), from, event, role);
}

int dereg_transition(int from, int event, unsigned role)
{
    return lookup(dereg_table, NELEM(dereg_table), from, event, role);
}

const struct lc_transition *review_transitions(int *n)
{
    if (n) *n = NELEM(review_table);
    return review_table;
}

const struct lc_transition *change_transitions(int *n)
{
    if (n) *n = NELEM(change_table);
    return change_table;
}

const struct lc_transition *dereg_transitions(int *n)
{
    if (n) *n = NELEM(dereg_table);
    return dereg_table;
}

int lc_status_from_name(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* Whether month m, day d name a day that exists in every year (29 February does not: a due day must exist
 * each year). */
static bool mmdd_valid(int64_t mmdd)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t m = mmdd / 100, d = mmdd % 100;
    return mmdd > 0 && m >= 1 && m <= 12 && d >= 1 && d <= dim[m - 1];
}

int64_t review_due_on(int year, int64_t mmdd)
{
    if (!mmdd_valid(mmdd)) mmdd = DEFAULT_ANNUAL_REVIEW_DUE;
    return date_to_days(year + 1, (int)(mmdd / 100), (int)(mmdd % 100));
}

int review_default_year(int64_t today)
{
    int y, m, d;
    days_to_date(today, &y, &m, &d);
    return y - 1;
}

int64_t review_year_end(int year)
{
    return date_to_days(year, 12, 31);
}

bool review_is_overdue(int year, int64_t mmdd, int64_t today, int64_t filed_on, int status)
{
    if (filed_on <= 0 || filed_on > review_year_end(year)) return false;
    if (today <= review_due_on(year, mmdd)) return false;
    return status != RV_SUBMITTED && status != RV_ACCEPTED;
}

double lc_children_per_caregiver(int64_t children, int64_t caregivers)
{
    if (caregivers <= 0) return -1;
    return round((double)children / (double)caregivers * 10.0) / 10.0;
}

const char *lc_actor_name(const struct principal *who)
{
    return who ? who->username : "system";
}

const char *lc_blank_to_null(const char *s)
{
    const char *q = s;
    while (q && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n' || strncmp(q, "\u3000", 3) == 0))
        q += strncmp(q, "\u3000", 3) == 0 ? 3 : 1;
    return q && *q ? s : NULL;
}

int lc_decision_check(const struct lc_decision *d, const char *decision, const char **reason,
                      struct field_errors *fe)
{
    int event = decision && strcmp(decision, d->yes) == 0  ? d->yes_event
                : decision && strcmp(decision, d->no) == 0 ? d->no_event
                                                           : -1;
    if (event < 0) fe_add(fe, "decision", d->bad_decision);
    *reason = lc_blank_to_null(*reason);
    if (event == d->no_event && !*reason) fe_add(fe, "reason", d->reason_required);
    if (*reason && utf8_chars(*reason) > 2000) fe_add(fe, "reason", "理由不能超过 2000 字");
    return event;
}
