/* The request-body validator: every bad field reported with its path, strict types, lengths in characters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/clock.h"
#include "json/jspec.h"

#include <stdio.h>
#include <string.h>

struct fixture {
    struct arena a;
    struct field_errors fe;
};

static int setup(void **state)
{
    struct fixture *f = test_calloc(1, sizeof *f);
    arena_init(&f->a, 0);
    fe_init(&f->fe, &f->a);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(&f->a);
    test_free(f);
    return 0;
}

/* Parse text (which must be a valid JSON object) with jansson directly, so spec tests do not depend on
 * jspec_load. */
static json_t *obj(const char *text)
{
    json_error_t e;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!o) fail_msg("bad test JSON: %s: %s", text, e.text);
    return o;
}

/* The message recorded for path, or NULL. */
static const char *error_at(const struct field_errors *fe, const char *path)
{
    for (int i = 0; i < fe->n; i++)
        if (strcmp(fe->items[i].field, path) == 0) return fe->items[i].message;
    return NULL;
}

static void assert_error_at(const struct field_errors *fe, const char *path)
{
    if (!error_at(fe, path)) {
        for (int i = 0; i < fe->n; i++)
            print_message("  have %s: %s\n", fe->items[i].field, fe->items[i].message);
        fail_msg("no error at %s", path);
    }
}

static void assert_message_contains(const struct field_errors *fe, const char *path, const char *needle)
{
    assert_error_at(fe, path);
    const char *m = error_at(fe, path);
    if (!strstr(m, needle)) fail_msg("error at %s is \"%s\", expected it to mention \"%s\"", path, m, needle);
}

static const char *const kinds[] = {"全日托", "半日托", "计时托", NULL};

/* A registration-like spec used by several tests. */
struct reg {
    const char *name;
    int64_t capacity;
    double area;
    bool nonprofit;
    int64_t opened;
    int kind;
    unsigned ages;
    const char *phone;
    bool phone_present;
};

static const char *const age_groups[] = {"乳儿班", "托小班", "托大班", NULL};

static const char *check_phone(const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return "只能包含数字";
    return NULL;
}

static void reg_spec(struct reg *r, struct jspec out[10])
{
    const struct jspec spec[] = {
        JS_STRING("name", &r->name, 2, 10),
        JS_INT("capacity", &r->capacity, 1, 500),
        JS_NUMBER("area", &r->area, 0, 100000),
        JS_BOOL("nonprofit", &r->nonprofit),
        JS_DATE("opened", &r->opened),
        JS_ENUM("kind", &r->kind, kinds),
        JS_ENUM_SET("ages", &r->ages, age_groups, 1, 3),
        {.name = "phone",
         .type = JT_STRING,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .dst = &r->phone,
         .min = 7,
         .max = 11,
         .check = check_phone,
         .present = &r->phone_present},
        JS_END,
    };
    memcpy(out, spec, sizeof spec);
}

static const char good_body[] =
    "{\"name\":\"阳光托育\",\"capacity\":80,\"area\":320.5,\"nonprofit\":true,"
    "\"opened\":\"2024-02-29\",\"kind\":\"半日托\",\"ages\":[\"托大班\",\"乳儿班\"],"
    "\"phone\":\"07198888888\"}";

static void test_jspec_fills_every_destination_from_a_valid_body(void **state)
{
    struct fixture *f = *state;
    struct reg r = {0};
    struct jspec spec[10];
    reg_spec(&r, spec);
    json_t *o = obj(good_body);

    assert_true(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 0);
    assert_string_equal(r.name, "阳光托育");
    assert_int_equal(r.capacity, 80);
    assert_true(r.area > 320.49 && r.area < 320.51);
    assert_true(r.nonprofit);
    assert_int_equal(r.opened, date_to_days(2024, 2, 29));
    assert_int_equal(r.kind, 1);
    assert_int_equal(r.ages, (1u << 0) | (1u << 2));
    assert_string_equal(r.phone, "07198888888");
    assert_true(r.phone_present);
    json_decref(o);
}

