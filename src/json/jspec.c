#include "json/jspec.h"

#include "core/clock.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

/* Append an error whose strings already live in the arena. The array doubles; the old copy stays in the
 * arena until it is reset, which costs at most as much again as the final array. */
static void push(struct field_errors *fe, const char *field, const char *message)
{
    if (fe->n == fe->cap) {
        int cap = fe->cap ? fe->cap * 2 : 8;
        struct field_error *items = arena_alloc(fe->a, (size_t)cap * sizeof *items);
        if (fe->n) memcpy(items, fe->items, (size_t)fe->n * sizeof *items);
        fe->items = items;
        fe->cap = cap;
    }
    fe->items[fe->n++] = (struct field_error){.field = field, .message = message};
}

/* Start an empty error list whose items and strings come from a. Does not allocate. */
void fe_init(struct field_errors *fe, struct arena *a)
{
    fe->a = a;
    fe->items = NULL;
    fe->n = fe->cap = 0;
}

/* Append (field, message); both are copied into fe's arena, NULL taken as "". Never fails (the arena
 * aborts on OOM). */
void fe_add(struct field_errors *fe, const char *field, const char *message)
{
    push(fe, arena_strdup(fe->a, field ? field : ""), arena_strdup(fe->a, message ? message : ""));
}

/* Append field with a printf-formatted message; both copied into fe's arena. */
void fe_addf(struct field_errors *fe, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = arena_vprintf(fe->a, fmt, ap);
    va_end(ap);
    push(fe, arena_strdup(fe->a, field ? field : ""), message);
}

/* Count code points by counting the bytes that do not continue a sequence. Input is valid UTF-8 (jansson
 * checked it); NULL counts as empty. Does not allocate. */
