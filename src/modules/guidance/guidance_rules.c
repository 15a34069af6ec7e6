/* Pure rules of family guidance: names, the event workflow, the sign-up rule, the families-reached rule, and
 * the small parsers the handlers share (local times, phones, masked names). No I/O. */
#include "modules/guidance/guidance.h"

#include "core/clock.h"

#include <string.h>

const char *const gev_status_names[] = {"draft", "published", "cancelled", "done", NULL};
const char *const gev_status_names_zh[] = {"草稿", "已发布", "已取消", "已结束", NULL};
const char *const gev_kind_names[] = {"event", "course", NULL};
const char *const gev_kind_names_zh[] = {"指导活动", "育儿课程", NULL};
const char *const gev_venue_names[] = {"hospital", "community", "institution", "online", "other", NULL};
const char *const gev_venue_names_zh[] = {"医院", "社区", "托育机构", "线上", "其他", NULL};
const char *const guidance_unit_names[] = {"health", "education", NULL};
const char *const guidance_unit_names_zh[] = {"卫生健康", "教育", NULL};
const char *const guidance_age_names[] = {"under1", "1to2", "2to3", NULL};
const char *const guidance_age_names_zh[] = {"1岁以下", "1–2岁", "2–3岁", NULL};
const char *const garticle_status_names[] = {"draft", "published", NULL};

int guidance_name_index(const char *const *names, const char *s)
{
    if (!s) return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* The moves of the event workflow. */
static const struct {
    int from, to;
} moves[] = {
    {GS_DRAFT, GS_PUBLISHED}, {GS_DRAFT, GS_CANCELLED}, {GS_PUBLISHED, GS_CANCELLED},
    {GS_PUBLISHED, GS_DONE},  {GS_DONE, GS_DONE},
};

const char *guidance_event_move_problem(int from, int to, int64_t starts_at, int64_t now)
{
    if (from < 0 || from >= GS__COUNT || to < 0 || to >= GS__COUNT) return "未知的活动状态";
    bool listed = false;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (moves[i].from == from && moves[i].to == to) listed = true;
    if (!listed) {
        if (from == GS_CANCELLED) return "活动已取消，不能再变更状态";
        if (from == GS_DONE) return "活动已结束，只能更正到场家庭数";
        if (to == GS_DONE) return "活动尚未发布，不能标记为已结束";
        if (to == GS_DRAFT) return "活动不能退回草稿";
        return "当前状态不允许该操作";
    }
    if (to == GS_DONE && from == GS_PUBLISHED && now < starts_at) return "活动尚未开始，不能标记为已结束";
    return NULL;
}

bool guidance_event_editable(int status)
{
    return status == GS_DRAFT || status == GS_PUBLISHED;
}

enum gsu_problem guidance_signup_check(int status, int64_t starts_at, int64_t now, int64_t capacity,
                                       int64_t taken, bool duplicate)
{
    if (status != GS_PUBLISHED) return GSU_NOT_OPEN;
    if (now >= starts_at) return GSU_STARTED;
    if (duplicate) return GSU_DUPLICATE;
    if (taken >= capacity) return GSU_FULL;
    return GSU_OK;
}

const char *guidance_signup_problem_zh(enum gsu_problem p)
{
    switch (p) {
    case GSU_OK:
        return NULL;
    case GSU_NOT_OPEN:
        return "该活动未开放报名（已取消或已结束）";
    case GSU_STARTED:
        return "活动已开始，报名已截止";
    case GSU_FULL:
        return "名额已满，报名未成功。请关注其他场次的活动";
    case GSU_DUPLICATE:
        return "该手机号已报名本场活动，无需重复报名";
    }
    return "不能报名";
}

int64_t guidance_places_left(int64_t capacity, int64_t taken)
{
    return capacity > taken ? capacity - taken : 0;
}

int64_t guidance_event_reach(int status, int64_t attended, int64_t live_signups)
{
    if (status != GS_DONE) return 0;
    return attended >= 0 ? attended : live_signups;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool guidance_parse_time(const char *s, int64_t *t)
{
    if (!s || strlen(s) != 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':') return false;
    char day[11];
    memcpy(day, s, 10);
    day[10] = 0;
    int64_t d;
    int hh, mm;
    if (!date_parse(day, &d) || !digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
        return false;
    *t = clock_day_start(d) + hh * 3600 + mm * 60;
    return true;
}

char *guidance_format_time(int64_t t, char out[static 17])
{
    int64_t d = clock_day_of(t), s = t - clock_day_start(d);
    char day[11];
    date_format(d, day);
    unsigned hh = (unsigned)(s / 3600) % 24, mm = (unsigned)(s % 3600) / 60 % 60;
    memcpy(out, day, 10);
    out[10] = 'T';
    out[11] = (char)('0' + hh / 10);
    out[12] = (char)('0' + hh % 10);
    out[13] = ':';
    out[14] = (char)('0' + mm / 10);
    out[15] = (char)('0' + mm % 10);
    out[16] = 0;
    return out;
}

bool guidance_phone_normalise(const char *in, char out[static 16])
{
    if (!in) return false;
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-') continue;
        if (*p == '+' && n == 0) continue;
        if (*p < '0' || *p > '9' || n >= 15) return false;
        out[n++] = *p;
    }
    out[n] = 0;
    return n >= 7;
}

char *guidance_mask_name(struct arena *a, const char *name)
{
    if (!name || !*name) return arena_strdup(a, "*");
    /* The first UTF-8 character, then one star per further character. */
    size_t first = 1;
    while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    size_t rest = 0;
    for (const char *p = name + first; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80) rest++;
    if (rest == 0) return arena_strdup(a, "*");
    char *out = arena_alloc(a, first + rest + 1);
    memcpy(out, name, first);
    memset(out + first, '*', rest);
    out[first + rest] = 0;
    return out;
}