static void test_jspec_reports_all_five_bad_fields_with_their_paths(void **state)
{
    struct fixture *f = *state;
    struct reg r = {0};
    struct jspec spec[10];
    reg_spec(&r, spec);
    /* name too short, capacity a real, opened not a real date, kind unknown, an age group given twice. */
    json_t *o = obj("{\"name\":\"阳\",\"capacity\":1.5,\"area\":1,\"nonprofit\":false,"
                    "\"opened\":\"2023-02-29\",\"kind\":\"夜托\",\"ages\":[\"托小班\",\"托小班\"]}");

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 5);
    assert_message_contains(&f->fe, "name", "2 到 10 个字符");
    assert_message_contains(&f->fe, "capacity", "整数");
    assert_message_contains(&f->fe, "opened", "日期");
    assert_message_contains(&f->fe, "kind", "全日托、半日托、计时托");
    assert_message_contains(&f->fe, "ages[1]", "重复");
    json_decref(o);
}

static void test_jspec_leaves_destinations_of_bad_and_absent_fields_untouched(void **state)
{
    struct fixture *f = *state;
    struct reg r = {.name = "默认", .capacity = 7, .kind = 2, .phone = "preset"};
    struct jspec spec[10];
    reg_spec(&r, spec);
    json_t *o = obj("{\"name\":\"\",\"capacity\":9999,\"kind\":\"夜托\"}");

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_string_equal(r.name, "默认");
    assert_int_equal(r.capacity, 7);
    assert_int_equal(r.kind, 2);
    assert_string_equal(r.phone, "preset");
    assert_false(r.phone_present);
    json_decref(o);
}

static void test_jspec_reports_each_unknown_field(void **state)
{
    struct fixture *f = *state;
    struct reg r = {0};
    struct jspec spec[10];
    reg_spec(&r, spec);
    json_t *o = obj(good_body);
    json_object_set_new(o, "nmae", json_string("typo"));
    json_object_set_new(o, "is_admin", json_true());

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 2);
    assert_message_contains(&f->fe, "nmae", "未知字段");
    assert_message_contains(&f->fe, "is_admin", "未知字段");
    json_decref(o);
}

/* Nested specs: an array of classes, each an object validated by its own spec. */
struct klass {
    const char *name;
    int64_t capacity;
};

static void each_class(json_t *value, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct klass *classes = ctx;
    struct klass *c = &classes[index];
    const struct jspec spec[] = {
        JS_STRING("name", &c->name, 1, 20),
        JS_INT("capacity", &c->capacity, 1, 40),
        JS_END,
    };
    jspec_parse(value, spec, path, fe);
}

static void test_jspec_reports_errors_inside_array_elements_at_element_paths(void **state)
{
    struct fixture *f = *state;
    struct klass classes[4] = {{0}};
    const struct jspec spec[] = {
        JS_ARRAY("classes", each_class, classes, 1, 4),
        JS_END,
    };
    json_t *o = obj("{\"classes\":[{\"name\":\"小一班\",\"capacity\":20},"
                    "{\"name\":\"小二班\",\"capacity\":41},"
                    "{\"capacity\":\"10\",\"teacher\":\"王\"},"
                    "7]}");

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 5);
    assert_message_contains(&f->fe, "classes[1].capacity", "1 到 40");
    assert_message_contains(&f->fe, "classes[2].name", "必填");
    assert_message_contains(&f->fe, "classes[2].capacity", "整数");
    assert_message_contains(&f->fe, "classes[2].teacher", "未知字段");
    assert_message_contains(&f->fe, "classes[3]", "对象");
    assert_string_equal(classes[0].name, "小一班");
    assert_int_equal(classes[0].capacity, 20);
    json_decref(o);
}