size_t utf8_chars(const char *s)
{
    size_t n = 0;
    if (!s) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

static const char *join_path(struct arena *a, const char *prefix, const char *name)
{
    if (!prefix || !*prefix) return arena_strdup(a, name);
    return arena_printf(a, "%s.%s", prefix, name);
}

/* The string's bytes when v is a string without an embedded NUL, else NULL. A NUL would make C see a
 * shorter string than the one the client sent, so "a\0<script>" could pass as "a". */
static const char *plain_string(const json_t *v)
{
    if (!json_is_string(v)) return NULL;
    const char *s = json_string_value(v);
    return strlen(s) == json_string_length(v) ? s : NULL;
}

static const char *type_name(enum jtype t)
{
    switch (t) {
    case JT_STRING:
    case JT_ENUM:
        return "字符串";
    case JT_INT:
        return "整数";
    case JT_NUMBER:
        return "数字";
    case JT_BOOL:
        return "布尔值";
    case JT_DATE:
        return "日期 YYYY-MM-DD";
    case JT_ENUM_SET:
    case JT_ARRAY:
        return "数组";
    case JT_OBJECT:
        return "对象";
    }
    return "?";
}

static bool type_matches(enum jtype t, const json_t *v)
{
    switch (t) {
    case JT_STRING:
    case JT_DATE:
    case JT_ENUM:
        return json_is_string(v);
    case JT_INT:
        return json_is_integer(v); /* reals (1.5, 1.0) and booleans are other jansson types */
    case JT_NUMBER:
        return json_is_number(v);
    case JT_BOOL:
        return json_is_boolean(v);
    case JT_ENUM_SET:
    case JT_ARRAY:
        return json_is_array(v);
    case JT_OBJECT:
        return json_is_object(v);
    }
    return false;
}

/* "a、b、c" for messages listing the allowed values. */
static const char *join_values(struct arena *a, const char *const *values)
{
    static const char sep[] = "、";
    size_t len = 0;
    for (const char *const *v = values; *v; v++)
        len += strlen(*v) + sizeof sep - 1;
    char *out = arena_alloc(a, len + 1), *p = out;
    for (const char *const *v = values; *v; v++) {
        if (v != values) {
            memcpy(p, sep, sizeof sep - 1);
            p += sizeof sep - 1;
        }
        size_t n = strlen(*v);
        memcpy(p, *v, n);
        p += n;
    }
    *p = 0;
    return out;
}

static int enum_index(const char *const *values, const char *s)
{
    for (int i = 0; values[i]; i++)
        if (strcmp(values[i], s) == 0) return i;
    return -1;
}

static void count_error(struct field_errors *fe, const char *path, const struct jspec *s, size_t n)
{
    if (s->min == s->max)
        fe_addf(fe, path, "必须正好有 %" PRId64 " 项（现有 %zu 项）", s->min, n);
    else
        fe_addf(fe, path, "项数必须在 %" PRId64 " 到 %" PRId64 " 之间（现有 %zu 项）", s->min, s->max, n);
}

static void parse_string(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    const char *str = plain_string(v);
    if (!str) {
        fe_add(fe, path, "不能包含空字符（\\u0000）");
        return;
    }
    size_t n = utf8_chars(str);
    if ((int64_t)n < s->min || (int64_t)n > s->max) {
        if (s->min == s->max)
            fe_addf(fe, path, "长度必须为 %" PRId64 " 个字符（现为 %zu 个）", s->min, n);
        else
            fe_addf(fe, path, "长度必须在 %" PRId64 " 到 %" PRId64 " 个字符之间（现为 %zu 个）", s->min,
                    s->max, n);
        return;
    }
    const char *msg = s->check ? s->check(str) : NULL;
    if (msg) {
        fe_add(fe, path, msg);
        return;
    }
    if (s->dst) *(const char **)s->dst = str;
}

static void parse_int(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    json_int_t i = json_integer_value(v);
    if (i < s->min || i > s->max) {
        fe_addf(fe, path, "必须在 %" PRId64 " 到 %" PRId64 " 之间", s->min, s->max);
        return;
    }
    if (s->dst) *(int64_t *)s->dst = (int64_t)i;
}

static void parse_number(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    double d = json_number_value(v);
    if (!isfinite(d) || d < (double)s->min || d > (double)s->max) {
        fe_addf(fe, path, "必须在 %" PRId64 " 到 %" PRId64 " 之间", s->min, s->max);
        return;
    }
    if (s->dst) *(double *)s->dst = d;
}

static void parse_date(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    const char *str = plain_string(v);
    int64_t days;
    if (!str || !date_parse(str, &days)) {
        fe_add(fe, path, "不是有效的日期（格式 YYYY-MM-DD，1900–2999 年）");
        return;
    }
    if (s->dst) *(int64_t *)s->dst = days;
}

static void parse_enum(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    const char *str = plain_string(v);
    int i = str ? enum_index(s->values, str) : -1;
    if (i < 0) {
        fe_addf(fe, path, "必须是以下之一：%s", join_values(fe->a, s->values));
        return;
    }
    if (s->dst) *(int *)s->dst = i;
}

static void parse_enum_set(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    int before = fe->n;
    size_t n = json_array_size(v);
    unsigned mask = 0;
    if ((int64_t)n < s->min || (int64_t)n > s->max) count_error(fe, path, s, n);
    for (size_t i = 0; i < n; i++) {
        const char *str = plain_string(json_array_get(v, i));
        int k = str ? enum_index(s->values, str) : -1;
        const char *at = arena_printf(fe->a, "%s[%zu]", path, i);
        if (k < 0) {
            fe_addf(fe, at, "必须是以下之一：%s", join_values(fe->a, s->values));
            continue;
        }
        assert(k < (int)(sizeof mask * 8) && "JT_ENUM_SET holds at most 32 values");
        if (mask & (1u << k)) {
            fe_addf(fe, at, "重复的值：%s", str);
            continue;
        }
        mask |= 1u << k;
    }
    if (fe->n == before && s->dst) *(unsigned *)s->dst = mask;
}

static void parse_array(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    size_t n = json_array_size(v);
    if ((int64_t)n < s->min || (int64_t)n > s->max) count_error(fe, path, s, n);
    if (!s->each) return;
    /* Elements are checked even when the count is wrong, so one reply lists every mistake. The body size
     * limit upstream bounds this work. */
    for (size_t i = 0; i < n; i++)
        s->each(json_array_get(v, i), arena_printf(fe->a, "%s[%zu]", path, i), (int)i, fe, s->ctx);
}

static void parse_field(const struct jspec *s, json_t *v, const char *path, struct field_errors *fe)
{
    if (!type_matches(s->type, v)) {
        fe_addf(fe, path, "应为%s", type_name(s->type));
        return;
    }
    switch (s->type) {
    case JT_STRING:
        parse_string(s, v, path, fe);
        break;
    case JT_INT:
        parse_int(s, v, path, fe);
        break;
    case JT_NUMBER:
        parse_number(s, v, path, fe);
        break;
    case JT_BOOL:
        if (s->dst) *(bool *)s->dst = json_is_true(v);
        break;
    case JT_DATE:
        parse_date(s, v, path, fe);
        break;
    case JT_ENUM:
        parse_enum(s, v, path, fe);
        break;
    case JT_ENUM_SET:
        parse_enum_set(s, v, path, fe);
        break;
    case JT_ARRAY:
        parse_array(s, v, path, fe);
        break;
    case JT_OBJECT:
        if (s->each) s->each(v, path, -1, fe, s->ctx);
        break;
    }
}

static bool in_spec(const struct jspec *spec, const char *key)
{
    for (const struct jspec *s = spec; s->name; s++)
        if (strcmp(s->name, key) == 0) return true;
    return false;
}

/* Check every spec field of obj, then every key of obj that the spec does not name. Errors go to fe with
 * paths under prefix (NULL or "" at top level); nothing stops at the first error. Destinations are written
 * only for valid fields; strings point into obj. Returns true when fe gained no error. Does not block. */
bool jspec_parse(json_t *obj, const struct jspec *spec, const char *prefix, struct field_errors *fe)
{
    int before = fe->n;
    const char *key;
    json_t *v;

    if (!json_is_object(obj)) {
        fe_add(fe, prefix, "应为对象");
        goto done;
    }
    for (const struct jspec *s = spec; s->name; s++) {
        const char *path = join_path(fe->a, prefix, s->name);
        v = json_object_get(obj, s->name);
        if (v && json_is_null(v) && (s->flags & JS_NULLABLE)) v = NULL;
        if (s->present) *s->present = v != NULL;
        if (!v) {
            if (!(s->flags & JS_OPTIONAL)) fe_add(fe, path, "必填");
            continue;
        }
        parse_field(s, v, path, fe);
    }
    json_object_foreach (obj, key, v) {
        if (!in_spec(spec, key)) fe_add(fe, join_path(fe->a, prefix, key), "未知字段");
    }
done:
    return fe->n == before;
}

static const char *load_reason(struct arena *a, const json_error_t *e)
{
    const char *what;
    switch (json_error_code(e)) {
    case json_error_duplicate_key:
        what = "请求体中有重复的字段";
        break;
    case json_error_invalid_utf8:
        what = "请求体不是有效的 UTF-8";
        break;
    case json_error_null_character:
    case json_error_null_byte_in_key:
        what = "字符串中不能包含空字符（\\u0000）";
        break;
    case json_error_numeric_overflow:
        what = "数值超出范围";
        break;
    case json_error_stack_overflow:
        what = "嵌套层数过多";
        break;
    case json_error_premature_end_of_input:
        what = "JSON 不完整";
        break;
    case json_error_end_of_input_expected:
        what = "JSON 之后还有多余内容";
        break;
    default:
        what = "JSON 语法错误";
        break;
    }
    /* jansson's own text is English and may be cut mid-character at 160 bytes, so only its position is
     * passed on to the client. */
    if (!a) return what;
    return arena_printf(a, "%s（第 %d 行第 %d 列）", what, e->line, e->column);
}

/* Parse body (len bytes, need not be NUL-terminated) as strict UTF-8 JSON with duplicate keys rejected,
 * requiring an object at the top. On success returns a new reference (caller json_decref()s) and sets
 * *err_out to NULL; on failure returns NULL and sets *err_out to a Chinese reason, allocated from a (or
 * static when a is NULL, then without the position). Does not block. */
json_t *jspec_load(const char *body, size_t len, struct arena *a, const char **err_out)
{
    json_error_t error;
    json_t *root = NULL;
    const char *err = NULL;

    if (!body || len == 0) {
        err = "请求体为空";
        goto done;
    }
    /* JSON_DECODE_ANY so that a scalar body gets the "must be an object" reason below rather than a
     * syntax error. */
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
    if (!root) {
        err = load_reason(a, &error);
        goto done;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        root = NULL;
        err = "请求体必须是 JSON 对象";
        goto done;
    }
done:
    if (err_out) *err_out = err;
    return root;
}

char *json_text(struct arena *a, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *out = s ? arena_strdup(a, s) : NULL;
    free(s);
    json_decref(j);
    return out;
}

json_t *json_day(int64_t day)
{
    char d[11];
    return json_string(date_format(day, d));
}

json_t *json_day_opt(bool present, int64_t day)
{
    return present ? json_day(day) : json_null();
}

bool text_blank(const char *s)
{
    while (s && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f' ||
                 strncmp(s, "\u3000", 3) == 0))
        s += strncmp(s, "\u3000", 3) == 0 ? 3 : 1;
    return !s || !*s;
}

void fe_check_text(struct field_errors *fe, const char *field, const char *s, bool required,
                   const char *missing, int max)
{
    if (text_blank(s)) {
        if (required) fe_add(fe, field, missing);
    } else if (utf8_chars(s) > (size_t)max) {
        fe_addf(fe, field, "不能超过 %d 字", max);
    }
}

bool fe_has(const struct field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->n; i++)
        if (strcmp(fe->items[i].field, field) == 0) return true;
    return false;
}

json_t *json_list_page(json_t *items, int64_t total, int per_page, int page)
{
    return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "per_page", per_page,
                     "page", page);
}
