/* The rules of filing (备案): name tables, the dossier check (its figures come from the one thresholds table,
 * modules/rules/thresholds.c), and the workflow as a transition table. No I/O: handlers and stores call in
 * here. */
#include "modules/filing/filing.h"

#include "auth/auth.h"
#include "core/arena.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

const char *const service_type_names[] = {"full_day", "half_day", "hourly", "temporary", NULL};
const char *const service_type_names_zh[] = {"全日托", "半日托", "计时托", "临时托", NULL};

const char *const class_type_names[] = {"infant", "toddler", "older", "mixed", NULL};
const char *const class_type_names_zh[] = {"乳儿班", "托小班", "托大班", "混龄班", NULL};

const char *const attachment_kind_names[] = {
    "filing_form",          "commitment",        "business_license", "premises_proof",
    "staff_qualifications", "health_evaluation", "fire_safety",      NULL,
};
const char *const attachment_kind_names_zh[] = {
    "备案书",       "承诺书", "营业执照或法人登记证书", "场地证明", "从业人员资格及健康证明", "卫生评价报告",
    "消防安全证明", NULL,
};

const char *const filing_status_names[] = {"none", "submitted", "returned", "approved", "superseded", NULL};
const char *const filing_status_names_zh[] = {"未备案", "已提交", "已退回", "已备案", "已被替代", NULL};
const char *const filing_event_names[] = {"submit", "approve", "return", NULL};

/* Fills *min_months and *max_months with the ages a class type serves (设置标准: 乳儿班 6–12, 托小班 12–24,
 * 托大班 24–36 months; 混合班 from 18 months to the top of the range). An unknown type gives -1 and -1. */
void class_type_ages(int type, int *min_months, int *max_months)
{
    static const int ages[CLASS__COUNT][2] = {{6, 12}, {12, 24}, {24, 36}, {18, 36}};
    if (type < 0 || type >= CLASS__COUNT) {
        *min_months = *max_months = -1;
        return;
    }
    *min_months = ages[type][0];
    *max_months = ages[type][1];
}

/* Judge an upload by its magic bytes, never by its name or declared type. p is borrowed (may be NULL when n
 * is 0). Returns a static media type or NULL. */
const char *attachment_sniff(const void *p, size_t n)
{
    static const struct {
        const unsigned char *magic;
        size_t len;
        const char *type;
    } kinds[] = {
        {(const unsigned char *)"%PDF-", 5, "application/pdf"},
        {(const unsigned char *)"\xFF\xD8\xFF", 3, "image/jpeg"},
        {(const unsigned char *)"\x89PNG\r\n\x1A\n", 8, "image/png"},
    };
    if (!p) return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (n >= kinds[i].len && memcmp(p, kinds[i].magic, kinds[i].len) == 0) return kinds[i].type;
    return NULL;
}

#define FILING_SETTING_STD RULES_DOC_SETTING

/* The stable JSON name of a severity: "violation" or "warning"; "unknown" for anything else. Static. */
const char *finding_severity_name(int severity)
{
    switch (severity) {
    case SEV_VIOLATION:
        return "violation";
    case SEV_WARNING:
        return "warning";
    default:
        return "unknown";
    }
}

/* Where filing_check writes: findings beyond max are counted but not written (nor formatted). */
struct filing_sink {
    struct arena *a;
    struct finding *out;
    int max, n;
};

