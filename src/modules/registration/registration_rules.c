/* Rules for a registration pushed by a registration authority: the code must be a real USCC whose first
 * character fits the legal form, the district must be ours, and the business scope must name infant care for
 * under-threes (备案办法: the scope states 托育服务). No I/O; the handler is in registration_api.c. */
#include "modules/registration/registration.h"

#include "json/jspec.h"
#include "modules/reference/codes.h"

#include <string.h>

/* Spellings seen in business scopes: Arabic, Chinese and full-width three, and the short form 托育. */
static const char *const registration_childcare_phrases[] = {
    "3岁以下婴幼儿照护",
    "三岁以下婴幼儿照护",
    "３岁以下婴幼儿照护",
    "托育",
};

/* Whether scope (borrowed, UTF-8; NULL counts as no scope) names infant care for under-threes. Pure. */
bool registration_scope_is_childcare(const char *scope)
{
    if (!scope) return false;
    for (size_t i = 0; i < sizeof registration_childcare_phrases / sizeof registration_childcare_phrases[0];
         i++)
        if (strstr(scope, registration_childcare_phrases[i])) return true;
    return false;
}

/* The first USCC character each legal form requires, and the form's name for people. */
static const struct {
    char first;
    const char *zh;
} registration_forms[LEGAL__COUNT] = {
    [LEGAL_ENTERPRISE] = {'9', "企业"},
    [LEGAL_SOCIAL_ORG] = {'5', "社会组织"},
    [LEGAL_PUBLIC_INSTITUTION] = {'1', "事业单位"},
};

/* Whether s has the shape of a USCC: 18 characters of the GB 32100 alphabet. The check character is judged
 * separately so the two mistakes get different messages. */
static bool registration_uscc_shape(const char *s)
{
    return s && strlen(s) == 18 && uscc_check_char(s) != 0 &&
           strchr("0123456789ABCDEFGHJKLMNPQRTUWXY", s[17]);
}

/* ASCII only, whatever the locale. */
static bool registration_ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Whether a code is short plain ASCII letters and digits, safe to quote back in a message. */
static bool registration_printable_code(const char *s)
{
    if (!s || !s[0]) return false;
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= 12 || !registration_ascii_alnum(s[n])) return false;
    return true;
}

/* Check a parsed registration (see registration.h). reg and its strings are borrowed; every problem is
 * appended to fe (copied into its arena) so the authority sees all of them in one answer. Returns true when
 * nothing was added. Pure; never blocks. */
bool registration_check(const struct registration *reg, bool district_known, struct field_errors *fe)
{
    int before = fe->n;

    if (!registration_uscc_shape(reg->uscc))
        fe_add(fe, "uscc", "统一社会信用代码应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z）");
    else if (!uscc_valid(reg->uscc))
        fe_add(fe, "uscc", "统一社会信用代码校验位不正确，请核对营业执照或法人登记证书");

    /* The form is judged whenever the code has its full length, even with a wrong check character: the
     * authority should learn about both mistakes at once. */
    if (reg->legal_form < 0 || reg->legal_form >= LEGAL__COUNT)
        fe_add(fe, "legal_form", "法人类型无效，应为企业、社会组织或事业单位");
    else if (reg->uscc && strlen(reg->uscc) == 18 &&
             !uscc_matches_legal_form(reg->uscc, (enum legal_form)reg->legal_form)) {
        /* Echo the actual character only when it is plain ASCII: a lone byte of a UTF-8 sequence would make
         * the message invalid UTF-8, which the JSON writer refuses. */
        char got = reg->uscc[0];
        if (registration_ascii_alnum(got))
            fe_addf(fe, "legal_form", "法人类型为%s，统一社会信用代码首位应为 %c，实际为 %c",
                    registration_forms[reg->legal_form].zh, registration_forms[reg->legal_form].first, got);
        else
            fe_addf(fe, "legal_form", "法人类型为%s，统一社会信用代码首位应为 %c",
                    registration_forms[reg->legal_form].zh, registration_forms[reg->legal_form].first);
    }

    if (!district_known) {
        if (registration_printable_code(reg->district_code))
            fe_addf(fe, "district_code", "区县代码 %s 不属于十堰市辖区", reg->district_code);
        else if (reg->district_code && reg->district_code[0])
            fe_add(fe, "district_code", "区县代码不属于十堰市辖区");
        else
            fe_add(fe, "district_code", "缺少区县代码");
    }

    if (!registration_scope_is_childcare(reg->business_scope))
        fe_add(fe, "business_scope", "经营范围未载明“3岁以下婴幼儿照护服务”或“托育服务”");

    return fe->n == before;
}
