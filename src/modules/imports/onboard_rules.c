/* Rules of an onboarding row: one institution as the city's old lists record it, checked field by field so a
 * report names every bad cell at once. The registration facts are judged as a registration push judges them
 * (registration_check: USCC check character, legal form, district, business scope); the rest (services,
 * places, ages, an earlier filing) by the rules here. No I/O; the store and handlers are in onboard.c. */
#include "core/clock.h"
#include "modules/filing/filing.h"
#include "modules/imports/imports.h"
#include "modules/reference/codes.h"
#include "modules/registration/registration.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct onboard_column onboard_columns[OB__N] = {
    [OB_USCC] = {"uscc", "统一社会信用代码", true},
    [OB_NAME] = {"name", "机构名称", true},
    [OB_LEGAL_FORM] = {"legal_form", "法人类型", true},
    [OB_DISTRICT] = {"district_code", "区县代码", true},
    [OB_ADDRESS] = {"address", "地址", true},
    [OB_SCOPE] = {"business_scope", "经营范围", true},
    [OB_REGISTERED_ON] = {"registered_on", "登记日期", true},
    [OB_AUTHORITY] = {"authority", "登记机关", true},
    [OB_SERVICE_TYPES] = {"service_types", "服务类型", false},
    [OB_INCLUSIVE] = {"inclusive", "普惠", false},
    [OB_PLACES] = {"places", "托位数", false},
    [OB_MIN_AGE] = {"min_age_months", "最小月龄", false},
    [OB_MAX_AGE] = {"max_age_months", "最大月龄", false},
    [OB_PROVIDER_KIND] = {"provider_kind", "机构类别", false},
    [OB_FILING_NUMBER] = {"filing_number", "备案编号", false},
    [OB_FILED_ON] = {"filed_on", "备案日期", false},
};

/* Other Chinese headers seen in the city's lists, and the column each names. */
static const struct {
    const char *zh;
    int col;
} onboard_aliases[] = {
    {"社会信用代码", OB_USCC},      {"名称", OB_NAME},          {"区县", OB_DISTRICT},
    {"登记日", OB_REGISTERED_ON},   {"是否普惠", OB_INCLUSIVE}, {"托位", OB_PLACES},
    {"机构类型", OB_PROVIDER_KIND},
};

int onboard_column_find(const char *header)
{
    if (!header) return -1;
    for (int i = 0; i < OB__N; i++)
        if (strcasecmp(header, onboard_columns[i].en) == 0 || strcmp(header, onboard_columns[i].zh) == 0)
            return i;
    for (size_t i = 0; i < sizeof onboard_aliases / sizeof onboard_aliases[0]; i++)
        if (strcmp(header, onboard_aliases[i].zh) == 0) return onboard_aliases[i].col;
    return -1;
}

char *onboard_trim(struct arena *a, const char *s)
{
    const char *b = s, *e = s + strlen(s);
    for (;;) {
        if (b < e && isspace((unsigned char)*b))
            b++;
        else if (e - b >= 3 && memcmp(b, "\xE3\x80\x80", 3) == 0)
            b += 3;
        else
            break;
    }
    for (;;) {
        if (e > b && isspace((unsigned char)e[-1]))
            e--;
        else if (e - b >= 3 && memcmp(e - 3, "\xE3\x80\x80", 3) == 0)
            e -= 3;
        else
            break;
    }
    return arena_strndup(a, b, (size_t)(e - b));
}

