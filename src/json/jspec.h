/* One declarative validator for JSON request bodies. A handler declares a spec array naming each field, its
 * type, bounds and destination; jspec_parse fills the destinations and reports *every* bad field (unknown
 * fields included) into a field_errors list, so clients get all their mistakes in one 422. */
#ifndef TUOYU_JSPEC_H
#define TUOYU_JSPEC_H
#include "core/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct field_error {
    const char *field;   /* path such as "classes[1].capacity" */
    const char *message; /* Chinese, for people */
};

/* A growing list of field errors allocated from an arena. */
struct field_errors {
    struct arena *a;
    struct field_error *items;
    int n, cap;
};

void fe_init(struct field_errors *fe, struct arena *a);
/* Append an error; field and message are copied into the arena. */
void fe_add(struct field_errors *fe, const char *field, const char *message);
void fe_addf(struct field_errors *fe, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum jtype {
    JT_STRING,   /* dst: const char ** (points into the json value; lives as long as it does) */
    JT_INT,      /* dst: int64_t *; min..max */
    JT_NUMBER,   /* dst: double *; min..max (integers accepted) */
    JT_BOOL,     /* dst: bool * */
    JT_DATE,     /* dst: int64_t * days since epoch; "YYYY-MM-DD" that names a real date */
    JT_ENUM,     /* dst: int * index into values */
    JT_ENUM_SET, /* dst: unsigned * bit mask of indexes into values; an array of distinct strings, min..max
                    items */
    JT_ARRAY,    /* each element handed to each(); min..max items */
    JT_OBJECT,   /* handed to each() with index -1 */
};

#define JS_OPTIONAL 1u /* may be absent */
#define JS_NULLABLE 2u /* may be null (treated as absent) */

struct jspec;
/* Validate one element (of an array, or an object field) at path; append errors to fe. */
typedef void (*jspec_each_fn)(json_t *value, const char *path, int index, struct field_errors *fe, void *ctx);

struct jspec {
    const char *name;
    enum jtype type;
    unsigned flags;
    void *dst;
    int64_t min, max;          /* ints: value range; strings: length in characters; arrays: item count */
    const char *const *values; /* JT_ENUM, JT_ENUM_SET: NULL-terminated */
    const char *(*check)(const char *s); /* JT_STRING: returns an error message or NULL */
    jspec_each_fn each;
    void *ctx;
    bool *present; /* set to whether the field was given (non-null) */
};

#define JS_STRING(n, d, lo, hi)                                                                              \
    {                                                                                                        \
        .name = (n), .type = JT_STRING, .dst = (d), .min = (lo), .max = (hi)                                 \
    }
#define JS_INT(n, d, lo, hi)                                                                                 \
    {                                                                                                        \
        .name = (n), .type = JT_INT, .dst = (d), .min = (lo), .max = (hi)                                    \
    }
#define JS_NUMBER(n, d, lo, hi)                                                                              \
    {                                                                                                        \
        .name = (n), .type = JT_NUMBER, .dst = (d), .min = (lo), .max = (hi)                                 \
    }
#define JS_BOOL(n, d)                                                                                        \
    {                                                                                                        \
        .name = (n), .type = JT_BOOL, .dst = (d)                                                             \
    }
#define JS_DATE(n, d)                                                                                        \
    {                                                                                                        \
        .name = (n), .type = JT_DATE, .dst = (d)                                                             \
    }
#define JS_ENUM(n, d, vals)                                                                                  \
    {                                                                                                        \
        .name = (n), .type = JT_ENUM, .dst = (d), .values = (vals)                                           \
    }
#define JS_ENUM_SET(n, d, vals, lo, hi)                                                                      \
    {                                                                                                        \
        .name = (n), .type = JT_ENUM_SET, .dst = (d), .values = (vals), .min = (lo), .max = (hi)             \
    }
#define JS_ARRAY(n, fn, c, lo, hi)                                                                           \
    {                                                                                                        \
        .name = (n), .type = JT_ARRAY, .each = (fn), .ctx = (c), .min = (lo), .max = (hi)                    \
    }
#define JS_OBJECT(n, fn, c)                                                                                  \
    {                                                                                                        \
        .name = (n), .type = JT_OBJECT, .each = (fn), .ctx = (c)                                             \
    }
#define JS_END                                                                                               \
    {                                                                                                        \
        .name = NULL                                                                                         \
    }

/* Validate obj against spec (terminated by JS_END). prefix ("" at top level, "classes[0]" inside) is put in
 * front of field names in errors. Unknown fields are errors. Returns true when no error was added. Fields
 * not given keep their destinations untouched, so set defaults before the call. */
bool jspec_parse(json_t *obj, const struct jspec *spec, const char *prefix, struct field_errors *fe);

/* Parse a request body: strict UTF-8, JSON_REJECT_DUPLICATES, an object at the top. NULL on failure with a
 * reason in err_out (static or arena string). Caller json_decref()s the result. */
json_t *jspec_load(const char *body, size_t len, struct arena *a, const char **err_out);

/* Writing: the compact, key-sorted JSON text of j copied into the arena (for audit entries and history); j is
 * released. NULL for a NULL j or when it cannot be written. */
char *json_text(struct arena *a, json_t *j);
/* A calendar day (days since 1970-01-01) as the JSON string "YYYY-MM-DD". New reference. */
json_t *json_day(int64_t day);
/* The same when present, else JSON null (for a nullable day column: json_day_opt(!db_isnull(r, c), db_int(r,
 * c))). */
json_t *json_day_opt(bool present, int64_t day);
/* A page of a list: {items, total, per_page, page}; takes the reference to items. New reference. */
json_t *json_list_page(json_t *items, int64_t total, int per_page, int page);

/* The number of Unicode characters in a UTF-8 string (jansson has already validated it). */
size_t utf8_chars(const char *s);

/* Whether s is NULL or holds only blanks: ASCII spaces, tabs, line breaks and the ideographic space U+3000.
 * A text of only blanks says nothing, so required texts treat it as missing. Pure. */
bool text_blank(const char *s);
/* Whether fe already names field (the validator reported it, so later checks of the same field keep quiet).
 */
bool fe_has(const struct field_errors *fe, const char *field);
/* A free text field: blank and required → `missing` on field; longer than max characters → "不能超过 max 字".
 */
void fe_check_text(struct field_errors *fe, const char *field, const char *s, bool required,
                   const char *missing, int max);

#endif
