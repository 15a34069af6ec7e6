/* The rules of policy support: the subsidy and demonstration workflows as transition tables, the
 * once-per-year-and-type rule of subsidies, who acts where, and the count of the plan's promises met. No I/O:
 * the stores and handlers call in here. */
#include "modules/support/support.h"

#include <string.h>

const char *const subsidy_type_names[] = {"construction", "operating", "award", NULL};
const char *const subsidy_type_names_zh[] = {"建设补贴", "运营补贴", "以奖代补", NULL};
const char *const subsidy_status_names[] = {"none", "applied", "approved", "rejected", "paid", NULL};
const char *const subsidy_status_names_zh[] = {"未申请", "待审核", "已批准", "未批准", "已拨付", NULL};
const char *const subsidy_event_names[] = {"apply", "approve", "reject", "pay", NULL};
const char *const subsidy_event_names_zh[] = {"申请", "批准", "不予批准", "拨付", NULL};

const char *const dem_status_names[] = {"none", "applied", "evaluated", "designated", "rejected", NULL};
const char *const dem_status_names_zh[] = {"未申请", "待评估", "已评估", "已认定", "未认定", NULL};
const char *const dem_event_names[] = {"apply", "evaluate", "designate", "reject", NULL};
const char *const dem_event_names_zh[] = {"申请", "评估", "认定", "不予认定", NULL};
const char *const dem_level_names[] = {"county", "city", NULL};
const char *const dem_level_names_zh[] = {"县级", "市级", NULL};

/* Subsidies: the operator of a filed institution applies, or the county enters the application; the county
 * of the district decides; the county or the city (finance through the health officials) records the
 * payment. Nothing leaves rejected or paid. */
static const struct support_transition subsidy_table[] = {
    {SS_NONE, SE_APPLY, SS_APPLIED, ROLE_OPERATOR | ROLE_COUNTY},
    {SS_APPLIED, SE_APPROVE, SS_APPROVED, ROLE_COUNTY},
    {SS_APPLIED, SE_REJECT, SS_REJECTED, ROLE_COUNTY},
    {SS_APPROVED, SE_PAY, SS_PAID, ROLE_COUNTY | ROLE_CITY},
};
#define SUBSIDY_N ((int)(sizeof subsidy_table / sizeof subsidy_table[0]))

/* Demonstrations: the operator applies; the county or the city evaluates (again, while not decided),
 * designates an evaluated one or rejects. Nothing leaves designated or rejected. */
#define DEM_DECIDERS (ROLE_COUNTY | ROLE_CITY)
static const struct support_transition dem_table[] = {
    {DS_NONE, DE_APPLY, DS_APPLIED, ROLE_OPERATOR},
    {DS_APPLIED, DE_EVALUATE, DS_EVALUATED, DEM_DECIDERS},
    {DS_EVALUATED, DE_EVALUATE, DS_EVALUATED, DEM_DECIDERS},
    {DS_EVALUATED, DE_DESIGNATE, DS_DESIGNATED, DEM_DECIDERS},
    {DS_APPLIED, DE_REJECT, DS_REJECTED, DEM_DECIDERS},
    {DS_EVALUATED, DE_REJECT, DS_REJECTED, DEM_DECIDERS},
};
#define DEM_N ((int)(sizeof dem_table / sizeof dem_table[0]))

const struct support_transition *subsidy_transitions(int *n)
{
    if (n) *n = SUBSIDY_N;
    return subsidy_table;
}

const struct support_transition *dem_transitions(int *n)
{
    if (n) *n = DEM_N;
    return dem_table;
}

/* OK with the target, ERR_FORBIDDEN when no row lets role fire event, ERR_STATE when none does from from. */
static enum err table_check(const struct support_transition *t, int n, int from, int event, unsigned role,
                            int *to)
{
    bool fires = false;
    for (int i = 0; i < n; i++) {
        if (t[i].event != event || (t[i].roles & role) == 0) continue;
        fires = true;
        if (t[i].from == from) {
            if (to) *to = t[i].to;
            return OK;
        }
    }
    return fires ? ERR_STATE : ERR_FORBIDDEN;
}

enum err subsidy_check(int from, int event, unsigned role, int *to)
{
    return table_check(subsidy_table, SUBSIDY_N, from, event, role, to);
}

enum err dem_check(int from, int event, unsigned role, int *to)
{
    return table_check(dem_table, DEM_N, from, event, role, to);
}

#define BIT(s) (1u << (s))

const char *subsidy_once_problem(int event, unsigned others)
{
    switch (event) {
    case SE_APPLY:
        if (others & BIT(SS_PAID)) return "该机构本年度同类补贴已拨付，同一年度同类补贴只能拨付一次";
        if (others & BIT(SS_APPROVED)) return "该机构本年度同类补贴已批准，不能重复申请";
        if (others & BIT(SS_APPLIED)) return "该机构本年度同类补贴已有待审核的申请，不能重复申请";
        return NULL;
    case SE_APPROVE:
        if (others & BIT(SS_PAID)) return "该机构本年度同类补贴已拨付，同一年度同类补贴只能拨付一次";
        if (others & BIT(SS_APPROVED)) return "该机构本年度同类补贴已批准，不能重复批准";
        return NULL;
    case SE_PAY:
        if (others & BIT(SS_PAID)) return "该机构本年度同类补贴已拨付，同一年度同类补贴只能拨付一次";
        return NULL;
    default:
        return NULL;
    }
}

bool subsidy_needs_places(int type)
{
    return type == ST_CONSTRUCTION || type == ST_OPERATING;
}

const char *dem_level_problem(unsigned role, int level)
{
    if (level < 0 || level >= DL__COUNT) return "认定级别应为 county（县级）或 city（市级）";
    if (role == ROLE_COUNTY && level != DL_COUNTY) return "县（市、区）卫生健康局只能认定县级示范性托育机构";
    if (role == ROLE_CITY && level != DL_CITY) return "市卫生健康委认定的是市级示范性托育机构";
    return NULL;
}

bool support_may_act(unsigned role, const char *district, const char *inst_district)
{
    if (role == 0 || role == ROLE_CITY) return true;
    if (role == ROLE_COUNTY) return district && inst_district && strcmp(district, inst_district) == 0;
    return false;
}

int support_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

int policy_met_count(bool utility, int64_t liability_until, bool accident, bool training, bool skill,
                     int64_t today)
{
    return (utility ? 1 : 0) + (liability_until >= today && liability_until > 0 ? 1 : 0) +
           (accident ? 1 : 0) + (training ? 1 : 0) + (skill ? 1 : 0);
}
