/* Live compliance rules: pure checks of an institution's actual classes, staff and children against the
 * figures of the thresholds table (modules/rules), each finding citing its clause. No I/O: the store loads a
 * struct cmp_input, calls compliance_evaluate and reconciles the findings it gets back. Messages are Chinese,
 * carry numbers and dates only, and never name a person. */
#include "modules/compliance/compliance.h"

#include "core/arena.h"
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/rules/rules.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

const char *const cmp_severity_names[] = {"violation", "warning", "reminder", NULL};

/* Clauses of requirements that have no figure of their own (the figures' clauses are in the thresholds
 * table). */
#define CMP_CLAUSE_ADMISSION RULES_DOC_MANAGEMENT "婴幼儿入托前应进行健康检查"
#define CMP_CLAUSE_CLASSES   RULES_DOC_SETTING "班级规模"
static const char *const cmp_cert_clauses[CERT__COUNT] = {
    [CERT_CAREGIVER_QUALIFICATION] =
        RULES_DOC_SETTING "人员配备：保育人员应具有婴幼儿照护相关资格或经过岗位培训",
    [CERT_HEALTH_CERTIFICATE] =
        RULES_DOC_MANAGEMENT "第二十八条：工作人员上岗前及每年进行健康检查；" RULES_DOC_QUALITY
                             "5.1.5 工作人员健康证明（条款号来源可信度 S）",
    [CERT_CRIMINAL_RECORD_CHECK] = RULES_DOC_QUALITY "5.1.6 无犯罪记录证明（条款号来源可信度 S）",
    [CERT_DIRECTOR_TRAINING] = RULES_DOC_SETTING "人员配备：负责人应经过岗位培训",
    [CERT_SECURITY_LICENSE] = RULES_DOC_SETTING "人员配备：保安人员应持保安员证（来源可信度 S）",
};

/* Education levels as people read them (the stable names are in people_common.c). */
static const char *const cmp_education_zh[EDU__COUNT] = {"无学历", "高中或中专", "大专", "本科", "研究生"};

static const char *const cmp_class_max_keys[CLASS__COUNT] = {"class_max_infant", "class_max_toddler",
                                                             "class_max_older", "class_max_mixed"};
static const char *const cmp_ratio_keys[CLASS__COUNT] = {"ratio_infant", "ratio_toddler", "ratio_older",
                                                         "ratio_mixed"};

/* Where compliance_evaluate writes: findings beyond max are counted but neither written nor formatted. */
struct cmp_sink {
    struct arena *a;
    struct cmp_finding *out;
    int max, n;
};