static void test_jspec_array_outside_its_count_is_reported_and_elements_still_checked(void **state)
{
    struct fixture *f = *state;
    struct klass classes[8] = {{0}};
    const struct jspec spec[] = {
        JS_ARRAY("classes", each_class, classes, 2, 3),
        JS_END,
    };
    json_t *o = obj("{\"classes\":[{\"name\":\"小一班\",\"capacity\":0}]}");

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 2);
    assert_message_contains(&f->fe, "classes", "2 到 3");
    assert_error_at(&f->fe, "classes[0].capacity");
    json_decref(o);
}

static int object_calls;

static void each_address(json_t *value, const char *path, int index, struct field_errors *fe, void *ctx)
{
    (void)ctx;
    object_calls++;
    assert_int_equal(index, -1);
    const char *street = NULL;
    const struct jspec spec[] = {JS_STRING("street", &street, 1, 50), JS_END};
    jspec_parse(value, spec, path, fe);
}

static void test_jspec_object_field_is_handed_over_with_its_path(void **state)
{
    struct fixture *f = *state;
    const struct jspec spec[] = {JS_OBJECT("address", each_address, NULL), JS_END};
    json_t *o = obj("{\"address\":{\"street\":\"\",\"zip\":\"442000\"}}");

    object_calls = 0;
    assert_false(jspec_parse(o, spec, "classes[0]", &f->fe));
    assert_int_equal(object_calls, 1);
    assert_int_equal(f->fe.n, 2);
    assert_error_at(&f->fe, "classes[0].address.street");
    assert_message_contains(&f->fe, "classes[0].address.zip", "未知字段");
    json_decref(o);
}

static void test_jspec_object_field_rejects_arrays(void **state)
{
    struct fixture *f = *state;
    const struct jspec spec[] = {JS_OBJECT("address", each_address, NULL), JS_END};
    json_t *o = obj("{\"address\":[]}");

    object_calls = 0;
    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(object_calls, 0);
    assert_message_contains(&f->fe, "address", "对象");
    json_decref(o);
}

/* Table: one field "n" of type int in [-5, 100], or number in [-5, 100]. */
struct value_case {
    const char *json;
    bool ok;
};

static void run_value_cases(const struct jspec *spec, const struct value_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct arena a;
        struct field_errors fe;
        arena_init(&a, 0);
        fe_init(&fe, &a);
        char text[128];
        snprintf(text, sizeof text, "{\"n\":%s}", cases[i].json);
        json_t *o = obj(text);
        bool ok = jspec_parse(o, spec, "", &fe);
        if (ok != cases[i].ok) fail_msg("%s: expected %s", text, cases[i].ok ? "accepted" : "rejected");
        if (!ok) assert_error_at(&fe, "n");
        json_decref(o);
        arena_free(&a);
    }
}

static void test_jspec_int_accepts_only_json_integers_in_range(void **state)
{
    (void)state;
    int64_t n = 0;
    const struct jspec spec[] = {JS_INT("n", &n, -5, 100), JS_END};
    static const struct value_case cases[] = {
        {"0", true},     {"-5", true},     {"100", true},    {"-6", false},
        {"101", false},  {"1.5", false},   {"1.0", false},   {"1e2", false},
        {"true", false}, {"false", false}, {"\"1\"", false}, {"null", false},
        {"[1]", false},  {"{}", false},    {"-0", true},     {"9223372036854775807", false},
    };
    run_value_cases(spec, cases, sizeof cases / sizeof cases[0]);
}

static void test_jspec_number_accepts_integers_and_reals_in_range(void **state)
{
    (void)state;
    double n = 0;
    const struct jspec spec[] = {JS_NUMBER("n", &n, -5, 100), JS_END};
    static const struct value_case cases[] = {
        {"0", true},       {"1.5", true},   {"-5", true},    {"100", true},    {"100.0", true},
        {"100.01", false}, {"-5.5", false}, {"true", false}, {"\"1\"", false}, {"null", false},
    };
    run_value_cases(spec, cases, sizeof cases / sizeof cases[0]);
}

static void test_jspec_bool_accepts_only_true_and_false(void **state)
{
    (void)state;
    bool n = false;
    const struct jspec spec[] = {JS_BOOL("n", &n), JS_END};
    static const struct value_case cases[] = {
        {"true", true}, {"false", true}, {"1", false}, {"0", false}, {"\"true\"", false}, {"null", false},
    };
    run_value_cases(spec, cases, sizeof cases / sizeof cases[0]);
}

