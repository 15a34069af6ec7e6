/* The pure rules of inspections: names, each department's competence, the workflow's transition table and the
 * consistency of recorded results with the checklist. No I/O. */
#include "modules/inspection/inspection.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *const inspection_kind_names[] = {"routine", "random", "complaint", "campaign", NULL};
const char *const inspection_kind_names_zh[] = {"日常检查", "双随机抽查", "投诉核查", "专项检查", NULL};
const char *const inspection_status_names[] = {"planned", "completed", "cancelled", NULL};
const char *const inspection_status_names_zh[] = {"待检查", "已完成", "已取消", NULL};
const char *const inspection_event_names[] = {"complete", "cancel", NULL};
const char *const inspection_severity_names[] = {"low", "medium", "high", "critical", NULL};
const char *const inspection_severity_names_zh[] = {"轻微", "一般", "较重", "严重", NULL};
const char *const inspection_item_result_names[] = {"pass", "fail", "na", NULL};
const char *const inspection_item_result_names_zh[] = {"符合", "不符合", "不适用", NULL};

int inspection_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* The joint-supervision list (市卫健委): who checks what. Same order as the departments table. */
static const struct {
    const char *code, *competence;
} competences[] = {
    {"health", "卫生保健、疾病防控、饮用水卫生、托育服务规范"},
    {"fire", "消防安全"},
    {"police", "安保人员、人防物防技防"},
    {"market", "食品安全、收费价格"},
    {"emergency", "应急预案与演练"},
    {"education", "幼儿园托班"},
    {"housing", "房屋建筑与设施安全"},
};
#define NCOMPETENCES ((int)(sizeof competences / sizeof competences[0]))

const char *const inspection_department_codes[] = {"health",    "fire",      "police",  "market",
                                                   "emergency", "education", "housing", NULL};

bool inspection_department_valid(const char *code)
{
    return inspection_name_index(inspection_department_codes, code) >= 0;
}

const char *inspection_department_competence(const char *code)
{
    for (int i = 0; code && i < NCOMPETENCES; i++)
        if (strcmp(competences[i].code, code) == 0) return competences[i].competence;
    return NULL;
}

const char *inspection_acting_department(const struct principal *who)
{
    if (!who) return NULL;
    switch (who->role) {
    case ROLE_INSPECTOR:
        return who->department && who->department[0] ? who->department : "health";
    case ROLE_CITY:
    case ROLE_COUNTY:
    case ROLE_ADMIN:
        return "health";
    default:
        return NULL;
    }
}

/* planned → completed by an inspector of the inspection's department, or by the county health bureau for a
 * health inspection (recorded from paper); planned → cancelled by the county or by an inspector assigned to
 * it (the one who planned it, or a drawn one). completed and cancelled are final: no row leaves them. City
 * officials, admins and auditors oversee and never move an inspection. */
static const struct inspection_transition transitions[] = {
    {IS_PLANNED, INSP_EV_COMPLETE, IS_COMPLETED, ROLE_INSPECTOR, true, false},
    {IS_PLANNED, INSP_EV_COMPLETE, IS_COMPLETED, ROLE_COUNTY, true, false},
    {IS_PLANNED, INSP_EV_CANCEL, IS_CANCELLED, ROLE_INSPECTOR, false, true},
    {IS_PLANNED, INSP_EV_CANCEL, IS_CANCELLED, ROLE_COUNTY, false, false},
};

const struct inspection_transition *inspection_transitions(int *n)
{
    *n = (int)(sizeof transitions / sizeof transitions[0]);
    return transitions;
}

int inspection_transition(int from, int event, unsigned role, bool same_department, bool assigned)
{
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        const struct inspection_transition *t = &transitions[i];
        if (t->from != from || t->event != event || !(t->roles & role)) continue;
        if ((t->same_department && !same_department) || (t->assigned && !assigned)) continue;
        return t->to;
    }
    return -1;
}