/* Up to max_digits decimal digits at *p (advanced); -1 when there is none. */
static int onboard_read_int(const char **p, int max_digits)
{
    int v = 0, n = 0;
    while (n < max_digits && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

/* Skip one of the separators seps at *p; false when none is there. */
static bool onboard_skip(const char **p, const char *const *seps)
{
    for (int i = 0; seps[i]; i++) {
        size_t n = strlen(seps[i]);
        if (strncmp(*p, seps[i], n) == 0) {
            *p += n;
            return true;
        }
    }
    return false;
}

bool onboard_parse_date(const char *s, int64_t *day)
{
    static const char *const sep1[] = {"-", "/", ".", "年", NULL};
    static const char *const sep2[] = {"-", "/", ".", "月", NULL};
    const char *p = s;
    int y = onboard_read_int(&p, 4);
    if (y < 0 || p - s != 4 || !onboard_skip(&p, sep1)) return false;
    int m = onboard_read_int(&p, 2);
    if (m < 0 || !onboard_skip(&p, sep2)) return false;
    int d = onboard_read_int(&p, 2);
    if (d < 0) return false;
    if (strncmp(p, "日", strlen("日")) == 0) p += strlen("日");
    if (*p == ' ') { /* H:MM or H:MM:SS, as Excel writes date-time cells */
        p++;
        if (onboard_read_int(&p, 2) < 0 || *p++ != ':' || onboard_read_int(&p, 2) < 0) return false;
        if (*p == ':' && (p++, onboard_read_int(&p, 2) < 0)) return false;
    }
    if (*p) return false;
    char iso[32];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return date_parse(iso, day);
}

/* A required text of lo..hi characters. */
static void onboard_text(struct field_errors *fe, int col, const char *s, size_t lo, size_t hi)
{
    size_t n = utf8_chars(s);
    if (n == 0)
        fe_add(fe, onboard_columns[col].en, "必填");
    else if (n < lo || n > hi)
        fe_addf(fe, onboard_columns[col].en, "长度应为 %zu 到 %zu 个字", lo, hi);
}

/* A whole number in lo..hi ("12", also "12.0" as spreadsheets write numbers). */
static bool onboard_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    if (!*s || strlen(s) > 12) return false;
    long long v = strtoll(s, &end, 10);
    if (*end == '.') {
        for (end++; *end == '0'; end++)
            ;
    }
    if (*end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static const char *const onboard_legal_zh[LEGAL__COUNT] = {"企业", "社会组织", "事业单位"};

/* The legal form a cell names (English name or Chinese, with common longer spellings), or -1. */
static int onboard_legal_form(const char *s)
{
    for (int i = 0; i < LEGAL__COUNT; i++)
        if (strcasecmp(s, legal_form_names[i]) == 0 || strcmp(s, onboard_legal_zh[i]) == 0) return i;
    if (strcmp(s, "企业法人") == 0 || strcmp(s, "公司") == 0) return LEGAL_ENTERPRISE;
    if (strcmp(s, "民办非企业单位") == 0 || strcmp(s, "社会服务机构") == 0) return LEGAL_SOCIAL_ORG;
    if (strcmp(s, "事业单位法人") == 0) return LEGAL_PUBLIC_INSTITUTION;
    return -1;
}

/* Service types separated by commas, semicolons, 、，；| or blanks: English names or 全日托 etc. Returns
 * false (with *bad the first unknown name, in a) when one is unknown or none is named. */
static bool onboard_services(const char *s, struct arena *a, unsigned *bits, const char **bad)
{
    static const char *const seps[] = {",", ";", "|", " ", "、", "，", "；", NULL};
    *bits = 0;
    const char *p = s;
    while (*p) {
        while (*p && onboard_skip(&p, seps))
            ;
        if (!*p) break;
        const char *b = p;
        while (*p) {
            const char *q = p;
            if (onboard_skip(&q, seps)) break;
            p++;
        }
        char *name = arena_strndup(a, b, (size_t)(p - b));
        int k = -1;
        for (int i = 0; i < SVC__COUNT && k < 0; i++)
            if (strcasecmp(name, service_type_names[i]) == 0 || strcmp(name, service_type_names_zh[i]) == 0)
                k = i;
        if (k < 0) {
            *bad = name;
            return false;
        }
        *bits |= 1u << k;
    }
    *bad = NULL;
    return *bits != 0;
}

/* Yes/no as people write it; -1 when unrecognised. */
static int onboard_bool(const char *s)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "是", "普惠", NULL};
    static const char *const no[] = {"0", "false", "no", "n", "否", "非普惠", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0) return 1;
    for (int i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0) return 0;
    return -1;
}

/* Whether a filing number is plain: printable ASCII or UTF-8 without blanks or control characters. */
static bool onboard_plain(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7F) return false;
    return true;
}