static void test_jspec_date_accepts_only_real_dates_in_strict_form(void **state)
{
    int64_t n = 0;
    const struct jspec spec[] = {JS_DATE("n", &n), JS_END};
    static const struct value_case cases[] = {
        {"\"2024-02-29\"", true},  {"\"2023-02-29\"", false}, {"\"2024-13-01\"", false},
        {"\"2024-1-01\"", false},  {"\"2024-01-1\"", false},  {"\"2024-04-31\"", false},
        {"\"2024/01/01\"", false}, {"\"20240101\"", false},   {"\"2024-01-01T00:00\"", false},
        {"\"\"", false},           {"20240101", false},       {"null", false},
    };
    run_value_cases(spec, cases, sizeof cases / sizeof cases[0]);

    struct fixture *f = *state;
    json_t *o = obj("{\"n\":\"2024-02-29\"}");
    assert_true(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(n, date_to_days(2024, 2, 29));
    json_decref(o);
}

static void test_jspec_string_length_counts_characters_not_bytes(void **state)
{
    (void)state;
    const char *n = NULL;
    const struct jspec spec[] = {JS_STRING("n", &n, 2, 5), JS_END};
    /* Each of these Chinese characters is 3 bytes in UTF-8: 5 characters are 15 bytes. */
    static const struct value_case cases[] = {
        {"\"十堰市托育\"", true}, {"\"十堰\"", true},    {"\"十\"", false}, {"\"十堰市托育所\"", false},
        {"\"ab\"", true},         {"\"abcdef\"", false}, {"\"😀😀\"", true}, /* 4-byte characters */
    };
    run_value_cases(spec, cases, sizeof cases / sizeof cases[0]);
}

static void test_jspec_string_rejects_embedded_nul(void **state)
{
    struct fixture *f = *state;
    const char *n = "untouched";
    const struct jspec spec[] = {JS_STRING("n", &n, 0, 100), JS_END};
    /* jansson's loader refuses \u0000, but a spec may be run on JSON built in code. */
    json_t *o = json_object();
    json_object_set_new(o, "n", json_stringn("ok\0<script>", 11));

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_message_contains(&f->fe, "n", "空字符");
    assert_string_equal(n, "untouched");
    json_decref(o);
}

static void test_jspec_string_check_message_is_reported(void **state)
{
    struct fixture *f = *state;
    struct reg r = {0};
    struct jspec spec[10];
    reg_spec(&r, spec);
    json_t *o = obj(good_body);
    json_object_set_new(o, "phone", json_string("0719-888888"));

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 1);
    assert_message_contains(&f->fe, "phone", "只能包含数字");
    json_decref(o);
}

static void test_jspec_nullable_null_counts_as_absent(void **state)
{
    struct fixture *f = *state;
    struct reg r = {.phone = "default", .phone_present = true};
    struct jspec spec[10];
    reg_spec(&r, spec);
    json_t *o = obj(good_body);
    json_object_set_new(o, "phone", json_null());

    assert_true(jspec_parse(o, spec, "", &f->fe));
    assert_false(r.phone_present);
    assert_string_equal(r.phone, "default");
    json_decref(o);
}

static void test_jspec_null_is_a_type_error_unless_nullable(void **state)
{
    struct fixture *f = *state;
    const char *a = NULL, *b = NULL;
    const struct jspec spec[] = {
        {.name = "a", .type = JT_STRING, .flags = JS_OPTIONAL, .dst = &a, .max = 10},
        {.name = "b", .type = JT_STRING, .flags = JS_NULLABLE, .dst = &b, .max = 10},
        JS_END,
    };
    json_t *o = obj("{\"a\":null,\"b\":null}");

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 2);
    assert_message_contains(&f->fe, "a", "字符串");
    /* Nullable but required: null is absence, and absence of a required field is 必填. */
    assert_message_contains(&f->fe, "b", "必填");
    json_decref(o);
}

