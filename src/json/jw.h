/* A streaming JSON writer: values are appended to a struct buf as they come, with commas and escaping done
 * here, so a list answer is written without building a jansson tree per row. The caller states the structure
 * (begin/end, key then value); the writer does not check it beyond a depth limit (an assert: misuse is our
 * bug, not the client's). Output is compact and reads back the same through jansson's json_loads. */
#ifndef TUOYU_JW_H
#define TUOYU_JW_H
#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct jw {
    struct buf *b;
    int depth;
    bool first[JW_MAX_DEPTH + 1]; /* no value yet at this level: the next one needs no comma */
    bool after_key;               /* a key was written: the next value follows it without a comma */
};

/* Start writing into b (appended to what b holds). Nothing allocated beyond b's own growth. */
void jw_init(struct jw *w, struct buf *b);

void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
/* A member name inside an object; the next call writes its value. */
void jw_key(struct jw *w, const char *key);

/* A string value, escaped: quote, backslash and control characters; bytes that are not valid UTF-8 become
 * U+FFFD so the output is always valid JSON text. NULL writes null. */
void jw_str(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
/* A number written as jansson writes a real with JSON_REAL_PRECISION(10) ("2200.0", "32.6361"); a value that
 * is not finite writes null, as JSON has no NaN. */
void jw_real(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

/* Key and value in one call. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kreal(struct jw *w, const char *key, double v);
void jw_kbool(struct jw *w, const char *key, bool v);
void jw_knull(struct jw *w, const char *key);

#endif
