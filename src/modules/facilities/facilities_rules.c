/* The rules of facilities, with no I/O: the residential project workflow as a transition table, the lateness
 * rule, coverage and the plan's 2025 goal, territory and small validations.
 *
 * Lateness (逾期). The plan wants the facility of a new residential area accepted and delivered together with
 * the housing (与住宅同步验收、同步交付使用), so the facility is due on the day the housing is delivered. A
 * project is late on day today when
 *   1. the housing delivery day has passed (today > housing_delivery_day) and the facility is not yet
 *      accepted (status planned or built) — PL_NOT_ACCEPTED; or
 *   2. the facility was accepted but is not handed over to the county education or health bureau within N
 *      days of its acceptance (status accepted and today > accepted_day + N) — PL_NOT_HANDED_OVER.
 * N is the local setting "facilities.handover_days" (default 90). A project handed over is never late. The
 * store's SQL (facilities_store.c, LATE_SQL) states the same rule for lists and counts. */
#include "modules/facilities/facilities.h"

#include "core/clock.h"

#include <string.h>

const char *const project_status_names[] = {"planned", "built", "accepted", "handed_over", NULL};
const char *const project_status_names_zh[] = {"规划中", "已建成", "已验收", "已移交", NULL};
const char *const facility_form_names[] = {"standalone", "with_kindergarten", NULL};
const char *const facility_form_names_zh[] = {"独立设置", "与幼儿园合建", NULL};
const char *const handed_to_names[] = {"education", "health", NULL};
const char *const handed_to_names_zh[] = {"县级教育部门", "县级卫生健康部门", NULL};
const char *const room_status_names[] = {"planned", "open", "closed", NULL};
const char *const room_status_names_zh[] = {"建设中", "开放", "已关闭", NULL};
const char *const place_kind_names[] = {"workplace", "public", NULL};
const char *const place_kind_names_zh[] = {"用人单位", "公共场所", NULL};
const char *const promoter_names[] = {"union", "women_federation", "health", "other", NULL};
const char *const promoter_names_zh[] = {"工会", "妇联", "卫生健康部门", "其他", NULL};
const char *const community_kind_names[] = {"community", "village", NULL};
const char *const community_kind_names_zh[] = {"社区", "村", NULL};

int facilities_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

const char *facilities_zh(const char *const *names, const char *const *zh, const char *name)
{
    int i = facilities_name_index(names, name);
    return i >= 0 ? zh[i] : "未知";
}

/* The facility is built, accepted with the housing and handed over, in that order; the health officials of
 * the county (in their district) or the city record each step. Nothing leaves handed_over. */
static const struct project_transition project_table[] = {
    {PS_PLANNED, PS_BUILT, FACILITIES_WRITERS, false},
    {PS_BUILT, PS_ACCEPTED, FACILITIES_WRITERS, false},
    {PS_ACCEPTED, PS_HANDED_OVER, FACILITIES_WRITERS, true},
};
#define PROJECT_N ((int)(sizeof project_table / sizeof project_table[0]))

const struct project_transition *project_transitions(int *n)
{
    if (n) *n = PROJECT_N;
    return project_table;
}

enum err project_check(int from, int to, unsigned role)
{
    bool takes = false;
    for (int i = 0; i < PROJECT_N; i++) {
        if ((project_table[i].roles & role) == 0) continue;
        takes = true;
        if (project_table[i].from == from && project_table[i].to == to) return OK;
    }
    return takes ? ERR_STATE : ERR_FORBIDDEN;
}

int project_handover_department(int form)
{
    return form == FF_WITH_KINDERGARTEN ? HT_EDUCATION : HT_HEALTH;
}

bool project_move_valid(int to, int64_t day, int64_t prev_day, int handed_to, int form, int64_t today,
                        struct field_errors *fe)
{
    int before = fe->n;
    if (day > today)
        fe_add(fe, "day", "日期不能晚于今天");
    else if (prev_day && day < prev_day)
        fe_add(fe, "day", "日期不能早于上一环节的日期");
    if (to == PS_HANDED_OVER) {
        if (handed_to < 0)
            fe_add(fe, "handed_to",
                   "移交时须填写接收部门（education 县级教育部门 或 health 县级卫生健康部门）");
        else if (handed_to != project_handover_department(form))
            fe_add(fe, "handed_to",
                   form == FF_WITH_KINDERGARTEN ? "与幼儿园合建的托育设施按规定移交县级教育部门"
                                                : "独立设置的托育设施按规定移交县级卫生健康部门");
    } else if (handed_to >= 0) {
        fe_add(fe, "handed_to", "只有移交时才填写接收部门");
    }
    return fe->n == before;
}

enum project_late project_late(int status, int64_t housing_delivery_day, int64_t accepted_day, int64_t today,
                               int64_t handover_days)
{
    if ((status == PS_PLANNED || status == PS_BUILT) && today > housing_delivery_day) return PL_NOT_ACCEPTED;
    if (status == PS_ACCEPTED && today > accepted_day + handover_days) return PL_NOT_HANDED_OVER;
    return PL_NONE;
}

const char *project_late_zh(enum project_late l)
{
    switch (l) {
    case PL_NOT_ACCEPTED:
        return "住宅已交付，托育设施未同步验收";
    case PL_NOT_HANDED_OVER:
        return "验收后逾期未移交";
    default:
        return "";
    }
}

int coverage_permille(int64_t with, int64_t total)
{
    if (total <= 0) return -1;
    if (with < 0) with = 0;
    if (with > total) with = total;
    return (int)(with * 1000 / total);
}

enum goal_state coverage_goal(const struct coverage *c, int64_t today)
{
    if (c->urban <= 0) return GOAL_NA;
    if (c->urban_with >= c->urban) return GOAL_MET;
    return today <= date_to_days(FACILITIES_GOAL_YEAR, 12, 31) ? GOAL_ON_TRACK : GOAL_MISSED;
}

const char *coverage_goal_zh(enum goal_state g)
{
    switch (g) {
    case GOAL_MET:
        return "已实现城镇社区全覆盖";
    case GOAL_ON_TRACK:
        return "推进中（目标：2025 年底城镇社区基本全覆盖）";
    case GOAL_MISSED:
        return "未达 2025 年底城镇社区全覆盖目标";
    default:
        return "无城镇社区";
    }
}

const char *community_code_problem(const char *code)
{
    if (!code || !*code) return "请填写社区（村）代码";
    size_t n = strlen(code);
    if (n > FAC_CODE_MAX) return "代码不能超过 20 位";
    for (size_t i = 0; i < n; i++) {
        char ch = code[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
            return "代码只能由字母和数字组成";
    }
    return NULL;
}

bool facilities_may_write(unsigned role, const char *own, const char *target)
{
    if (role == 0 || role == ROLE_CITY || role == ROLE_ADMIN) return true;
    if (role == ROLE_COUNTY) return own && target && strcmp(own, target) == 0;
    return false;
}

int facilities_unit_promoter(const char *unit)
{
    if (!unit) return -1;
    if (strcmp(unit, "trade_union") == 0) return PM_UNION;
    if (strcmp(unit, "womens_federation") == 0) return PM_WOMEN_FEDERATION;
    if (strcmp(unit, "health_commission") == 0) return PM_HEALTH;
    return -1;
}