/* Add a finding about subject kind ("class", "staff", "child"; NULL: the institution) and id. */
static void cmp_add(struct cmp_sink *s, const char *rule, int severity, const char *clause, const char *kind,
                    int64_t id, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void cmp_add(struct cmp_sink *s, const char *rule, int severity, const char *clause, const char *kind,
                    int64_t id, const char *fmt, ...)
{
    if (s->n < s->max) {
        va_list ap;
        va_start(ap, fmt);
        s->out[s->n] = (struct cmp_finding){
            .rule = rule,
            .severity = severity,
            .clause = clause,
            .subject = kind ? arena_printf(s->a, "%s:%lld", kind, (long long)id) : "institution",
            .message = arena_vprintf(s->a, fmt, ap),
        };
        va_end(ap);
    }
    s->n++;
}

/* Append ":suffix" to the subject of the finding just added (when it was written). */
static void cmp_subject_suffix(struct cmp_sink *s, const char *suffix)
{
    if (s->n <= s->max && s->n > 0)
        s->out[s->n - 1].subject = arena_printf(s->a, "%s:%s", s->out[s->n - 1].subject, suffix);
}

static const struct threshold *cmp_th(const char *key)
{
    const struct threshold *t = threshold_find(key);
    assert(t && "unknown threshold key");
    return t;
}

/* A threshold counted in whole days or years. thresholds_set only admits finite positive values; the cap
 * keeps an absurd override from overflowing the day arithmetic. */
static int64_t cmp_whole(const struct threshold *t)
{
    double v = t->value;
    if (!(v < 1e7)) v = 1e7;
    return (int64_t)v;
}

/* Whole months from birth to today by the calendar: a month is complete on the same day of a later month
 * (born on the 31st, a month completes on the 1st of the month after a shorter one). Negative before
 * birth. */
static int cmp_age_months(int64_t birth_on, int64_t today)
{
    int by, bm, bd, ty, tm, td;
    days_to_date(birth_on, &by, &bm, &bd);
    days_to_date(today, &ty, &tm, &td);
    int months = (ty - by) * 12 + (tm - bm);
    if (td < bd) months--;
    return months;
}

/* Staff counts the institution-wide rules need. */
struct cmp_counts {
    int directors, caregivers, health, health_full_time, security;
};

static void cmp_count_staff(const struct cmp_input *in, struct cmp_counts *c)
{
    *c = (struct cmp_counts){0};
    for (int i = 0; i < in->nstaff; i++) {
        const struct cmp_staff *st = &in->staff[i];
        switch (st->role) {
        case STAFF_DIRECTOR:
            c->directors++;
            break;
        case STAFF_CAREGIVER:
            c->caregivers++;
            break;
        case STAFF_HEALTH:
            c->health++;
            if (st->full_time) c->health_full_time++;
            break;
        case STAFF_SECURITY:
            c->security++;
            break;
        default:
            break;
        }
    }
}

/* Home-based points: at most home_max_children children, and one carer (a caregiver) per home_ratio. */
static void cmp_check_home(const struct cmp_input *in, const struct cmp_counts *c, struct cmp_sink *s)
{
    const struct threshold *max = cmp_th("home_max_children");
    const struct threshold *ratio = cmp_th("home_ratio");
    if ((double)in->nchildren > max->value)
        cmp_add(s, "home_capacity", CMP_VIOLATION, max->clause, NULL, 0,
                "家庭托育点在托婴幼儿 %d 名，超过上限 %g 名；超过上限须按托育机构备案", in->nchildren,
                max->value);
    if ((double)in->nchildren > (double)c->caregivers * ratio->value)
        cmp_add(s, "home_ratio", CMP_VIOLATION, ratio->clause, NULL, 0,
                "家庭托育点在托婴幼儿 %d 名，照护人员 %d 名，低于 1:%g 的配比，至少需要 %.0f 名",
                in->nchildren, c->caregivers, ratio->value, ceil((double)in->nchildren / ratio->value));
}

/* Staffing of the institution as a whole: health workers, security, a director. */
static void cmp_check_staffing(const struct cmp_input *in, const struct cmp_counts *c, struct cmp_sink *s)
{
    const struct threshold *health = cmp_th("min_health_worker");
    const struct threshold *full = cmp_th("health_worker_fulltime_children");
    const struct threshold *guard = cmp_th("min_security_guard");
    const struct threshold *director = cmp_th("min_director");

    if ((double)c->health < health->value)
        cmp_add(s, "health_worker", CMP_VIOLATION, health->clause, NULL, 0,
                "在职保健人员 %d 名，应至少配备 %g 名（专职或兼职）", c->health, health->value);
    if ((double)in->nchildren >= full->value && c->health_full_time == 0)
        cmp_add(s, "health_worker_fulltime", CMP_VIOLATION, full->clause, NULL, 0,
                "在托婴幼儿 %d 名，达到 %g 名，应至少配备 1 名专职保健人员，现有专职保健人员 0 名",
                in->nchildren, full->value);
    /* 家庭托育点 have no security guard requirement of their own. */
    if (in->provider_kind != PROVIDER_HOME_BASED && (double)c->security < guard->value)
        cmp_add(s, "security_guard", CMP_VIOLATION, guard->clause, NULL, 0,
                "在职保安人员 %d 名，应至少配备 %g 名", c->security, guard->value);
    if ((double)c->directors < director->value)
        cmp_add(s, "director", CMP_VIOLATION, director->clause, NULL, 0, "在职负责人 %d 名，应至少配备 %g 名",
                c->directors, director->value);
    else if (c->directors > 1)
        cmp_add(s, "director_multiple", CMP_WARNING, director->clause, NULL, 0,
                "登记了 %d 名负责人，应明确 1 名负责人", c->directors);
}

/* Each class: enrolled children and declared capacity against the cap, enrolled against the ratio. */
static void cmp_check_classes(const struct cmp_input *in, struct cmp_sink *s)
{
    for (int i = 0; i < in->nclasses; i++) {
        const struct cmp_class *c = &in->classes[i];
        if (c->type < 0 || c->type >= CLASS__COUNT) continue; /* the store admits known types only */
        const char *zh = class_type_names_zh[c->type];
        const struct threshold *cap = cmp_th(cmp_class_max_keys[c->type]);
        const struct threshold *ratio = cmp_th(cmp_ratio_keys[c->type]);

        if ((double)c->enrolled > cap->value)
            cmp_add(s, "class_size", CMP_VIOLATION, cap->clause, "class", c->id,
                    "%s在托 %lld 人，超过每班上限 %g 人", zh, (long long)c->enrolled, cap->value);
        if ((double)c->capacity > cap->value)
            cmp_add(s, "class_capacity_declared", CMP_VIOLATION, cap->clause, "class", c->id,
                    "%s核定人数 %lld 人，超过每班上限 %g 人", zh, (long long)c->capacity, cap->value);
        if (c->enrolled > 0 && c->caregivers <= 0)
            cmp_add(s, "class_ratio", CMP_VIOLATION, ratio->clause, "class", c->id,
                    "%s在托 %lld 名婴幼儿，未配备保育人员，按 1:%g 至少需要 %.0f 名", zh,
                    (long long)c->enrolled, ratio->value, ceil((double)c->enrolled / ratio->value));
        else if ((double)c->enrolled > (double)c->caregivers * ratio->value)
            cmp_add(s, "class_ratio", CMP_VIOLATION, ratio->clause, "class", c->id,
                    "%s在托 %lld 名婴幼儿仅配备 %lld 名保育人员，低于 1:%g 的配比，至少需要 %.0f 名", zh,
                    (long long)c->enrolled, (long long)c->caregivers, ratio->value,
                    ceil((double)c->enrolled / ratio->value));
    }
}

/* The person in charge: education and years of related management experience. */
static void cmp_check_director(const struct cmp_staff *st, struct cmp_sink *s)
{
    const struct threshold *edu = cmp_th("director_min_education");
    const struct threshold *exp = cmp_th("director_min_experience_years");
    int min_edu = (int)cmp_whole(edu);
    const char *min_zh = min_edu >= 0 && min_edu < EDU__COUNT ? cmp_education_zh[min_edu] : "规定学历";

    if (st->education < 0 || st->education >= EDU__COUNT)
        cmp_add(s, "director_education", CMP_VIOLATION, edu->clause, "staff", st->id,
                "负责人学历未登记，应为%s及以上", min_zh);
    else if (st->education < min_edu)
        cmp_add(s, "director_education", CMP_VIOLATION, edu->clause, "staff", st->id,
                "负责人学历：%s，应为%s及以上", cmp_education_zh[st->education], min_zh);

    if (st->experience_years < 0)
        cmp_add(s, "director_experience", CMP_VIOLATION, exp->clause, "staff", st->id,
                "负责人相关管理工作年限未登记，应为 %g 年以上", exp->value);
    else if ((double)st->experience_years < exp->value)
        cmp_add(s, "director_experience", CMP_VIOLATION, exp->clause, "staff", st->id,
                "负责人相关管理工作年限为 %lld 年，应为 %g 年以上", (long long)st->experience_years,
                exp->value);
}

/* Whether a person in role must hold a certificate of kind. */
static bool cmp_cert_required(int kind, int role)
{
    switch (kind) {
    case CERT_HEALTH_CERTIFICATE:
    case CERT_CRIMINAL_RECORD_CHECK:
        return true;
    case CERT_CAREGIVER_QUALIFICATION:
        return role == STAFF_CAREGIVER;
    case CERT_SECURITY_LICENSE:
        return role == STAFF_SECURITY;
    case CERT_DIRECTOR_TRAINING:
        return role == STAFF_DIRECTOR;
    default:
        return false;
    }
}

/* Certificates: one finding per person and required kind. A certificate is valid through the day it
 * expires. */
static void cmp_check_certs(const struct cmp_staff *st, int64_t today, struct cmp_sink *s)
{
    int64_t window = cmp_whole(cmp_th("cert_reminder_days"));
    const char *role =
        st->role >= 0 && st->role < STAFF_ROLE__COUNT ? staff_role_names_zh[st->role] : "工作人员";
    for (int k = 0; k < CERT__COUNT; k++) {
        if (!cmp_cert_required(k, st->role)) continue;
        int64_t e = st->cert_expires[k];
        char day[11];
        if (e == 0)
            cmp_add(s, "cert_missing", CMP_VIOLATION, cmp_cert_clauses[k], "staff", st->id, "%s未登记%s",
                    role, cert_kind_names_zh[k]);
        else if (e < today)
            cmp_add(s, "cert_expired", CMP_VIOLATION, cmp_cert_clauses[k], "staff", st->id,
                    "%s的%s有效期至 %s，已过期 %lld 天", role, cert_kind_names_zh[k], date_format(e, day),
                    (long long)(today - e));
        else if (e <= today + window) /* e may be INT64_MAX: never subtract from it */
            cmp_add(s, "cert_expiring", CMP_REMINDER, cmp_cert_clauses[k], "staff", st->id,
                    "%s的%s将于 %s 到期，还剩 %lld 天", role, cert_kind_names_zh[k], date_format(e, day),
                    (long long)(e - today));
        /* One finding per person and certificate kind: the kind is part of the subject, so that the stored
         * findings (unique per rule and subject) can tell them apart. */
        if (e == 0 || e < today || e <= today + window) cmp_subject_suffix(s, cert_kind_names[k]);
    }
}

/* Staff health checks: a passed one on or before hiring, then one at least every check_interval_days. */
static void cmp_check_staff_health(const struct cmp_staff *st, int64_t today, struct cmp_sink *s)
{
    const struct threshold *interval = cmp_th("check_interval_days");
    int64_t every = cmp_whole(interval), window = cmp_whole(cmp_th("child_reminder_days"));
    int64_t last =
        st->last_health_check > st->pre_employment_check ? st->last_health_check : st->pre_employment_check;
    char d1[11], d2[11];

    if (st->pre_employment_check == 0)
        cmp_add(s, "staff_health_check", CMP_VIOLATION, interval->clause, "staff", st->id,
                "入职日期 %s，入职前无合格的健康检查记录", date_format(st->hired_on, d1));
    if (last == 0) return;
    int64_t due = last + every;
    if (today > due)
        cmp_add(s, "staff_check_overdue", CMP_VIOLATION, interval->clause, "staff", st->id,
                "上次健康检查为 %s，应于 %s 前复查，已逾期 %lld 天", date_format(last, d1),
                date_format(due, d2), (long long)(today - due));
    else if (due - today <= window)
        cmp_add(s, "staff_check_due", CMP_REMINDER, interval->clause, "staff", st->id,
                "上次健康检查为 %s，应于 %s 前复查，还剩 %lld 天", date_format(last, d1),
                date_format(due, d2), (long long)(due - today));
}

/* The ban register is checked again for everyone employed at least every ban_recheck_days. */
static void cmp_check_ban(const struct cmp_staff *st, int64_t today, struct cmp_sink *s)
{
    const struct threshold *t = cmp_th("ban_recheck_days");
    int64_t every = cmp_whole(t);
    char d[11];
    if (st->last_ban_check == 0)
        cmp_add(s, "ban_recheck_due", CMP_WARNING, t->clause, "staff", st->id,
                "无禁入名单核查记录，应每 %lld 天复查", (long long)every);
    else if (today - st->last_ban_check > every)
        cmp_add(s, "ban_recheck_due", CMP_WARNING, t->clause, "staff", st->id,
                "上次禁入名单核查为 %s，已 %lld 天，超过 %lld 天的复查间隔",
                date_format(st->last_ban_check, d), (long long)(today - st->last_ban_check),
                (long long)every);
}

static void cmp_check_staff(const struct cmp_input *in, struct cmp_sink *s)
{
    for (int i = 0; i < in->nstaff; i++) {
        const struct cmp_staff *st = &in->staff[i];
        if (st->role == STAFF_DIRECTOR) cmp_check_director(st, s);
        cmp_check_certs(st, in->today, s);
        cmp_check_staff_health(st, in->today, s);
        cmp_check_ban(st, in->today, s);
    }
}

/* Children: admission check, periodic checks, re-check after a long absence, age against the class. */
static void cmp_check_children(const struct cmp_input *in, struct cmp_sink *s)
{
    const struct threshold *interval = cmp_th("check_interval_days");
    const struct threshold *absence = cmp_th("absence_recheck_days");
    int64_t every = cmp_whole(interval), window = cmp_whole(cmp_th("child_reminder_days"));
    int64_t away = cmp_whole(absence), today = in->today;
    char d1[11], d2[11];

    for (int i = 0; i < in->nchildren; i++) {
        const struct cmp_child *c = &in->children[i];
        if (c->admission_check == 0)
            cmp_add(s, "child_admission_check", CMP_VIOLATION, CMP_CLAUSE_ADMISSION, "child", c->id,
                    "入托日期 %s，入托前无合格的健康检查记录", date_format(c->start_on, d1));

        int64_t last = c->last_check > c->admission_check ? c->last_check : c->admission_check;
        if (last != 0) {
            int64_t due = last + every;
            if (today > due)
                cmp_add(s, "child_check_overdue", CMP_VIOLATION, interval->clause, "child", c->id,
                        "上次健康检查为 %s，应于 %s 前复查，已逾期 %lld 天", date_format(last, d1),
                        date_format(due, d2), (long long)(today - due));
            else if (due - today <= window)
                cmp_add(s, "child_check_due", CMP_REMINDER, interval->clause, "child", c->id,
                        "上次健康检查为 %s，应于 %s 前复查，还剩 %lld 天", date_format(last, d1),
                        date_format(due, d2), (long long)(due - today));
        }

        if (c->absent_since != 0 && today - c->absent_since >= away &&
            (c->check_since_absence == 0 || c->check_since_absence < c->absent_since))
            cmp_add(s, "child_recheck_after_absence", CMP_WARNING, absence->clause, "child", c->id,
                    "自 %s 起离园已 %lld 天（达到 %lld 天），此后无健康检查记录，返回前应重新体检",
                    date_format(c->absent_since, d1), (long long)(today - c->absent_since), (long long)away);

        if (c->class_type < 0) {
            cmp_add(s, "child_unplaced", CMP_WARNING, CMP_CLAUSE_CLASSES, "child", c->id, "尚未分班");
            continue;
        }
        int min, max;
        class_type_ages(c->class_type, &min, &max);
        if (min < 0) continue; /* unknown class type: nothing to compare with */
        int months = cmp_age_months(c->birth_on, today);
        if (months < min || months > max)
            cmp_add(s, "child_age_out_of_class", CMP_WARNING, CMP_CLAUSE_CLASSES, "child", c->id,
                    "现年龄 %d 个月，不在%s适龄范围（%d—%d 个月）内", months,
                    class_type_names_zh[c->class_type], min, max);
    }
}

/* Fees above the guideline cap that applies (the breaches come from modules/fees, fee_rules.c). */
#define CMP_CLAUSE_FEE_CAP "县级发展改革/卫生健康部门普惠托育指导价（本地设置：县级指导价上限）"
static void cmp_check_fees(const struct cmp_input *in, struct cmp_sink *s)
{
    char d[11];
    for (int i = 0; i < in->nfee_breaches; i++) {
        const struct cmp_fee_breach *b = &in->fee_breaches[i];
        if (b->service_type < 0 || b->service_type >= SVC__COUNT) continue;
        const char *unit = b->service_type == SVC_HOURLY ? "元/小时" : "元/月";
        cmp_add(s, "fee_above_cap", CMP_VIOLATION, CMP_CLAUSE_FEE_CAP, NULL, 0,
                "%s现行收费 %lld.%02lld %s，高于自 %s 起执行的指导价上限 %lld.%02lld %s",
                service_type_names_zh[b->service_type], (long long)(b->fee_fen / 100),
                (long long)(b->fee_fen % 100), unit, date_format(b->cap_from, d),
                (long long)(b->cap_fen / 100), (long long)(b->cap_fen % 100), unit);
        if (s->n <= s->max)
            s->out[s->n - 1].subject = arena_printf(s->a, "fee:%s", service_type_names[b->service_type]);
    }
}

/* Evaluate every rule (see compliance.h). in is borrowed; subjects and messages come from a and live as long
 * as it does; rule names, clauses and "institution" are static. out may be NULL when max is 0. Returns the
 * number of findings, which may exceed max (only max are written). Pure; never blocks. */
int compliance_evaluate(const struct cmp_input *in, struct arena *a, struct cmp_finding *out, int max)
{
    struct cmp_sink s = {.a = a, .out = out, .max = out && max > 0 ? max : 0, .n = 0};
    struct cmp_counts counts;

    cmp_count_staff(in, &counts);
    if (in->provider_kind == PROVIDER_HOME_BASED) cmp_check_home(in, &counts, &s);
    cmp_check_staffing(in, &counts, &s);
    cmp_check_classes(in, &s);
    cmp_check_staff(in, &s);
    cmp_check_children(in, &s);
    cmp_check_fees(in, &s);
    return s.n;
}