static void test_jspec_present_tells_given_from_absent(void **state)
{
    struct fixture *f = *state;
    int64_t x = 0, y = 0;
    bool x_given = false, y_given = true;
    const struct jspec spec[] = {
        {.name = "x", .type = JT_INT, .flags = JS_OPTIONAL, .dst = &x, .max = 9, .present = &x_given},
        {.name = "y", .type = JT_INT, .flags = JS_OPTIONAL, .dst = &y, .max = 9, .present = &y_given},
        JS_END,
    };
    json_t *o = obj("{\"x\":3}");

    assert_true(jspec_parse(o, spec, "", &f->fe));
    assert_true(x_given);
    assert_false(y_given);
    assert_int_equal(x, 3);
    json_decref(o);
}

static void test_jspec_enum_gives_index_and_lists_allowed_values(void **state)
{
    struct fixture *f = *state;
    int k = -1;
    const struct jspec spec[] = {JS_ENUM("kind", &k, kinds), JS_END};
    json_t *good = obj("{\"kind\":\"计时托\"}");
    json_t *bad = obj("{\"kind\":\"全日托 \"}");

    assert_true(jspec_parse(good, spec, "", &f->fe));
    assert_int_equal(k, 2);
    assert_false(jspec_parse(bad, spec, "", &f->fe));
    assert_message_contains(&f->fe, "kind", "全日托、半日托、计时托");
    assert_int_equal(k, 2);
    json_decref(good);
    json_decref(bad);
}

static void test_jspec_enum_set_rejects_duplicates_and_unknowns_per_element(void **state)
{
    struct fixture *f = *state;
    unsigned set = 99;
    const struct jspec spec[] = {JS_ENUM_SET("ages", &set, age_groups, 1, 3), JS_END};
    json_t *o = obj("{\"ages\":[\"托小班\",\"托大班\",\"托小班\",\"幼儿班\",3]}");

    assert_false(jspec_parse(o, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 4);
    assert_message_contains(&f->fe, "ages", "1 到 3");
    assert_message_contains(&f->fe, "ages[2]", "重复");
    assert_message_contains(&f->fe, "ages[3]", "乳儿班、托小班、托大班");
    assert_error_at(&f->fe, "ages[4]");
    assert_null(error_at(&f->fe, "ages[0]"));
    assert_int_equal(set, 99);
    json_decref(o);
}

static void test_jspec_enum_set_enforces_its_count_and_rejects_non_arrays(void **state)
{
    struct fixture *f = *state;
    unsigned set = 0;
    const struct jspec spec[] = {JS_ENUM_SET("ages", &set, age_groups, 1, 3), JS_END};
    json_t *empty = obj("{\"ages\":[]}");
    json_t *string = obj("{\"ages\":\"托小班\"}");
    json_t *good = obj("{\"ages\":[\"托小班\"]}");

    assert_false(jspec_parse(empty, spec, "", &f->fe));
    assert_false(jspec_parse(string, spec, "", &f->fe));
    assert_int_equal(f->fe.n, 2);
    assert_message_contains(&f->fe, "ages", "项");
    assert_string_equal(f->fe.items[1].message, "应为数组");
    assert_true(jspec_parse(good, spec, "", &f->fe));
    assert_int_equal(set, 1u << 1);
    json_decref(empty);
    json_decref(string);
    json_decref(good);
}

static void test_jspec_parse_reports_a_non_object_at_its_prefix(void **state)
{
    struct fixture *f = *state;
    const struct jspec spec[] = {JS_END};
    json_t *a = json_array();

    assert_false(jspec_parse(a, spec, "classes[3]", &f->fe));
    assert_message_contains(&f->fe, "classes[3]", "对象");
    json_decref(a);
}

static void test_jspec_load_accepts_an_object(void **state)
{
    struct fixture *f = *state;
    const char *err = "unset";
    static const char body[] = "{\"name\":\"十堰\"} trailing-not-read";
    json_t *o = jspec_load(body, strlen("{\"name\":\"十堰\"}"), &f->a, &err);

    assert_non_null(o);
    assert_null(err);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "十堰");
    json_decref(o);
}

