/* The rules of meetings and resolutions: who acts for the office, the two workflows as transition tables,
 * overdue resolutions, and the checks of days and numbers. No I/O: the store and the handlers call in here.
 */
#include "modules/joint/meeting.h"

#include "core/arena.h"
#include "core/clock.h"

#include <string.h>

const char *const meeting_kind_names[] = {"plenary", "topic", "liaison", NULL};
const char *const meeting_kind_names_zh[] = {"全体会议", "专题会议", "联络员会议", NULL};
const char *const meeting_status_names[] = {"planned", "held", NULL};
const char *const meeting_status_names_zh[] = {"计划召开", "已召开", NULL};
const char *const resolution_status_names[] = {"open", "done", NULL};
const char *const resolution_status_names_zh[] = {"办理中", "已办结", NULL};
const char *const meeting_event_names[] = {"record", "resolve", "update", "done", "reopen", NULL};
const char *const meeting_event_names_zh[] = {"记录会议", "确定议定事项", "报告进展",
                                              "办结",     "重新办理",     NULL};

/* A meeting is planned, then recorded once as held; resolutions are set only at a held meeting. */
static const struct meeting_transition meeting_table[] = {
    {MS_PLANNED, MEV_RECORD, MS_HELD, MA_OFFICE},
    {MS_HELD, MEV_RESOLVE, MS_HELD, MA_OFFICE},
};
#define MEETING_N ((int)(sizeof meeting_table / sizeof meeting_table[0]))

/* The owner unit (or the office) reports progress and closes a resolution; only the office reopens a closed
 * one. Nothing is reported on a closed resolution. */
static const struct meeting_transition resolution_table[] = {
    {RES_OPEN, MEV_UPDATE, RES_OPEN, MA_OWNER | MA_OFFICE},
    {RES_OPEN, MEV_DONE, RES_DONE, MA_OWNER | MA_OFFICE},
    {RES_DONE, MEV_REOPEN, RES_OPEN, MA_OFFICE},
};
#define RESOLUTION_N ((int)(sizeof resolution_table / sizeof resolution_table[0]))

const struct meeting_transition *meeting_transitions(int *n)
{
    if (n) *n = MEETING_N;
    return meeting_table;
}

const struct meeting_transition *resolution_transitions(int *n)
{
    if (n) *n = RESOLUTION_N;
    return resolution_table;
}

static enum err check(const struct meeting_transition *t, int nt, int from, int event, unsigned actors,
                      int *to)
{
    bool fires = false;
    for (int i = 0; i < nt; i++) {
        if (t[i].event != event || (t[i].actors & actors) == 0) continue;
        fires = true;
        if (t[i].from == from) {
            if (to) *to = t[i].to;
            return OK;
        }
    }
    return fires ? ERR_STATE : ERR_FORBIDDEN;
}

/* ERR_FORBIDDEN when actors never fire event, ERR_STATE when not from this status. Pure. */
enum err meeting_check(int from, int event, unsigned actors, int *to)
{
    return check(meeting_table, MEETING_N, from, event, actors, to);
}

enum err resolution_check(int from, int event, unsigned actors, int *to)
{
    return check(resolution_table, RESOLUTION_N, from, event, actors, to);
}

/* City officials act for the office; so do the office unit's own officers. Pure. */
bool meeting_is_office(unsigned role, const char *unit)
{
    if (role == ROLE_CITY) return true;
    return role == ROLE_UNIT && unit && strcmp(unit, MEETING_OFFICE_UNIT) == 0;
}

/* Pure; strings borrowed, NULL never matches a unit. */
unsigned meeting_actor(unsigned role, const char *unit, const char *owner_unit)
{
    unsigned bits = 0;
    if (meeting_is_office(role, unit)) bits |= MA_OFFICE;
    if (role == ROLE_UNIT) {
        if (owner_unit && unit && strcmp(unit, owner_unit) == 0)
            bits |= MA_OWNER;
        else if (!(bits & MA_OFFICE))
            bits |= MA_UNIT;
    }
    if (role == ROLE_ADMIN || role == ROLE_AUDITOR) bits |= MA_READER;
    return bits;
}

bool resolution_overdue(int status, int64_t deadline_on, int64_t today)
{
    return status == RES_OPEN && today > deadline_on;
}

int64_t resolution_days_overdue(int status, int64_t deadline_on, int64_t today)
{
    return resolution_overdue(status, deadline_on, today) ? today - deadline_on : 0;
}

const char *meeting_planned_day_problem(int64_t held_on, int64_t today)
{
    if (held_on < today - 366) return "会议日期不能早于一年前";
    if (held_on > today + 2 * 366) return "会议日期不能晚于两年后";
    return NULL;
}

const char *meeting_held_day_problem(int64_t held_on, int64_t today)
{
    if (held_on > today) return "召开日期不能晚于今天";
    if (held_on < today - 366) return "召开日期不能早于一年前";
    return NULL;
}

const char *meeting_plenary_problem(int kind, int64_t plenaries_that_year)
{
    if (kind == MK_PLENARY && plenaries_that_year >= MEETING_PLENARY_PER_YEAR)
        return "全体会议每年召开 1—2 次，该年已有 2 次";
    return NULL;
}

const char *resolution_deadline_problem(int64_t deadline_on, int64_t held_on)
{
    if (deadline_on < held_on) return "办理期限不能早于会议日期";
    if (deadline_on > held_on + 3 * 366) return "办理期限不能超过会议后三年";
    return NULL;
}

/* Arena string. Pure apart from the arena. */
const char *resolution_number(struct arena *a, int64_t held_on, int64_t year_seq, int64_t seq)
{
    int y, m, d;
    days_to_date(held_on, &y, &m, &d);
    return arena_printf(a, "%d-%lld-%lld", y, (long long)year_seq, (long long)seq);
}

bool meeting_blank(const char *s)
{
    if (!s) return true;
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if (strncmp(s, "\xe3\x80\x80", 3) == 0) /* U+3000 */
            s += 3;
        else
            return false;
    }
    return true;
}

int meeting_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}