/* Append the problems of src to fe for fields not yet reported there. */
static void onboard_merge(struct field_errors *fe, const struct field_errors *src)
{
    for (int i = 0; i < src->n; i++) {
        bool said = false;
        for (int j = 0; j < fe->n && !said; j++)
            said = strcmp(fe->items[j].field, src->items[i].field) == 0;
        if (!said) fe_add(fe, src->items[i].field, src->items[i].message);
    }
}

bool onboard_check_row(const char *const cells[OB__N], const char *const *districts, int ndistricts,
                       int64_t today, struct arena *a, struct onboard_row *out, struct field_errors *fe)
{
    int before = fe->n;
    memset(out, 0, sizeof *out);
    out->min_age_months = out->max_age_months = -1;
    out->legal_form = -1;
    for (int i = 0; i < OB__N; i++)
        if (cells[i][0]) out->given |= 1u << i;

    /* The USCC in upper case: spreadsheets and people lower-case it, the code has only capitals. */
    char *uscc = arena_strdup(a, cells[OB_USCC]);
    for (char *p = uscc; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    out->uscc = uscc;
    out->name = cells[OB_NAME];
    out->district_code = cells[OB_DISTRICT];
    out->address = cells[OB_ADDRESS];
    out->business_scope = cells[OB_SCOPE];
    out->authority = cells[OB_AUTHORITY];

    if (!*uscc) fe_add(fe, "uscc", "必填");
    onboard_text(fe, OB_NAME, out->name, 2, 200);
    if (!cells[OB_LEGAL_FORM][0])
        fe_add(fe, "legal_form", "必填");
    else if ((out->legal_form = onboard_legal_form(cells[OB_LEGAL_FORM])) < 0)
        fe_add(fe, "legal_form",
               "法人类型应为 enterprise、social_org、public_institution 或 企业、社会组织、事业单位");
    if (!out->district_code[0]) fe_add(fe, "district_code", "必填");
    onboard_text(fe, OB_ADDRESS, out->address, 2, 500);
    if (!out->business_scope[0]) fe_add(fe, "business_scope", "必填");
    if (utf8_chars(out->business_scope) > 2000) fe_add(fe, "business_scope", "经营范围不能超过 2000 字");
    if (!cells[OB_REGISTERED_ON][0])
        fe_add(fe, "registered_on", "必填");
    else if (!onboard_parse_date(cells[OB_REGISTERED_ON], &out->registered_on))
        fe_add(fe, "registered_on", "日期应为 YYYY-MM-DD 或 YYYY/M/D，且是真实的日期");
    else if (out->registered_on > today)
        fe_add(fe, "registered_on", "登记日期不能晚于今天");
    onboard_text(fe, OB_AUTHORITY, out->authority, 2, 200);

    /* The registration facts as a push judges them; a field already reported above is not said twice. */
    bool known = false;
    for (int i = 0; i < ndistricts && !known; i++)
        known = strcmp(districts[i], out->district_code) == 0;
    struct registration reg = {out->uscc,           out->name,      out->district_code, out->address,
                               out->business_scope, out->authority, out->legal_form,    out->registered_on};
    struct field_errors domain;
    fe_init(&domain, a);
    registration_check(&reg, known, &domain);
    onboard_merge(fe, &domain);

    const char *bad = NULL;
    if (cells[OB_SERVICE_TYPES][0] &&
        !onboard_services(cells[OB_SERVICE_TYPES], a, &out->service_types, &bad)) {
        if (bad && utf8_chars(bad) <= 20)
            fe_addf(fe, "service_types",
                    "未知的服务类型“%s”：应为 全日托、半日托、计时托、临时托（或 "
                    "full_day、half_day、hourly、temporary）",
                    bad);
        else
            fe_add(fe, "service_types",
                   "服务类型应为 全日托、半日托、计时托、临时托（或 "
                   "full_day、half_day、hourly、temporary），多个用逗号或顿号分隔");
    }
    if (cells[OB_INCLUSIVE][0]) {
        int b = onboard_bool(cells[OB_INCLUSIVE]);
        if (b < 0)
            fe_add(fe, "inclusive", "应为 是/否（或 1/0、true/false）");
        else
            out->inclusive = b == 1;
    }
    if (cells[OB_PLACES][0] && !onboard_int(cells[OB_PLACES], 0, 10000, &out->places)) {
        if (cells[OB_PLACES][0] == '-')
            fe_add(fe, "places", "托位数不能为负数");
        else
            fe_add(fe, "places", "托位数应为 0 到 10000 的整数");
    }
    int64_t v;
    if (cells[OB_MIN_AGE][0]) {
        if (onboard_int(cells[OB_MIN_AGE], 0, 36, &v))
            out->min_age_months = (int)v;
        else
            fe_add(fe, "min_age_months", "最小月龄应为 0 到 36 的整数");
    }
    if (cells[OB_MAX_AGE][0]) {
        if (onboard_int(cells[OB_MAX_AGE], 0, 36, &v))
            out->max_age_months = (int)v;
        else
            fe_add(fe, "max_age_months", "最大月龄应为 0 到 36 的整数");
    }
    if (out->min_age_months >= 0 && out->max_age_months >= 0 && out->min_age_months > out->max_age_months)
        fe_add(fe, "max_age_months", "最大月龄不能小于最小月龄");
    if ((cells[OB_MIN_AGE][0] != 0) != (cells[OB_MAX_AGE][0] != 0))
        fe_add(fe, cells[OB_MIN_AGE][0] ? "max_age_months" : "min_age_months",
               "最小月龄和最大月龄应同时填写");
    const char *kind = cells[OB_PROVIDER_KIND];
    if (*kind) {
        if (strcasecmp(kind, "home_based") == 0 || strcmp(kind, "家庭托育点") == 0)
            out->home_based = true;
        else if (strcasecmp(kind, "institution") != 0 && strcmp(kind, "托育机构") != 0 &&
                 strcmp(kind, "机构") != 0)
            fe_add(fe, "provider_kind", "应为 institution（托育机构）或 home_based（家庭托育点）");
    }

    /* An earlier filing: number and day together or neither. */
    const char *number = cells[OB_FILING_NUMBER], *filed = cells[OB_FILED_ON];
    if (*number && !*filed)
        fe_add(fe, "filed_on", "填写了备案编号时必须填写备案日期");
    else if (!*number && *filed)
        fe_add(fe, "filing_number", "填写了备案日期时必须填写备案编号");
    if (*number) {
        if (strlen(number) > 64 || !onboard_plain(number))
            fe_add(fe, "filing_number", "备案编号不能超过 64 个字符，且不能含空格");
        else
            out->filing_number = number;
    }
    if (*filed) {
        if (!onboard_parse_date(filed, &out->filed_on))
            fe_add(fe, "filed_on", "日期应为 YYYY-MM-DD 或 YYYY/M/D，且是真实的日期");
        else if (out->filed_on > today)
            fe_add(fe, "filed_on", "备案日期不能晚于今天");
        else if (out->registered_on && out->registered_on <= today && out->filed_on < out->registered_on)
            fe_add(fe, "filed_on", "备案日期不能早于登记日期");
    }
    return fe->n == before;
}
