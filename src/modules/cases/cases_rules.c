/* The rules of incidents and complaints: name tables, the reporting and answering deadlines, and both
 * workflows as transition tables. No I/O: handlers and stores call in here. */
#include "modules/cases/cases.h"

#include "core/clock.h"

#include <string.h>

const char *const incident_type_names[] = {
    "injury", "illness_outbreak", "suspected_abuse", "missing_child", "food_poisoning", "fire", "other",
    NULL};
const char *const incident_type_names_zh[] = {"意外伤害", "传染病聚集", "疑似虐童", "幼儿走失",
                                              "食物中毒", "火灾",       "其他",     NULL};
const char *const incident_severity_names[] = {"minor", "serious", "death", NULL};
const char *const incident_severity_names_zh[] = {"轻微", "严重", "死亡", NULL};
const char *const incident_status_names[] = {"none", "reported", "following", "closed", NULL};
const char *const incident_status_names_zh[] = {"未报告", "已报告", "跟进中", "已结案", NULL};
const char *const incident_event_names[] = {"report", "follow_up", "close", NULL};

const char *const complaint_category_names[] = {"safety", "hygiene",           "abuse", "fees",
                                                "staff",  "unfiled_operation", "other", NULL};
const char *const complaint_category_names_zh[] = {"安全", "卫生",       "虐待儿童", "收费",
                                                   "人员", "未备案经营", "其他",     NULL};
const char *const complaint_status_names[] = {"none", "received", "handling", "answered", NULL};
const char *const complaint_status_names_zh[] = {"未受理", "已收到", "办理中", "已答复", NULL};
const char *const complaint_event_names[] = {"file", "accept", "answer", "inspect", NULL};

/* Reporting deadlines (a LOCAL RULE of 十堰市, not a national figure): the national documents
 * (托育机构管理规范 （试行）, 伤害预防指南) ask for prompt reporting of serious incidents without a number of
 * hours. tuoyu uses 2 hours for a serious injury, a death, suspected abuse, a missing child, food poisoning
 * and fire, and 24 hours for everything else. */
#define INCIDENT_URGENT_HOURS 2
#define INCIDENT_OTHER_HOURS  24

/* Hours within which an incident must be reported; -1 for an unknown type or severity. */
int incident_deadline_hours(int type, int severity)
{
    if (type < 0 || type >= IT__COUNT || severity < 0 || severity >= ISEV__COUNT) return -1;
    if (severity == ISEV_SERIOUS || severity == ISEV_DEATH) return INCIDENT_URGENT_HOURS;
    switch (type) {
    case IT_SUSPECTED_ABUSE:
    case IT_MISSING_CHILD:
    case IT_FOOD_POISONING:
    case IT_FIRE:
        return INCIDENT_URGENT_HOURS;
    default:
        return INCIDENT_OTHER_HOURS;
    }
}

/* Late when reported strictly after occurred_at plus the deadline; exactly at the deadline is on time. */
bool incident_is_late(int type, int severity, int64_t occurred_at, int64_t reported_at)
{
    int h = incident_deadline_hours(type, severity);
    if (h < 0) return false;
    return reported_at > occurred_at + (int64_t)h * 3600;
}

/* Answering deadline (a LOCAL RULE of 十堰市, source: this program's settings, not a national document — none
 * giving a figure for childcare complaints was found): 15 working days from the day of receipt
 * (COMPLAINT_ANSWER_WORKING_DAYS). Weekends are skipped; public holidays are not known to the calendar. */
int64_t complaint_due_on(int64_t received_at)
{
    return add_working_days(clock_day_of(received_at), COMPLAINT_ANSWER_WORKING_DAYS);
}

/* Overdue: not answered and the due day has passed (the due day itself is still in time). */
bool complaint_is_overdue(int status, int64_t due_on, int64_t today)
{
    return status != CS_ANSWERED && today > due_on;
}

/* Incidents: officials of the county (their own district, checked by the caller) or the city follow up and
 * close; a report may be closed without a note; a closed incident is final. */
static const struct case_transition incident_table[] = {
    {IS_NONE, IEV_REPORT, IS_REPORTED, ROLE_OPERATOR},
    {IS_REPORTED, IEV_FOLLOW_UP, IS_FOLLOWING, ROLE_COUNTY | ROLE_CITY},
    {IS_FOLLOWING, IEV_FOLLOW_UP, IS_FOLLOWING, ROLE_COUNTY | ROLE_CITY},
    {IS_REPORTED, IEV_CLOSE, IS_CLOSED, ROLE_COUNTY | ROLE_CITY},
    {IS_FOLLOWING, IEV_CLOSE, IS_CLOSED, ROLE_COUNTY | ROLE_CITY},
};

/* Complaints: filed by the public (no role), handled by the county of the institution only. Triggering an
 * inspection means the complaint is being handled. An answered complaint is final. */
static const struct case_transition complaint_table[] = {
    {CS_NONE, CEV_FILE, CS_RECEIVED, 0},
    {CS_RECEIVED, CEV_ACCEPT, CS_HANDLING, ROLE_COUNTY},
    {CS_RECEIVED, CEV_ANSWER, CS_ANSWERED, ROLE_COUNTY},
    {CS_HANDLING, CEV_ANSWER, CS_ANSWERED, ROLE_COUNTY},
    {CS_RECEIVED, CEV_INSPECT, CS_HANDLING, ROLE_COUNTY},
    {CS_HANDLING, CEV_INSPECT, CS_HANDLING, ROLE_COUNTY},
};

static int lookup(const struct case_transition *t, int n, int from, int event, unsigned role)
{
    for (int i = 0; i < n; i++)
        if (t[i].from == from && t[i].event == event && (t[i].roles == 0 || (t[i].roles & role) != 0))
            return t[i].to;
    return -1;
}

#define NT(t) ((int)(sizeof(t) / sizeof((t)[0])))

int incident_transition(int from, int event, unsigned role)
{
    return lookup(incident_table, NT(incident_table), from, event, role);
}

int complaint_transition(int from, int event, unsigned role)
{
    /* Filing is the public's: no role bit stands for it, so only role 0 (anonymous) may fire it. */
    if (event == CEV_FILE && role != 0) return -1;
    if (event != CEV_FILE && role == 0) return -1;
    return lookup(complaint_table, NT(complaint_table), from, event, role);
}

const struct case_transition *incident_transitions(int *n)
{
    if (n) *n = NT(incident_table);
    return incident_table;
}

const struct case_transition *complaint_transitions(int *n)
{
    if (n) *n = NT(complaint_table);
    return complaint_table;
}

int cases_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}