static void test_jspec_load_rejects_duplicate_keys(void **state)
{
    struct fixture *f = *state;
    const char *err = NULL;
    static const char body[] = "{\"role\":\"operator\",\n\"role\":\"admin\"}";

    assert_null(jspec_load(body, sizeof body - 1, &f->a, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "重复"));
    assert_non_null(strstr(err, "第 2 行"));
}

static void test_jspec_load_rejects_duplicate_keys_in_nested_objects(void **state)
{
    struct fixture *f = *state;
    const char *err = NULL;
    static const char body[] = "{\"classes\":[{\"a\":1,\"a\":2}]}";

    assert_null(jspec_load(body, sizeof body - 1, &f->a, &err));
    assert_non_null(strstr(err, "重复"));
}

static void test_jspec_load_rejects_every_non_object_top_level(void **state)
{
    struct fixture *f = *state;
    static const char *const bodies[] = {"[]", "[{\"a\":1}]", "\"x\"", "1", "1.5", "true", "null"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        const char *err = NULL;
        if (jspec_load(bodies[i], strlen(bodies[i]), &f->a, &err)) fail_msg("accepted %s", bodies[i]);
        assert_string_equal(err, "请求体必须是 JSON 对象");
    }
}

static void test_jspec_load_rejects_an_empty_body(void **state)
{
    struct fixture *f = *state;
    const char *err = NULL;

    assert_null(jspec_load("", 0, &f->a, &err));
    assert_non_null(err);
    err = NULL;
    assert_null(jspec_load(NULL, 0, &f->a, &err));
    assert_non_null(err);
    err = NULL;
    assert_null(jspec_load("  \n", 3, &f->a, &err));
    assert_non_null(err);
}

static void test_jspec_load_gives_line_and_column_of_a_syntax_error(void **state)
{
    struct fixture *f = *state;
    const char *err = NULL;
    static const char body[] = "{\n  \"a\": 1,\n  \"b\": ,\n}";

    assert_null(jspec_load(body, sizeof body - 1, &f->a, &err));
    assert_non_null(strstr(err, "第 3 行"));
    assert_non_null(strstr(err, "列"));
}

static void test_jspec_load_rejects_bad_bytes_and_nul(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *body;
        size_t len;
    } cases[] = {
        {"{\"a\":\"\xff\"}", 10},             /* invalid UTF-8 */
        {"{\"a\":\"\xc0\xaf\"}", 11},         /* overlong '/' */
        {"{\"a\":\"x\\u0000y\"}", 16},        /* escaped NUL */
        {"{\"a\":\"x\0y\"}", 11},             /* raw NUL */
        {"{\"a\":1}{\"b\":2}", 14},           /* trailing value */
        {"{\"a\":99999999999999999999}", 26}, /* integer overflow */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *err = NULL;
        json_t *o = jspec_load(cases[i].body, cases[i].len, &f->a, &err);
        if (o) fail_msg("case %zu accepted", i);
        assert_non_null(err);
    }
}

static void test_jspec_load_without_arena_still_gives_a_reason(void **state)
{
    (void)state;
    const char *err = NULL;

    assert_null(jspec_load("{\"a\":1,\"a\":1}", 13, NULL, &err));
    assert_non_null(strstr(err, "重复"));
}

static void test_fe_add_copies_strings_and_grows(void **state)
{
    struct fixture *f = *state;
    char field[32], message[32];
    for (int i = 0; i < 100; i++) {
        snprintf(field, sizeof field, "f%d", i);
        snprintf(message, sizeof message, "m%d", i);
        fe_add(&f->fe, field, message);
    }
    fe_addf(&f->fe, "last", "值 %d", 42);

    assert_int_equal(f->fe.n, 101);
    assert_string_equal(f->fe.items[0].field, "f0");
    assert_string_equal(f->fe.items[57].message, "m57");
    assert_string_equal(f->fe.items[99].field, "f99");
    assert_string_equal(f->fe.items[100].message, "值 42");
}

