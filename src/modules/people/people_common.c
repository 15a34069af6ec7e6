/* What the people module shares: the name tables of roles, certificates and education, and who may see an
 * institution's people. No I/O. */
#include "modules/people/people.h"

#include <string.h>

const char *const staff_role_names[] = {"director", "caregiver", "health", "security", "cook", "other", NULL};
const char *const staff_role_names_zh[] = {"负责人",   "保育人员", "保健人员", "保安",
                                           "炊事人员", "其他",     NULL};

const char *const cert_kind_names[] = {
    "caregiver_qualification", "health_certificate", "criminal_record_check",
    "director_training",       "security_license",   NULL,
};
const char *const cert_kind_names_zh[] = {
    "保育员/育婴员证书或岗位培训证明", "健康证明", "无犯罪记录证明", "负责人岗位培训证明", "保安员证", NULL,
};

const char *const education_names[] = {"none", "secondary", "junior_college", "bachelor", "master", NULL};

/* Whether who may see the people of institution inst_id, which lies in district (borrowed; may be NULL when
 * unknown): an operator only its own institution; admins, city officials and auditors every institution;
 * county officials and inspectors those of their own district; anyone else (registrars, NULL) none. Callers
 * answer 404 on false so that existence is not revealed. Pure. */
bool people_visible(const struct principal *who, int64_t inst_id, const char *district)
{
    if (!who) return false;
    if (who->role == ROLE_OPERATOR) return inst_id > 0 && who->institution_id == inst_id;
    return auth_sees_district(who, district);
}