static void filing_add(struct filing_sink *s, const char *rule, int severity, const char *clause,
                       const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void filing_add(struct filing_sink *s, const char *rule, int severity, const char *clause,
                       const char *field, const char *fmt, ...)
{
    if (s->n < s->max) {
        va_list ap;
        va_start(ap, fmt);
        s->out[s->n] = (struct finding){
            .rule = rule,
            .severity = severity,
            .message = arena_vprintf(s->a, fmt, ap),
            .clause = clause,
            .field = field,
        };
        va_end(ap);
    }
    s->n++;
}

/* A field path inside the classes or fees array; only formatted when the finding will be written. */
static const char *filing_field(struct filing_sink *s, const char *array, int i, const char *member)
{
    if (s->n >= s->max) return NULL;
    return member ? arena_printf(s->a, "%s[%d].%s", array, i, member)
                  : arena_printf(s->a, "%s[%d]", array, i);
}

static const struct threshold *filing_th(const char *key)
{
    const struct threshold *t = threshold_find(key);
    assert(t && "unknown threshold key");
    return t;
}

static const char *const filing_class_max_keys[CLASS__COUNT] = {"class_max_infant", "class_max_toddler",
                                                                "class_max_older", "class_max_mixed"};
static const char *const filing_ratio_keys[CLASS__COUNT] = {"ratio_infant", "ratio_toddler", "ratio_older",
                                                            "ratio_mixed"};

#define FILING_REG_CLAUSE "《托育机构登记和备案办法（试行）》（国卫办人口发〔2019〕25号）备案材料"
#define FILING_FEE_CLAUSE "《托育机构质量评估标准》（WS/T 821—2023）10.4 收费公示（条款号来源可信度 S）"

/* Classes: size caps and caregiver ratios per class; returns the total capacity and caregivers. */
static void filing_check_classes(const struct filing_dossier *d, struct filing_sink *s,
                                 int64_t *total_capacity, int64_t *total_caregivers)
{
    *total_capacity = *total_caregivers = 0;
    if (d->nclasses <= 0 || !d->classes) {
        filing_add(s, "classes_missing", SEV_VIOLATION, FILING_SETTING_STD "班级规模", "classes",
                   "未填写任何班级");
        return;
    }
    for (int i = 0; i < d->nclasses; i++) {
        const struct filing_class *c = &d->classes[i];
        if (c->type < 0 || c->type >= CLASS__COUNT) {
            filing_add(s, "class_type", SEV_VIOLATION, FILING_SETTING_STD "班级规模",
                       filing_field(s, "classes", i, "type"), "第 %d 个班级的班级类型无效", i + 1);
            continue;
        }
        const char *zh = class_type_names_zh[c->type];
        const struct threshold *cap = filing_th(filing_class_max_keys[c->type]);
        const struct threshold *ratio = filing_th(filing_ratio_keys[c->type]);

        if (c->capacity < 1)
            filing_add(s, "class_capacity", SEV_VIOLATION, cap->clause,
                       filing_field(s, "classes", i, "capacity"), "%s人数为 %lld，每班至少应有 1 人", zh,
                       (long long)c->capacity);
        else if ((double)c->capacity > cap->value)
            filing_add(s, "class_capacity", SEV_VIOLATION, cap->clause,
                       filing_field(s, "classes", i, "capacity"), "%s人数 %lld 超过上限 %g 人", zh,
                       (long long)c->capacity, cap->value);

        if (c->caregivers < 1)
            filing_add(s, "caregiver_ratio", SEV_VIOLATION, ratio->clause,
                       filing_field(s, "classes", i, "caregivers"),
                       "%s保育人员为 %lld 名，每班至少应配备 1 名", zh, (long long)c->caregivers);
        else if (c->capacity >= 1 && (double)c->capacity > (double)c->caregivers * ratio->value)
            filing_add(s, "caregiver_ratio", SEV_VIOLATION, ratio->clause,
                       filing_field(s, "classes", i, "caregivers"),
                       "%s %lld 名婴幼儿仅配备 %lld 名保育人员，低于 1:%g 的配比，至少需要 %.0f 名", zh,
                       (long long)c->capacity, (long long)c->caregivers, ratio->value,
                       ceil((double)c->capacity / ratio->value));

        if (c->capacity > 0) *total_capacity += c->capacity;
        if (c->caregivers > 0) *total_caregivers += c->caregivers;
    }
}

static void filing_check_staff(const struct filing_dossier *d, struct filing_sink *s,
                               int64_t class_caregivers)
{
    static const struct {
        const char *rule, *key, *field, *what;
        size_t offset;
    } mins[] = {
        {"director", "min_director", "staff_planned.director", "负责人",
         offsetof(struct filing_dossier, staff_director)},
        {"health_worker", "min_health_worker", "staff_planned.health", "保健人员",
         offsetof(struct filing_dossier, staff_health)},
        {"security_guard", "min_security_guard", "staff_planned.security", "保安人员",
         offsetof(struct filing_dossier, staff_security)},
    };
    for (size_t i = 0; i < sizeof mins / sizeof mins[0]; i++) {
        const struct threshold *t = filing_th(mins[i].key);
        int64_t have = *(const int64_t *)((const char *)d + mins[i].offset);
        if ((double)have < t->value)
            filing_add(s, mins[i].rule, SEV_VIOLATION, t->clause, mins[i].field,
                       "计划%s %lld 名，应至少配备 %g 名", mins[i].what, (long long)have, t->value);
    }
    if (d->staff_caregiver < class_caregivers)
        filing_add(s, "caregiver_staff_total", SEV_WARNING, FILING_SETTING_STD "保育人员与婴幼儿比例",
                   "staff_planned.caregiver", "计划保育人员 %lld 名，少于各班级保育人员合计 %lld 名",
                   (long long)d->staff_caregiver, (long long)class_caregivers);
}

static void filing_check_area(struct filing_sink *s, const char *rule, const char *key, const char *field,
                              const char *what, double have, int64_t children)
{
    const struct threshold *t = filing_th(key);
    double need = (double)children * t->value;
    if (have < need)
        filing_add(s, rule, SEV_WARNING, t->clause, field,
                   "%s %.1f 平方米，低于 %lld 名婴幼儿按每人 %g 平方米计算的 %.1f 平方米（本地设置）", what,
                   have, (long long)children, t->value, need);
}

static void filing_check_fees(const struct filing_dossier *d, struct filing_sink *s)
{
    unsigned offered = d->service_types & ((1u << SVC__COUNT) - 1);
    if (offered == 0)
        filing_add(s, "service_types_missing", SEV_VIOLATION, FILING_REG_CLAUSE, "service_types",
                   "未选择任何托育服务类型（全日托、半日托、计时托、临时托）");

    unsigned priced = 0;
    for (int i = 0; i < d->nfees && d->fees; i++) {
        int t = d->fees[i].service_type;
        bool known = t >= 0 && t < SVC__COUNT;
        if (known && (offered & (1u << t))) {
            priced |= 1u << t;
            continue;
        }
        filing_add(s, "fee_unoffered_service", SEV_WARNING, FILING_FEE_CLAUSE,
                   filing_field(s, "fees", i, "service_type"), "填写了%s的收费标准，但未提供该服务",
                   known ? service_type_names_zh[t] : "未知服务类型");
    }
    for (int t = 0; t < SVC__COUNT; t++)
        if ((offered & (1u << t)) && !(priced & (1u << t)))
            filing_add(s, "fee_missing", SEV_WARNING, FILING_FEE_CLAUSE, "fees", "提供%s服务但未填写收费标准",
                       service_type_names_zh[t]);
}

/* Check a dossier against the rules (see filing.h). d is borrowed; messages and field paths come from a and
 * live as long as it does; clauses and rule names are static. out may be NULL when max is 0. Returns the
 * number of findings, which may exceed max. Pure; never blocks. */
int filing_check(const struct filing_dossier *d, struct arena *a, struct finding *out, int max)
{
    struct filing_sink s = {.a = a, .out = out, .max = out ? (max > 0 ? max : 0) : 0, .n = 0};
    int64_t children, caregivers;

    filing_check_classes(d, &s, &children, &caregivers);
    filing_check_staff(d, &s, caregivers);
    filing_check_area(&s, "indoor_area", "indoor_area_per_child_m2", "indoor_area_m2", "室内使用面积",
                      d->indoor_area_m2, children);
    filing_check_area(&s, "outdoor_area", "outdoor_area_per_child_m2", "outdoor_area_m2", "室外活动面积",
                      d->outdoor_area_m2, children);
    filing_check_fees(d, &s);
    return s.n;
}

/* How many of the n findings at f are violations (as opposed to warnings). */
int findings_violations(const struct finding *f, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        if (f[i].severity == SEV_VIOLATION) v++;
    return v;
}

/* The workflow. Anything not listed is refused, in particular every move out of approved or superseded:
 * a change after approval is a new submission that supersedes the approved version, made by the caller as
 * a new filing version, never by moving the old one. */
static const struct transition filing_transition_table[] = {
    {FS_NONE, EV_SUBMIT, FS_SUBMITTED, ROLE_OPERATOR},
    {FS_RETURNED, EV_SUBMIT, FS_SUBMITTED, ROLE_OPERATOR},
    /* A resubmission while the previous version is still waiting: the caller marks that version superseded.
     */
    {FS_SUBMITTED, EV_SUBMIT, FS_SUBMITTED, ROLE_OPERATOR},
    {FS_SUBMITTED, EV_APPROVE, FS_APPROVED, ROLE_COUNTY},
    {FS_SUBMITTED, EV_RETURN, FS_RETURNED, ROLE_COUNTY},
};
#define FILING_NTRANSITIONS ((int)(sizeof filing_transition_table / sizeof filing_transition_table[0]))

/* The target status of event fired from status from by a principal whose role bit is role, or -1 when the
 * table has no such move for that role. Pure. */
int filing_transition(int from, int event, unsigned role)
{
    for (int i = 0; i < FILING_NTRANSITIONS; i++) {
        const struct transition *t = &filing_transition_table[i];
        if (t->from == from && t->event == event && (t->roles & role) != 0) return t->to;
    }
    return -1;
}

/* The transition table and (through n, if not NULL) its length. Static storage. */
const struct transition *filing_transitions(int *n)
{
    if (n) *n = FILING_NTRANSITIONS;
    return filing_transition_table;
}

/* The index of a status name ("submitted" → FS_SUBMITTED), or -1 for NULL or an unknown name. */
int filing_status_from_name(const char *s)
{
    if (!s) return -1;
    for (int i = 0; i < FS__COUNT; i++)
        if (strcmp(filing_status_names[i], s) == 0) return i;
    return -1;
}