bool checklist_code_valid(const char *s)
{
    if (!s) return false;
    size_t n = strlen(s);
    if (n < 1 || n > 32) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isascii(c) && (isalnum(c) || c == '_' || c == '-'))) return false;
    }
    return true;
}

bool checklist_items_check(const struct checklist_item *items, int n, struct field_errors *fe)
{
    int before = fe->n;
    if (n < 1 || n > CHECKLIST_MAX_ITEMS) fe_addf(fe, "items", "检查项应为 1 至 %d 项", CHECKLIST_MAX_ITEMS);
    for (int i = 0; i < n; i++) {
        char path[48];
        if (!checklist_code_valid(items[i].code)) {
            snprintf(path, sizeof path, "items[%d].code", i);
            fe_add(fe, path, "编号应为 1 至 32 个字母、数字、下划线或连字符");
        } else {
            for (int j = 0; j < i; j++)
                if (items[j].code && strcmp(items[j].code, items[i].code) == 0) {
                    snprintf(path, sizeof path, "items[%d].code", i);
                    fe_add(fe, path, "编号重复");
                    break;
                }
        }
        if (text_blank(items[i].text)) {
            snprintf(path, sizeof path, "items[%d].text", i);
            fe_add(fe, path, "请填写检查内容");
        }
        if (text_blank(items[i].clause)) {
            snprintf(path, sizeof path, "items[%d].clause", i);
            fe_add(fe, path, "请填写依据条款");
        }
    }
    return fe->n == before;
}

static int find_item(const struct checklist_item *tmpl, int ntmpl, const char *code)
{
    for (int i = 0; code && i < ntmpl; i++)
        if (tmpl[i].code && strcmp(tmpl[i].code, code) == 0) return i;
    return -1;
}

bool inspection_results_check(const struct checklist_item *tmpl, int ntmpl,
                              const struct inspection_item_in *res, int nres,
                              const struct inspection_finding_in *findings, int nfindings,
                              struct field_errors *fe)
{
    int before = fe->n;
    char path[48];
    for (int i = 0; i < nres; i++) {
        snprintf(path, sizeof path, "items[%d].code", i);
        if (find_item(tmpl, ntmpl, res[i].code) < 0) {
            fe_add(fe, path, "不是本检查表的检查项");
            continue;
        }
        for (int j = 0; j < i; j++)
            if (res[j].code && strcmp(res[j].code, res[i].code) == 0) {
                fe_add(fe, path, "检查项重复");
                break;
            }
    }
    for (int t = 0; t < ntmpl; t++) {
        bool answered = false;
        for (int i = 0; i < nres && !answered; i++)
            answered = res[i].code && strcmp(res[i].code, tmpl[t].code) == 0;
        if (!answered) fe_addf(fe, "items", "缺少检查项 %s 的结果", tmpl[t].code);
    }
    for (int j = 0; j < nfindings; j++) {
        if (findings[j].item_code && find_item(tmpl, ntmpl, findings[j].item_code) < 0) {
            snprintf(path, sizeof path, "findings[%d].item_code", j);
            fe_add(fe, path, "不是本检查表的检查项");
        }
    }
    for (int i = 0; i < nres; i++) {
        if (res[i].result != CHECK_FAIL || !text_blank(res[i].note)) continue;
        bool found = false;
        for (int j = 0; j < nfindings && !found; j++)
            found = findings[j].item_code && res[i].code && strcmp(findings[j].item_code, res[i].code) == 0;
        if (!found) {
            snprintf(path, sizeof path, "items[%d].result", i);
            fe_addf(fe, path, "检查项 %s 不符合，请记录问题或在备注中说明原因",
                    res[i].code ? res[i].code : "");
        }
    }
    return fe->n == before;
}

const char *inspection_outcome(int nfindings)
{
    return nfindings > 0 ? "findings" : "pass";
}
