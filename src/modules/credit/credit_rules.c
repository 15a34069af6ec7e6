/* Credit record rules, pure: default publicity periods by kind, whether a record is in force on a day, the
 * one workflow move (revocation, 信用修复) with the roles that may make it, and the guard that keeps ID and
 * phone numbers out of free text. */
#include "modules/credit/credit.h"

#include "core/clock.h"

#include <string.h>

const char *const credit_kind_names[] = {
    "operating_unfiled", "serious_violation", "repeated_violation", "abuse", "fraud", "other", NULL};
const char *const credit_kind_names_zh[] = {"未备案擅自开展托育服务",
                                            "严重违法违规",
                                            "多次违法违规",
                                            "虐待伤害婴幼儿",
                                            "弄虚作假骗取备案或补贴",
                                            "其他失信行为",
                                            NULL};
const char *const credit_status_names[] = {"active", "revoked", NULL};

/* Default publicity periods (公示期). The national measures for credit repair distinguish ordinary from
 * serious dishonesty (ordinary: up to 1 year; serious: up to 3 years —
 * 国家发展改革委《失信行为纠正后的信用信息 修复管理办法（试行）》, 2023; confidence S). Which kinds count as
 * serious is our local choice, so the clause says so; officials may give any other period on the record
 * itself. */
static const int credit_years[CREDIT__COUNT] = {
    [CREDIT_OPERATING_UNFILED] = 1,
    [CREDIT_SERIOUS_VIOLATION] = 3,
    [CREDIT_REPEATED_VIOLATION] = 1,
    [CREDIT_ABUSE] = 3,
    [CREDIT_FRAUD] = 3,
    [CREDIT_OTHER] = 1,
};
const char *const credit_publicity_clause =
    "本地设置（非国家标准）：严重违法违规、虐待伤害婴幼儿、弄虚作假公示 3 年，其他 1 年；参照国家发展改革委"
    "《失信行为纠正后的信用信息修复管理办法（试行）》（2023，来源可信度 S）";

int credit_publicity_years(int kind)
{
    return kind >= 0 && kind < CREDIT__COUNT ? credit_years[kind] : 1;
}

int64_t credit_default_until(int kind, int64_t from)
{
    int y, m, d;
    days_to_date(from, &y, &m, &d);
    y += credit_publicity_years(kind);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) d = 28;
    return date_to_days(y, m, d) - 1;
}

bool credit_in_force(int status, int64_t publicity_from, int64_t publicity_until, int64_t today)
{
    return status == CREDIT_ACTIVE && publicity_from <= today && today <= publicity_until;
}

/* The workflow: only an active record can be revoked, by those who may record one. The auditor never writes;
 * inspectors and operators never touch credit records. */
static const struct {
    int from, event, to;
    unsigned roles;
} credit_transitions[] = {
    {CREDIT_ACTIVE, CREDIT_EV_REVOKE, CREDIT_REVOKED, ROLE_ADMIN | ROLE_CITY | ROLE_COUNTY},
};

int credit_transition(int from, int event, unsigned role)
{
    for (size_t i = 0; i < sizeof credit_transitions / sizeof credit_transitions[0]; i++)
        if (credit_transitions[i].from == from && credit_transitions[i].event == event &&
            (credit_transitions[i].roles & role))
            return credit_transitions[i].to;
    return -1;
}

bool credit_text_has_number(const char *s)
{
    int run = 0;
    for (; s && *s; s++) {
        if ((*s >= '0' && *s <= '9') || ((*s == 'X' || *s == 'x') && run >= 17))
            run++;
        else
            run = 0;
        if (run >= 11) return true;
    }
    return false;
}

int credit_index(const char *const *names, const char *name)
{
    for (int i = 0; name && names[i]; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}
