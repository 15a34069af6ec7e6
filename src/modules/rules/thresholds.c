/* The one thresholds table (see rules.h): every figure a rule of filing or of live compliance compares with,
 * the clause it comes from and whether it is a national rule or a local setting. */
#include "modules/rules/rules.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* National figures (设置标准, confidence C) are cited by document and topic where the reference notes confirm
 * no article number. An article number is written only where the notes give one, and its confidence with it.
 * Local settings are marked local and say where the default came from and how sure we are. Created at start,
 * overridden only by thresholds_set before the server starts serving. */
static struct threshold rules_thresholds[] = {
    /* Filing: classes, ratios, staff, premises. */
    {"class_max_infant", 10, RULES_DOC_SETTING "班级规模", "乳儿班（6—12个月）每班人数上限", false},
    {"class_max_toddler", 15, RULES_DOC_SETTING "班级规模", "托小班（12—24个月）每班人数上限", false},
    {"class_max_older", 20, RULES_DOC_SETTING "班级规模", "托大班（24—36个月）每班人数上限", false},
    {"class_max_mixed", 18, RULES_DOC_SETTING "班级规模", "混龄班（18个月以上）每班人数上限", false},
    {"ratio_infant", 3, RULES_DOC_SETTING "保育人员与婴幼儿比例",
     "乳儿班每名保育人员照护婴幼儿人数上限（1:3）", false},
    {"ratio_toddler", 5, RULES_DOC_SETTING "保育人员与婴幼儿比例",
     "托小班每名保育人员照护婴幼儿人数上限（1:5）", false},
    {"ratio_older", 7, RULES_DOC_SETTING "保育人员与婴幼儿比例",
     "托大班每名保育人员照护婴幼儿人数上限（1:7）", false},
    {"ratio_mixed", 5, RULES_LOCAL "国家未规定混龄班配比，1:5 为常见地方做法（来源可信度 S，仅一个二手来源）",
     "混龄班每名保育人员照护婴幼儿人数上限", true},
    {"min_director", 1, RULES_DOC_SETTING "人员配备：负责人", "负责人最少人数", false},
    {"min_health_worker", 1, RULES_DOC_SETTING "人员配备：保健人员；" RULES_DOC_HEALTH,
     "保健人员最少人数（专职或兼职）", false},
    {"min_security_guard", 1, RULES_DOC_SETTING "人员配备：保安人员", "保安人员最少人数", false},
    {"indoor_area_per_child_m2", 3,
     RULES_LOCAL "未查到国家人均室内面积标准，每名婴幼儿 3 平方米使用面积见于一个二手来源（来源可信度 S）",
     "每名婴幼儿室内使用面积下限（平方米）", true},
    {"outdoor_area_per_child_m2", 2, RULES_LOCAL "未查到国家或地方来源（来源可信度 U），仅为默认值",
     "每名婴幼儿室外活动面积下限（平方米）", true},

    /* Live compliance: staff, health care, children, home-based points. */
    {"health_worker_fulltime_children", 150,
     RULES_DOC_HEALTH "第十二条（条款号及人数来源可信度 S，仅一个二手来源）",
     "在托婴幼儿达到此人数时应至少配备 1 名专职保健人员", false},
    {"director_min_education", 2, RULES_DOC_SETTING "人员配备：负责人应具有大专以上学历",
     "负责人最低学历（2 = 大专）", false},
    {"director_min_experience_years", 3, RULES_DOC_SETTING "人员配备：负责人应有 3 年以上相关管理工作经历",
     "负责人相关管理工作年限下限（年）", false},
    {"check_interval_days", 365,
     RULES_DOC_MANAGEMENT "第二十八条：工作人员上岗前及每年进行健康检查；婴幼儿至少每年一次健康检查为本系统"
                          "规划（四3）的规则（1—3 岁每半年一次见于一个二手来源，来源可信度 S）",
     "两次健康检查的最长间隔天数（工作人员与婴幼儿）", false},
    {"absence_recheck_days", 90, RULES_DOC_MANAGEMENT "婴幼儿离园 3 个月以上应重新进行健康检查（按 90 天计）",
     "连续离园达到此天数后须重新体检后方可返回", false},
    {"home_max_children", 5, RULES_DOC_HOME "收托人数不超过 5 人，超过须按托育机构备案（来源可信度 S）",
     "家庭托育点收托婴幼儿人数上限", false},
    {"home_ratio", 3, RULES_DOC_HOME "每名照护人员最多照护 3 名婴幼儿（来源可信度 S）",
     "家庭托育点每名照护人员照护婴幼儿人数上限（1:3）", false},
    {"cert_reminder_days", 30, RULES_LOCAL "本系统默认的提醒期限，无国家或地方来源（来源可信度 U）",
     "证书到期前提前提醒的天数", true},
    {"child_reminder_days", 30, RULES_LOCAL "本系统默认的提醒期限，无国家或地方来源（来源可信度 U）",
     "健康检查到期前提前提醒的天数（婴幼儿与工作人员）", true},
    {"ban_recheck_days", 365,
     RULES_LOCAL "《托育服务法（草案）》（2025-12-22 一审）提出入职前及每年查询，尚未施行；每年复查为本地设置"
                 "（草案内容来源可信度 C）",
     "在职人员禁入名单复查的最长间隔天数", true},
};
#define RULES_NTHRESHOLDS ((int)(sizeof rules_thresholds / sizeof rules_thresholds[0]))

/* The whole table and (through n, if not NULL) its length. Static storage, valid for the process. */
const struct threshold *thresholds_all(int *n)
{
    if (n) *n = RULES_NTHRESHOLDS;
    return rules_thresholds;
}

static struct threshold *rules_threshold_find(const char *key)
{
    if (!key) return NULL;
    for (int i = 0; i < RULES_NTHRESHOLDS; i++)
        if (strcmp(rules_thresholds[i].key, key) == 0) return &rules_thresholds[i];
    return NULL;
}

/* The entry for key, or NULL for NULL or an unknown key. Static storage. Pure. */
const struct threshold *threshold_find(const char *key)
{
    return rules_threshold_find(key);
}

/* The current value of key (see rules.h): asserts on an unknown key, NAN without assertions. */
double threshold_get(const char *key)
{
    const struct threshold *t = rules_threshold_find(key);
    assert(t && "unknown threshold key");
    return t ? t->value : NAN;
}

/* Override a threshold's value (start-up only: the table is shared by every worker without locks). Returns
 * false for an unknown key or a value that is not a finite positive number. */
bool thresholds_set(const char *key, double value)
{
    struct threshold *t = rules_threshold_find(key);
    if (!t || !isfinite(value) || value <= 0) return false;
    t->value = value;
    return true;
}
