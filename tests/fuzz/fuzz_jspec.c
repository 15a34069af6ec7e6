/* libFuzzer harness for the declarative JSON validator (src/json/jspec.c). The input is a request body:
 * jspec_load (strict UTF-8, duplicate keys refused, an object at the top) and then jspec_parse with a spec
 * shaped like the real ones — every JT_ type (string with a check callback, int, number, bool, date, enum,
 * enum set, array, object), optional and nullable flags, presence flags, and nesting: an array of class
 * objects that hold an object and an array of strings, as in the handlers' each() callbacks.
 * Checks: a refused body gives a reason and no value; jspec_parse returns true exactly when it added no
 * error; every error has a non-empty path and message; a valid field's destination obeys its spec (integer
 * and length bounds, a real "YYYY-MM-DD" day, enum index in range, enum-set bits only for known values); a
 * clean parse is repeatable; json_text writes every accepted body. Run with scripts/fuzz.sh (seeds in
 * tests/fuzz/corpus/jspec, dictionary tests/fuzz/jspec.dict). */
#include "json/jspec.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"full_day", "half_day", "hourly", "temporary", NULL};
static const char *const ages[] = {"infant", "toddler", "preschool", NULL};

/* A check callback as handlers write them: digits only (a phone number). */
static const char *check_phone(const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return "只能是数字";
    return NULL;
}

/* Reject a string holding an ASCII control character. */
static const char *check_plain(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20) return "含有控制字符";
    return NULL;
}

struct counts {
    int items;
};

/* The "tags" array's elements: non-empty strings. */
static void each_tag(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct counts *c = ctx;
    c->items++;
    if (index < 0) abort();
    if (!json_is_string(v) || json_string_length(v) == 0) fe_add(fe, path, "应为非空字符串");
}

/* The nested "teacher" object of a class. */
static void each_teacher(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    (void)ctx;
    if (index != -1) abort();
    const char *name = NULL, *phone = NULL;
    bool certified = false;
    struct jspec spec[] = {
        JS_STRING("name", &name, 1, 20),
        {.name = "phone",
         .type = JT_STRING,
         .dst = &phone,
         .min = 11,
         .max = 11,
         .check = check_phone,
         .flags = JS_OPTIONAL | JS_NULLABLE},
        {.name = "certified", .type = JT_BOOL, .dst = &certified, .flags = JS_OPTIONAL},
        JS_END,
    };
    int before = fe->n;
    bool ok = jspec_parse(v, spec, path, fe);
    if (ok != (fe->n == before)) abort();
    if (ok && (!name || utf8_chars(name) < 1 || utf8_chars(name) > 20)) abort();
    if (ok && phone && (strlen(phone) != 11 || check_phone(phone))) abort();
}

/* One element of "classes". */
static void each_class(json_t *v, const char *path, int index, struct field_errors *fe, void *ctx)
{
    struct counts *c = ctx;
    c->items++;
    if (index < 0) abort();
    const char *name = NULL;
    int64_t capacity = -1;
    int age = -1;
    struct counts tags = {0};
    struct jspec spec[] = {
        {.name = "name", .type = JT_STRING, .dst = &name, .min = 1, .max = 30, .check = check_plain},
        JS_INT("capacity", &capacity, 1, 40),
        JS_ENUM("age_group", &age, ages),
        {.name = "teacher", .type = JT_OBJECT, .each = each_teacher, .flags = JS_OPTIONAL},
        {.name = "tags",
         .type = JT_ARRAY,
         .each = each_tag,
         .ctx = &tags,
         .min = 0,
         .max = 5,
         .flags = JS_OPTIONAL},
        JS_END,
    };
    int before = fe->n;
    bool ok = jspec_parse(v, spec, path, fe);
    if (ok != (fe->n == before)) abort();
    if (ok && (capacity < 1 || capacity > 40 || age < 0 || age > 2 || !name || check_plain(name))) abort();
}

/* Check the invariants of one parse of obj; returns whether it was clean. */
static bool run(json_t *obj, struct arena *a)
{
    const char *name = NULL, *phone = NULL;
    int64_t places = -1, opened = -1, fee = 0;
    double ratio = -1;
    bool inclusive = false, have_phone = false, have_fee = false;
    int kind = -1;
    unsigned agemask = 0;
    struct counts classes = {0};
    struct jspec spec[] = {
        JS_STRING("name", &name, 2, 50),
        {.name = "phone",
         .type = JT_STRING,
         .dst = &phone,
         .min = 7,
         .max = 20,
         .check = check_phone,
         .flags = JS_OPTIONAL | JS_NULLABLE,
         .present = &have_phone},
        JS_INT("places", &places, 0, 10000),
        {.name = "fee",
         .type = JT_INT,
         .dst = &fee,
         .min = INT64_MIN,
         .max = INT64_MAX,
         .flags = JS_OPTIONAL,
         .present = &have_fee},
        JS_NUMBER("ratio", &ratio, 0, 1),
        JS_BOOL("inclusive", &inclusive),
        JS_DATE("opened_on", &opened),
        JS_ENUM("kind", &kind, kinds),
        JS_ENUM_SET("age_groups", &agemask, ages, 1, 3),
        JS_ARRAY("classes", each_class, &classes, 0, 8),
        JS_END,
    };
    struct field_errors fe;
    fe_init(&fe, a);
    bool ok = jspec_parse(obj, spec, "", &fe);
    if (ok != (fe.n == 0)) abort();
    for (int i = 0; i < fe.n; i++)
        if (!fe.items[i].field || !fe.items[i].message || !*fe.items[i].message) abort();
    if (classes.items != (int)json_array_size(json_object_get(obj, "classes")) &&
        json_is_array(json_object_get(obj, "classes")))
        abort(); /* every element is visited, even when the count is out of range */
    if (!ok) return false;
    size_t nn = utf8_chars(name);
    if (!name || nn < 2 || nn > 50) abort();
    if (have_phone != (phone != NULL)) abort();
    if (phone && check_phone(phone)) abort();
    if (places < 0 || places > 10000) abort();
    if (!(ratio >= 0 && ratio <= 1)) abort();
    if (kind < 0 || kind > 3) abort();
    if (agemask == 0 || agemask > 7) abort();
    /* A real day: json_day writes it back as the same "YYYY-MM-DD". */
    json_t *day = json_day(opened);
    if (!json_is_string(day) ||
        strcmp(json_string_value(day), json_string_value(json_object_get(obj, "opened_on"))))
        abort();
    json_decref(day);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1); /* exact size, no NUL: ASan sees any read past the end */
    if (!body) return 0;
    memcpy(body, data, size);
    struct arena a;
    arena_init(&a, 0);
    const char *why = NULL;
    json_t *obj = jspec_load(body, size, &a, &why);
    if (!obj) {
        if (!why || !*why) abort();
    } else {
        if (!json_is_object(obj)) abort();
        bool ok = run(obj, &a);
        if (run(obj, &a) != ok) abort(); /* repeatable */
        if (!json_text(&a, json_incref(obj))) abort();
        /* The same object under a prefix, as a nested spec sees it. */
        struct field_errors fe;
        fe_init(&fe, &a);
        struct jspec none[] = {JS_END};
        if (jspec_parse(obj, none, "outer[3]", &fe) != (json_object_size(obj) == 0)) abort();
        for (int i = 0; i < fe.n; i++)
            if (strncmp(fe.items[i].field, "outer[3].", 9) != 0) abort();
        json_decref(obj);
    }
    arena_free(&a);
    free(body);
    return 0;
}
