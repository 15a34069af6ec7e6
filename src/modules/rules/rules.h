/* The one table of rule thresholds — national figures and local settings — each with the clause it comes
 * from. Filing (modules/filing) and live compliance (modules/compliance) both read their figures here, so a
 * city that overrides a figure (settings "threshold.KEY") changes every check at once. */
#ifndef TUOYU_RULES_H
#define TUOYU_RULES_H
#include <stdbool.h>

/* Documents cited in clauses (short names as in the reference notes). Article numbers are written only where
 * the reference notes give one, with its confidence. */
#define RULES_DOC_SETTING    "《托育机构设置标准（试行）》（国卫人口发〔2019〕58号）"
#define RULES_DOC_MANAGEMENT "《托育机构管理规范（试行）》（国卫人口发〔2019〕58号）"
#define RULES_DOC_HOME       "《家庭托育点管理办法（试行）》（2023-11-14）"
#define RULES_DOC_HEALTH     "《托儿所幼儿园卫生保健管理办法》（卫生部、教育部令第76号）"
#define RULES_DOC_QUALITY    "《托育机构质量评估标准》（WS/T 821—2023）"
/* The prefix every local setting's clause starts with: a local figure must not pass for a national rule. */
#define RULES_LOCAL "本地设置（非国家标准）："

/* A national or local threshold, with the clause it comes from. */
struct threshold {
    const char *key; /* "class_max_infant" */
    double value;    /* default, or the value set at start-up */
    const char *clause; /* "《托育机构设置标准（试行）》（…）班级规模" (confidence noted where only S) */
    const char *description; /* Chinese, for people */
    bool local;              /* true: a local setting, not a national rule */
};

/* The whole table and (through n, if not NULL) its length. Static storage, valid for the process; values may
 * have been overridden by thresholds_set at start-up. */
const struct threshold *thresholds_all(int *n);
/* The entry for key, or NULL for NULL or an unknown key. Static storage. */
const struct threshold *threshold_find(const char *key);
/* The current value of a threshold. An unknown key is our own mistake (keys are literals in this program):
 * asserts, and gives NAN in builds without assertions so that no comparison with it can pass silently. */
double threshold_get(const char *key);
/* Override a threshold (start-up only: the table is shared by every worker without locks). Returns false for
 * an unknown key or a value that is not a finite positive number. */
bool thresholds_set(const char *key, double value);

#endif
