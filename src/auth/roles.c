#include "auth/auth.h"

#include <string.h>

static const struct {
    unsigned role;
    const char *name, *zh;
} roles[] = {
    {ROLE_ADMIN, "admin", "系统管理员"},
    {ROLE_CITY, "city_official", "市卫健委"},
    {ROLE_COUNTY, "county_official", "县（市、区）卫健局"},
    {ROLE_REGISTRAR, "registrar", "登记机关"},
    {ROLE_INSPECTOR, "inspector", "检查员"},
    {ROLE_OPERATOR, "operator", "托育机构"},
    {ROLE_AUDITOR, "auditor", "审计"},
    {ROLE_UNIT, "unit_officer", "联席会议成员单位"},
};

unsigned role_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0) return roles[i].role;
    return 0;
}

const char *role_name(unsigned role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == role) return roles[i].name;
    return "unknown";
}

const char *role_name_zh(unsigned role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == role) return roles[i].zh;
    return "未知";
}

bool auth_sees_district(const struct principal *p, const char *district)
{
    if (!p) return false;
    switch (p->role) {
    case ROLE_ADMIN:
    case ROLE_CITY:
    case ROLE_AUDITOR:
        return true;
    case ROLE_COUNTY:
    case ROLE_INSPECTOR:
        return p->district && district && strcmp(p->district, district) == 0;
    default:
        return false;
    }
}