static void test_utf8_chars_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars(NULL), 0);
    assert_int_equal(utf8_chars("abc"), 3);
    assert_int_equal(utf8_chars("十堰市托育"), 5);
    assert_int_equal(strlen("十堰市托育"), 15);
    assert_int_equal(utf8_chars("é"), 1);
    assert_int_equal(utf8_chars("a😀b"), 3);
}

static void test_text_blank_sees_ascii_and_ideographic_spaces(void **state)
{
    (void)state;
    assert_true(text_blank(NULL));
    assert_true(text_blank(""));
    assert_true(text_blank(" \t\r\n\u3000\u3000"));
    assert_false(text_blank(" 已整改 "));
    assert_false(text_blank("\u3000x"));
}

static void test_check_text_reports_missing_and_too_long_only(void **state)
{
    struct fixture *f = *state;
    struct field_errors fe;
    fe_init(&fe, &f->a);
    fe_check_text(&fe, "note", "\u3000 ", true, "请填写说明", 5);
    fe_check_text(&fe, "reason", NULL, false, NULL, 5);
    fe_check_text(&fe, "title", "一二三四五六", true, "请填写标题", 5);
    fe_check_text(&fe, "ok", "一二三四五", true, "请填写", 5);
    assert_int_equal(fe.n, 2);
    assert_string_equal(fe.items[0].field, "note");
    assert_string_equal(fe.items[0].message, "请填写说明");
    assert_string_equal(fe.items[1].field, "title");
    assert_string_equal(fe.items[1].message, "不能超过 5 字");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_jspec_fills_every_destination_from_a_valid_body),
        T(test_text_blank_sees_ascii_and_ideographic_spaces),
        T(test_check_text_reports_missing_and_too_long_only),
        T(test_jspec_reports_all_five_bad_fields_with_their_paths),
        T(test_jspec_leaves_destinations_of_bad_and_absent_fields_untouched),
        T(test_jspec_reports_each_unknown_field),
        T(test_jspec_reports_errors_inside_array_elements_at_element_paths),
        T(test_jspec_array_outside_its_count_is_reported_and_elements_still_checked),
        T(test_jspec_object_field_is_handed_over_with_its_path),
        T(test_jspec_object_field_rejects_arrays),
        T(test_jspec_int_accepts_only_json_integers_in_range),
        T(test_jspec_number_accepts_integers_and_reals_in_range),
        T(test_jspec_bool_accepts_only_true_and_false),
        T(test_jspec_date_accepts_only_real_dates_in_strict_form),
        T(test_jspec_string_length_counts_characters_not_bytes),
        T(test_jspec_string_rejects_embedded_nul),
        T(test_jspec_string_check_message_is_reported),
        T(test_jspec_nullable_null_counts_as_absent),
        T(test_jspec_null_is_a_type_error_unless_nullable),
        T(test_jspec_present_tells_given_from_absent),
        T(test_jspec_enum_gives_index_and_lists_allowed_values),
        T(test_jspec_enum_set_rejects_duplicates_and_unknowns_per_element),
        T(test_jspec_enum_set_enforces_its_count_and_rejects_non_arrays),
        T(test_jspec_parse_reports_a_non_object_at_its_prefix),
        T(test_jspec_load_accepts_an_object),
        T(test_jspec_load_rejects_duplicate_keys),
        T(test_jspec_load_rejects_duplicate_keys_in_nested_objects),
        T(test_jspec_load_rejects_every_non_object_top_level),
        T(test_jspec_load_rejects_an_empty_body),
        T(test_jspec_load_gives_line_and_column_of_a_syntax_error),
        T(test_jspec_load_rejects_bad_bytes_and_nul),
        T(test_jspec_load_without_arena_still_gives_a_reason),
        T(test_fe_add_copies_strings_and_grows),
        T(test_utf8_chars_counts_code_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
